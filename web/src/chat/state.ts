// The messages the app holds per channel, keyed by seq so that nothing is shown twice, and the
// messages written but not yet acknowledged (pending), each with a client_id so a retry never
// creates a second message.
import * as api from '../api';
import { ApiError, type Message } from '../api';
import { changed, session } from '../state';
import { error_text } from '../i18n';
import { channels_by_id, note_message } from '../communities/state';

/**
 * The reactions the picker offers. The server takes only RGI emoji (Unicode's emoji keyboards'
 * set, fully qualified: "❤️" is U+2764 U+FE0F), at most 20 distinct per person per message.
 */
export const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];

export interface Pending {
  client_id: string;
  /** Whose message it is: after a change of account on this device it is never sent as someone else. */
  account_id: number;
  channel_id: number;
  parent_id: number | null;
  body: string;
  created_at: string;
  failed?: string;
  sending?: boolean;
}

export interface Log {
  by_seq: Map<number, Message>;
  oldest: number; // smallest seq held (Infinity when empty)
  newest: number; // largest seq held (0 when empty)
  has_more: boolean; // older messages exist on the server
  loaded: boolean;
  loading_older: boolean;
  /** The read marker when the channel was opened: the "new messages" divider goes after it. */
  divider_after: number;
}

export const logs = new Map<number, Log>();
export let pending: Pending[] = load_pending();
/** Which channel is on screen and scrolled to the bottom (its new messages count as read). */
export const viewing = { channel_id: 0, at_bottom: true };

const PAGE = 50;

function log_of(channel_id: number): Log {
  let l = logs.get(channel_id);
  if (!l) {
    l = { by_seq: new Map(), oldest: Infinity, newest: 0, has_more: true, loaded: false, loading_older: false, divider_after: 0 };
    logs.set(channel_id, l);
  }
  return l;
}

/** Adds or replaces a message; returns true when its seq was new. */
function put(m: Message): boolean {
  const l = log_of(m.channel_id);
  const fresh = !l.by_seq.has(m.seq);
  l.by_seq.set(m.seq, m);
  if (m.seq < l.oldest) l.oldest = m.seq;
  if (m.seq > l.newest) l.newest = m.seq;
  return fresh;
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

/** The last seq we have seen in a channel, for the stream's resume. */
export function known_seq(channel_id: number): number {
  return Math.max(logs.get(channel_id)?.newest ?? 0, channels_by_id.get(channel_id)?.last_seq ?? 0);
}

export async function open_channel(channel_id: number) {
  const l = log_of(channel_id);
  const ch = channels_by_id.get(channel_id);
  // The "new messages" divider goes after what was read when the channel is opened.
  l.divider_after = ch && ch.unread > 0 ? ch.last_read_seq : Infinity;
  if (l.loaded) return changed();
  const { messages } = await api.list_messages(channel_id, { limit: PAGE });
  for (const m of messages) put(m);
  l.has_more = messages.length >= PAGE && (messages[0]?.seq ?? 1) > 1;
  l.loaded = true;
  changed();
}

export async function load_older(channel_id: number) {
  const l = log_of(channel_id);
  if (!l.has_more || l.loading_older || !l.loaded) return;
  l.loading_older = true;
  changed();
  try {
    const before = Number.isFinite(l.oldest) ? l.oldest : undefined;
    const { messages } = await api.list_messages(channel_id, { before, limit: PAGE });
    for (const m of messages) put(m);
    l.has_more = messages.length >= PAGE && (messages[0]?.seq ?? 1) > 1;
  } finally {
    l.loading_older = false;
    changed();
  }
}

/** From the stream (live or resumed) or from our own POST: the one way a message comes in. */
export function apply_message(m: Message) {
  const l = logs.get(m.channel_id);
  // Only a channel whose latest page is held keeps messages: an edit or reaction to a message
  // above the held range is left for when the person scrolls up to it (else it would show out of
  // place and the next page would skip what lies between).
  const holds = !!l && l.loaded && (m.seq >= l.oldest || !l.has_more);
  const fresh = holds && put(m);
  if (m.client_id) drop_pending(m.client_id);
  if (fresh && m.parent_id) {
    const parent = find_message(m.channel_id, m.parent_id);
    if (parent && !replies_seen.has(m.id)) parent.reply_count += 1;
  }
  if (m.parent_id) replies_seen.add(m.id);
  // Counts as unread only a seq beyond the channel's last one (note_message checks).
  const looking = viewing.channel_id === m.channel_id && viewing.at_bottom && document.visibilityState === 'visible';
  note_message(m.channel_id, m.seq, m.author.id, looking);
  changed();
}
const replies_seen = new Set<number>();

export function apply_deleted(channel_id: number, seq: number, message_id: number) {
  const l = logs.get(channel_id);
  const m = l?.by_seq.get(seq) ?? find_message(channel_id, message_id);
  if (m) {
    m.deleted = true;
    m.body = '';
    m.html = '';
    m.reactions = [];
  }
  changed();
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

export function send(channel_id: number, body: string, parent_id: number | null = null) {
  if (!session.me) return;
  const p: Pending = { client_id: new_client_id(), account_id: session.me.id, channel_id, parent_id, body, created_at: new Date().toISOString() };
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

export function discard_pending(client_id: string) {
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
  if (account_id !== undefined) {
    pending = pending.filter((p) => p.account_id !== account_id);
    save_pending();
  }
}

/** Puts fetched messages (a thread) into the channel's log without counting them as new. */
export function put_many(messages: Message[]) {
  for (const m of messages) {
    put(m);
    if (m.parent_id) replies_seen.add(m.id);
  }
  changed();
}

/** Replaces a message with the server's answer to our own edit or reaction. */
export function replace(m: Message) {
  put(m);
  changed();
}
