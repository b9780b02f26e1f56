// What the app knows about communities, their channels and members, kept in step by the stream.
import * as api from '../api';
import type { Channel, Community, Member } from '../api';
import { changed, session } from '../state';

export const communities = new Map<string, Community>();
export const channels_by_slug = new Map<string, Channel[]>();
export const channels_by_id = new Map<number, Channel>();
export const members_by_slug = new Map<string, Member[]>();
const loading = new Set<string>();

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

/** Loads a community and its channels once; `force` refreshes (after a reconnect). */
export async function load_community(slug: string, force = false) {
  if (loading.has(slug) || (!force && communities.has(slug) && channels_by_slug.has(slug))) return;
  loading.add(slug);
  try {
    const [{ community }, { channels }] = await Promise.all([api.get_community(slug), api.list_channels(slug)]);
    communities.set(slug, community);
    set_channels(slug, channels);
  } finally {
    loading.delete(slug);
    changed();
  }
}

function sort_channels(list: Channel[]) {
  list.sort((a, b) => Number(a.archived) - Number(b.archived) || a.id - b.id);
}

export function set_channels(slug: string, list: Channel[]) {
  sort_channels(list);
  channels_by_slug.set(slug, list);
  for (const c of list) channels_by_id.set(c.id, c);
  changed();
}

/** A channel from our own request, or from the stream (`broadcast`: the same frame goes to every
 * member, so its read counters are nobody's in particular and ours are kept). */
export function upsert_channel(channel: Channel, broadcast = false) {
  const slug = slug_of_community(channel.community_id);
  const old = channels_by_id.get(channel.id);
  const merged: Channel = old
    ? broadcast
      ? { ...old, ...channel, unread: old.unread, last_read_seq: old.last_read_seq, last_seq: Math.max(old.last_seq, channel.last_seq ?? 0) }
      : { ...old, ...channel }
    : { ...channel, unread: broadcast ? 0 : channel.unread ?? 0, last_read_seq: broadcast ? 0 : channel.last_read_seq ?? 0, last_seq: channel.last_seq ?? 0 };
  channels_by_id.set(channel.id, merged);
  if (slug) {
    const list = (channels_by_slug.get(slug) ?? []).filter((c) => c.id !== channel.id);
    list.push(merged);
    sort_channels(list);
    channels_by_slug.set(slug, list);
  }
  changed();
}

/** A new message arrived on the stream: count it as unread unless it is ours or already read. */
export function note_message(channel_id: number, seq: number, author_id: number, viewing: boolean) {
  const c = channels_by_id.get(channel_id);
  if (!c || seq <= c.last_seq) return;
  c.last_seq = seq;
  if (author_id === session.me?.id || viewing) {
    if (author_id === session.me?.id) c.last_read_seq = Math.max(c.last_read_seq, seq);
  } else if (seq > c.last_read_seq) {
    c.unread += 1;
  }
  changed();
}

export function set_read(channel_id: number, last_read_seq: number) {
  const c = channels_by_id.get(channel_id);
  if (!c || last_read_seq < c.last_read_seq) return;
  c.last_read_seq = last_read_seq;
  c.unread = last_read_seq >= c.last_seq ? 0 : Math.min(c.unread, c.last_seq - last_read_seq);
  changed();
}

export async function load_members(slug: string) {
  const { members } = await api.list_members(slug);
  members_by_slug.set(slug, members);
  changed();
}

export function member_joined(community_id: number, member: Member) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  const list = members_by_slug.get(slug);
  if (list && !list.some((m) => m.account_id === member.account_id)) {
    list.push(member);
    list.sort((a, b) => a.member_number - b.member_number);
  }
  const c = communities.get(slug);
  if (c) c.member_count += 1;
  changed();
}

export function member_removed(community_id: number, account_id: number) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  if (account_id === session.me?.id) {
    // We were removed: forget the community entirely.
    session.memberships = session.memberships.filter((m) => m.community.id !== community_id);
    for (const c of channels_by_slug.get(slug) ?? []) channels_by_id.delete(c.id);
    channels_by_slug.delete(slug);
    communities.delete(slug);
    members_by_slug.delete(slug);
  } else {
    const list = members_by_slug.get(slug);
    if (list) members_by_slug.set(slug, list.filter((m) => m.account_id !== account_id));
    const c = communities.get(slug);
    if (c) c.member_count = Math.max(0, c.member_count - 1);
  }
  changed();
}

export function forget_all() {
  communities.clear();
  channels_by_slug.clear();
  channels_by_id.clear();
  members_by_slug.clear();
}
