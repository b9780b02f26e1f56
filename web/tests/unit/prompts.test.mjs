// The question prompts' held state (broadcast/prompts_state.ts) under the stream's events: a
// prompt's public events keep the reader's own answer and the host's count; an answer event
// is the reader's own answer, or a new line in the answers a host has open; twice is once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { prompts, communities, dispatch, state, journal } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const ME = 2, BEA = 3;
const ROOM = 12, COMMUNITY = 5;
let pos = 200;
const prompt = (over = {}) => ({ id: 7, channel_id: ROOM, message_id: 70, question: 'Quel rappel?', closed: false, closed_at: null, created_at: '2026-12-01T10:00:00Z', my_answer: null, ...over });
const answer = (id, account_id, body) => ({ id, prompt_id: 7, account_id, display_name: account_id === ME ? 'Moi' : 'Béa', member_number: account_id, body, answered_at: '2026-12-01T10:01:00Z', changed_at: '2026-12-01T10:01:00Z', reply_channel_id: null, replied_at: null });
const ev = (e) => dispatch({ community_id: COMMUNITY, pos: ++pos, ...e });
const held = () => prompts.prompts_by_message.get(70);

async function open_room(list) {
  prompts.forget_prompts();
  state.session.me = { id: ME, display_name: 'Moi', locale: 'fr', created_at: '' };
  communities.channels_by_id.set(ROOM, { id: ROOM, community_id: COMMUNITY, name: 'annonces', kind: 'broadcast' });
  http.handler = async () => [200, { prompts: list }];
  await prompts.load_prompts(ROOM);
  http.handler = null;
  await journal.idle();
}

test('prompts: closing keeps my own answer; my answer from another device replaces it', async () => {
  await open_room([prompt({ my_answer: answer(1, ME, 'Harmonium') })]);
  ev({ type: 'prompt.changed', prompt: prompt({ closed: true, closed_at: '2026-12-01T11:00:00Z' }) });
  assert.equal(held().closed, true);
  assert.equal(held().my_answer.body, 'Harmonium', 'the public event holds no answer: ours stays');
  ev({ type: 'prompt.answered', prompt: prompt(), answer: { ...answer(1, ME, 'Une surprise') } });
  assert.equal(held().my_answer.body, 'Une surprise');
  assert.equal(held().closed, true, 'an answer event does not reopen it');
});

test('prompts: a host’s open answers take a new answer first, and a changed one in place, once', async () => {
  await open_room([prompt({ answer_count: 1 })]);
  http.handler = async (url) => (url.includes('/answers') ? [200, { answers: [answer(1, BEA, 'Harmonium')], next_before: null }] : [200, { prompt: prompt({ answer_count: 2 }) }]);
  await prompts.load_answers(7);
  ev({ type: 'prompt.answered', prompt: prompt(), answer: answer(2, 9, 'Le Reel') });
  ev({ type: 'prompt.answered', prompt: prompt(), answer: answer(1, BEA, 'Finalement, une surprise') });
  ev({ type: 'prompt.answered', prompt: prompt(), answer: answer(1, BEA, 'Finalement, une surprise') });
  const list = prompts.answers_by_prompt.get(7).answers;
  assert.deepEqual(list.map((a) => a.id), [2, 1]);
  assert.equal(list[1].body, 'Finalement, une surprise');
  assert.equal(held().my_answer, null, 'someone else’s answer is not mine');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(held().answer_count, 2, 'the count comes from the prompt fetched again');
  http.handler = null;
  prompts.close_answers(7);
});
