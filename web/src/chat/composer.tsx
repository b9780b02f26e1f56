// The message box. With a keyboard, Enter sends and Shift+Enter adds a line; on a touch screen
// (a coarse pointer) Enter adds a line and the send button sends, as in the phone's own
// messaging apps. It grows with the text up to a maximum, keeps a draft per channel and thread
// across reloads (drafts.ts), and tells the room that someone is writing (typing.ts). Files
// attached (the button, a drop, a paste) upload at once as chips above it (files/); the message
// goes once they are all up, and may then have no text.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { session } from '../state';
import { Icon } from '../ui/icons';
import { send_typing } from '../stream';
import { channels_by_id, slug_of_community } from '../communities/state';
import { AttachButton, Chips, add_files, pasted_files, use_tray } from '../files/attachments';
import { tray_for, type Tray } from '../files/upload';
import { draft_key, get_draft, get_draft_picks, set_draft, set_draft_picks } from './drafts';
import { MentionField } from '../mentions/mention_field';
import { to_body } from '../mentions/draft';
import { send } from './state';
import { typing_sender } from './typing';
import './chat.css';

const typing = typing_sender(send_typing);

/** A touch screen without a fine pointer: Enter is for new lines there. */
export function is_touch(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
}

/** The attachments of a channel's or a thread's box (the room's drop target adds to it too). */
export function composer_tray(channel_id: number, parent_id?: number): Tray | undefined {
  const community_id = channels_by_id.get(channel_id)?.community_id;
  const slug = community_id === undefined ? undefined : slug_of_community(community_id);
  return slug ? tray_for(draft_key(session.me?.id ?? 0, channel_id, parent_id), slug) : undefined;
}

export function Composer(p: { channel_id: number; parent_id?: number; placeholder: string; on_sent?: () => void }) {
  const key = draft_key(session.me?.id ?? 0, p.channel_id, p.parent_id);
  const text = get_draft(key);
  const [, redraw] = useState(0);
  // Said when someone tries to send while a file is still going up (or was refused).
  const [nudge, set_nudge] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const touch = is_touch();
  const tray = composer_tray(p.channel_id, p.parent_id);
  use_tray(tray);
  const blocker = tray?.blocker() ?? null;
  useEffect(() => {
    if (!blocker) set_nudge(false);
  }, [blocker]);
  useEffect(() => {
    // With a keyboard and a mouse, opening a channel or thread puts the cursor in the box;
    // on a phone it would pop the keyboard over the history, so not there.
    if (!is_touch()) ref.current?.focus();
  }, [key]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    const max = parseFloat(getComputedStyle(el).maxHeight) || 200;
    el.style.height = Math.min(el.scrollHeight + 2, max) + 'px';
    el.style.overflowY = el.scrollHeight > max ? 'auto' : 'hidden';
  }, [text]);

  const go = () => {
    const typed = text.trim();
    if (tray ? !tray.can_send(typed) : !typed) {
      if (blocker) set_nudge(true);
      return;
    }
    // The names picked after « @ » go as the ids the server reads (<@42>).
    send(p.channel_id, to_body(typed, get_draft_picks(key)), p.parent_id ?? null, tray?.take() ?? []);
    set_nudge(false);
    set_draft(key, '');
    set_draft_picks(key, {});
    typing.sent(p.channel_id);
    redraw((n) => n + 1);
    p.on_sent?.();
    ref.current?.focus();
  };
  const id = `composer-${p.channel_id}-${p.parent_id ?? 0}`;
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); go(); }}>
      {tray && <Chips tray={tray} />}
      {nudge && blocker && <p class="composer__wait small" role="status">{blocker === 'uploading' ? t('wait_uploads') : t('fix_uploads')}</p>}
      {tray && <AttachButton tray={tray} disabled={tray.full} />}
      <label for={id} class="visually-hidden">{t('message_label')}</label>
      <MentionField
        box={ref}
        channel_id={p.channel_id}
        id={id}
        rows={1}
        value={text}
        picks={get_draft_picks(key)}
        placeholder={p.placeholder}
        maxLength={4000}
        enterkeyhint={touch ? 'enter' : 'send'}
        aria-describedby={id + '-hint'}
        on_change={(v, picks) => {
          set_draft(key, v);
          set_draft_picks(key, picks);
          if (!p.parent_id) typing.input(p.channel_id, v);
          redraw((n) => n + 1);
        }}
        onPaste={(e) => {
          const files = pasted_files(e.clipboardData);
          if (!files.length) return;
          e.preventDefault();
          add_files(tray, files);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !is_touch()) {
            e.preventDefault();
            go();
          }
        }}
      />
      <button type="submit" class="btn btn--primary composer__send" disabled={tray ? !tray.can_send(text) : !text.trim()} aria-label={t('send')}>
        <Icon name="send" />
      </button>
      <p id={id + '-hint'} class="visually-hidden">{touch ? t('composer_hint_touch') : t('composer_hint')}</p>
    </form>
  );
}
