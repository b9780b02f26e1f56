// A channel: history with upward infinite scroll, live messages, the "new messages" divider,
// join lines, who is writing, pending messages, the action sheets, and the thread panel beside
// it (over it on a phone).
//
// Where the view stands: a channel opens at its first unread message with the divider in
// view (the pages above the latest are fetched down to it), else at the bottom; it follows
// new messages while at the bottom, stays put while older ones are prepended, and goes to the
// bottom when we send. What comes into view is marked read (an IntersectionObserver), so the
// unread count follows what was read, not what was opened. Opened from a search result
// (?m=SEQ, and ?thread=ID for a reply), it fetches the pages down to that message, brings it to
// the middle of the view and lights it up a moment; a reply opens its thread.
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { ApiError, type Conversation, type Message as Msg } from '../api';
import { is_conversation, room_label } from '../conversations/state';
import { ConversationActions } from '../conversations/sidebar';
import { NewPollSheet, PollCard } from '../broadcast/poll';
import { load_polls, mute_event, muted, polls_by_message } from '../broadcast/state';
import { NewPromptSheet, PromptCard } from '../broadcast/prompt';
import { load_prompts, prompts_by_message } from '../broadcast/prompts_state';
import { day_key, day_label, error_text, t } from '../i18n';
import { session } from '../state';
import { channels_by_id, channels_by_slug, communities, is_host, load_members, membership_of, members_by_slug, set_read } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { FormError } from '../ui/form';
import { Link } from '../ui/link';
import { Composer, composer_tray } from './composer';
import { DropHint, add_files, use_drop } from '../files/attachments';
import { Message } from './message';
import { MessageSheets, type SheetState } from './actions';
import { ThreadPanel } from './thread';
import { PendingList } from './pending';
import { first_channel_id, interleave } from './joins';
import { typing_in, typing_line } from './typing';
import { count_unread, deleting, load_older, logs, open_channel, place_divider, reach_seq, sorted, viewing } from './state';
import { show_toast } from '../ui/toast';
import { FOUND_MS, target_of } from '../search/state';
import { RoomLevelButton } from '../notifications/room_level';
import './chat.css';

const GROUP_MS = 5 * 60 * 1000;
/** How much of what was read shows above the divider when the channel opens. */
const ABOVE_DIVIDER_PX = 72;


/** The line under the messages: « Julie écrit… », two names, or several people. */
export function TypingLine({ channel_id }: { channel_id: number }) {
  const text = typing_line(typing_in(channel_id), {
    one: (name) => t('typing_one', { name }),
    two: (a, b) => t('typing_two', { a, b }),
    many: () => t('typing_many'),
  });
  return (
    <p class="typing" role="status" data-testid="typing">
      {text}
    </p>
  );
}

/** The phone's keyboard covers the bottom of the layout viewport on some browsers: lift the chat above it. */
function use_keyboard_inset() {
  useEffect(() => {
    const vv = window.visualViewport;
    if (!vv) return;
    const root = document.documentElement;
    const update = () => {
      const covered = Math.max(0, window.innerHeight - vv.height - vv.offsetTop);
      root.style.setProperty('--keyboard-inset', `${Math.round(covered)}px`);
    };
    update();
    vv.addEventListener('resize', update);
    vv.addEventListener('scroll', update);
    return () => {
      vv.removeEventListener('resize', update);
      vv.removeEventListener('scroll', update);
      root.style.removeProperty('--keyboard-inset');
    };
  }, []);
}

/** The centred state of a channel that cannot be shown: not found, or no longer a member. */
export function Gone({ slug, member }: { slug: string; member: boolean }) {
  return (
    <section class="chat chat--gone" aria-labelledby="gone-title">
      <div class="chat-gone" role="alert" data-testid="chat-gone">
        <h1 id="gone-title">{member ? t('chat_gone_title') : t('chat_gone_member_title')}</h1>
        <p>{member ? t('chat_gone_channel') : t('chat_gone_member')}</p>
        <Link href={member ? `/c/${slug}` : '/'} class="btn btn--primary">{member ? t('chat_gone_back') : t('go_home')}</Link>
      </div>
    </section>
  );
}

export function ChatView({ slug, channel_id }: { slug: string; channel_id: number }) {
  const [error, set_error] = useState<unknown>(null);
  const [thread, set_thread] = useState<number | null>(null);
  const [bottom, set_bottom] = useState(true);
  const [ready, set_ready] = useState(false);
  const [editing, set_editing] = useState<number | null>(null);
  const [sheet, set_sheet] = useState<SheetState>(null);
  const [poll_sheet, set_poll_sheet] = useState(false);
  const [prompt_sheet, set_prompt_sheet] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const stick = useRef(true);
  const placed = useRef(false);
  const divider_asked = useRef(false);
  const seen = useRef({ max: 0, timer: 0 });
  const [found, set_found] = useState(0);
  use_keyboard_inset();
  const search = location.search;
  const target = target_of(search);

  const channel = channels_by_id.get(channel_id);
  const community = communities.get(slug);
  const log = logs.get(channel_id);
  const members = members_by_slug.get(slug);
  const membership = membership_of(slug);
  const tz = community?.timezone;
  const host = is_host(slug);
  // Files dropped anywhere on the room go to its box, when there is one.
  const writable = !!channel && !channel.archived && (channel.kind !== 'broadcast' || host);
  const drop = use_drop((files) => add_files(composer_tray(channel_id), files), writable);

  useEffect(() => {
    set_error(null);
    set_thread(null);
    set_ready(false);
    set_editing(null);
    set_sheet(null);
    placed.current = false;
    divider_asked.current = false;
    stick.current = true;
    seen.current = { max: 0, timer: 0 };
    viewing.channel_id = channel_id;
    // Not "at the bottom" until placed: what the channel opens on is not read yet.
    viewing.at_bottom = false;
    if (!members_by_slug.has(slug)) load_members(slug).catch(() => {});
    return () => {
      flush_read();
      if (viewing.channel_id === channel_id) viewing.channel_id = 0;
    };
  }, [channel_id, slug]);
  // A reply found by a search: its thread opens (the panel lights the reply up).
  useEffect(() => {
    if (target.thread) set_thread(target.thread);
  }, [channel_id, search]);
  // A message found by a search: once the room is placed, the pages down to it, then to it.
  useEffect(() => {
    // `placed`, not `ready` alone: when the room changes, this render still holds the last room's
    // `ready` (the reset above has just run), and the new room is not loaded yet.
    if (!ready || !placed.current || !target.seq || target.thread) return;
    let live = true;
    reach_seq(channel_id, target.seq).then((held) => {
      if (!live) return;
      if (!held) return show_toast(t('search_too_far'));
      if (!logs.get(channel_id)?.by_seq.has(target.seq)) return show_toast(t('search_message_gone'));
      set_found(target.seq);
    }, set_error);
    return () => {
      live = false;
    };
  }, [ready, channel_id, search]);
  useLayoutEffect(() => {
    const el = found ? scroller.current?.querySelector<HTMLElement>(`[data-seq="${found}"]`) : null;
    if (!el) return;
    // The reader is taken up the history: no longer following the bottom.
    stick.current = false;
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
    const timer = setTimeout(() => set_found(0), FOUND_MS);
    return () => clearTimeout(timer);
  }, [found]);
  // Load the latest page (again when the connection comes back, if it failed offline).
  const online = session.connection === 'online';
  useEffect(() => {
    open_channel(channel_id).then(() => set_error(null), set_error);
    if (channels_by_id.get(channel_id)?.kind === 'broadcast') {
      load_polls(channel_id).catch(set_error);
      load_prompts(channel_id).catch(set_error);
    }
  }, [channel_id, online]);
  // Once the read marker and the latest page are both known: the divider, and the pages down to it.
  useEffect(() => {
    if (divider_asked.current || !channel || !log?.loaded) return;
    divider_asked.current = true;
    place_divider(channel_id).then(() => set_ready(true), (e) => { set_error(e); set_ready(true); });
  });

  // Keep the view where the reader is.
  useLayoutEffect(() => {
    const s = scroller.current;
    if (!s || !log?.loaded || !ready) return;
    if (!placed.current) {
      placed.current = true;
      const divider = s.querySelector('.divider') as HTMLElement | null;
      if (divider) s.scrollTop += divider.getBoundingClientRect().top - s.getBoundingClientRect().top - ABOVE_DIVIDER_PX;
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

  // The history's height shrinks when the box grows (a chip, a refusal on it, more lines) or the
  // keyboard opens, with no scroll to say so: at the bottom, stay at the bottom. Whichever comes
  // first after the change, the observer or a scroll event (the browser fires those before
  // resize observers), keeps it, from where the reader was before it.
  const view_height = useRef(0);
  function keep_bottom(s: HTMLDivElement) {
    if (s.clientHeight === view_height.current) return;
    view_height.current = s.clientHeight;
    if (stick.current && placed.current) s.scrollTop = s.scrollHeight;
  }
  const has_channel = !!channel;
  useEffect(() => {
    const s = scroller.current;
    if (!s || typeof ResizeObserver !== 'function') return;
    view_height.current = s.clientHeight;
    const observer = new ResizeObserver(() => keep_bottom(s));
    observer.observe(s);
    return () => observer.disconnect();
  }, [channel_id, has_channel]);

  // Mark read what comes into view: a message counts once it is wholly on screen (or fills it).
  const io = useRef<IntersectionObserver | null>(null);
  useEffect(() => {
    const s = scroller.current;
    if (!s || !ready || typeof IntersectionObserver !== 'function') return;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          const whole = e.intersectionRatio > 0.95 || (e.rootBounds && e.boundingClientRect.bottom <= e.rootBounds.bottom + 1) || e.intersectionRect.height >= (e.rootBounds?.height ?? Infinity) * 0.9;
          if (whole) saw(Number((e.target as HTMLElement).dataset.seq));
        }
      },
      { root: s, threshold: [0, 0.5, 0.95, 1] },
    );
    io.current = observer;
    // Back to a tab left in the background: what is on screen is read now.
    const on_visible = () => {
      if (document.visibilityState !== 'visible') return;
      observer.disconnect();
      for (const el of s.querySelectorAll('[data-seq]')) observer.observe(el);
    };
    document.addEventListener('visibilitychange', on_visible);
    return () => {
      document.removeEventListener('visibilitychange', on_visible);
      observer.disconnect();
      io.current = null;
    };
  }, [ready, channel_id]);
  useEffect(() => {
    const s = scroller.current;
    const observer = io.current;
    if (!s || !observer || !channel) return;
    for (const el of s.querySelectorAll<HTMLElement>('[data-seq]')) if (Number(el.dataset.seq) > channel.last_read_seq) observer.observe(el);
  });
  // At the bottom, everything is read, up to what is held (thread replies included).
  useEffect(() => {
    if (!channel || !log?.loaded || !placed.current || !viewing.at_bottom) return;
    if (log.newest > channel.last_read_seq) saw(log.newest);
  });

  function saw(seq: number) {
    if (document.visibilityState !== 'visible' || !channel || seq <= Math.max(seen.current.max, channel.last_read_seq)) return;
    seen.current.max = seq;
    // One request for a burst of messages scrolled past.
    if (!seen.current.timer) seen.current.timer = window.setTimeout(flush_read, 250);
  }
  function flush_read() {
    clearTimeout(seen.current.timer);
    seen.current.timer = 0;
    const seq = seen.current.max;
    const ch = channels_by_id.get(channel_id);
    if (!ch || seq <= ch.last_read_seq) return;
    set_read(channel_id, seq, count_unread(channel_id));
    api.mark_read(channel_id, seq).catch(() => {});
  }

  function on_scroll() {
    const s = scroller.current;
    if (!s) return;
    keep_bottom(s);
    // Upward infinite scroll: near the top, fetch the previous page (keeping the view steady).
    if (s.scrollTop < 300 && log?.loaded && log.has_more && !log.loading_older && placed.current) older();
    const at_bottom = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    stick.current = at_bottom;
    if (viewing.channel_id === channel_id) viewing.at_bottom = at_bottom && placed.current;
    if (at_bottom !== bottom) set_bottom(at_bottom);
  }

  function to_latest() {
    const s = scroller.current;
    if (s) s.scrollTop = s.scrollHeight;
    stick.current = true;
    on_scroll();
  }

  function older() {
    const s = scroller.current!;
    anchor.current = { height: s.scrollHeight, top: s.scrollTop };
    void load_older(channel_id);
  }

  // Not a member by our memberships, and the server lists no channel for us: the person was
  // removed or left (a membership made on another device since shows its channels all the same).
  const not_member = !membership && !channels_by_slug.has(slug);
  const gone_code = error instanceof ApiError && (error.code === 'not_found' || error.code === 'removed_from_community' || error.code === 'forbidden');
  if (not_member || gone_code || (!channel && channels_by_slug.has(slug))) return <Gone slug={slug} member={!not_member} />;
  if (!channel) {
    return (
      <section class="chat chat--gone">
        {error ? <div class="chat-gone"><FormError error={error_text(error)} /></div> : <p class="loading" role="status">{t('loading')}</p>}
      </section>
    );
  }

  const divider_after = log?.divider_after ?? Infinity;
  const all = sorted(channel_id);
  const top_level = all.filter((m) => !m.parent_id && !deleting.has(m.id));
  const first_channel = first_channel_id(channels_by_slug.get(slug) ?? []) === channel_id;
  const lines = first_channel && log?.loaded ? interleave(top_level, members, !log.has_more) : top_level.map((m) => ({ kind: 'message' as const, m }));
  let divider_shown = false;
  let prev: Msg | undefined;
  let prev_day = '';

  return (
    <div class={'chat-wrap' + (thread ? ' chat-wrap--thread' : '')}>
      <section class={'chat' + (drop.active ? ' chat--drop' : '')} aria-labelledby="chat-title" {...drop.handlers}>
        <DropHint active={drop.active} />
        <PaneHead slug={slug} title={<span id="chat-title">{is_conversation(channel) ? room_label(channel) : `# ${channel.name}`}</span>} sub={channel.archived ? t('archived') : is_conversation(channel) ? t('private_room') : undefined}>
          <RoomLevelButton channel_id={channel_id} />
          {is_conversation(channel) && <ConversationActions slug={slug} channel={channel as Conversation} />}
          {channel.kind === 'broadcast' && (
            <button type="button" class="btn btn--small btn--ghost" aria-pressed={muted.has(channel_id)} onClick={() => { const on = !muted.has(channel_id); void api.set_muted(channel_id, on).then(() => mute_event(channel_id, on), set_error); }}>
              {muted.has(channel_id) ? t('unmute') : t('mute')}
            </button>
          )}
        </PaneHead>
        <div class="messages" ref={scroller} onScroll={on_scroll} role="log" aria-label={t('channel_label', { name: room_label(channel) })} tabIndex={0}>
          <div class="messages__top">
            {log?.loaded && !log.has_more && <p class="start muted">{channel.archived ? t('start_of_archived', { channel: channel.name }) : (is_conversation(channel) ? t('start_of_conversation', { name: room_label(channel) }) : t('start_of_channel', { channel: channel.name }))}</p>}
            {log?.loaded && log.has_more && (
              <button type="button" class="btn btn--small btn--ghost" disabled={log.loading_older} onClick={older}>
                {log.loading_older ? t('loading_older') : t('load_older')}
              </button>
            )}
          </div>
          {!log?.loaded && <p class="loading" role="status">{t('loading')}</p>}
          {lines.map((line) => {
            const at = line.kind === 'message' ? line.m.created_at : line.member.joined_at;
            const day = day_key(at, tz);
            const new_day = day !== prev_day;
            prev_day = day;
            if (line.kind === 'joined') {
              prev = undefined; // the next message starts a group
              return (
                <Fragment key={`j${line.member.account_id}`}>
                  {new_day && <div class="day" role="separator"><span>{day_label(at, tz)}</span></div>}
                  <p class="joined" data-testid="joined">{t('joined_line', { name: line.member.display_name, number: line.member.member_number })}</p>
                </Fragment>
              );
            }
            const m = line.m;
            const show_divider = !divider_shown && m.seq > divider_after;
            if (show_divider) divider_shown = true;
            const compact = !show_divider && !new_day && !!prev && !prev.deleted && prev.author.id === m.author.id && Date.parse(m.created_at) - Date.parse(prev.created_at) < GROUP_MS;
            prev = m;
            return (
              <Fragment key={m.seq}>
                {new_day && <div class="day" role="separator"><span>{day_label(m.created_at, tz)}</span></div>}
                {show_divider && <div class="divider" role="separator"><span>{t('new_messages')}</span></div>}
                <Message
                  m={m}
                  compact={compact}
                  clock_only
                  tz={tz}
                  members={members}
                  editing={editing === m.id}
                  found={found === m.seq}
                  on_edit_end={() => set_editing(null)}
                  on_thread={set_thread}
                  on_more={channel.archived ? undefined : (x) => set_sheet({ kind: 'actions', m: x })}
                  on_reactions={(x, emoji) => set_sheet({ kind: 'reactions', m: x, emoji })}
                  on_error={set_error}
                />
                {!m.deleted && polls_by_message.has(m.id) && <PollCard poll={polls_by_message.get(m.id)!} tz={tz} members={members} />}
                {!m.deleted && prompts_by_message.has(m.id) && <PromptCard prompt={prompts_by_message.get(m.id)!} host={host} slug={slug} tz={tz} />}
              </Fragment>
            );
          })}
          <PendingList channel_id={channel_id} parent_id={null} />
        </div>
        {!bottom && channel.unread > 0 && (
          <button type="button" class="jump" onClick={to_latest}>
            {t('new_messages_jump', { count: channel.unread })}
          </button>
        )}
        <TypingLine channel_id={channel_id} />
        {error ? <FormError error={error_text(error)} /> : null}
        {channel.kind === 'broadcast' && host && !channel.archived && (
          <div class="broadcast-tools">
            <button type="button" class="btn btn--small" onClick={() => set_prompt_sheet(true)}>{t('new_prompt')}</button>
            <button type="button" class="btn btn--small" onClick={() => set_poll_sheet(true)}>{t('new_poll')}</button>
          </div>
        )}
        {channel.kind === 'broadcast' && host && <NewPollSheet channel_id={channel_id} open={poll_sheet} on_close={() => set_poll_sheet(false)} />}
        {channel.kind === 'broadcast' && host && <NewPromptSheet channel_id={channel_id} open={prompt_sheet} on_close={() => set_prompt_sheet(false)} />}
        {channel.archived ? (
          <p class="archived-note" role="note" data-testid="archived-note">{t('chat_archived_note')}</p>
        ) : channel.kind === 'broadcast' && !host ? (
          <p class="broadcast-note" role="note" data-testid="broadcast-note">{t('broadcast_note')}</p>
        ) : (
          <Composer channel_id={channel_id} placeholder={is_conversation(channel) ? t('message_to', { name: room_label(channel) }) : t('message_placeholder', { channel: channel.name })} on_sent={to_latest} />
        )}
      </section>
      {thread && (
        <ThreadPanel
          slug={slug}
          channel_id={channel_id}
          parent_id={thread}
          found={target.thread === thread ? target.seq : 0}
          on_close={() => set_thread(null)}
          on_more={(x) => set_sheet({ kind: 'actions', m: x })}
          on_reactions={(x, emoji) => set_sheet({ kind: 'reactions', m: x, emoji })}
          editing={editing}
          on_edit_end={() => set_editing(null)}
        />
      )}
      <MessageSheets
        slug={slug}
        state={sheet}
        members={members}
        on_close={() => set_sheet(null)}
        on_open={set_sheet}
        on_thread={set_thread}
        on_edit={(m) => set_editing(m.id)}
        on_error={set_error}
      />
    </div>
  );
}
