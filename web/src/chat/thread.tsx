// The thread panel: a message and its replies, live, with its own composer.
import { useEffect, useRef, useState } from 'preact/hooks';
import { error_text, t } from '../i18n';
import type { Message as Msg } from '../api';
import { channels_by_id, communities, members_by_slug } from '../communities/state';
import { FormError } from '../ui/form';
import { Icon } from '../ui/icons';
import { Composer, composer_tray } from './composer';
import { DropHint, add_files, use_drop } from '../files/attachments';
import { Message } from './message';
import { PendingList } from './pending';
import { deleting, find_message, load_thread, set_open_thread, sorted } from './state';
import { FOUND_MS } from '../search/state';

interface Props {
  slug: string;
  channel_id: number;
  parent_id: number;
  on_close: () => void;
  /** The action sheets are the chat view's: one set over the channel and its thread. */
  on_more?: (m: Msg) => void;
  on_reactions?: (m: Msg, emoji: string) => void;
  editing?: number | null;
  on_edit_end?: () => void;
  /** A reply opened from a search result (its seq): brought into view and lit up a moment. */
  found?: number;
}

export function ThreadPanel(p: Props) {
  const [error, set_error] = useState('');
  const [loaded, set_loaded] = useState(false);
  const [lit, set_lit] = useState(0);
  const close = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    set_loaded(false);
    // Known to the stream, so that a resync fetches the thread again.
    set_open_thread({ channel_id: p.channel_id, parent_id: p.parent_id });
    load_thread(p.channel_id, p.parent_id).then(() => set_loaded(true), (e) => set_error(error_text(e)));
    close.current?.focus();
    return () => set_open_thread(null);
  }, [p.parent_id]);

  const parent = find_message(p.channel_id, p.parent_id);
  const replies = sorted(p.channel_id).filter((m) => m.parent_id === p.parent_id && !deleting.has(m.id));
  const tz = communities.get(p.slug)?.timezone;
  const members = members_by_slug.get(p.slug);
  const archived = !!channels_by_id.get(p.channel_id)?.archived;
  const drop = use_drop((files) => add_files(composer_tray(p.channel_id, p.parent_id), files), !archived);
  const common = (m: Msg) => ({
    editing: p.editing === m.id,
    found: lit === m.seq,
    on_edit_end: p.on_edit_end,
    on_more: archived ? undefined : p.on_more,
    on_reactions: p.on_reactions,
    on_error: (e: unknown) => set_error(error_text(e)),
  });
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [replies.length]);
  useEffect(() => {
    if (loaded && p.found) set_lit(p.found);
  }, [loaded, p.found, p.parent_id]);
  useEffect(() => {
    const el = lit && loaded ? list.current?.querySelector<HTMLElement>(`[data-seq="${lit}"]`) : null;
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    const timer = setTimeout(() => set_lit(0), FOUND_MS);
    return () => clearTimeout(timer);
  }, [lit, loaded]);

  return (
    <aside class={'thread' + (drop.active ? ' thread--drop' : '')} aria-labelledby="thread-title" onKeyDown={(e) => e.key === 'Escape' && p.on_close()} {...drop.handlers}>
      <DropHint active={drop.active} />
      <div class="thread__head">
        <h2 id="thread-title">{t('thread')}</h2>
        <button ref={close} type="button" class="icon-btn" aria-label={t('close_thread')} onClick={p.on_close}><Icon name="close" /></button>
      </div>
      <div class="thread__list" ref={list}>
        {parent && <Message m={parent} compact={false} tz={tz} members={members} in_thread {...common(parent)} />}
        {loaded && <hr class="thread__sep" />}
        {replies.map((m) => (
          <Message key={m.seq} m={m} compact={false} tz={tz} members={members} in_thread {...common(m)} />
        ))}
        <PendingList channel_id={p.channel_id} parent_id={p.parent_id} />
      </div>
      <FormError error={error} />
      {archived ? <p class="archived-note" role="note">{t('chat_archived_note')}</p> : <Composer channel_id={p.channel_id} parent_id={p.parent_id} placeholder={t('reply_placeholder')} />}
    </aside>
  );
}
