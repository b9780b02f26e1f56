// One message: who, when, the server-rendered Markdown, reactions, thread link. Its actions
// (react, reply, quote, copy, edit, delete) are in the action sheet (actions.tsx), opened by a
// long press on a touch screen or by the "…" button; with a mouse, the toolbar that shows on
// hover or focus offers quick reactions and the thread too.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Message as Msg, Member } from '../api';
import { format_clock, format_time, t } from '../i18n';
import { session } from '../state';
import { hue, initials } from '../ui/shell';
import { Icon } from '../ui/icons';
import { note_emoji_used, quick_emoji } from './emoji';
import { replace } from './state';
import { is_touch } from './composer';
import { ReactionList } from './reaction_list';
import { FileList } from '../files/file_view';
import { MentionField } from '../mentions/mention_field';
import { from_body, names_in_html, to_body, type Picks } from '../mentions/draft';
import { member_name, present_mentions } from '../mentions/render';

/** A body as the box shows it: `@Name` for `<@id>`, by the current names, else those the server wrote. */
export function editable(m: { body: string; html: string }, members: Member[] | undefined): { text: string; picks: Picks } {
  const written = names_in_html(m.html);
  return from_body(m.body, (id) => member_name(members, id, session.me) ?? written.get(id));
}

/** A touch held this long without moving opens the action sheet. */
export const LONG_PRESS_MS = 500;
const MOVE_PX = 10;

interface Props {
  m: Msg;
  compact: boolean;
  tz?: string;
  members?: Member[];
  in_thread?: boolean;
  /** In the channel, where day separators say the day: show the time only. */
  clock_only?: boolean;
  /** Being edited in place (chosen from the action sheet). */
  editing?: boolean;
  /** Opened from a search result: lit up a moment. */
  found?: boolean;
  on_edit_end?: () => void;
  on_thread?: (id: number) => void;
  on_more?: (m: Msg) => void;
  on_reactions?: (m: Msg, emoji: string) => void;
  on_error: (e: unknown) => void;
}

/** Adds or takes back our reaction; the server's answer replaces the message. */
export async function toggle_reaction(m: Msg, emoji: string) {
  const has = m.reactions.find((r) => r.emoji === emoji)?.account_ids.includes(session.me?.id ?? -1);
  if (!has) note_emoji_used(emoji);
  const { message } = has ? await api.remove_reaction(m.id, emoji) : await api.add_reaction(m.id, emoji);
  replace(message);
}

export function Message({ m, compact, tz, members, in_thread, clock_only, editing, found, on_edit_end, on_thread, on_more, on_reactions, on_error }: Props) {
  const when = clock_only ? format_clock(m.created_at, tz) : format_time(m.created_at, tz);
  const mine = m.author.id === session.me?.id;
  const [draft, set_draft] = useState(m.body);
  const [picks, set_picks] = useState<Picks>({});
  const [picker, set_picker] = useState(false);
  const first_emoji = useRef<HTMLButtonElement>(null);
  const press = useRef<{ x: number; y: number; timer: number; fired: boolean } | null>(null);
  // Opening the picker moves the focus into it, so the keyboard can pick right away.
  useEffect(() => {
    if (picker) first_emoji.current?.focus();
  }, [picker]);
  useEffect(() => {
    if (!editing) return;
    const shown = editable(m, members);
    set_draft(shown.text);
    set_picks(shown.picks);
  }, [editing]);

  const toggle = async (emoji: string) => {
    set_picker(false);
    try {
      await toggle_reaction(m, emoji);
    } catch (e) {
      on_error(e);
    }
  };
  const save = async () => {
    const body = to_body(draft.trim(), picks);
    if (!body || body === m.body) return on_edit_end?.();
    try {
      const { message } = await api.edit_message(m.id, body);
      replace(message);
      on_edit_end?.();
    } catch (e) {
      on_error(e); // the draft stays in the field
    }
  };
  const name_of = (id: number) => (id === session.me?.id ? t('you') : members?.find((x) => x.account_id === id)?.display_name ?? '…');

  // The long press: a touch that stays put LONG_PRESS_MS opens the sheet; moving (a scroll)
  // or lifting the finger before cancels it. The click and context menu that follow are eaten.
  const touch_start = (e: TouchEvent) => {
    if (e.touches.length !== 1 || (e.target as HTMLElement).closest('button, a, textarea, audio, video')) return;
    const { clientX: x, clientY: y } = e.touches[0];
    const timer = window.setTimeout(() => {
      if (!press.current) return;
      press.current.fired = true;
      navigator.vibrate?.(10);
      on_more?.(m);
    }, LONG_PRESS_MS);
    press.current = { x, y, timer, fired: false };
  };
  const touch_move = (e: TouchEvent) => {
    const p = press.current;
    if (!p) return;
    const { clientX: x, clientY: y } = e.touches[0];
    if (Math.abs(x - p.x) > MOVE_PX || Math.abs(y - p.y) > MOVE_PX) cancel_press();
  };
  const touch_end = (e: TouchEvent) => {
    const p = press.current;
    if (p?.fired && e.cancelable) e.preventDefault(); // no click on what is under the finger
    cancel_press();
  };
  const cancel_press = () => {
    if (press.current) clearTimeout(press.current.timer);
    press.current = null;
  };

  if (m.deleted) {
    return (
      <div class={'msg msg--deleted' + (found ? ' msg--found' : '')} data-seq={m.seq} tabIndex={found ? -1 : undefined}>
        <div class="msg__gutter" />
        <p class="msg__body muted">{t('deleted_message')}</p>
      </div>
    );
  }

  return (
    <article
      class={'msg' + (compact ? ' msg--compact' : '') + (mine ? ' msg--mine' : '') + (found ? ' msg--found' : '')}
      data-seq={m.seq}
      data-id={m.id}
      tabIndex={0}
      aria-label={`${m.author.display_name}, ${format_time(m.created_at, tz)}`}
      onTouchStart={touch_start}
      onTouchMove={touch_move}
      onTouchEnd={touch_end}
      onTouchCancel={cancel_press}
      onContextMenu={(e) => {
        // A touch screen's long press also makes a context menu: the sheet is it.
        if (is_touch() && !(e.target as HTMLElement).closest('a')) e.preventDefault();
      }}
    >
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
            <MentionField
              id={`edit-${m.id}`}
              channel_id={m.channel_id}
              value={draft}
              picks={picks}
              rows={2}
              autoFocus
              on_change={(v, next) => {
                set_draft(v);
                set_picks(next);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !is_touch()) { e.preventDefault(); void save(); }
                if (e.key === 'Escape') on_edit_end?.();
              }}
            />
            <div class="msg__edit-actions">
              <button class="btn btn--small" type="button" onClick={() => on_edit_end?.()}>{t('cancel')}</button>
              <button class="btn btn--small btn--primary" type="button" onClick={() => void save()}>{t('save')}</button>
            </div>
          </div>
        ) : (
          // A message of files alone has no text to show.
          // The server's HTML, with the current names of the people it mentions (mentions/render.ts).
          (m.html || !m.files?.length) && <div class="msg__body md" dangerouslySetInnerHTML={{ __html: present_mentions(m.html, (id) => member_name(members, id, session.me), session.me?.id) }} />
        )}
        {m.files && <FileList files={m.files} />}
        {m.edited_at && !editing && <span class="msg__edited muted small">{t('edited')}</span>}
        <ReactionList
          reactions={m.reactions}
          name_of={name_of}
          // On a touch screen a tap says who reacted (the sheet has the toggle); a click toggles.
          on_click={(emoji) => (is_touch() && on_reactions ? on_reactions(m, emoji) : void toggle(emoji))}
        />
        {!in_thread && m.reply_count > 0 && (
          <button type="button" class="thread-link" onClick={() => on_thread?.(m.id)}>
            {m.reply_count === 1 ? t('one_reply') : t('replies', { count: m.reply_count })}
          </button>
        )}
      </div>
      <div class="msg__actions" role="toolbar" aria-label={t('message_actions', { name: m.author.display_name })} onKeyDown={(e) => e.key === 'Escape' && set_picker(false)}>
        <button type="button" class="icon-btn" aria-label={t('react')} aria-expanded={picker} onClick={() => set_picker(!picker)}><Icon name="smile" /></button>
        {!in_thread && (
          <button type="button" class="icon-btn" aria-label={t('reply_in_thread')} onClick={() => on_thread?.(m.id)}><Icon name="thread" /></button>
        )}
        {on_more && <button type="button" class="icon-btn msg__tb-more" aria-label={t('more_actions')} aria-haspopup="dialog" onClick={() => on_more(m)}><Icon name="more" /></button>}
        {picker && (
          <div class="picker">
            {quick_emoji().map((e, i) => (
              <button key={e} ref={i === 0 ? first_emoji : undefined} type="button" class="icon-btn" aria-label={t('react_with', { emoji: e })} onClick={() => void toggle(e)}>{e}</button>
            ))}
          </div>
        )}
      </div>
      {/* After the toolbar: Tab from a message reaches its quick reactions first. */}
      {on_more && (
        <button type="button" class="msg__more" aria-label={t('more_actions')} aria-haspopup="dialog" onClick={() => on_more(m)}>
          <span><Icon name="more" /></span>
        </button>
      )}
    </article>
  );
}
