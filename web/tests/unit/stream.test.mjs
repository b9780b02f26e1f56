// The connection itself (a stand-in WebSocket): the resume frame first on every (re)connect,
// positions carried across a reconnect, and close code 4401 ending the session for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

class FakeSocket {
  static OPEN = 1;
  static made = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 0;
    FakeSocket.made.push(this);
  }
  send(data) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  closed_by_server(code, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}
globalThis.WebSocket = FakeSocket;
Math.random = () => 0; // the back-off's jitter: the first retry comes after 375 ms
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

const { state, positions, account_session } = await import(process.env.PS_WEB_UNIT_BUNDLE);
const stream = await import(process.env.PS_WEB_UNIT_BUNDLE);

test('stream: resume first, with no position on the first connect, then the last one per community', async () => {
  state.session.me = { id: 2, display_name: 'Béa', locale: 'fr', created_at: '' };
  state.session.memberships = [{ community: { id: 1, slug: 'les-voisins', name: 'Les voisins' }, member_number: 2, role: 'member', joined_at: '', invited_by: 1 }];
  stream.start_stream();
  const first = FakeSocket.made.at(-1);
  assert.equal(first.url, 'ws://127.0.0.1/api/v1/stream');
  first.open();
  assert.equal(first.sent[0], '{"type":"resume","communities":{}}');
  first.receive({ type: 'hello', account_id: 2, communities: { 1: 40 } });
  first.receive({ type: 'resumed', communities: {} });
  first.receive({ type: 'member.renamed', community_id: 1, pos: 43, account_id: 5, display_name: 'Eve' });
  assert.equal(positions.get(1), 43);
  assert.equal(state.session.connection, 'online');

  first.closed_by_server(1006); // the network dropped
  assert.equal(state.session.connection, 'connecting');
  await wait(450);
  const second = FakeSocket.made.at(-1);
  assert.notEqual(second, first, 'it reconnects');
  second.open();
  assert.deepEqual(JSON.parse(second.sent[0]), { type: 'resume', communities: { 1: 43 } });
  // The hello of a reconnect does not move a position the app holds: the replay continues from it.
  second.receive({ type: 'hello', account_id: 2, communities: { 1: 47 } });
  assert.equal(positions.get(1), 43);
  second.receive({ type: 'resumed', communities: { 1: 47 } });
  assert.equal(positions.get(1), 47);
  // A frame from a socket the app has dropped is not applied (the next resume brings it).
  first.receive({ type: 'member.renamed', community_id: 1, pos: 99, account_id: 5, display_name: 'Eve' });
  assert.equal(positions.get(1), 47);
});

test('stream: close code 4401 (session ended elsewhere): back to log in with the notice, no reconnect', async () => {
  const socket = FakeSocket.made.at(-1);
  const count = FakeSocket.made.length;
  location.pathname = '/c/les-voisins/ch/7';
  socket.closed_by_server(4401, 'session_ended');
  assert.equal(state.session.me, null);
  assert.equal(state.session.expired, true, 'the log-in page says « Ta session a pris fin »');
  assert.equal(location.pathname, '/login');
  assert.equal(localStorage.getItem('ps_next'), '/c/les-voisins/ch/7', 'and comes back here after logging in');
  await wait(1200);
  assert.equal(FakeSocket.made.length, count, 'no reconnect');
  // Logging in again (same person) continues from the positions held.
  http.queue.push([200, { account: { id: 2, email: 'bea@example.com', display_name: 'Béa', locale: 'fr', created_at: '' }, memberships: state.session.memberships }]);
  await account_session.signed_in({ id: 2, email: 'bea@example.com', display_name: 'Béa', locale: 'fr', created_at: '' });
  const again = FakeSocket.made.at(-1);
  assert.equal(FakeSocket.made.length, count + 1);
  again.open();
  assert.deepEqual(JSON.parse(again.sent[0]), { type: 'resume', communities: { 1: 47 } });
  stream.stop_stream();
});

test('stream: close code 4403 (access changed): reconnects at once, memberships fetched again, a community left is dropped', async () => {
  state.session.me = { id: 2, display_name: 'Béa', locale: 'fr', created_at: '' };
  state.session.expired = false;
  location.pathname = '/c/les-voisins';
  stream.start_stream();
  const socket = FakeSocket.made.at(-1);
  socket.open();
  socket.receive({ type: 'hello', account_id: 2, communities: { 1: 47 } });
  socket.receive({ type: 'resumed', communities: { 1: 47 } });
  const count = FakeSocket.made.length;
  http.queue.push([200, { account: { id: 2, email: 'bea@example.com', display_name: 'Béa', locale: 'fr', created_at: '' }, memberships: state.session.memberships }]);
  socket.closed_by_server(4403, 'access_changed');
  assert.equal(FakeSocket.made.length, count + 1, 'at once, no back-off');
  assert.equal(state.session.connection, 'connecting');
  assert.equal(http.requests.at(-1).url, '/api/v1/me', 'memberships (and roles) fetched again');
  const again = FakeSocket.made.at(-1);
  again.open();
  assert.deepEqual(JSON.parse(again.sent[0]), { type: 'resume', communities: { 1: 47 } });
  // Removed: the new hello no longer names the community, which the app forgets.
  again.receive({ type: 'hello', account_id: 2, communities: {} });
  assert.equal(positions.has(1), false);
  assert.equal(location.pathname, '/');
  stream.stop_stream();
});

test('stream: refused before opening (the session ended while the socket was down): /me says so, back to log in', async () => {
  state.session.me = { id: 2, display_name: 'Béa', locale: 'fr', created_at: '' };
  state.session.expired = false;
  location.pathname = '/c/les-voisins';
  stream.start_stream();
  const socket = FakeSocket.made.at(-1);
  const count = FakeSocket.made.length;
  http.queue.push([401, { error: { code: 'unauthenticated', message: 'x' } }]);
  socket.closed_by_server(1006); // a failed upgrade: the browser only says 1006
  await wait(50);
  assert.equal(http.requests.at(-1).url, '/api/v1/me');
  assert.equal(state.session.me, null);
  assert.equal(state.session.expired, true);
  assert.equal(location.pathname, '/login');
  await wait(1200);
  assert.equal(FakeSocket.made.length, count, 'no reconnect');
});
