// The caller's conversations per community (direct ones and private groups), newest activity
// first. Each is also a channel in channels_by_id, so that the chat view, its unread counts and
// the stream's messages treat it as any room; it is not in channels_by_slug (the channel list).
import * as api from '../api';
import type { Channel, Conversation } from '../api';
import { changed, session } from '../state';
import { channels_by_id, communities, slug_of_community } from '../communities/state';
import { in_step } from '../journal';
import { t } from '../i18n';

export const conversations_by_slug = new Map<string, Conversation[]>();

export function is_conversation(c: Pick<Channel, 'kind'> | undefined): boolean {
  return c?.kind === 'direct' || c?.kind === 'group';
}

/** What a room is called for the reader: a group's name, or the other people in it. */
export function room_label(c: Channel): string {
  if (!is_conversation(c)) return c.name;
  if (c.name) return c.name;
  const others = (c as Conversation).participants?.filter((p) => p.id !== session.me?.id) ?? [];
  return others.length ? others.map((p) => p.display_name).join(', ') : t('only_you');
}

const activity = (c: Conversation) => c.last_activity_at ?? c.created_at;

function place(slug: string, list: Conversation[]) {
  list.sort((a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : b.id - a.id));
  for (const c of conversations_by_slug.get(slug) ?? []) if (!list.some((x) => x.id === c.id)) channels_by_id.delete(c.id);
  // The chat view and the logs hold the channel object: keep it, updated.
  const merged = list.map((c) => {
    const old = channels_by_id.get(c.id) as Conversation | undefined;
    if (old) return Object.assign(old, c);
    channels_by_id.set(c.id, c);
    return c;
  });
  conversations_by_slug.set(slug, merged);
  changed();
}

export function load_conversations(slug: string) {
  const community_id = communities.get(slug)?.id ?? session.memberships.find((m) => m.community.slug === slug)?.community.id;
  return in_step(`conversations:${slug}`, community_id, () => api.list_conversations(slug), ({ channels }) => place(slug, channels));
}

/** Ours, from a request (with our read fields). */
export function upsert_conversation(slug: string, c: Conversation) {
  place(slug, [...(conversations_by_slug.get(slug) ?? []).filter((x) => x.id !== c.id), c]);
}

/**
 * conversation.created / changed from the stream: the same frame for every participant, so no
 * read fields; a conversation we are no longer in (we left, on another device) goes.
 */
export function conversation_event(c: Conversation) {
  const slug = slug_of_community(c.community_id);
  if (!slug || !conversations_by_slug.has(slug)) return;
  const mine = c.participants.some((p) => p.id === session.me?.id);
  const rest = (conversations_by_slug.get(slug) ?? []).filter((x) => x.id !== c.id);
  if (!mine) return place(slug, rest);
  const old = channels_by_id.get(c.id);
  place(slug, [...rest, { ...c, last_seq: old?.last_seq ?? 0, last_read_seq: old?.last_read_seq ?? 0, unread: old?.unread ?? 0, last_activity_at: (old as Conversation | undefined)?.last_activity_at ?? c.created_at }]);
}

/** A message in a conversation makes it the newest. */
export function note_activity(channel_id: number, at: string) {
  const c = channels_by_id.get(channel_id) as Conversation | undefined;
  if (!c || !is_conversation(c)) return;
  const slug = slug_of_community(c.community_id);
  if (!slug || (c.last_activity_at && c.last_activity_at >= at)) return;
  c.last_activity_at = at;
  place(slug, [...(conversations_by_slug.get(slug) ?? [])]);
}

export function leave_locally(slug: string, channel_id: number) {
  place(slug, (conversations_by_slug.get(slug) ?? []).filter((c) => c.id !== channel_id));
}

export function resync_conversations(community_id: number): Promise<unknown>[] {
  const slug = slug_of_community(community_id);
  return slug && conversations_by_slug.has(slug) ? [load_conversations(slug)] : [];
}

export function holds_conversations(community_id: number): boolean {
  const slug = slug_of_community(community_id);
  return !!slug && conversations_by_slug.has(slug);
}

export function forget_conversations(slug: string | undefined) {
  if (!slug) return;
  for (const c of conversations_by_slug.get(slug) ?? []) channels_by_id.delete(c.id);
  conversations_by_slug.delete(slug);
}

export function forget_all() {
  conversations_by_slug.clear();
}
