// The messages the app holds per channel, keyed by seq so that nothing is shown twice, and the
// messages written but not yet acknowledged (pending), each with a client_id so a retry never
// creates a second message. Every event is applied idempotently (a replay may bring what a
// fetch already showed): a message is replaced by its newer state, never counted twice.
import * as api from '../api';
import { ApiError, type FileInfo, type Message } from '../api';
import { changed, session } from '../state';
import { error_text } from '../i18n';
import { channels_by_id, note_deleted, note_message } from '../communities/state';
import { fetching, in_step } from '../journal';
import { forget_drafts } from './drafts';
import { forget_typing } from './typing';
import { forget_trays } from '../files/upload';

export interface Pending {
  client_id: string;
  /** Whose message it is: after a change of account on this device it is never sent as someone else. */
  account_id: number;
  channel_id: number;
  parent_id: number | null;
  body: string;
  /** Uploaded already: the message carries their ids, and shows them while it waits. */
  files?: FileInfo[];
  created_at: string;
  failed?: string;
  sending?: boolean;
}

export interface Log {
  by_seq: Map<number, Message>;
  oldest: number; // smallest seq of the contiguous range held (Infinity when empty)
  newest: number; // largest seq held (0 when empty)
  has_more: boolean; // older messages exist on the server
  loaded: boolean;
  loading_older: boolean;
  /** The read marker when the channel was opened: the "new messages" divider goes after it. */
  divider_after: number;
}

/** The most messages fetched above the latest page to reach the first unread one. */
const FILL_MAX = 1000;

export const logs = new Map<number, Log>();
export let pending: Pending[] = load_pending();
/** Which channel is on screen and scrolled to the bottom (its new messages count as read). */
export const viewing = { channel_id: 0, at_bottom: true };
/** The thread panel on screen, if any: a resync fetches it again. */
export let open_thread: { channel_id: number; parent_id: number } | null = null;

const PAGE = 50;

function log_of(channel_id: number): Log {
  let l = logs.get(channel_id);
  if (!l) {
    l = { by_seq: new Map(), oldest: Infinity, newest: 0, has_more: true, loaded: false, loading_older: false, divider_after: 0 };
    logs.set(channel_id, l);
  }
  return l;
}

/**
 * Adds or replaces a message; returns the one it replaced. `extend` false (a thread's messages)
 * leaves the held range as it is: a thread's parent may lie above it.
 */
function put(m: Message, extend = true): Message | undefined {
  const l = log_of(m.channel_id);
  const before = l.by_seq.get(m.seq);
  l.by_seq.set(m.seq, m);
  if (extend && m.seq < l.oldest) l.oldest = m.seq;
  if (m.seq > l.newest) l.newest = m.seq;
  return before;
}

export function sorted(channel_id: number): Message[] {
  const l = logs.get(channel_id);
  if (!l) return [];
  return [...l.by_seq.values()].sort((a, b) => a.seq - b.seq);
}

export function find_message(channel_id: number, id: number): Message | undefined {
  const l = logs.get(channel_id);
  if (!l) return undefined;
  for (const m of l.by_seq.values()) if (m.id === id) return m;
  return undefined;
}

function community_of(channel_id: number): number | undefined {
  return channels_by_id.get(channel_id)?.community_id;
}

/** A first open: the latest page is all that is held of the channel. */
function install_page(channel_id: number, messages: Message[]) {
  const l = log_of(channel_id);
  l.by_seq.clear();
  l.oldest = Infinity;
  l.newest = 0;
  for (const m of messages) put(m);
  l.has_more = messages.length >= PAGE && (messages[0]?.seq ?? 1) > 1;
  l.loaded = true;
  changed();
}

/**
 * Replaces in place what is held with seq in [from, upto): every message of the range as the
 * server has it now, and none it no longer lists. `from` is -Infinity when the page reached the
 * channel's beginning.
 */
function replace_range(channel_id: number, messages: Message[], from: number, upto: number) {
  const l = log_of(channel_id);
  for (const seq of [...l.by_seq.keys()]) if (seq >= from && seq < upto) l.by_seq.delete(seq);
  for (const m of messages) put(m);
  if (from === -Infinity) l.has_more = false;
  changed();
}

function fetch_latest(channel_id: number) {
  return in_step(`log:${channel_id}`, community_of(channel_id), () => api.list_messages(channel_id, { limit: PAGE }), ({ messages }) => install_page(channel_id, messages));
}

/** The most messages a resync fetches again above the latest page; older ones are let go. */
const REFRESH_MAX = 1000;

/**
 * A resync (the stream could not replay what we missed, or the app showed the channel before
 * its first hello): the latest page again and then, page by page, what was held above it, each
 * replacing its range in place. The reader keeps their place and the history they scrolled
 * through (or that the divider needed); nothing stale stays. When more than a page came since,
 * what was held no longer joins the latest page and is let go.
 */
async function refresh_log(channel_id: number) {
  const l = log_of(channel_id);
  if (!l.loaded) return fetch_latest(channel_id);
  const held_oldest = l.oldest;
  let cursor = Infinity;
  let joined = true;
  await in_step(`log:${channel_id}`, community_of(channel_id), () => api.list_messages(channel_id, { limit: PAGE }), ({ messages }) => {
    const whole = messages.length < PAGE;
    joined = whole || messages[0].seq <= l.newest;
    if (!joined) return install_page(channel_id, messages);
    cursor = whole ? -Infinity : messages[0].seq;
    replace_range(channel_id, messages, cursor, Infinity);
  });
  let fetched = 0;
  while (joined && cursor > held_oldest && Number.isFinite(cursor)) {
    if (fetched >= REFRESH_MAX) {
      // Too far up to refresh: what lies above the refreshed range goes.
      replace_range(channel_id, [], -Infinity, cursor);
      l.oldest = cursor;
      l.has_more = true;
      changed();
      return;
    }
    const before = cursor;
    const limit = Math.min(200, before - held_oldest);
    const { messages } = await in_step(`refresh:${channel_id}:${before}`, community_of(channel_id), () => api.list_messages(channel_id, { before, limit }), ({ messages }) => {
      replace_range(channel_id, messages, messages.length < limit ? -Infinity : messages[0].seq, before);
    });
    if (messages.length === 0) return;
    fetched += messages.length;
    cursor = messages.length < limit ? -Infinity : messages[0].seq;
  }
}

/** The latest page of a channel, unless held already. */
export async function open_channel(channel_id: number) {
  const l = log_of(channel_id);
  if (l.loaded) return changed();
  await fetch_latest(channel_id);
}

/**
 * Where the "new messages" divider goes, said once per opening of the channel (when both its
 * read marker and its latest page are known): after what was read then. The pages above the
 * latest one are fetched down to it, so the channel can open at the first unread message.
 */
export async function place_divider(channel_id: number) {
  const l = log_of(channel_id);
  const ch = channels_by_id.get(channel_id);
  l.divider_after = ch && ch.unread > 0 ? ch.last_read_seq : Infinity;
  changed();
  let fetched = 0;
  while (Number.isFinite(l.divider_after) && l.loaded && l.has_more && l.oldest > l.divider_after && fetched < FILL_MAX) {
    // The read message above the divider too: a line of what came before.
    const want = Math.min(200, l.oldest - l.divider_after);
    const n = await load_older(channel_id, Math.max(want, 1));
    if (!n) break;
    fetched += n;
  }
}

/** The most messages fetched above the held range to reach a message a search found. */
export const REACH_MAX = 2000;

/**
 * Fetches the pages above the held range down to `seq` (a search result, opened in its room) and
 * a few more above it, so that it shows among what came before; resolves with whether it is in
 * the held range then. The held range stays one contiguous run down from the latest page, so a
 * message further up than REACH_MAX is not reached (the room would have to hold a window apart).
 */
export async function reach_seq(channel_id: number, seq: number): Promise<boolean> {
  const l = log_of(channel_id);
  let fetched = 0;
  while (l.loaded && l.has_more && l.oldest > seq && fetched < REACH_MAX) {
    // The upward scroll may be fetching a page already: its answer moves `oldest` too.
    if (l.loading_older) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const n = await load_older(channel_id, Math.min(200, l.oldest - seq + 10));
    if (!n) break;
    fetched += n;
  }
  return l.loaded && (l.oldest <= seq || !l.has_more);
}

/** The page above the held range; resolves with how many messages came. */
export async function load_older(channel_id: number, limit = PAGE): Promise<number> {
  const l = log_of(channel_id);
  if (!l.has_more || l.loading_older || !l.loaded) return 0;
  l.loading_older = true;
  changed();
  let n = 0;
  try {
    const before = Number.isFinite(l.oldest) ? l.oldest : undefined;
    await in_step(`older:${channel_id}`, community_of(channel_id), () => api.list_messages(channel_id, { before, limit }), ({ messages }) => {
      for (const m of messages) put(m);
      n = messages.length;
      l.has_more = messages.length >= limit && (messages[0]?.seq ?? 1) > 1;
    });
  } finally {
    l.loading_older = false;
    changed();
  }
  return n;
}

/** Whether the held log holds every message with a seq in (after, upto]. */
function covers(l: Log | undefined, after: number, upto: number): l is Log {
  return !!l && l.loaded && (after + 1 >= l.oldest || !l.has_more) && l.newest >= upto;
}

/** Others' messages in (after, upto] that are not deleted, when the held log covers them. */
export function count_unread(channel_id: number) {
  return (after: number, upto: number): number | undefined => {
    const l = logs.get(channel_id);
    if (!covers(l, after, upto)) return undefined;
    let n = 0;
    for (const m of l.by_seq.values()) if (m.seq > after && m.seq <= upto && !m.deleted && m.author.id !== session.me?.id) n += 1;
    return n;
  };
}

/**
 * From the stream (live or replayed: `message.created`, `.edited`, `reaction.*`) or from our own
 * request: the one way a message comes in. The message is as it is now; applying it twice, or
 * after a fetch that already showed it, changes nothing.
 */
export function apply_message(m: Message) {
  const l = logs.get(m.channel_id);
  // Only a channel whose latest page is held keeps messages: an edit or reaction to a message
  // above the held range is left for when the person scrolls up to it (else it would show out of
  // place and the next page would skip what lies between).
  const holds = !!l && l.loaded && (m.seq >= l.oldest || !l.has_more);
  const before = holds ? put(m) : undefined;
  if (m.client_id) drop_pending(m.client_id);
  if (holds && !before && m.parent_id) {
    const parent = find_message(m.channel_id, m.parent_id);
    if (parent && !replies_seen.has(m.id)) parent.reply_count += 1;
  }
  if (m.parent_id) replies_seen.add(m.id);
  // A message deleted since (a replay says so): it no longer waits to be read. Known exactly
  // when the held copy was not deleted yet; unknown when there was no held copy.
  if (m.deleted && !before?.deleted) note_deleted(m.channel_id, m.seq, before ? m.author.id : undefined);
  // Counts as unread only a seq beyond the channel's last one (note_message checks).
  const looking = viewing.channel_id === m.channel_id && viewing.at_bottom && document.visibilityState === 'visible';
  note_message(m.channel_id, m.seq, m.author.id, m.deleted, looking);
  changed();
}
const replies_seen = new Set<number>();

/** `message.deleted`: the message keeps its place, without text or reactions. */
export function apply_deleted(channel_id: number, seq: number, message_id: number) {
  const l = logs.get(channel_id);
  const m = l?.by_seq.get(seq) ?? find_message(channel_id, message_id);
  if (m && !m.deleted) {
    put({ ...m, deleted: true, body: '', html: '', reactions: [], files: [] }, false);
    note_deleted(channel_id, seq, m.author.id);
  } else if (!m) {
    note_deleted(channel_id, seq, undefined);
  }
  changed();
}

/** `member.renamed`: the name shows on every message of theirs held. */
export function rename_author(account_id: number, display_name: string) {
  for (const l of logs.values()) {
    for (const [seq, m] of l.by_seq) if (m.author.id === account_id && m.author.display_name !== display_name) l.by_seq.set(seq, { ...m, author: { ...m.author, display_name } });
  }
  changed();
}

/** The thread panel's messages: the parent and its replies, put into the channel's log. */
export function load_thread(channel_id: number, parent_id: number) {
  return in_step(`thread:${parent_id}`, community_of(channel_id), () => api.get_thread(parent_id), ({ parent, replies }) => put_many([parent, ...replies]));
}

export function set_open_thread(t: { channel_id: number; parent_id: number } | null) {
  open_thread = t;
}

/** A channel opened before its community's channel list arrived may be of any community. */
function of_community(channel_id: number, community_id: number): boolean {
  const c = community_of(channel_id);
  return c === undefined || c === community_id;
}

/** Whether anything of the community's channels is held or being fetched. */
export function holds_logs(community_id: number): boolean {
  for (const [id, l] of logs) if ((l.loaded || fetching(`log:${id}`)) && of_community(id, community_id)) return true;
  return !!open_thread && community_of(open_thread.channel_id) === community_id;
}

/** A community we left or were removed from: its messages go. */
export function forget_channels(channel_ids: number[]) {
  for (const id of channel_ids) logs.delete(id);
  if (open_thread && channel_ids.includes(open_thread.channel_id)) open_thread = null;
  changed();
}

/** A resync of a community: every channel log held, refreshed in place, and the open thread. */
export function resync_logs(community_id: number): Promise<unknown>[] {
  const out: Promise<unknown>[] = [];
  for (const [id, l] of logs) if ((l.loaded || fetching(`log:${id}`)) && of_community(id, community_id)) out.push(refresh_log(id));
  if (open_thread && community_of(open_thread.channel_id) === community_id) out.push(load_thread(open_thread.channel_id, open_thread.parent_id));
  return out;
}

// ---- Sending, with pending messages that survive being offline (and a reload).

function load_pending(): Pending[] {
  try {
    const raw = JSON.parse(localStorage.getItem('ps_pending') ?? '[]');
    return Array.isArray(raw) ? raw.map((p: Pending) => ({ ...p, sending: false })) : [];
  } catch {
    return [];
  }
}
function save_pending() {
  localStorage.setItem('ps_pending', JSON.stringify(pending.map(({ sending: _s, ...p }) => p)));
}
function drop_pending(client_id: string) {
  const before = pending.length;
  pending = pending.filter((p) => p.client_id !== client_id);
  if (pending.length !== before) save_pending();
}

function new_client_id() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return 'c-' + [...a].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function pending_for(channel_id: number, parent_id: number | null): Pending[] {
  return pending.filter((p) => p.channel_id === channel_id && p.parent_id === parent_id && p.account_id === session.me?.id);
}

export function send(channel_id: number, body: string, parent_id: number | null = null, files: FileInfo[] = []) {
  if (!session.me) return;
  const p: Pending = { client_id: new_client_id(), account_id: session.me.id, channel_id, parent_id, body, ...(files.length ? { files } : {}), created_at: new Date().toISOString() };
  pending.push(p);
  save_pending();
  changed();
  void deliver(p);
}

async function deliver(p: Pending) {
  if (p.sending) return;
  p.sending = true;
  p.failed = undefined;
  try {
    const { message } = await api.post_message(p.channel_id, {
      body: p.body,
      client_id: p.client_id,
      ...(p.files?.length ? { file_ids: p.files.map((f) => f.id) } : {}),
      ...(p.parent_id ? { parent_id: p.parent_id } : {}),
    });
    apply_message(message);
    drop_pending(p.client_id);
  } catch (e) {
    // A network failure keeps it pending (sent again when the connection is back);
    // a refusal by the server is shown next to the message with a way to retry or drop it.
    // An expired session (401) keeps it pending too: it goes out once the person logs in again.
    if (!(e instanceof ApiError && (e.status === 0 || e.status === 401))) p.failed = error_text(e);
  } finally {
    p.sending = false;
    changed();
  }
}

/** Sends again everything still pending (called when the stream is back). */
export function flush_pending() {
  if (!session.me) return;
  for (const p of pending) if (!p.failed && p.account_id === session.me.id) void deliver(p);
}

export function retry_pending(client_id: string) {
  const p = pending.find((x) => x.client_id === client_id);
  if (p) void deliver(p);
}

/** Drops an unsent message; its uploads, attached to nothing, go too (the server would sweep them). */
export function discard_pending(client_id: string) {
  const p = pending.find((x) => x.client_id === client_id);
  for (const f of p?.files ?? []) void api.delete_file(f.id).catch(() => {});
  drop_pending(client_id);
  changed();
}

setInterval(() => {
  if (navigator.onLine && pending.some((p) => !p.failed && !p.sending)) flush_pending();
}, 5000);

/** On log out: forget the messages held, and the unsent ones of the person leaving. */
export function forget_all(account_id?: number) {
  logs.clear();
  replies_seen.clear();
  open_thread = null;
  forget_typing();
  forget_trays();
  if (account_id !== undefined) {
    pending = pending.filter((p) => p.account_id !== account_id);
    save_pending();
    forget_drafts(account_id);
  }
}

// ---- Deleting with an undo: the message is hidden at once, and the DELETE goes out only when
// the undo toast has gone without being used (the API has no restore).

/** How long the undo toast stays: the delete is sent when it ends. */
export const UNDO_MS = 5000;
/** Ids of messages deleted here whose DELETE waits for the undo toast to end. */
export const deleting = new Map<number, ReturnType<typeof setTimeout>>();

/**
 * Hides the message now and deletes it a moment after the undo toast (UNDO_MS) has gone, so an
 * undo pressed as the toast leaves still counts. Returns the undo, which says whether it came in
 * time (false once the DELETE has gone out). `done` gets the result.
 */
export function delete_later(message_id: number, done: (e?: unknown) => void): () => boolean {
  clearTimeout(deleting.get(message_id));
  let sent = false;
  const timer = setTimeout(() => {
    sent = true;
    api.delete_message(message_id).then(
      () => {
        deleting.delete(message_id);
        done();
      },
      (e) => {
        deleting.delete(message_id); // shown again, with the error
        changed();
        done(e);
      },
    );
  }, UNDO_MS + 500);
  deleting.set(message_id, timer);
  changed();
  return () => {
    if (sent) return false;
    clearTimeout(timer);
    deleting.delete(message_id);
    changed();
    return true;
  };
}

/** Puts fetched messages (a thread) into the channel's log without counting them as new. */
export function put_many(messages: Message[]) {
  for (const m of messages) {
    put(m, false);
    if (m.parent_id) replies_seen.add(m.id);
  }
  changed();
}

/** Replaces a message with the server's answer to our own edit or reaction. */
export function replace(m: Message) {
  put(m);
  changed();
}
