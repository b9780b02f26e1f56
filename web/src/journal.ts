// Keeping a fetched snapshot in step with the stream. A GET and the WebSocket are two channels:
// an event can arrive while a fetch is in flight, and the snapshot it answers may or may not
// contain that event already. Every fetch of what a community shows therefore goes through
// `in_step`, which (1) installs only the answer of the latest fetch of the same thing, and
// (2) applies again, on top of the fresh snapshot, the community's events received since the
// fetch started. That is safe because every event is applied idempotently (stream.ts), and
// enough because an event received before a fetch starts was committed before the fetch is
// served, so the snapshot holds it.

export interface Logged {
  community_id: number;
  pos: number;
  type: string;
}

let received = 0;
const kept: { n: number; e: Logged }[] = [];
const open_marks = new Map<symbol, number>();
const tickets = new Map<string, symbol>();
const in_flight = new Set<Promise<unknown>>();
let replaying = false;
let replay: (e: Logged) => void = () => {};

/** stream.ts gives the one function that applies an event (its dispatch). */
export function set_replayer(fn: (e: Logged) => void) {
  replay = fn;
}

/** True while events are applied a second time over a fresh snapshot: nothing is re-fetched then. */
export function is_replaying(): boolean {
  return replaying;
}

/** Every logged event received, in order (called by dispatch, not during a replay). */
export function record(e: Logged) {
  received += 1;
  if (open_marks.size > 0) kept.push({ n: received, e });
}

function trim() {
  if (open_marks.size === 0) {
    kept.length = 0;
    return;
  }
  const oldest = Math.min(...open_marks.values());
  let drop = 0;
  while (drop < kept.length && kept[drop].n <= oldest) drop += 1;
  if (drop) kept.splice(0, drop);
}

/**
 * Fetches `key` (a name for what is fetched: "channels:les-voisins", "log:7" …) of community
 * `community_id` (undefined: of every community), installs the answer unless a later fetch of the same key has started since,
 * then applies again the community's events received meanwhile. Resolves when installed (or
 * superseded); rejects with the fetch's error.
 */
export function in_step<T>(key: string, community_id: number | undefined, fetch: () => Promise<T>, install: (r: T) => void): Promise<T> {
  const ticket = Symbol(key);
  tickets.set(key, ticket);
  open_marks.set(ticket, received);
  const mark = received;
  const run = (async () => {
    try {
      const r = await fetch();
      if (tickets.get(key) !== ticket) return r; // a later fetch of the same thing will install
      install(r);
      const again = kept.filter((k) => k.n > mark && (community_id === undefined || k.e.community_id === community_id));
      replaying = true;
      try {
        for (const k of again) replay(k.e);
      } finally {
        replaying = false;
      }
      return r;
    } finally {
      if (tickets.get(key) === ticket) tickets.delete(key);
      open_marks.delete(ticket);
      trim();
    }
  })();
  in_flight.add(run);
  void run.catch(() => {}).finally(() => in_flight.delete(run));
  return run;
}

/** Whether a fetch of `key` is in flight (a resync fetches it again, so it is not left stale). */
export function fetching(key: string): boolean {
  return tickets.has(key);
}

/** Resolves once no fetch is in flight (those started meanwhile included): for the tests. */
export async function idle() {
  for (;;) {
    if (in_flight.size) {
      await Promise.allSettled([...in_flight]);
      continue;
    }
    // A fetch may start right after another ends (a refresh asked for again): look once more.
    await new Promise((r) => setTimeout(r, 0));
    if (!in_flight.size) return;
  }
}

/** On log out or a change of account. */
export function forget_all() {
  kept.length = 0;
  tickets.clear();
}
