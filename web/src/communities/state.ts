// What the app knows about communities, their channels and members, kept in step by the stream.
// Every function that applies an event is idempotent: the stream's replay may bring an event the
// app already holds (or whose effect a later fetch already shows), and applying it again must
// change nothing.
import * as api from '../api';
import type { Channel, Community, Member } from '../api';
import { changed, session } from '../state';
import { fetching, in_step, is_replaying } from '../journal';

export const communities = new Map<string, Community>();
export const channels_by_slug = new Map<string, Channel[]>();
export const channels_by_id = new Map<number, Channel>();
export const members_by_slug = new Map<string, Member[]>();
const loading = new Set<string>();

/** The most unread messages a channel counts (the server stops counting there too). */
export const UNREAD_CAP = 1000;

export function slug_of_community(id: number): string | undefined {
  for (const m of session.memberships) if (m.community.id === id) return m.community.slug;
  for (const c of communities.values()) if (c.id === id) return c.slug;
  return undefined;
}

export function is_host(slug: string): boolean {
  const role = session.memberships.find((m) => m.community.slug === slug)?.role;
  return role === 'owner' || role === 'host';
}

export function membership_of(slug: string) {
  return session.memberships.find((m) => m.community.slug === slug);
}

/** Whether the app holds, or is fetching, anything of a community (what a resync fetches again). */
export function holds_community(id: number): boolean {
  const slug = slug_of_community(id);
  if (!slug) return false;
  return ['community', 'channels', 'members'].some((what) => fetching(`${what}:${slug}`)) || communities.has(slug) || channels_by_slug.has(slug) || members_by_slug.has(slug);
}

/** Loads a community and its channels once; `force` fetches them again (a resync). */
export async function load_community(slug: string, force = false) {
  if (!force && (loading.has(slug) || (communities.has(slug) && channels_by_slug.has(slug)))) return;
  loading.add(slug);
  try {
    await Promise.all([fetch_community(slug), fetch_channels(slug)]);
  } finally {
    loading.delete(slug);
    changed();
  }
}

function community_id_of(slug: string): number | undefined {
  return membership_of(slug)?.community.id ?? communities.get(slug)?.id;
}

function fetch_community(slug: string) {
  return in_step(`community:${slug}`, community_id_of(slug), () => api.get_community(slug), ({ community }) => {
    const list = members_by_slug.get(slug);
    // The member list, when held, is kept in step event by event: the count follows it.
    communities.set(slug, list ? { ...community, member_count: list.length } : community);
    changed();
  });
}

function fetch_channels(slug: string) {
  return in_step(`channels:${slug}`, community_id_of(slug), () => api.list_channels(slug), ({ channels }) => set_channels(slug, channels));
}

function sort_channels(list: Channel[]) {
  list.sort((a, b) => Number(a.archived) - Number(b.archived) || a.id - b.id);
}

export function set_channels(slug: string, list: Channel[]) {
  sort_channels(list);
  for (const c of channels_by_slug.get(slug) ?? []) channels_by_id.delete(c.id);
  channels_by_slug.set(slug, list);
  for (const c of list) channels_by_id.set(c.id, c);
  changed();
}

/** A channel from our own request (with our read fields), put in its community's list. */
export function upsert_channel(channel: Channel) {
  const old = channels_by_id.get(channel.id);
  place_channel({ ...old, ...channel, unread: channel.unread ?? old?.unread ?? 0, last_read_seq: channel.last_read_seq ?? old?.last_read_seq ?? 0, last_seq: channel.last_seq ?? old?.last_seq ?? 0 });
}

/**
 * A channel from the stream (`channel.created`, `.renamed`, `.archived`, `.unarchived`): the same
 * frame goes to every member, so it has no read fields, and a replayed one describes the channel
 * as it is now. Only its shared fields are taken; the read fields and `last_seq` (the last seq
 * counted into `unread`) move with the messages, which follow in order. A channel new to us
 * starts at nothing read and nothing counted, so the replayed messages after it count as a fresh
 * fetch does. The channels of a community whose list is not loaded are left to that fetch.
 */
export function channel_event(channel: Channel) {
  const slug = slug_of_community(channel.community_id);
  if (!slug || !channels_by_slug.has(slug)) return;
  const old = channels_by_id.get(channel.id);
  place_channel({
    id: channel.id,
    community_id: channel.community_id,
    name: channel.name,
    kind: channel.kind,
    visibility: channel.visibility,
    archived: channel.archived,
    created_at: channel.created_at,
    last_seq: old?.last_seq ?? 0,
    last_read_seq: old?.last_read_seq ?? 0,
    unread: old?.unread ?? 0,
  });
}

function place_channel(c: Channel) {
  const old = channels_by_id.get(c.id);
  if (old) Object.assign(old, c); // views and logs hold the object: keep it
  const merged = old ?? c;
  channels_by_id.set(c.id, merged);
  const slug = slug_of_community(c.community_id);
  if (slug) {
    const list = (channels_by_slug.get(slug) ?? []).filter((x) => x.id !== c.id);
    list.push(merged);
    sort_channels(list);
    channels_by_slug.set(slug, list);
  }
  changed();
}

/**
 * A message seen on the stream (created, or replayed as it is now): counts it as unread unless
 * it is ours, deleted, read already, or counted already (its seq is not beyond `last_seq`).
 * Our own message moves our read marker, as the server does when we post.
 */
export function note_message(channel_id: number, seq: number, author_id: number, deleted: boolean, viewing: boolean) {
  const c = channels_by_id.get(channel_id);
  if (!c || seq <= c.last_seq) return;
  c.last_seq = seq;
  if (author_id === session.me?.id) {
    c.last_read_seq = Math.max(c.last_read_seq, seq);
    c.unread = 0; // everything before our own message has arrived (events come in order)
  } else if (!deleted && !viewing && seq > c.last_read_seq) {
    c.unread = Math.min(UNREAD_CAP, c.unread + 1);
  }
  changed();
}

/**
 * A message counted as unread (or not) is now deleted. `author_id` is undefined when the app
 * does not hold the message: whether the count included it is then unknown, and the channel
 * list is fetched again.
 */
export function note_deleted(channel_id: number, seq: number, author_id: number | undefined) {
  const c = channels_by_id.get(channel_id);
  if (!c || seq <= c.last_read_seq || seq > c.last_seq) return;
  if (author_id === undefined) {
    const slug = slug_of_community(c.community_id);
    if (slug) refresh(`channels:${slug}`, () => fetch_channels(slug));
    return;
  }
  if (author_id === session.me?.id) return;
  if (c.unread > 0 && c.unread < UNREAD_CAP) c.unread -= 1;
  changed();
}

/**
 * The read marker moved (`channel.read`, from any of our devices, or our own mark_read). The new
 * unread count is others' messages after it that are not deleted: counted from the held log when
 * it covers them (`count_unread`), else asked of the server.
 */
export function set_read(channel_id: number, last_read_seq: number, count_unread?: (after: number, upto: number) => number | undefined) {
  const c = channels_by_id.get(channel_id);
  if (!c || last_read_seq < c.last_read_seq) return;
  c.last_read_seq = last_read_seq;
  if (last_read_seq >= c.last_seq) c.unread = 0;
  else {
    const n = count_unread?.(last_read_seq, c.last_seq);
    if (n !== undefined) c.unread = Math.min(UNREAD_CAP, n);
    else {
      c.unread = Math.min(c.unread, c.last_seq - last_read_seq);
      const slug = slug_of_community(c.community_id);
      if (slug) refresh(`channels:${slug}`, () => fetch_channels(slug));
    }
  }
  changed();
}

export function load_members(slug: string) {
  return in_step(`members:${slug}`, community_id_of(slug), () => api.list_members(slug), ({ members }) => {
    members_by_slug.set(slug, members);
    const c = communities.get(slug);
    if (c) c.member_count = members.length;
    changed();
  });
}

function put_member(list: Member[], member: Member) {
  const i = list.findIndex((m) => m.account_id === member.account_id);
  if (i >= 0) list[i] = member;
  else list.push(member);
  list.sort((a, b) => a.member_number - b.member_number);
}

/** After a member joined or left: the count follows the held list, else the server is asked. */
function recount(slug: string) {
  const list = members_by_slug.get(slug);
  const c = communities.get(slug);
  if (!c) return;
  if (list) c.member_count = list.length;
  else refresh(`community:${slug}`, () => fetch_community(slug));
}

export function member_joined(community_id: number, member: Member) {
  if (member.account_id === session.me?.id && !session.memberships.some((m) => m.community.id === community_id)) {
    // We joined (here or on another device): our memberships say where.
    refresh('memberships', refresh_memberships);
    return;
  }
  const slug = slug_of_community(community_id);
  if (!slug) return;
  const list = members_by_slug.get(slug);
  if (list) put_member(list, member);
  recount(slug);
  changed();
}

export function member_removed(community_id: number, account_id: number) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  if (account_id === session.me?.id) {
    forget_community(community_id);
  } else {
    const list = members_by_slug.get(slug);
    if (list) members_by_slug.set(slug, list.filter((m) => m.account_id !== account_id));
    recount(slug);
  }
  changed();
}

/** We are no longer a member: forget the community entirely. */
export function forget_community(community_id: number) {
  const slug = slug_of_community(community_id);
  session.memberships = session.memberships.filter((m) => m.community.id !== community_id);
  if (!slug) return;
  for (const c of channels_by_slug.get(slug) ?? []) channels_by_id.delete(c.id);
  channels_by_slug.delete(slug);
  communities.delete(slug);
  members_by_slug.delete(slug);
  changed();
}

export function member_role_changed(community_id: number, member: Member) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  const list = members_by_slug.get(slug);
  if (list && list.some((m) => m.account_id === member.account_id)) put_member(list, member);
  if (member.account_id === session.me?.id) {
    session.memberships = session.memberships.map((m) => (m.community.id === community_id ? { ...m, role: member.role } : m));
    const c = communities.get(slug);
    if (c?.membership) c.membership = { ...c.membership, role: member.role };
  }
  changed();
}

/** A host changed the community's settings (name, description…): what is shown follows; our membership stays ours. */
export function community_updated(community_id: number, next: Omit<Community, 'membership'>) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  const held = communities.get(slug);
  const renamed = <M extends { community: { id: number; name: string } }>(m: M): M =>
    m.community.id === community_id ? { ...m, community: { ...m.community, name: next.name } } : m;
  if (held) communities.set(slug, { ...held, ...next, membership: held.membership && renamed(held.membership) });
  session.memberships = session.memberships.map(renamed);
  changed();
}

/** A display-name change: the name is the account's, so every list that shows it follows. */
export function member_renamed(account_id: number, display_name: string) {
  for (const list of members_by_slug.values()) {
    for (let i = 0; i < list.length; i++) if (list[i].account_id === account_id) list[i] = { ...list[i], display_name };
  }
  if (session.me && session.me.id === account_id && session.me.display_name !== display_name) session.me = { ...session.me, display_name };
  changed();
}

/** Our memberships, again: a community joined elsewhere, or one we left while away. */
export function refresh_memberships() {
  return in_step('memberships', undefined, () => api.get_me(), ({ account, memberships }) => {
    if (session.me?.id !== account.id) return;
    session.me = account;
    session.memberships = memberships;
    changed();
  });
}

// Fetches that an event asks for (a count the event alone cannot settle): one at a time per
// key, and one more after it when another event asked meanwhile, so the last answer was served
// after the last event that asked. Never during a replay (the events replayed over a fresh
// snapshot asked already, live).
const refreshing = new Map<string, boolean>();
function refresh(key: string, run: () => Promise<unknown>) {
  if (is_replaying()) return;
  if (refreshing.has(key)) {
    refreshing.set(key, true);
    return;
  }
  refreshing.set(key, false);
  void run()
    .catch(() => {})
    .finally(() => {
      const again = refreshing.get(key);
      refreshing.delete(key);
      if (again) refresh(key, run);
    });
}

/** A resync of one community: fetch again what the app shows of it. */
export function resync_community(community_id: number): Promise<unknown>[] {
  const slug = slug_of_community(community_id);
  if (!slug) return [];
  const out: Promise<unknown>[] = [];
  if (communities.has(slug) || fetching(`community:${slug}`)) out.push(fetch_community(slug));
  if (channels_by_slug.has(slug) || fetching(`channels:${slug}`)) out.push(fetch_channels(slug));
  if (members_by_slug.has(slug) || fetching(`members:${slug}`)) out.push(load_members(slug));
  return out;
}

export function forget_all() {
  communities.clear();
  channels_by_slug.clear();
  channels_by_id.clear();
  members_by_slug.clear();
}
