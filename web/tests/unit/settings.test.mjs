// Notification settings and Web Push (issue 13), against the fake server: GET/PUT
// /me/notifications (quiet hours sent with the device's zone, a refusal said next to its
// field), the push key as bytes, the subscription sent as the browser gives it and removed by
// its endpoint, an iPhone told to install the app first. Every answer is checked against
// docs/openapi.json, or the brief's contract where the file does not describe the route yet.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';
import { FakeServer } from './fake-server.mjs';
import { check_answer, undocumented } from './openapi-check.mjs';

const { api, i18n, settings_card: S, push: P } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const SETTINGS = {
  type: 'object', required: ['settings'],
  properties: { settings: { type: 'object', required: ['email', 'push_previews', 'quiet_hours', 'time_zone'], properties: {
    email: { type: 'string', enum: ['never', '15min', 'daily'] }, push_previews: { type: 'string', enum: ['full', 'private'] },
    quiet_hours: { type: 'object', nullable: true, required: ['start', 'end'], properties: { start: { type: 'string' }, end: { type: 'string' } } },
    time_zone: { type: 'string' } } } },
};
const ERROR = { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'] } } };
const CONTRACT = {
  'GET /me/notifications 200': SETTINGS,
  'PUT /me/notifications 200': SETTINGS,
  'GET /push/key 200': { type: 'object', required: ['public_key'], properties: { public_key: { type: 'string' } } },
  'POST /push/subscriptions 201': { type: 'object', required: ['subscription'], properties: { subscription: { type: 'object', required: ['id', 'endpoint', 'created_at'], properties: { id: { type: 'integer' }, endpoint: { type: 'string' }, created_at: { type: 'string' } } } } },
};

const server = new FakeServer();
const ME = server.account('Béa', 'bea@example.com');
const voisins = server.community(ME, 'Les voisins', 'les-voisins');
const room = server.channel(voisins, 'jasette');
http.handler = async (url, init) => {
  const method = init.method ?? 'GET';
  const [status, body] = server.handle(ME, method, url, init.body);
  const p = new URL(url, 'http://x').pathname.replace(/^\/api\/v1/, '');
  if (status === 204) check_answer(method, url, status, null, null);
  else check_answer(method, url, status, body, status >= 400 ? ERROR : CONTRACT[`${method} ${p} ${status}`]);
  return [status, body];
};
after(() => {
  http.handler = null;
  if (undocumented.size) console.log(`# checked against the brief's contract, not yet in docs/openapi.json: ${[...undocumented].join(', ')}`);
});

test('settings: read, then changed in part; quiet hours go with the device’s zone', async () => {
  const { settings } = await api.get_notification_settings();
  assert.deepEqual(settings, { email: '15min', push_previews: 'full', quiet_hours: null, time_zone: 'America/Toronto', digest: 'weekly' });
  const body = S.settings_body({ email_digest: 'daily', digest: 'daily', push_previews: 'private', quiet: 'on', 'quiet_hours.start': '22:00', 'quiet_hours.end': '07:00' }, 'Europe/Paris');
  assert.deepEqual(body, { email: 'daily', digest: 'daily', push_previews: 'private', quiet_hours: { start: '22:00', end: '07:00' }, time_zone: 'Europe/Paris' });
  const saved = (await api.update_notification_settings(body)).settings;
  assert.deepEqual(saved, { ...body, digest: 'daily' });
  const sent = http.requests.at(-1);
  assert.equal(sent.method, 'PUT');
  assert.equal(sent.headers['X-Requested-With'], 'petitesalle');
  // Off: no zone sent (nothing to read it for), quiet hours null.
  assert.deepEqual(S.settings_body({ email_digest: 'never', digest: 'off', push_previews: 'full', quiet: '', 'quiet_hours.start': '22:00', 'quiet_hours.end': '07:00' }, 'Europe/Paris'), { email: 'never', digest: 'off', push_previews: 'full', quiet_hours: null });
  assert.equal((await api.update_notification_settings({ quiet_hours: null })).settings.time_zone, 'Europe/Paris', 'the zone stays');
});

test('settings: a refusal is said next to its field, in words (the digest’s « email » is not the address)', async () => {
  for (const [body, field] of [[{ email: 'weekly' }, 'email_digest'], [{ quiet_hours: { start: '22:00', end: '22:00' } }, 'quiet_hours.end'], [{ quiet_hours: { start: '25:00', end: '07:00' } }, 'quiet_hours.start'], [{ time_zone: 'Mars/Olympus' }, 'time_zone']]) {
    const e = await api.update_notification_settings(body).then(() => null, (x) => x);
    assert.ok(e instanceof api.ApiError && e.code === 'invalid_field', JSON.stringify(body));
    const p = S.settings_problem(e);
    assert.equal(p.field, field);
    for (const l of ['fr', 'en']) {
      i18n.set_locale(l);
      const said = i18n.problem_text(p);
      assert.ok(!said.includes(field) && !said.includes('Le champ') && said.length > 20, `${l}: « ${said} »`);
    }
    i18n.set_locale('fr');
  }
});

test('push: the server’s key as the bytes subscribe() takes (an uncompressed P-256 point)', async () => {
  const { public_key } = await api.push_key();
  const bytes = P.key_bytes(public_key);
  assert.equal(bytes.length, 65);
  assert.equal(bytes[0], 4, 'uncompressed');
  assert.deepEqual([...P.key_bytes('AQID')], [1, 2, 3]);
  assert.deepEqual([...P.key_bytes('-_8')], [251, 255], 'base64url, no padding');
});

test('push: the subscription goes as PushSubscription.toJSON() gives it, and is removed by its endpoint', async () => {
  const sub = { endpoint: 'https://push.example.net/send/abc?x=1&y=2', expirationTime: null, keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' } };
  const { subscription } = await api.add_push_subscription(sub);
  assert.equal(subscription.endpoint, sub.endpoint);
  assert.equal(JSON.parse(http.requests.at(-1).body).keys.auth, sub.keys.auth);
  assert.equal(server.subscriptions.length, 1);
  await api.remove_push_subscription(sub.endpoint);
  const sent = http.requests.at(-1);
  assert.equal(sent.method, 'DELETE');
  assert.equal(new URL(sent.url, 'http://x').searchParams.get('endpoint'), sub.endpoint, 'the endpoint, URL-encoded, whole');
  assert.equal(server.subscriptions.length, 0);
  const refused = await api.add_push_subscription({ ...sub, endpoint: 'http://insecure.example' }).then(() => null, (e) => e);
  assert.equal(refused.code, 'invalid_push_subscription');
  assert.notEqual(i18n.error_text(refused), i18n.t('err_generic', { message: 'invalid_push_subscription' }));
});

test('push: an iPhone or iPad (iPadOS says Mac, with touch) needs the app on its home screen', () => {
  assert.equal(P.is_ios('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)', 'iPhone', 5), true);
  assert.equal(P.is_ios('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'MacIntel', 5), true);
  assert.equal(P.is_ios('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'MacIntel', 0), false);
  assert.equal(P.is_ios('Mozilla/5.0 (Linux; Android 14; Pixel 8)', 'Linux armv8l', 5), false);
  // Under Node there is no service worker: unsupported, said without asking anything.
  assert.equal(P.push_support(), 'unsupported');
});

test('levels and the autocomplete against the fake server: the room kind’s default, a choice, back to default', async () => {
  assert.deepEqual(await api.get_room_level(room), { level: 'mentions', default: 'mentions', is_default: true });
  assert.deepEqual(await api.set_room_level(room, 'all'), { level: 'all', default: 'mentions', is_default: false });
  assert.deepEqual(await api.set_room_level(room, 'default'), { level: 'mentions', default: 'mentions', is_default: true });
  const bob = server.account('Bébert Côté', 'bob@example.com');
  server.join(voisins, bob);
  const found = await api.mentionable(room, 'beb');
  assert.deepEqual(found, { members: [{ id: bob, display_name: 'Bébert Côté' }], everyone: false, here: false });
  assert.equal(new URL(http.requests.at(-1).url, 'http://x').search, '?q=beb');
});
