// The account page's « Sessions actives »: its requests, and what each row and notice says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { api, i18n, sessions_ui } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const ago = (s) => new Date(NOW - s * 1000).toISOString();

test('sessions api: list, end one, end all others (JSON, as the CSRF rule wants)', async () => {
  const sessions = [
    { id: 9, device: 'Firefox on Linux', created_at: ago(86400), last_used_at: ago(30), current: true },
    { id: 4, device: 'Safari on iPhone', created_at: ago(7 * 86400), last_used_at: null, current: false },
  ];
  http.queue.push([200, { sessions }]);
  assert.deepEqual(await api.list_sessions(), { sessions });
  assert.equal(http.requests.at(-1).method, 'GET');
  assert.equal(http.requests.at(-1).url, '/api/v1/sessions');

  http.queue.push([204, null]);
  await api.end_session(4);
  assert.equal(http.requests.at(-1).method, 'DELETE');
  assert.equal(http.requests.at(-1).url, '/api/v1/sessions/4');
  assert.equal(http.requests.at(-1).headers['Content-Type'], 'application/json');

  http.queue.push([404, { error: { code: 'not_found', message: 'x' } }]);
  await assert.rejects(api.end_session(4), (e) => e.status === 404 && e.code === 'not_found');

  http.queue.push([200, { ended: 2 }]);
  assert.deepEqual(await api.end_other_sessions(), { ended: 2 });
  assert.equal(http.requests.at(-1).method, 'POST');
  assert.equal(http.requests.at(-1).url, '/api/v1/sessions/end-others');
  assert.equal(http.requests.at(-1).headers['Content-Type'], 'application/json');
});

test('sessions: the last use in words, in the person’s language', () => {
  i18n.set_locale('fr');
  assert.equal(i18n.format_relative(ago(10), NOW), 'à l’instant');
  assert.equal(i18n.format_relative(ago(5 * 60), NOW), 'il y a 5 minutes');
  assert.equal(i18n.format_relative(ago(3 * 3600), NOW), 'il y a 3 heures');
  assert.equal(i18n.format_relative(ago(86400), NOW), 'hier');
  assert.equal(i18n.format_relative(ago(3 * 86400), NOW), 'il y a 3 jours');
  assert.equal(i18n.format_relative(ago(400 * 86400), NOW), 'l’année dernière');
  const used = { id: 1, device: 'Firefox on Linux', created_at: ago(86400), last_used_at: ago(5 * 60), current: false };
  assert.equal(sessions_ui.session_when(used, NOW), 'Dernière activité il y a 5 minutes');
  assert.equal(sessions_ui.session_when({ ...used, last_used_at: null }, NOW), 'Ouverte hier');
  assert.equal(sessions_ui.ended_text(0), 'Aucune autre session n’est ouverte.');
  assert.equal(sessions_ui.ended_text(1), 'Une session fermée. Il ne reste que celle-ci.');
  assert.equal(sessions_ui.ended_text(3), '3 sessions fermées. Il ne reste que celle-ci.');

  i18n.set_locale('en');
  assert.equal(i18n.format_relative(ago(10), NOW), 'just now');
  assert.equal(i18n.format_relative(ago(5 * 60), NOW), '5 minutes ago');
  assert.equal(i18n.format_relative(ago(86400), NOW), 'yesterday');
  assert.equal(sessions_ui.session_when(used, NOW), 'Last active 5 minutes ago');
  assert.equal(sessions_ui.session_when({ ...used, last_used_at: null }, NOW), 'Signed in yesterday');
  assert.equal(sessions_ui.ended_text(3), '3 sessions ended. Only this one is left.');
  i18n.set_locale('fr');
});
