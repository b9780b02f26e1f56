// The bell: the member's notifications across all their communities (the API's list is per
// account), newest first, and how many are unread. Fetched page by page (`before`), kept in step
// by the stream: `notification.created` adds one, `notification.read` marks some (or all of a
// community's) read, `notifications.changed` (one item told to more than 50 people at once) asks
// the list again after a random pause of up to 5 s, so that a whole community's clients do not
// ask at the same instant.
//
// Every event is applied idempotently (the stream replays, and the journal applies again over a
// fresh page the events received while it was fetched): a notification is keyed by id, and the
// count moves only when a held one changes state. Where an event alone cannot settle the count
// (an `all` over notifications not held, an id older than the pages held), the first page is
// fetched again, which carries the count.
import * as api from '../api';
import type { AppNotification, NotificationPage, RoomLevel } from '../api';
import { changed } from '../state';
import { fetching, in_step, is_replaying } from '../journal';
import { result_href } from '../search/state';

/** What the bell holds: the pages fetched (newest first), the count of all unread, where the next page starts. */
export interface BellState {
  items: AppNotification[];
  unread: number;
  /** The `before` of the next (older) page; undefined when every notification is held. */
  next_before?: number;
  loaded: boolean;
}

export function empty_bell(): BellState {
  return { items: [], unread: 0, next_before: undefined, loaded: false };
}

// ---- The reducers: plain functions of the state and an event, unit-tested. Each returns whether
// the count is now uncertain (the caller then fetches the first page again).

/** A first page (replacing what was held) or an older one (appended after it). */
export function install_page(s: BellState, page: NotificationPage, older = false) {
  if (older) {
    const held = new Set(s.items.map((n) => n.id));
    s.items = [...s.items, ...page.notifications.filter((n) => !held.has(n.id))];
  } else {
    s.items = [...page.notifications];
  }
  s.items.sort((a, b) => b.id - a.id);
  s.unread = Math.max(0, page.unread);
  s.next_before = page.next_before ?? undefined;
  s.loaded = true;
}

/**
 * `notification.created`, live or replayed (then with its current read state). A new one is
 * added and, unread, counted; one held already is replaced, the count following its read state.
 */
export function apply_created(s: BellState, n: AppNotification): boolean {
  if (!s.loaded) return false; // nothing held: the first fetch will count it
  const i = s.items.findIndex((x) => x.id === n.id);
  if (i >= 0) {
    if (s.items[i].read !== n.read) s.unread = Math.max(0, s.unread + (n.read ? -1 : 1));
    s.items[i] = n;
    return false;
  }
  // Older than every page held while more pages exist: it belongs to a page not fetched, whose
  // count the server already gave.
  if (s.next_before !== undefined && n.id < s.next_before) return false;
  s.items = [n, ...s.items].sort((a, b) => b.id - a.id);
  if (!n.read) s.unread += 1;
  return false;
}

/**
 * `notification.read`: these ids, or (`all`) every one of that community, read — from another
 * device, or this one (its own request's answer already said so: applying it again is harmless).
 */
export function apply_read(s: BellState, e: { community_id: number; ids?: number[]; all?: boolean }): boolean {
  if (!s.loaded) return false;
  let uncertain = false;
  if (e.all) {
    for (const n of s.items) {
      if (n.community.id !== e.community_id || n.read) continue;
      n.read = true;
      s.unread = Math.max(0, s.unread - 1);
    }
    // Older pages not held may hold unread ones of that community.
    if (s.next_before !== undefined && s.unread > 0) uncertain = true;
    return uncertain;
  }
  for (const id of e.ids ?? []) {
    const n = s.items.find((x) => x.id === id);
    if (n) {
      if (!n.read) {
        n.read = true;
        s.unread = Math.max(0, s.unread - 1);
      }
    } else if (s.next_before !== undefined && id < s.next_before) {
      uncertain = true; // on a page not held: whether it counted is not known here
    }
  }
  return uncertain;
}

/** What we read here, before the server answers: the count follows at once. */
export function mark_held_read(s: BellState, ids: number[] | 'all') {
  for (const n of s.items) {
    if (n.read || (ids !== 'all' && !ids.includes(n.id))) continue;
    n.read = true;
    s.unread = Math.max(0, s.unread - 1);
  }
  if (ids === 'all') s.unread = 0;
}

/**
 * The names a notification carries are the current ones (the server's list reads them now): a
 * renamed room, community or person is renamed in what is held.
 */
export function rename_in(s: BellState, what: 'channel' | 'community' | 'actor', id: number, name: string) {
  for (const n of s.items) {
    if (what === 'channel' && n.channel.id === id) n.channel = { ...n.channel, name };
    if (what === 'community' && n.community.id === id) n.community = { ...n.community, name };
    if (what === 'actor' && n.actor?.id === id) n.actor = { ...n.actor, display_name: name };
  }
}

/** A community we left or were removed from: its notifications are neither listed nor counted. */
export function drop_community(s: BellState, community_id: number): boolean {
  const gone = s.items.filter((n) => n.community.id === community_id);
  if (!gone.length && s.next_before === undefined) return false;
  s.items = s.items.filter((n) => n.community.id !== community_id);
  s.unread = Math.max(0, s.unread - gone.filter((n) => !n.read).length);
  // Older pages not held may count some of its unread ones.
  return s.next_before !== undefined;
}

/** Whether a held notification is about this item (deleting an item takes its notifications away). */
export function holds_item(s: BellState, kind: AppNotification['item']['kind'], id: number): boolean {
  return s.items.some((n) => n.item.kind === kind && n.item.id === id);
}

// ---- Where a notification opens: the same places as a search result (search/state.ts).

/** A message in its room at its place (in its thread for a reply), a post, a comment on its post, a poll's room. */
export function notification_href(n: AppNotification): string {
  const { item } = n;
  const kind = item.kind === 'poll' ? 'message' : item.kind;
  return result_href(n.community.slug, {
    kind,
    id: item.id,
    channel_id: n.channel.id,
    seq: item.seq,
    parent_id: item.parent_id,
    post_id: item.kind === 'post' ? item.id : item.post_id,
    snippet: '',
    created_at: n.created_at,
    author: { id: 0, name: '' },
  });
}

// ---- The app's bell, and its fetches.

export const bell: BellState & { loading_more: boolean; error: unknown } = { ...empty_bell(), loading_more: false, error: null };

const KEY = 'notifications';
let refetch_timer: ReturnType<typeof setTimeout> | undefined;
let refreshing: 'idle' | 'busy' | 'again' = 'idle';
/** How long to wait after `notifications.changed` (ms): random, up to 5 s; the tests make it 0. */
let pause_ms: () => number = () => Math.random() * 5000;
/** Bumped by each `notification.created`: a mark-all answer that crossed one does not set the count. */
let created_seen = 0;

export function set_refetch_pause(fn: () => number) {
  pause_ms = fn;
}

/** The first page, through the journal (the events received meanwhile are applied again over it). */
export function load_bell(): Promise<unknown> {
  return in_step(KEY, undefined, () => api.list_notifications(), (page) => {
    install_page(bell, page);
    bell.error = null;
    changed();
  }).catch((e) => {
    bell.error = e;
    changed();
    throw e;
  });
}

/** Loads the first page once (the bell's button asks when it shows). */
export function ensure_bell() {
  if (!bell.loaded && refreshing === 'idle') refresh();
}

/** The next older page. */
export async function load_more_notifications() {
  if (bell.loading_more || bell.next_before === undefined) return;
  bell.loading_more = true;
  changed();
  try {
    install_page(bell, await api.list_notifications(bell.next_before), true);
    bell.error = null;
  } catch (e) {
    bell.error = e;
  } finally {
    bell.loading_more = false;
    changed();
  }
}

/**
 * The first page again, one fetch at a time, and one more after it when asked again meanwhile
 * (so the last answer was served after the last event that asked). Never during a replay: the
 * event, applied live, already asked.
 */
function refresh() {
  if (is_replaying()) return;
  if (refreshing !== 'idle') {
    refreshing = 'again';
    return;
  }
  refreshing = 'busy';
  void load_bell()
    .catch(() => {})
    .finally(() => {
      const again = refreshing === 'again';
      refreshing = 'idle';
      if (again) refresh();
    });
}

export function notification_created(n: AppNotification) {
  created_seen += 1;
  if (apply_created(bell, n)) refresh();
  changed();
}

export function notifications_read(e: { community_id: number; ids?: number[]; all?: boolean }) {
  if (apply_read(bell, e)) refresh();
  changed();
}

/** Many people were told of one item at once: the list is asked again, after a random pause. */
export function notifications_changed() {
  if (is_replaying() || !bell.loaded || refetch_timer !== undefined) return;
  const ms = pause_ms();
  if (ms <= 0) return refresh();
  refetch_timer = setTimeout(() => {
    refetch_timer = undefined;
    refresh();
  }, ms);
}

export function renamed(what: 'channel' | 'community' | 'actor', id: number, name: string) {
  rename_in(bell, what, id, name);
  changed();
}

export function community_gone(community_id: number) {
  if (drop_community(bell, community_id)) refresh();
  changed();
}

/** A message, post or comment was deleted: a notification about it is gone from the server's list. */
export function item_deleted(kind: AppNotification['item']['kind'], id: number) {
  if (holds_item(bell, kind, id)) refresh();
}

/** Opens one: read at once here, then told to the server (the count is exact for a held one). */
export function read_one(n: AppNotification) {
  if (n.read) return;
  mark_held_read(bell, [n.id]);
  changed();
  api.read_notifications([n.id]).catch(() => refresh());
}

/** « Tout marquer comme lu »: every one, in every community. */
export async function read_all() {
  const seen = created_seen;
  mark_held_read(bell, 'all');
  changed();
  try {
    const { unread } = await api.read_notifications();
    // One created meanwhile may or may not be in that count: the list says.
    if (seen === created_seen) bell.unread = unread;
    else refresh();
  } catch (e) {
    refresh();
    throw e;
  }
  changed();
}

/** A resync, or a hello whose positions came after the first fetch: the list again. */
export function resync_bell(): Promise<unknown>[] {
  if (!holds_bell()) return [];
  // A hello resyncs each community in turn: the bell, one list for all of them, is asked once.
  if (!resync_fetch) {
    resync_fetch = load_bell();
    queueMicrotask(() => (resync_fetch = null));
  }
  return [resync_fetch];
}
let resync_fetch: Promise<unknown> | null = null;

/** Whether the bell holds, or is fetching, its list (what a resync fetches again). */
export function holds_bell(): boolean {
  return bell.loaded || fetching(KEY);
}

/** The member's level in each room seen while the app runs (room_level.tsx): the button names it once known. */
export const room_levels = new Map<number, RoomLevel>();

/** On log out, or another account signing in here. */
export function forget_all() {
  room_levels.clear();
  clearTimeout(refetch_timer);
  refetch_timer = undefined;
  Object.assign(bell, empty_bell(), { loading_more: false, error: null });
}
