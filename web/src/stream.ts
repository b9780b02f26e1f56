// The one WebSocket to /api/v1/stream and the one dispatch(event) switch (protocol v2,
// docs/api.md "The stream").
//
// Every event a community logs carries its `community_id` and `pos`, a position in that
// community's event log. The app keeps, per community, the highest pos it has applied, and
// sends them as the first frame of every (re)connect: {"type":"resume","communities":{id: pos}}.
// The server replays every event after each pos, in order, each carrying the current state of
// its subject, then {"type":"resumed"}. Every event is applied idempotently and none is dropped
// for an old pos, so a replay of what the app already shows changes nothing.
//
// Where the app has no position for a community (the very first connect, a community joined
// since), it takes the hello's: if it already shows something of that community, fetched
// before that position was known, it fetches it again. A `resync` (too far behind) does the
// same for one community. Close code 4401: the session ended, back to log in, no reconnect.
import * as api from './api';
import type { AppNotification, Channel, Comment, Community, Conversation, Member, Message, Poll, Post, Prompt, PromptAnswer, Tier, TierGrant } from './api';
import { changed, navigate, session } from './state';
import * as board from './board/state';
import * as polls from './broadcast/state';
import * as prompts from './broadcast/prompts_state';
import * as chat from './chat/state';
import * as communities from './communities/state';
import * as conversations from './conversations/state';
import * as journal from './journal';
import * as typing from './chat/typing';
import * as bell from './notifications/state';
import * as tiers from './tiers/state';
import { presence } from './presence';

/** The fields every event of a community's log carries. */
interface At {
  community_id: number;
  pos: number;
}

export type LoggedEvent = At &
  (
    | { type: 'message.created' | 'message.edited'; channel_id: number; seq: number; message: Message }
    | { type: 'message.deleted'; channel_id: number; seq: number; message_id: number }
    | { type: 'reaction.added' | 'reaction.removed'; channel_id: number; message_id: number; emoji: string; account_id: number; message: Message }
    | { type: 'channel.created' | 'channel.renamed' | 'channel.archived' | 'channel.unarchived'; channel: Channel }
    | { type: 'channel.read'; channel_id: number; last_read_seq: number }
    | { type: 'member.joined' | 'member.role_changed'; member: Member }
    | { type: 'member.removed'; account_id: number }
    | { type: 'member.renamed'; account_id: number; display_name: string }
    | { type: 'community.updated'; community: Omit<Community, 'membership'> }
    | { type: 'board.post.created' | 'board.post.changed'; post: Post }
    | { type: 'conversation.created' | 'conversation.changed'; channel: Conversation }
    | { type: 'poll.created' | 'poll.voted' | 'poll.closed'; poll: Poll }
    | { type: 'prompt.created' | 'prompt.changed'; prompt: Prompt }
    | { type: 'prompt.answered' | 'prompt.replied'; prompt: Prompt; answer: PromptAnswer }
    | { type: 'channel.muted' | 'channel.unmuted'; channel_id: number; muted: boolean }
    | { type: 'board.comment.created' | 'board.comment.changed'; comment: Comment; post: Post }
    | { type: 'notification.created'; notification: AppNotification }
    | { type: 'notification.read'; ids?: number[]; all?: boolean }
    | { type: 'notifications.changed'; channel_id: number }
    | { type: 'tier.changed'; tier?: Tier; tier_id?: number; deleted?: boolean }
    | { type: 'member.tiers.changed'; account_id: number; tiers: TierGrant[] }
  );

export type Event =
  | LoggedEvent
  | { type: 'hello'; account_id: number; communities?: Record<string, number> }
  | { type: 'resumed'; communities?: Record<string, number> }
  | { type: 'resync'; community_id: number; pos: number }
  // Ephemeral: no pos, never logged nor replayed, so never recorded by the journal.
  | { type: 'typing'; community_id: number; channel_id: number; account_id: number; display_name: string }
  | { type: 'pong' }
  | { type: 'error'; error: { code: string; message: string } };

/** The close code of a stream whose session ended (logged out elsewhere, password changed …). */
export const SESSION_ENDED = 4401;
/** The close code of a stream whose account's access changed (removed, left, another role). */
export const ACCESS_CHANGED = 4403;

/** Per community, the highest pos applied: what the next resume asks to continue from. */
export const positions = new Map<number, number>();

const LOGGED = new Set(['message.created', 'message.edited', 'message.deleted', 'reaction.added', 'reaction.removed', 'channel.created', 'channel.renamed', 'channel.archived', 'channel.unarchived', 'channel.read', 'member.joined', 'member.removed', 'member.renamed', 'member.role_changed', 'community.updated', 'board.post.created', 'board.post.changed', 'board.comment.created', 'board.comment.changed', 'conversation.created', 'conversation.changed', 'poll.created', 'poll.voted', 'poll.closed', 'prompt.created', 'prompt.changed', 'prompt.answered', 'prompt.replied', 'channel.muted', 'channel.unmuted', 'notification.created', 'notification.read', 'notifications.changed', 'tier.changed', 'member.tiers.changed']);

function is_logged(e: Event): e is LoggedEvent {
  return LOGGED.has(e.type);
}

export function dispatch(e: Event) {
  if (is_logged(e)) {
    // An event without a position (a server older than v2) is still applied; it just moves none.
    if (typeof e.pos === 'number' && typeof e.community_id === 'number' && !journal.is_replaying()) {
      journal.record(e);
      // Never lowered, and never a reason to skip: applying an event again is harmless.
      positions.set(e.community_id, Math.max(positions.get(e.community_id) ?? 0, e.pos));
    }
    apply(e);
    return;
  }
  switch (e.type) {
    case 'hello':
      if (e.communities) adopt(e.communities);
      presence.connected();
      return;
    case 'resumed':
      for (const [id, pos] of Object.entries(e.communities ?? {})) {
        const c = Number(id);
        if (positions.has(c)) positions.set(c, Math.max(positions.get(c)!, pos));
      }
      return;
    case 'resync':
      // Nothing was replayed for this community: fetch again what is shown of it.
      positions.set(e.community_id, e.pos);
      resync(e.community_id);
      return;
    case 'typing':
      typing.note_typing(e, session.me?.id);
      return;
    case 'pong':
      return;
    case 'error':
      // A server without typing frames answers ours with unknown_type: nothing to do.
      if (e.error?.code !== 'unknown_type') console.warn('stream error', e.error);
      return;
  }
}
journal.set_replayer((e) => apply(e as LoggedEvent));

function apply(e: LoggedEvent) {
  switch (e.type) {
    case 'notification.created':
      bell.notification_created(e.notification);
      return;
    case 'notification.read':
      bell.notifications_read(e);
      return;
    case 'notifications.changed':
      bell.notifications_changed();
      return;
    case 'board.post.created':
    case 'board.post.changed':
      board.apply_post(e.post);
      if (e.post.deleted) bell.item_deleted('post', e.post.id);
      return;
    case 'board.comment.created':
    case 'board.comment.changed':
      board.apply_comment(e.comment, e.post, e.type === 'board.comment.created');
      if (e.comment.deleted) bell.item_deleted('comment', e.comment.id);
      return;
    case 'message.created':
      typing.note_message_from(e.channel_id, e.message.author.id);
      chat.apply_message(e.message);
      conversations.note_activity(e.channel_id, e.message.created_at);
      return;
    case 'poll.created':
    case 'poll.voted':
    case 'poll.closed':
      polls.poll_event(e.poll);
      return;
    case 'prompt.created':
    case 'prompt.changed':
      prompts.prompt_event(e.prompt);
      return;
    case 'prompt.answered':
    case 'prompt.replied':
      prompts.answer_event(e.prompt, e.answer);
      return;
    case 'channel.muted':
    case 'channel.unmuted':
      polls.mute_event(e.channel_id, e.muted);
      return;
    case 'conversation.created':
    case 'conversation.changed':
      conversations.conversation_event(e.channel);
      bell.renamed('channel', e.channel.id, e.channel.name);
      return;
    case 'message.edited':
    case 'reaction.added':
    case 'reaction.removed':
      chat.apply_message(e.message);
      return;
    case 'message.deleted':
      chat.apply_deleted(e.channel_id, e.seq, e.message_id);
      bell.item_deleted('message', e.message_id);
      return;
    case 'channel.created':
    case 'channel.renamed':
    case 'channel.archived':
    case 'channel.unarchived':
      communities.channel_event(e.channel);
      bell.renamed('channel', e.channel.id, e.channel.name);
      return;
    case 'channel.read':
      communities.set_read(e.channel_id, e.last_read_seq, chat.count_unread(e.channel_id));
      return;
    case 'member.joined':
      communities.member_joined(e.community_id, e.member);
      return;
    case 'member.role_changed':
      communities.member_role_changed(e.community_id, e.member);
      return;
    case 'community.updated':
      communities.community_updated(e.community_id, e.community);
      bell.renamed('community', e.community_id, e.community.name);
      return;
    case 'member.renamed':
      bell.renamed('actor', e.account_id, e.display_name);
      communities.member_renamed(e.account_id, e.display_name);
      chat.rename_author(e.account_id, e.display_name);
      typing.rename_typist(e.account_id, e.display_name);
      return;
    case 'member.removed':
      if (e.account_id === session.me?.id) leave(e.community_id);
      else communities.member_removed(e.community_id, e.account_id);
      return;
    case 'tier.changed':
      tiers.tier_event(e.community_id, e);
      return;
    case 'member.tiers.changed':
      tiers.member_tiers_event(e.community_id, e.account_id, e.tiers);
      return;
  }
}

/**
 * The hello's positions, for the communities the app has none for. What the app already shows
 * of such a community was fetched before that position: it is fetched again. A community the
 * app followed (it has a position) that the hello does not list is no longer ours (removed, or
 * left, while away); one the hello lists that our memberships do not is new (joined on another
 * device). Memberships without a position are not compared: one made over HTTP a moment ago may
 * postdate the hello.
 */
function adopt(now: Record<string, number>) {
  const listed = new Set<number>();
  let joined_elsewhere = false;
  for (const [id, pos] of Object.entries(now)) {
    const c = Number(id);
    listed.add(c);
    if (!session.memberships.some((m) => m.community.id === c)) joined_elsewhere = true;
    if (positions.has(c)) continue; // the resume we sent continues from ours
    positions.set(c, pos);
    if (communities.holds_community(c) || chat.holds_logs(c) || board.holds_boards(c) || conversations.holds_conversations(c) || bell.holds_bell()) resync(c);
  }
  for (const c of [...positions.keys()]) {
    if (listed.has(c)) continue;
    leave(c);
  }
  if (joined_elsewhere) void communities.refresh_memberships().catch(() => {});
}

/** We are no longer a member (removed, or left): forget the community, its messages, its position. */
function leave(community_id: number) {
  const slug = communities.slug_of_community(community_id);
  const channel_ids = [...communities.channels_by_id.values()].filter((c) => c.community_id === community_id).map((c) => c.id);
  chat.forget_channels(channel_ids);
  board.forget_boards(channel_ids);
  conversations.forget_conversations(slug);
  tiers.forget_tiers(slug);
  communities.forget_community(community_id);
  bell.community_gone(community_id);
  positions.delete(community_id);
  if (slug && location.pathname.startsWith(`/c/${slug}`)) navigate('/', { replace: true });
}

function resync(community_id: number) {
  for (const p of [...communities.resync_community(community_id), ...chat.resync_logs(community_id), ...board.resync_boards(community_id), ...conversations.resync_conversations(community_id), ...polls.resync_polls(community_id), ...prompts.resync_prompts(community_id), ...tiers.resync_tiers(community_id), ...bell.resync_bell()]) void p.catch(() => {});
  changed();
}

/** On log out, or when another account signs in on this device. */
export function forget_positions() {
  positions.clear();
  journal.forget_all();
  bell.forget_all();
  tiers.forget_all();
}

// ---- The connection.

let socket: WebSocket | null = null;
let wanted = false;
let attempt = 0;
let retry_timer = 0;
let ping_timer = 0;
let pong_deadline = 0;
let on_session_ended: () => void = () => {};

/** Called when the server closes the stream with 4401: the session behind it has ended. */
export function set_session_ended_handler(fn: () => void) {
  on_session_ended = fn;
}

function set_connection(c: typeof session.connection) {
  if (session.connection !== c) {
    session.connection = c;
    changed();
  }
}

export function start_stream() {
  wanted = true;
  if (!socket) connect();
}

export function stop_stream() {
  wanted = false;
  clearTimeout(retry_timer);
  clearInterval(ping_timer);
  const ws = socket;
  socket = null;
  ws?.close();
}

/**
 * "I am writing in this channel" (the composer throttles it to one every 3 s). Dropped when
 * the stream is not open: it is only worth something now.
 */
export function send_typing(channel_id: number) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'typing', channel_id }));
}

/**
 * "I am in the app" / "I left it" (presence.ts decides when): the server pushes to a phone only
 * while its owner is not active here. Dropped when the stream is not open; the next connection
 * says it again after its hello.
 */
export function send_presence(active: boolean): boolean {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify({ type: 'presence', active }));
  return true;
}

/** The first frame of every connection: where the app is in each community's log. */
export function resume_frame(): string {
  const held: Record<string, number> = {};
  for (const [id, pos] of positions) held[id] = pos;
  return JSON.stringify({ type: 'resume', communities: held });
}

function connect() {
  clearTimeout(retry_timer);
  if (!wanted || !navigator.onLine) {
    set_connection('offline');
    return;
  }
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/stream';
  const ws = new WebSocket(url);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    attempt = 0;
    ws.send(resume_frame());
    set_connection('online');
    chat.flush_pending();
    clearInterval(ping_timer);
    ping_timer = window.setInterval(() => keepalive(ws), 25000);
  };
  ws.onmessage = (msg) => {
    pong_deadline = 0;
    if (socket !== ws) return;
    try {
      dispatch(JSON.parse(msg.data));
    } catch (e) {
      console.warn('bad frame', e);
    }
  };
  ws.onclose = (e) => {
    if (socket !== ws) return;
    socket = null;
    clearInterval(ping_timer);
    if (e.code === SESSION_ENDED) {
      // Logged out elsewhere, password changed, ended from another device: reconnecting would
      // only be refused. Back to log in, keeping what is held for when the person comes back.
      wanted = false;
      on_session_ended();
      return;
    }
    if (e.code === ACCESS_CHANGED) {
      // Removed, left, or given another role: the session is fine, what it may see is not what
      // it was. Reconnect at once (the new hello drops a community we left) and fetch our
      // memberships again (the roles).
      attempt = 0;
      set_connection('connecting');
      void communities.refresh_memberships().catch(() => {});
      connect();
      return;
    }
    // Refused before opening: perhaps the session ended while the socket was down (the upgrade
    // then gets 401, which a browser does not show). Asking /me settles it: a 401 there ends the
    // session the usual way; anything else, and the app keeps trying.
    if (!opened && navigator.onLine) void api.get_me().catch(() => {});
    set_connection(navigator.onLine ? 'connecting' : 'offline');
    schedule_reconnect();
  };
}

/** Our own ping: a connection that answers nothing for 10 s is treated as dropped. */
function keepalive(ws: WebSocket) {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (pong_deadline && Date.now() > pong_deadline) {
    ws.close();
    ws.onclose?.(new CloseEvent('close'));
    return;
  }
  pong_deadline = Date.now() + 10000;
  ws.send('{"type":"ping"}');
}

function schedule_reconnect() {
  if (!wanted) return;
  // Back-off: 0.5 s, 1 s, 2 s … up to 30 s, with jitter so a restarted server isn't stampeded.
  const delay = Math.min(30000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
  attempt += 1;
  retry_timer = window.setTimeout(connect, delay);
}

window.addEventListener('offline', () => {
  // The browser knows the network is gone: drop the socket now rather than wait for a timeout.
  const ws = socket;
  socket = null;
  ws?.close();
  clearInterval(ping_timer);
  set_connection('offline');
});
window.addEventListener('online', () => {
  if (wanted && !socket) {
    attempt = 0;
    set_connection('connecting');
    connect();
  }
});
