// The board's held state (board/state.ts) under the stream's events: a post's place in the
// list (pinned first, then the latest activity), what is new since the last visit, removals,
// and that applying an event twice changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { board, communities, dispatch, state, journal } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const ME = 2, ANA = 1;
const BOARD = 9, COMMUNITY = 4;
let pos = 100;
const person = (id) => ({ id, display_name: id === ME ? 'Béa' : 'Ana' });
const post = (id, over = {}) => ({
  id, channel_id: BOARD, author: person(ANA), title: `Post ${id}`, body: 'b', html: '<p>b</p>', created_at: '2026-12-01T10:00:00Z', edited_at: null,
  deleted: false, pinned: false, pin_order: null, locked: false, comment_count: 0, last_activity_at: `2026-12-01T10:0${id}:00Z`, reactions: [], ...over,
});
const comment = (id, post_id, author = ANA, over = {}) => ({ id, post_id, author: person(author), parent_id: null, body: 'c', html: '<p>c</p>', created_at: '2026-12-01T11:00:00Z', edited_at: null, deleted: false, reactions: [], ...over });
const ev = (e) => dispatch({ community_id: COMMUNITY, pos: ++pos, ...e });
const ids = () => board.boards.get(BOARD).posts.map((p) => p.id);
const held = (id) => board.boards.get(BOARD).posts.find((p) => p.id === id);

async function open_board(posts) {
  board.forget_all();
  state.session.me = { id: ME, display_name: 'Béa', locale: 'fr', created_at: '' };
  communities.channels_by_id.set(BOARD, { id: BOARD, community_id: COMMUNITY, name: 'babillard', kind: 'board' });
  http.handler = async () => [200, { posts }];
  await board.load_board(BOARD);
  http.handler = null;
  await journal.idle();
}

test('board: new posts take their place by latest activity; pinned ones come first, in the host’s order', async () => {
  await open_board([post(2), post(1)]);
  assert.deepEqual(ids(), [2, 1]);
  ev({ type: 'board.post.created', post: post(3) });
  assert.deepEqual(ids(), [3, 2, 1]);
  ev({ type: 'board.post.changed', post: post(1, { pinned: true, pin_order: 2 }) });
  ev({ type: 'board.post.changed', post: post(2, { pinned: true, pin_order: 1 }) });
  assert.deepEqual(ids(), [2, 1, 3]);
  ev({ type: 'board.post.changed', post: post(2, { pinned: true, pin_order: 1 }) }); // again: nothing moves
  assert.deepEqual(ids(), [2, 1, 3]);
  ev({ type: 'board.post.changed', post: post(3, { deleted: true, body: '', html: '' }) });
  assert.deepEqual(ids(), [2, 1], 'a removed post leaves the list');
});

test('board: a comment by someone else is new (once, even replayed), brings its post up, and not ours', async () => {
  await open_board([post(2), post(1)]);
  const bumped = post(1, { comment_count: 1, last_activity_at: '2026-12-01T12:00:00Z' });
  ev({ type: 'board.comment.created', comment: comment(10, 1), post: bumped });
  assert.deepEqual(ids(), [1, 2]);
  assert.equal(held(1).new_comments, 1);
  // The same event replayed after a reconnect: still one. (The page holds it once it is open.)
  board.pages.set(1, { post: bumped, comments: [comment(10, 1)], last_seen: null, seen_upto: 10 });
  ev({ type: 'board.comment.created', comment: comment(10, 1), post: bumped });
  assert.equal(held(1).new_comments, 1);
  ev({ type: 'board.comment.created', comment: comment(11, 1, ME), post: post(1, { comment_count: 2, last_activity_at: '2026-12-01T12:05:00Z' }) });
  assert.equal(held(1).new_comments, 1, 'our own comment is not new to us');
  assert.deepEqual(board.pages.get(1).comments.map((c) => c.id), [10, 11]);
  // Removed: it keeps its place in the page, without its text.
  ev({ type: 'board.comment.changed', comment: comment(10, 1, ANA, { deleted: true, body: '', html: '' }), post: post(1, { comment_count: 1 }) });
  assert.equal(board.pages.get(1).comments[0].deleted, true);
  assert.equal(held(1).comment_count, 1);
});

test('board: on the post’s own page, new comments are seen as they come', async () => {
  await open_board([post(1)]);
  board.viewing_post.id = 1;
  ev({ type: 'board.comment.created', comment: comment(20, 1), post: post(1, { comment_count: 1 }) });
  assert.equal(held(1).new_comments, 0);
  board.viewing_post.id = 0;
});

test('board: leaving a post’s page tells the server the comments that came while it was open were seen', async () => {
  await open_board([post(1)]);
  http.handler = async () => [200, { post: post(1, { comment_count: 1 }), comments: [comment(30, 1)], last_seen_comment_id: null }];
  await board.load_post(BOARD, 1);
  const asked = [];
  http.handler = async (url, init) => (asked.push([init.method, url, init.body]), [204, null]);
  board.leave_post(1);
  assert.deepEqual(asked, [], 'nothing came since the fetch: its visit stands');
  board.viewing_post.id = 1;
  ev({ type: 'board.comment.created', comment: comment(31, 1), post: post(1, { comment_count: 2 }) });
  board.viewing_post.id = 0;
  board.leave_post(1);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(asked.length, 1);
  assert.equal(asked[0][0], 'PUT');
  assert.match(asked[0][1], /\/api\/v1\/posts\/1\/seen$/);
  assert.deepEqual(JSON.parse(asked[0][2]), { comment_id: 31 });
  http.handler = null;
});
