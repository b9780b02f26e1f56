// Who is writing where, from the stream's `typing` frames (ephemeral: no `pos`, never logged,
// never replayed, so they never go through the journal). A name shows for SHOW_MS after its
// last frame, and goes at once when a message of that person arrives in that channel. Our own
// frames go out at most once every SEND_EVERY_MS while the box holds text that changes.
import { changed } from '../state';

/** How long a name stays after its last frame (the sender repeats every SEND_EVERY_MS). */
export const SHOW_MS = 6000;
export const SEND_EVERY_MS = 3000;

interface Typist {
  name: string;
  until: number;
  since: number;
}

/** channel_id → account_id → who, until when. */
const typing = new Map<number, Map<number, Typist>>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** The frame the server relays: `{"type":"typing","community_id","channel_id","account_id","display_name"}`. */
export interface TypingFrame {
  channel_id: number;
  account_id: number;
  display_name: string;
}

export function note_typing(e: TypingFrame, me: number | undefined, now = Date.now()) {
  if (!Number.isInteger(e.channel_id) || !Number.isInteger(e.account_id) || e.account_id === me) return;
  let in_channel = typing.get(e.channel_id);
  if (!in_channel) typing.set(e.channel_id, (in_channel = new Map()));
  const before = in_channel.get(e.account_id);
  in_channel.set(e.account_id, { name: e.display_name || before?.name || '…', until: now + SHOW_MS, since: before && before.until > now ? before.since : now });
  schedule(e.channel_id, now);
  changed();
}

/** A message from that person in that channel: they are done writing it. */
export function note_message_from(channel_id: number, account_id: number) {
  const in_channel = typing.get(channel_id);
  if (in_channel?.delete(account_id)) changed();
}

/** `member.renamed`: a name shown as writing follows too. */
export function rename_typist(account_id: number, name: string) {
  for (const in_channel of typing.values()) {
    const t = in_channel.get(account_id);
    if (t) t.name = name;
  }
}

/** The names writing in a channel now, the first to start first. */
export function typing_in(channel_id: number, now = Date.now()): string[] {
  const in_channel = typing.get(channel_id);
  if (!in_channel) return [];
  return [...in_channel.values()].filter((t) => t.until > now).sort((a, b) => a.since - b.since).map((t) => t.name);
}

/** The line under the messages: one name, two names, or "several people". */
export function typing_line(names: string[], say: { one: (a: string) => string; two: (a: string, b: string) => string; many: () => string }): string {
  if (names.length === 0) return '';
  if (names.length === 1) return say.one(names[0]);
  if (names.length === 2) return say.two(names[0], names[1]);
  return say.many();
}

/** Re-renders when the next name of the channel expires, and forgets the expired ones. */
function schedule(channel_id: number, now: number) {
  clearTimeout(timers.get(channel_id));
  const in_channel = typing.get(channel_id);
  if (!in_channel) return;
  for (const [id, t] of in_channel) if (t.until <= now) in_channel.delete(id);
  if (in_channel.size === 0) {
    typing.delete(channel_id);
    timers.delete(channel_id);
    return;
  }
  const next = Math.min(...[...in_channel.values()].map((t) => t.until));
  const timer = setTimeout(() => {
    schedule(channel_id, Date.now());
    changed();
  }, Math.max(0, next - now) + 20);
  (timer as { unref?: () => void }).unref?.();
  timers.set(channel_id, timer);
}

/**
 * Our side: call on every change of the box's text; `send` goes out at most once every
 * SEND_EVERY_MS per channel, and only for a text that is not blank and differs from the last
 * one seen (a box that is just focused, or emptied, says nothing).
 */
export function typing_sender(send: (channel_id: number) => void, clock: () => number = Date.now) {
  const last_sent = new Map<number, number>();
  const last_text = new Map<number, string>();
  return {
    input(channel_id: number, text: string) {
      const before = last_text.get(channel_id);
      last_text.set(channel_id, text);
      if (!text.trim() || text === before) return;
      const now = clock();
      if (now - (last_sent.get(channel_id) ?? -Infinity) < SEND_EVERY_MS) return;
      last_sent.set(channel_id, now);
      send(channel_id);
    },
    /** After sending the message: the next text starts a new round at once. */
    sent(channel_id: number) {
      last_sent.delete(channel_id);
      last_text.delete(channel_id);
    },
  };
}

export function forget_typing() {
  for (const t of timers.values()) clearTimeout(t);
  timers.clear();
  typing.clear();
}
