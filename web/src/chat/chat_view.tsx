// A channel: history with upward infinite scroll, live messages, the "new messages" divider,
// pending messages, and the thread panel beside it (over it on a phone).
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Message as Msg } from '../api';
import { day_key, day_label, error_text, t } from '../i18n';
import { session } from '../state';
import { channels_by_id, communities, is_host, load_members, members_by_slug, set_read } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { FormError } from '../ui/form';
import { Composer } from './composer';
import { Message } from './message';
import { ThreadPanel } from './thread';
import { PendingList } from './pending';
import { count_unread, load_older, logs, open_channel, sorted, viewing } from './state';

const GROUP_MS = 5 * 60 * 1000;

export function ChatView({ slug, channel_id }: { slug: string; channel_id: number }) {
  const [error, set_error] = useState('');
  const [thread, set_thread] = useState<number | null>(null);
  const [bottom, set_bottom] = useState(true);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const stick = useRef(true);
  const first = useRef(true);

  const channel = channels_by_id.get(channel_id);
  const community = communities.get(slug);
  const log = logs.get(channel_id);
  const members = members_by_slug.get(slug);
  const all = sorted(channel_id);
  const top_level = all.filter((m) => !m.parent_id);
  const tz = community?.timezone;

  useEffect(() => {
    set_error('');
    set_thread(null);
    first.current = true;
    stick.current = true;
    viewing.channel_id = channel_id;
    viewing.at_bottom = true;
    if (!members_by_slug.has(slug)) load_members(slug).catch(() => {});
    return () => {
      if (viewing.channel_id === channel_id) viewing.channel_id = 0;
    };
  }, [channel_id, slug]);
  // Load the latest page (again when the connection comes back, if it failed offline).
  const online = session.connection === 'online';
  useEffect(() => {
    open_channel(channel_id).then(() => set_error(''), (e) => set_error(error_text(e)));
  }, [channel_id, online]);

  // Keep the view where the reader is: at the bottom for live messages, steady when older ones
  // are prepended, and at the divider on first open.
  useLayoutEffect(() => {
    const s = scroller.current;
    if (!s || !log?.loaded) return;
    if (first.current) {
      first.current = false;
      const divider = s.querySelector('.divider') as HTMLElement | null;
      if (divider) s.scrollTop = Math.max(0, divider.offsetTop - s.clientHeight / 3);
      else s.scrollTop = s.scrollHeight;
      on_scroll();
      return;
    }
    if (anchor.current && !log.loading_older) {
      s.scrollTop = s.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    } else if (stick.current) {
      s.scrollTop = s.scrollHeight;
    }
  });

  // Mark read what has been seen.
  useEffect(() => {
    if (!channel || !log?.loaded || !viewing.at_bottom) return;
    const newest = log.newest;
    if (newest > channel.last_read_seq && document.visibilityState === 'visible') {
      set_read(channel_id, newest, count_unread(channel_id));
      api.mark_read(channel_id, newest).catch(() => {});
    }
  });

  function on_scroll() {
    const s = scroller.current;
    if (!s) return;
    // Upward infinite scroll: near the top, fetch the previous page (keeping the view steady).
    if (s.scrollTop < 300 && log?.loaded && log.has_more && !log.loading_older && !first.current) older();
    const at_bottom = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    stick.current = at_bottom;
    if (viewing.channel_id === channel_id) viewing.at_bottom = at_bottom;
    if (at_bottom !== bottom) set_bottom(at_bottom);
  }

  function to_latest() {
    const s = scroller.current;
    if (s) s.scrollTop = s.scrollHeight;
    on_scroll();
  }

  function older() {
    const s = scroller.current!;
    anchor.current = { height: s.scrollHeight, top: s.scrollTop };
    void load_older(channel_id);
  }

  if (!channel) {
    return (
      <section class="chat">
        <FormError error={error} />
        <p class="loading" role="status">{t('loading')}</p>
      </section>
    );
  }

  const divider_after = log?.divider_after ?? Infinity;
  let divider_shown = false;
  let prev: Msg | undefined;

  return (
    <div class={'chat-wrap' + (thread ? ' chat-wrap--thread' : '')}>
      <section class="chat" aria-labelledby="chat-title">
        <PaneHead slug={slug} title={<span id="chat-title"># {channel.name}</span>} />
        <div class="messages" ref={scroller} onScroll={on_scroll} role="log" aria-label={t('channel_label', { name: channel.name })} tabIndex={0}>
          <div class="messages__top">
            {log?.loaded && !log.has_more && <p class="start muted">{t('start_of_channel', { channel: channel.name })}</p>}
            {log?.loaded && log.has_more && (
              <button type="button" class="btn btn--small btn--ghost" disabled={log.loading_older} onClick={older}>
                {log.loading_older ? t('loading_older') : t('load_older')}
              </button>
            )}
          </div>
          {!log?.loaded && <p class="loading" role="status">{t('loading')}</p>}
          {top_level.map((m) => {
            const show_divider = !divider_shown && m.seq > divider_after;
            if (show_divider) divider_shown = true;
            const new_day = !prev || day_key(prev.created_at, tz) !== day_key(m.created_at, tz);
            const compact = !show_divider && !new_day && !!prev && !prev.deleted && prev.author.id === m.author.id && Date.parse(m.created_at) - Date.parse(prev.created_at) < GROUP_MS;
            prev = m;
            return (
              <Fragment key={m.seq}>
                {new_day && <div class="day" role="separator"><span>{day_label(m.created_at, tz)}</span></div>}
                {show_divider && <div class="divider" role="separator"><span>{t('new_messages')}</span></div>}
                <Message m={m} compact={compact} clock_only tz={tz} members={members} can_moderate={is_host(slug)} on_thread={set_thread} on_error={set_error} />
              </Fragment>
            );
          })}
          <PendingList channel_id={channel_id} parent_id={null} />
        </div>
        {!bottom && channel.unread > 0 && (
          <button type="button" class="jump" onClick={to_latest}>
            ↓ {t('new_messages')} ({channel.unread})
          </button>
        )}
        <FormError error={error} />
        <Composer channel_id={channel_id} placeholder={t('message_placeholder', { channel: channel.name })} disabled={channel.archived} />
      </section>
      {thread && <ThreadPanel slug={slug} channel_id={channel_id} parent_id={thread} on_close={() => set_thread(null)} />}
    </div>
  );
}
