// A text box that offers names after `@`: the composer's, a board's post and comment, and their
// edits. Typing `@` and a few letters opens, above the box (or below it, `place`), the people who
// may be mentioned in the room (finder.ts asks the server), and `@everyone`/`@here` when the
// server offers them (hosts). ↑ and ↓ move in the list, Enter or Tab picks, Escape closes it; a tap
// picks too. The box then shows `@Name`, and the picks say which id it stands for (draft.ts turns
// it into `<@id>` at send). The focus stays in the box throughout: the list is its
// aria-activedescendant, and a polite status says how many names are offered.
import type { Ref, TargetedClipboardEvent, TargetedKeyboardEvent } from 'preact';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { problem_text, t, tn, type Problem } from '../i18n';
import { hue, initials } from '../ui/shell';
import { insert_mention, mention_query, type Picks } from './draft';
import { MentionFinder } from './finder';
import '../notifications/notifications.css';

type Option = { label: string; id?: number; hint?: string };

interface Props {
  channel_id: number;
  value: string;
  picks: Picks;
  /** A key typed or a name picked: the new text, and the picks with the one just made. */
  on_change: (text: string, picks: Picks) => void;
  box?: Ref<HTMLTextAreaElement>;
  place?: 'above' | 'below';
  id?: string;
  rows?: number;
  placeholder?: string;
  maxLength?: number;
  enterkeyhint?: string;
  autoFocus?: boolean;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  onKeyDown?: (e: TargetedKeyboardEvent<HTMLTextAreaElement>) => void;
  onPaste?: (e: TargetedClipboardEvent<HTMLTextAreaElement>) => void;
}

/** The list's options for an answer: the members, then @everyone and @here when offered. */
function options_of(answer: api.Mentionable | null): Option[] {
  if (!answer) return [];
  const out: Option[] = answer.members.map((m) => ({ label: m.display_name, id: m.id }));
  if (answer.everyone) out.push({ label: 'everyone', hint: t('mention_everyone') });
  if (answer.here) out.push({ label: 'here', hint: t('mention_here') });
  return out;
}

export function MentionField(p: Props) {
  const own = useRef<HTMLTextAreaElement>(null);
  const [, redraw] = useState(0);
  const [query, set_query] = useState<{ start: number; q: string } | null>(null);
  const [active, set_active] = useState(0);
  const caret_after = useRef<number | null>(null);
  const live = useRef(true);
  const channel = useRef(p.channel_id);
  channel.current = p.channel_id;
  const list_id = useId();
  const finder = useMemo(() => new MentionFinder((q, signal) => api.mentionable(channel.current, q, signal), () => live.current && redraw((n) => n + 1)), []);
  useEffect(() => () => {
    live.current = false;
    finder.stop();
  }, []);
  useEffect(() => set_active(0), [finder.answer]);
  // After a pick, the caret goes after the name once the box shows the new text.
  useLayoutEffect(() => {
    const el = own.current;
    const at = caret_after.current;
    if (!el || at === null || el.value.length < at) return;
    caret_after.current = null;
    el.setSelectionRange(at, at);
  });

  const look = (el: HTMLTextAreaElement) => {
    const found = el.selectionStart === el.selectionEnd ? mention_query(el.value, el.selectionStart) : null;
    set_query(found);
    finder.ask(found?.q ?? null);
  };
  const close = () => {
    set_query(null);
    finder.ask(null);
  };
  const options = query && finder.shown_q !== null ? options_of(finder.answer) : [];
  const open = !!query && finder.shown_q !== null;
  const pick = (o: Option) => {
    const el = own.current;
    if (!el || !query) return;
    const { text, caret } = insert_mention(p.value, query.start, el.selectionStart, o.label);
    caret_after.current = caret;
    p.on_change(text, o.id === undefined ? p.picks : { ...p.picks, [o.label]: o.id });
    close();
  };
  const on_key = (e: TargetedKeyboardEvent<HTMLTextAreaElement>) => {
    if (open && !e.isComposing) {
      if (e.key === 'Escape') {
        // The list goes, not the sheet or the edit around the box.
        e.preventDefault();
        e.stopPropagation();
        return close();
      }
      if (options.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        return set_active((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
      }
      if (options.length && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        return pick(options[Math.min(active, options.length - 1)]);
      }
    }
    p.onKeyDown?.(e);
  };
  const set_ref = (el: HTMLTextAreaElement | null) => {
    own.current = el;
    if (typeof p.box === 'function') p.box(el);
    else if (p.box) p.box.current = el;
  };
  const option_id = (i: number) => `${list_id}-${i}`;
  const status = !open ? '' : options.length ? tn('mention_count', options.length) : t('mention_none', { q: query!.q });

  return (
    <div class={`mention-field mention-field--${p.place ?? 'above'}`}>
      <textarea
        ref={set_ref}
        id={p.id}
        rows={p.rows}
        value={p.value}
        placeholder={p.placeholder}
        maxLength={p.maxLength}
        enterkeyhint={p.enterkeyhint as 'enter'}
        autoFocus={p.autoFocus}
        aria-describedby={p['aria-describedby']}
        aria-invalid={p['aria-invalid']}
        aria-autocomplete="list"
        aria-controls={open ? list_id : undefined}
        aria-activedescendant={open && options.length ? option_id(Math.min(active, options.length - 1)) : undefined}
        onInput={(e) => {
          const el = e.currentTarget;
          p.on_change(el.value, p.picks);
          look(el);
        }}
        onKeyDown={on_key}
        onKeyUp={(e) => {
          if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) look(e.currentTarget);
        }}
        onClick={(e) => look(e.currentTarget)}
        onBlur={close}
        onPaste={p.onPaste}
      />
      {open && (
        <ul class="mention-list" id={list_id} role="listbox" aria-label={t('mention_suggestions')} data-testid="mention-list">
          {options.length === 0 && <li class="mention-list__none" role="presentation">{status}</li>}
          {options.map((o, i) => (
            <li
              key={o.id ?? o.label}
              id={option_id(i)}
              role="option"
              aria-selected={i === active}
              class={'mention-option' + (i === active ? ' mention-option--active' : '')}
              // Keeps the focus (and the phone's keyboard) in the box.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(o)}
            >
              {o.id !== undefined ? (
                <span class="avatar avatar--small" style={{ '--h': hue(o.id) } as any} aria-hidden="true">{initials(o.label)}</span>
              ) : (
                <span class="mention-option__at" aria-hidden="true">@</span>
              )}
              <span class="mention-option__name">{o.id !== undefined ? o.label : `@${o.label}`}</span>
              {o.hint && <span class="mention-option__hint">{o.hint}</span>}
            </li>
          ))}
        </ul>
      )}
      <p class="visually-hidden" role="status">{status}</p>
    </div>
  );
}

/** The same box as a form's field (ui/form.tsx's Field): its label, hint and error under it. */
export function LabelledMentionField(p: Omit<Props, 'id' | 'aria-describedby' | 'aria-invalid'> & { label: string; hint?: string; error?: Problem }) {
  const id = useId();
  const { label, hint, error, ...box } = p;
  const described = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={'field' + (error ? ' field--error' : '')}>
      <label for={id}>{label}</label>
      <MentionField {...box} id={id} aria-describedby={described} aria-invalid={error ? true : undefined} />
      {hint && <p class="field__hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field__error" id={`${id}-err`}>{problem_text(error)}</p>}
    </div>
  );
}
