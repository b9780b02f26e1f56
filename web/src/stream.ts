// The one WebSocket to /api/v1/stream and the one dispatch(event) switch.
// On every (re)connect it sends {"type":"resume","channels":{id: last_seq}} so what was missed
// comes back in order; the chat state ignores a seq it already holds, so nothing is doubled.
import type { Channel, Member, Message } from './api';
import { changed, navigate, session } from './state';
import * as chat from './chat/state';
import * as communities from './communities/state';

type Event =
  | { type: 'hello'; account_id: number }
  | { type: 'resumed'; channels: Record<string, number> }
  | { type: 'pong' }
  | { type: 'error'; error: { code: string; message: string } }
  | { type: 'message.created' | 'message.edited'; channel_id: number; seq: number; message: Message }
  | { type: 'message.deleted'; channel_id: number; seq: number; message_id: number }
  | { type: 'reaction.added' | 'reaction.removed'; channel_id: number; message_id: number; emoji: string; account_id: number; message: Message }
  | { type: 'channel.created' | 'channel.renamed' | 'channel.archived' | 'channel.unarchived'; community_id: number; channel: Channel }
  | { type: 'channel.read'; channel_id: number; last_read_seq: number }
  | { type: 'member.joined'; community_id: number; member: Member }
  | { type: 'member.removed'; community_id: number; account_id: number };

export function dispatch(e: Event) {
  switch (e.type) {
    case 'hello':
    case 'resumed':
    case 'pong':
      return;
    case 'error':
      console.warn('stream error', e.error);
      return;
    case 'message.created':
    case 'message.edited':
    case 'reaction.added':
    case 'reaction.removed':
      chat.apply_message(e.message);
      return;
    case 'message.deleted':
      chat.apply_deleted(e.channel_id, e.seq, e.message_id);
      return;
    case 'channel.created':
    case 'channel.renamed':
    case 'channel.archived':
    case 'channel.unarchived':
      communities.upsert_channel(e.channel, true);
      return;
    case 'channel.read':
      communities.set_read(e.channel_id, e.last_read_seq);
      return;
    case 'member.joined':
      communities.member_joined(e.community_id, e.member);
      return;
    case 'member.removed': {
      const slug = communities.slug_of_community(e.community_id);
      communities.member_removed(e.community_id, e.account_id);
      if (e.account_id === session.me?.id && slug && location.pathname.startsWith(`/c/${slug}`)) navigate('/', { replace: true });
      return;
    }
  }
}

let socket: WebSocket | null = null;
let wanted = false;
let attempt = 0;
let retry_timer = 0;
let ping_timer = 0;
let pong_deadline = 0;
let connected_once = false;

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
  socket?.close();
  socket = null;
}

function resume_frame(): string {
  const channels: Record<string, number> = {};
  for (const id of communities.channels_by_id.keys()) channels[id] = chat.known_seq(id);
  for (const id of chat.logs.keys()) channels[id] = chat.known_seq(id);
  return JSON.stringify({ type: 'resume', channels });
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
  ws.onopen = () => {
    attempt = 0;
    ws.send(resume_frame());
    set_connection('online');
    if (connected_once) refresh_after_gap();
    connected_once = true;
    chat.flush_pending();
    clearInterval(ping_timer);
    ping_timer = window.setInterval(() => keepalive(ws), 25000);
  };
  ws.onmessage = (msg) => {
    pong_deadline = 0;
    try {
      dispatch(JSON.parse(msg.data));
    } catch (e) {
      console.warn('bad frame', e);
    }
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    clearInterval(ping_timer);
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

/** After a gap, channels may have been created or renamed: refresh the lists we show. */
function refresh_after_gap() {
  const slugs = new Set(communities.channels_by_slug.keys());
  // The community on screen may have failed to load while offline.
  const shown = /^\/c\/([a-z0-9-]+)/.exec(location.pathname)?.[1];
  if (shown) slugs.add(shown);
  for (const slug of slugs) void communities.load_community(slug, true).catch(() => {});
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
