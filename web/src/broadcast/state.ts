// The polls of the broadcasts on screen, by the message that carries each. Their events carry
// no results (what one may see of them depends on who one is), so an event fetches the poll
// again; several events of one poll at once make one fetch.
import * as api from '../api';
import type { Poll } from '../api';
import { forget_prompts } from './prompts_state';
import { changed } from '../state';
import { channels_by_id } from '../communities/state';
import { in_step, is_replaying } from '../journal';
import { coalescing } from './refetch';

export const polls_by_message = new Map<number, Poll>();
const loaded_rooms = new Set<number>();
const refetch_poll = coalescing((id) => api.get_poll(id).then(({ poll }) => put(poll)));

function put(p: Poll) {
  polls_by_message.set(p.message_id, p);
  changed();
}

export function load_polls(channel_id: number) {
  return in_step(`polls:${channel_id}`, channels_by_id.get(channel_id)?.community_id, () => api.list_polls(channel_id), ({ polls }) => {
    loaded_rooms.add(channel_id);
    for (const p of polls) put(p);
  });
}

/** Our own answer (a vote, a new poll). */
export function replace_poll(p: Poll) {
  put(p);
}

/** poll.created / voted / closed: fetched again, as the caller may see it. */
export function poll_event(p: Poll) {
  if (!loaded_rooms.has(p.channel_id) || is_replaying()) return;
  if (!polls_by_message.has(p.message_id)) put(p); // shown at once, its results follow
  refetch_poll(p.id);
}

export function resync_polls(community_id: number): Promise<unknown>[] {
  return [...loaded_rooms].filter((id) => channels_by_id.get(id)?.community_id === community_id).map(load_polls);
}

/** The rooms we muted (a broadcast, mostly): quiet in the sidebar and the tab's title. */
export const muted = new Set<number>();
const mutes_loaded = new Set<string>();

export function load_mutes(slug: string, community_id: number | undefined) {
  return in_step(`mutes:${slug}`, community_id, () => api.list_mutes(slug), ({ channel_ids }) => {
    for (const id of [...muted]) if (channels_by_id.get(id)?.community_id === community_id) muted.delete(id);
    for (const id of channel_ids) muted.add(id);
    mutes_loaded.add(slug);
    changed();
  });
}

/** channel.muted / unmuted (our own devices), or our own request. */
export function mute_event(channel_id: number, on: boolean) {
  if (on) muted.add(channel_id);
  else muted.delete(channel_id);
  changed();
}

export function forget_all() {
  forget_prompts();
  polls_by_message.clear();
  loaded_rooms.clear();
  muted.clear();
  mutes_loaded.clear();
}
