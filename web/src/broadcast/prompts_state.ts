// The question prompts of the broadcasts on screen, by the message that carries each, and the
// answers a host has open. A member's answer reaches only its author and the hosts, so its
// events (prompt.answered, prompt.replied) carry it whole; the prompt's own events carry no
// answer count (hosts fetch the prompt again for it).
import * as api from '../api';
import type { Prompt, PromptAnswer } from '../api';
import { changed, session } from '../state';
import { channels_by_id } from '../communities/state';
import { in_step, is_replaying } from '../journal';
import { coalescing } from './refetch';

export const prompts_by_message = new Map<number, Prompt>();
const loaded_rooms = new Set<number>();
/** The answers of the prompts whose list a host opened, the latest first. */
export const answers_by_prompt = new Map<number, { answers: PromptAnswer[]; next_before: number | null }>();

function put(p: Prompt) {
  prompts_by_message.set(p.message_id, p);
  changed();
}

const refetch_prompt = coalescing((id) => api.get_prompt(id).then(({ prompt }) => put(prompt)));

export function load_prompts(channel_id: number) {
  return in_step(`prompts:${channel_id}`, channels_by_id.get(channel_id)?.community_id, () => api.list_prompts(channel_id), ({ prompts }) => {
    loaded_rooms.add(channel_id);
    for (const p of prompts) put(p);
  });
}

/** Our own answer (a new prompt, an answer, a close). */
export function replace_prompt(p: Prompt) {
  put(p);
}

/** prompt.created / changed: what everyone sees of it, with what we knew that is ours. */
export function prompt_event(p: Prompt) {
  if (!loaded_rooms.has(p.channel_id)) return;
  const old = prompts_by_message.get(p.message_id);
  put({ ...p, my_answer: old?.my_answer ?? null, answer_count: old?.answer_count });
}

/** prompt.answered / replied: our own answer (from another device), or, for a host, anyone's. */
export function answer_event(p: Prompt, a: PromptAnswer) {
  const mine = a.account_id === session.me?.id;
  const shown = prompts_by_message.get(p.message_id);
  if (mine && shown) put({ ...shown, my_answer: a });
  const list = answers_by_prompt.get(p.id);
  if (list) {
    const at = list.answers.findIndex((x) => x.id === a.id);
    const answers = at >= 0 ? list.answers.map((x, i) => (i === at ? a : x)) : [a, ...list.answers];
    answers_by_prompt.set(p.id, { ...list, answers });
    changed();
  }
  if (!mine && shown && !is_replaying()) refetch_prompt(p.id); // its count
}

export function load_answers(prompt_id: number, more = false) {
  const old = answers_by_prompt.get(prompt_id);
  const before = more ? old?.next_before ?? undefined : undefined;
  return api.list_answers(prompt_id, before).then(({ answers, next_before }) => {
    answers_by_prompt.set(prompt_id, { answers: more && old ? [...old.answers, ...answers.filter((a) => !old.answers.some((x) => x.id === a.id))] : answers, next_before });
    changed();
  });
}

export function close_answers(prompt_id: number) {
  answers_by_prompt.delete(prompt_id);
}

export function resync_prompts(community_id: number): Promise<unknown>[] {
  const rooms = [...loaded_rooms].filter((id) => channels_by_id.get(id)?.community_id === community_id);
  const open = [...answers_by_prompt.keys()].filter((id) => [...prompts_by_message.values()].some((p) => p.id === id && rooms.includes(p.channel_id)));
  return [...rooms.map(load_prompts), ...open.map((id) => load_answers(id))];
}

export function forget_prompts() {
  prompts_by_message.clear();
  loaded_rooms.clear();
  answers_by_prompt.clear();
}
