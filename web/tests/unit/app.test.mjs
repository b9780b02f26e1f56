import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { api, i18n, fr, en, chat, communities, state, dispatch, positions, emoji } = await import(process.env.PS_WEB_UNIT_BUNDLE);
const tick = () => new Promise((r) => setTimeout(r, 0));

function message(seq, extra = {}) {
  return { id: 100 + seq, seq, channel_id: 7, author: { id: 2, display_name: 'Béa' }, body: `m${seq}`, html: `<p>m${seq}</p>`, created_at: '2026-11-27T00:00:00.000Z', edited_at: null, deleted: false, parent_id: null, reply_count: 0, client_id: null, reactions: [], ...extra };
}

test('i18n: French and English have the same keys, none empty, the same placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(fr).sort());
  for (const [k, v] of Object.entries(fr)) {
    assert.ok(v.trim(), `fr.${k} is empty`);
    assert.ok(en[k].trim(), `en.${k} is empty`);
    const ph = (s) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    assert.equal(ph(en[k]), ph(v), `placeholders differ in ${k}`);
  }
});

test('i18n: t() fills placeholders; the browser language picks the default', () => {
  assert.equal(i18n.locale(), 'fr');
  assert.equal(i18n.t('member_number', { number: 12 }), 'membre nº 12');
  i18n.set_locale('en');
  assert.equal(i18n.t('member_number', { number: 12 }), 'member #12');
  i18n.set_locale('fr');
});

test('i18n: the words the style sheet puts around a remote image follow the language', () => {
  const props = {};
  document.documentElement.style = { setProperty: (k, v) => (props[k] = v) };
  i18n.set_locale('en');
  assert.equal(props['--remote-image'], '"Image:"');
  assert.equal(props['--remote-image-open'], '"tap to open"');
  i18n.set_locale('fr');
  assert.equal(props['--remote-image'], '"Image :"');
  assert.equal(props['--remote-image-open'], '"touche pour l’ouvrir"');
  delete document.documentElement.style;
});

test('chat: the quick reactions offer only what the server takes: single RGI emoji, fully qualified', () => {
  assert.ok(emoji.DEFAULT_EMOJI.length > 0 && emoji.DEFAULT_EMOJI.length <= 20);
  for (const e of emoji.DEFAULT_EMOJI) assert.match(e, /^\p{RGI_Emoji}$/v, `${e} is not one RGI emoji`);
  assert.equal(new Set(emoji.DEFAULT_EMOJI).size, emoji.DEFAULT_EMOJI.length);
});

test('errors: server codes become sentences in the person’s language, next to the right field', () => {
  const taken = new api.ApiError(409, 'email_taken', 'x');
  assert.equal(i18n.error_field(taken), 'email');
  assert.match(i18n.error_text(taken), /déjà un compte/);
  const invalid = new api.ApiError(422, 'invalid_field', 'Le champ « password » est trop court.', 'password');
  assert.equal(i18n.error_field(invalid), 'password');
  // The app's own words, never the server's, which name the field by its API name.
  assert.equal(i18n.error_text(invalid), fr.err_field_password);
  assert.match(i18n.error_text(new api.ApiError(429, 'rate_limited', 'x', undefined, 42)), /42 secondes/);
});

test('errors: a refused log-in says an emailed link still works; a removed person is told why', () => {
  const limited = new api.ApiError(429, 'rate_limited', 'x', undefined, 42);
  assert.match(i18n.log_in_error_text(limited), /42 secondes/);
  assert.match(i18n.log_in_error_text(limited), /lien par courriel/);
  assert.doesNotMatch(i18n.error_text(limited), /courriel/);
  const wrong = new api.ApiError(401, 'invalid_credentials', 'x');
  assert.equal(i18n.log_in_error_text(wrong), i18n.error_text(wrong));
  assert.match(i18n.error_text(new api.ApiError(403, 'removed_from_community', 'x')), /personne hôte/);
  i18n.set_locale('en');
  assert.match(i18n.log_in_error_text(limited), /link by email/);
  assert.match(i18n.error_text(new api.ApiError(403, 'removed_from_community', 'x')), /host/);
  i18n.set_locale('fr');
});

test('api: the removed list and letting someone back in', async () => {
  http.queue.push([200, { removed: [] }]);
  assert.deepEqual(await api.list_removed('les-voisins'), { removed: [] });
  assert.equal(http.requests.at(-1).method, 'GET');
  assert.equal(http.requests.at(-1).url, '/api/v1/communities/les-voisins/removed');
  http.queue.push([204, null]);
  await api.let_back_in('les-voisins', 5);
  assert.equal(http.requests.at(-1).method, 'DELETE');
  assert.equal(http.requests.at(-1).url, '/api/v1/communities/les-voisins/removed/5');
  assert.equal(http.requests.at(-1).headers['Content-Type'], 'application/json');
});

test('api: state-changing requests are JSON (CSRF rule); errors are parsed', async () => {
  http.queue.push([422, { error: { code: 'invalid_field', message: 'bad', field: 'name' } }]);
  await assert.rejects(api.create_channel('les-voisins', ''), (e) => e.status === 422 && e.code === 'invalid_field' && e.field === 'name');
  const req = http.requests.at(-1);
  assert.equal(req.method, 'POST');
  assert.equal(req.url, '/api/v1/communities/les-voisins/channels');
  assert.equal(req.headers['Content-Type'], 'application/json');
  http.queue.push('offline');
  await assert.rejects(api.get_me(), (e) => e.status === 0 && e.code === 'network');
  http.queue.push([200, { message: message(1) }]);
  await api.add_reaction(101, '👍');
  assert.equal(http.requests.at(-1).url, '/api/v1/messages/101/reactions/%F0%9F%91%8D');
});

test('chat: the held history plus the stream’s events equals a fresh fetch, nothing doubled', async () => {
  state.session.me = { id: 1, display_name: 'Ana', locale: 'fr', created_at: '' };
  state.session.memberships = [{ community: { id: 1, slug: 'les-voisins', name: 'Les voisins' }, member_number: 1, role: 'owner', joined_at: '', invited_by: null }];
  communities.set_channels('les-voisins', [{ id: 7, community_id: 1, name: 'general', kind: 'chat', visibility: 'community', archived: false, last_seq: 3, last_read_seq: 3, unread: 0, created_at: '' }]);
  http.queue.push([200, { messages: [message(1), message(2), message(3)] }]);
  await chat.open_channel(7);
  // Live 4, then a reconnect replays 3's edit and 4 (as they are now: 3 was edited) and brings 5.
  const at = (pos) => ({ community_id: 1, pos });
  dispatch({ type: 'message.created', ...at(10), channel_id: 7, seq: 4, message: message(4) });
  dispatch({ type: 'message.edited', ...at(11), channel_id: 7, seq: 3, message: message(3, { body: 'm3 edited', edited_at: '2026-11-27T00:01:00.000Z' }) });
  dispatch({ type: 'message.created', ...at(10), channel_id: 7, seq: 4, message: message(4) });
  dispatch({ type: 'message.created', ...at(12), channel_id: 7, seq: 5, message: message(5) });
  const fresh = [1, 2, 3, 4, 5].map((s) => message(s, s === 3 ? { body: 'm3 edited', edited_at: '2026-11-27T00:01:00.000Z' } : {}));
  assert.deepEqual(chat.sorted(7), fresh);
  assert.equal(positions.get(1), 12);
  // Two messages from someone else while not looking: two unread.
  assert.equal(communities.channels_by_id.get(7).unread, 2);
  dispatch({ type: 'channel.read', ...at(13), channel_id: 7, last_read_seq: 5 });
  assert.equal(communities.channels_by_id.get(7).unread, 0);
});

test('chat: an edit to a message above the held range is not shown out of place', async () => {
  http.queue.push([200, { messages: Array.from({ length: 50 }, (_, i) => message(100 + i, { channel_id: 8, id: 1000 + i })) }]);
  communities.upsert_channel({ id: 8, community_id: 1, name: 'old', kind: 'chat', visibility: 'community', archived: false, last_seq: 149, last_read_seq: 149, unread: 0, created_at: '' });
  await chat.open_channel(8);
  dispatch({ type: 'message.edited', community_id: 1, pos: 20, channel_id: 8, seq: 3, message: message(3, { channel_id: 8, id: 3 }) });
  assert.equal(chat.sorted(8)[0].seq, 100);
});

test('chat: a message written offline stays pending and is sent once, with its client_id', async () => {
  http.queue.push('offline');
  chat.send(7, 'hors ligne');
  await tick();
  const [p] = chat.pending_for(7, null);
  assert.ok(p, 'the message is pending');
  assert.match(p.client_id, /^c-[0-9a-f]{24}$/);
  assert.equal(p.failed, undefined);
  // Back online: sent again with the same client_id; the echo on the stream changes nothing.
  const sent = message(6, { author: { id: 1, display_name: 'Ana' }, body: 'hors ligne', client_id: p.client_id });
  http.queue.push([201, { message: sent }]);
  chat.flush_pending();
  await tick();
  await tick();
  assert.equal(JSON.parse(http.requests.at(-1).body).client_id, p.client_id);
  dispatch({ type: 'message.created', community_id: 1, pos: 21, channel_id: 7, seq: 6, message: sent });
  assert.deepEqual(chat.pending_for(7, null), []);
  assert.equal(chat.sorted(7).filter((m) => m.client_id === p.client_id).length, 1);
  assert.equal(communities.channels_by_id.get(7).unread, 0, 'one’s own message is not unread');
});

test('chat: a refusal by the server marks the pending message failed, keeping its text', async () => {
  http.queue.push([409, { error: { code: 'channel_archived', message: 'archived' } }]);
  chat.send(7, 'trop tard');
  await tick();
  await tick();
  const [p] = chat.pending_for(7, null);
  assert.equal(p.body, 'trop tard');
  assert.match(p.failed, /archivé/);
  chat.discard_pending(p.client_id);
  assert.deepEqual(chat.pending_for(7, null), []);
});

test('stream: a removed member forgets the community', () => {
  dispatch({ type: 'member.removed', community_id: 1, pos: 22, account_id: 1 });
  assert.equal(state.session.memberships.length, 0);
  assert.equal(communities.channels_by_slug.has('les-voisins'), false);
  assert.equal(positions.has(1), false, 'the next resume no longer names it');
});
