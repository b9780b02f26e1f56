// One message: who, when, the server-rendered Markdown, reactions, thread link, own actions.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Message as Msg, Member } from '../api';
import { error_text, format_clock, format_time, t } from '../i18n';
import { session } from '../state';
import { hue, initials } from '../ui/shell';
import { ask_confirm } from '../ui/confirm';
import { QUICK_EMOJI, replace } from './state';

interface Props {
  m: Msg;
  compact: boolean;
  tz?: string;
  members?: Member[];
  can_moderate: boolean;
  in_thread?: boolean;
  /** In the channel, where day separators say the day: show the time only. */
  clock_only?: boolean;
  on_thread?: (id: number) => void;
  on_error: (text: string) => void;
}

export function Message({ m, compact, tz, members, can_moderate, in_thread, clock_only, on_thread, on_error }: Props) {
  const when = clock_only ? format_clock(m.created_at, tz) : format_time(m.created_at, tz);
  const mine = m.author.id === session.me?.id;
  const [editing, set_editing] = useState(false);
  const [draft, set_draft] = useState(m.body);
  const [picker, set_picker] = useState(false);
  const first_emoji = useRef<HTMLButtonElement>(null);
  // Opening the picker moves the focus into it, so the keyboard can pick right away.
  useEffect(() => {
    if (picker) first_emoji.current?.focus();
  }, [picker]);

  const toggle = async (emoji: string) => {
    set_picker(false);
    const has = m.reactions.find((r) => r.emoji === emoji)?.account_ids.includes(session.me!.id);
    try {
      const { message } = has ? await api.remove_reaction(m.id, emoji) : await api.add_reaction(m.id, emoji);
      replace(message);
    } catch (e) {
      on_error(error_text(e));
    }
  };
  const save = async () => {
    const body = draft.trim();
    if (!body || body === m.body) return set_editing(false);
    try {
      const { message } = await api.edit_message(m.id, body);
      replace(message);
      set_editing(false);
    } catch (e) {
      on_error(error_text(e)); // the draft stays in the field
    }
  };
  const remove = async () => {
    if (!(await ask_confirm({ title: t('delete_confirm'), confirm: t('delete'), danger: true }))) return;
    try {
      await api.delete_message(m.id);
    } catch (e) {
      on_error(error_text(e));
    }
  };
  const name_of = (id: number) => (id === session.me?.id ? t('you') : members?.find((x) => x.account_id === id)?.display_name ?? '…');

  if (m.deleted) {
    return (
      <div class="msg msg--deleted" data-seq={m.seq}>
        <div class="msg__gutter" />
        <p class="msg__body muted">{t('deleted_message')}</p>
      </div>
    );
  }

  return (
    <article class={'msg' + (compact ? ' msg--compact' : '') + (mine ? ' msg--mine' : '')} data-seq={m.seq} data-id={m.id} tabIndex={0} aria-label={`${m.author.display_name}, ${format_time(m.created_at, tz)}`}>
      <div class="msg__gutter">
        {!compact && <span class="avatar" style={{ '--h': hue(m.author.id) } as any} aria-hidden="true">{initials(m.author.display_name)}</span>}
      </div>
      <div class="msg__content">
        {!compact && (
          <header class="msg__head">
            <span class="msg__author">{m.author.display_name}</span>
            <time class="msg__time" dateTime={m.created_at}>{when}</time>
          </header>
        )}
        {editing ? (
          <div class="msg__edit">
            <label class="visually-hidden" for={`edit-${m.id}`}>{t('edit_message')}</label>
            <textarea
              id={`edit-${m.id}`}
              value={draft}
              rows={2}
              autoFocus
              onInput={(e) => set_draft((e.currentTarget as HTMLTextAreaElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); void save(); }
                if (e.key === 'Escape') { set_editing(false); set_draft(m.body); }
              }}
            />
            <div class="msg__edit-actions">
              <button class="btn btn--small" type="button" onClick={() => { set_editing(false); set_draft(m.body); }}>{t('cancel')}</button>
              <button class="btn btn--small btn--primary" type="button" onClick={() => void save()}>{t('save')}</button>
            </div>
          </div>
        ) : (
          <div class="msg__body md" dangerouslySetInnerHTML={{ __html: m.html }} />
        )}
        {m.edited_at && !editing && <span class="msg__edited muted small">{t('edited')}</span>}
        {m.reactions.length > 0 && (
          <div class="reactions">
            {m.reactions.map((r) => {
              const me_too = r.account_ids.includes(session.me?.id ?? -1);
              return (
                <button
                  key={r.emoji}
                  type="button"
                  class={'reaction' + (me_too ? ' reaction--mine' : '')}
                  aria-pressed={me_too}
                  aria-label={t('reaction_count', { emoji: r.emoji, count: r.count, names: r.account_ids.map(name_of).join(', ') })}
                  onClick={() => void toggle(r.emoji)}
                  data-emoji={r.emoji}
                >
                  <span aria-hidden="true">{r.emoji}</span> <span class="reaction__count" aria-hidden="true">{r.count}</span>
                </button>
              );
            })}
          </div>
        )}
        {!in_thread && m.reply_count > 0 && (
          <button type="button" class="thread-link" onClick={() => on_thread?.(m.id)}>
            {m.reply_count === 1 ? t('one_reply') : t('replies', { count: m.reply_count })}
          </button>
        )}
      </div>
      <div class="msg__actions" role="toolbar" aria-label={t('message_actions', { name: m.author.display_name })} onKeyDown={(e) => e.key === 'Escape' && set_picker(false)}>
        <button type="button" class="icon-btn" aria-label={t('react')} aria-expanded={picker} onClick={() => set_picker(!picker)}>☺</button>
        {!in_thread && (
          <button type="button" class="icon-btn" aria-label={t('reply_in_thread')} onClick={() => on_thread?.(m.id)}>↩</button>
        )}
        {mine && <button type="button" class="icon-btn" aria-label={t('edit_message')} onClick={() => { set_draft(m.body); set_editing(true); }}>✎</button>}
        {(mine || can_moderate) && <button type="button" class="icon-btn" aria-label={t('delete_message')} onClick={() => void remove()}>🗑</button>}
        {picker && (
          <div class="picker">
            {QUICK_EMOJI.map((e, i) => (
              <button key={e} ref={i === 0 ? first_emoji : undefined} type="button" class="icon-btn" aria-label={t('react_with', { emoji: e })} onClick={() => void toggle(e)}>{e}</button>
            ))}
          </div>
        )}
      </div>
    </article>
  );
}

