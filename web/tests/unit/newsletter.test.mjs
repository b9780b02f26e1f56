// The newsletter (issue 15): a time on the community's clock to UTC and back (Toronto across its
// November change, Paris, the spring's skipped hour), what « send » is sent and the checks before
// it, the host's list in its groups, an image's Markdown put at the cursor, the live preview's
// requests (one after the pause, stale answers dropped), the CSV and unsubscribe requests, and
// the new words in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { api, i18n, newsletter: N, zone: Z, fr_newsletter, en_newsletter } = await import(process.env.PS_WEB_UNIT_BUNDLE);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('zone: Toronto across the November change — 1:30 happens twice (the first is taken), either side is EDT then EST', () => {
  const tz = 'America/Toronto';
  assert.equal(Z.zoned_to_utc('2026-10-31', '09:00', tz), '2026-10-31T13:00:00Z', 'EDT, UTC−4');
  assert.equal(Z.zoned_to_utc('2026-11-01', '00:30', tz), '2026-11-01T04:30:00Z');
  assert.equal(Z.zoned_to_utc('2026-11-01', '01:30', tz), '2026-11-01T05:30:00Z', 'the first 1:30, still EDT');
  assert.equal(Z.zoned_to_utc('2026-11-01', '02:00', tz), '2026-11-01T07:00:00Z', 'EST from 2:00');
  assert.equal(Z.zoned_to_utc('2026-11-02', '09:00', tz), '2026-11-02T14:00:00Z', 'EST, UTC−5');
  assert.equal(Z.zoned_to_utc('2026-12-05', '08:00', tz), '2026-12-05T13:00:00Z');
  // And back: what the community's clock shows, for the inputs.
  assert.deepEqual(Z.utc_to_zoned('2026-11-01T05:30:00Z', tz), { date: '2026-11-01', time: '01:30' });
  assert.deepEqual(Z.utc_to_zoned('2026-11-01T06:30:00Z', tz), { date: '2026-11-01', time: '01:30' }, 'the second 1:30');
  assert.deepEqual(Z.utc_to_zoned('2026-12-05T13:00:00Z', tz), { date: '2026-12-05', time: '08:00' });
  assert.deepEqual(Z.utc_to_zoned('2027-01-01T04:59:00Z', tz), { date: '2026-12-31', time: '23:59' }, 'the day is the zone’s, not UTC’s');
});

test('zone: the spring’s skipped hour lands just after the change (2:30 that never shows is 3:30)', () => {
  assert.equal(Z.zoned_to_utc('2026-03-08', '02:30', 'America/Toronto'), '2026-03-08T07:30:00Z');
  assert.deepEqual(Z.utc_to_zoned('2026-03-08T07:30:00Z', 'America/Toronto'), { date: '2026-03-08', time: '03:30' });
  assert.equal(Z.zoned_to_utc('2026-03-29', '02:30', 'Europe/Paris'), '2026-03-29T01:30:00Z');
});

test('zone: Paris, east of UTC — winter +1, summer +2, and its October change', () => {
  const tz = 'Europe/Paris';
  assert.equal(Z.zoned_to_utc('2026-12-05', '14:00', tz), '2026-12-05T13:00:00Z');
  assert.equal(Z.zoned_to_utc('2026-07-01', '12:00', tz), '2026-07-01T10:00:00Z');
  assert.equal(Z.zoned_to_utc('2026-10-25', '02:30', tz), '2026-10-25T00:30:00Z', 'the first 2:30, still CEST');
  assert.equal(Z.zoned_to_utc('2026-10-25', '03:30', tz), '2026-10-25T02:30:00Z');
  assert.equal(Z.zoned_to_utc('2027-01-01', '00:00', tz), '2026-12-31T23:00:00Z', 'midnight crosses the year in UTC');
  assert.equal(Z.zone_offset(Date.parse('2026-07-01T00:00:00Z'), tz), 2 * 3600_000);
});

test('zone: what is not a date and a time, or an unknown zone, is no instant', () => {
  assert.equal(Z.zoned_to_utc('', '09:00', 'America/Toronto'), null);
  assert.equal(Z.zoned_to_utc('2026-12-05', '9h', 'America/Toronto'), null);
  assert.equal(Z.zoned_to_utc('2026-12-05', '09:00', 'Mars/Olympus'), null);
});

test('send: the body has the audience chosen, and the time only for a schedule; nobody chosen is refused', () => {
  assert.deepEqual(N.send_body({ members: true, subscribers: false }), { audience: { members: true, subscribers: false } });
  assert.deepEqual(N.send_body({ members: true, subscribers: true, extra: 1 }, '2026-12-05T13:00:00Z'), { audience: { members: true, subscribers: true }, at: '2026-12-05T13:00:00Z' });
  assert.deepEqual(N.send_body({ members: false, subscribers: true }, null), { audience: { members: false, subscribers: true } });
  assert.equal(N.audience_problem({ members: true, subscribers: false }), null);
  assert.equal(N.audience_problem({ members: false, subscribers: true }), null);
  assert.deepEqual(N.audience_problem({ members: false, subscribers: false }), { code: 'invalid_field', field: 'audience' });
});

test('schedule: a time to come, within a year; the first proposal is tomorrow 9:00 on the community’s clock', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  assert.equal(N.schedule_problem('2026-12-05T13:00:00Z', now), null);
  assert.equal(N.schedule_problem('2026-12-01T11:59:00Z', now).code, 'invalid_send_time');
  assert.equal(N.schedule_problem('2027-12-02T12:00:00Z', now).code, 'invalid_send_time');
  assert.deepEqual(N.schedule_problem(null, now), { code: 'invalid_field', field: 'send_date' });
  // 23:30 in Toronto on Dec 1 is already Dec 2 in UTC: tomorrow is the zone's tomorrow.
  assert.deepEqual(N.default_schedule(Date.parse('2026-12-02T04:30:00Z'), 'America/Toronto'), { date: '2026-12-02', time: '09:00' });
  assert.deepEqual(N.default_schedule(Date.parse('2026-12-02T04:30:00Z'), 'Europe/Paris'), { date: '2026-12-03', time: '09:00' });
  i18n.set_locale('fr');
  assert.match(i18n.problem_text(N.schedule_problem('2026-12-01T11:59:00Z', now)), /à venir/);
  assert.match(i18n.problem_text(N.audience_problem({ members: false, subscribers: false })), /Coche au moins un groupe/);
});

const issue = (id, status, extra = {}) => ({ id, status, subject: `n${id}`, body: '', preview_text: '', audience: { members: true, subscribers: true }, scheduled_at: null, sent_at: null, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z', author: { id: 1, display_name: 'Béa' }, community: { slug: 'quai' }, ...extra });

test('list: drafts newest first, scheduled soonest first, sent and sending newest first', () => {
  const g = N.group_issues([
    issue(1, 'sent', { sent_at: '2026-11-02T00:00:00Z' }),
    issue(2, 'draft', { updated_at: '2026-11-03T00:00:00Z' }),
    issue(3, 'scheduled', { scheduled_at: '2026-12-10T00:00:00Z' }),
    issue(4, 'scheduled', { scheduled_at: '2026-12-05T00:00:00Z' }),
    issue(5, 'draft', { updated_at: '2026-11-04T00:00:00Z' }),
    issue(6, 'sending', { sent_at: '2026-11-05T00:00:00Z' }),
  ]);
  assert.deepEqual(g.drafts.map((n) => n.id), [5, 2]);
  assert.deepEqual(g.scheduled.map((n) => n.id), [4, 3]);
  assert.deepEqual(g.sent.map((n) => n.id), [6, 1]);
  assert.equal(N.editable(issue(1, 'scheduled')), true);
  assert.equal(N.editable(issue(1, 'sending')), false);
});

test('image: its Markdown goes on a line of its own where the cursor is, the cursor after it', () => {
  const img = N.image_markdown('/api/v1/files/42');
  assert.equal(img, '![](/api/v1/files/42)');
  assert.deepEqual(N.insert_block('', 0, 0, img), { text: `${img}\n`, caret: img.length + 1 });
  const r = N.insert_block('Salut tout le monde', 5, 5, img);
  assert.equal(r.text, `Salut\n\n${img}\n\ntout le monde`);
  assert.equal(r.text.slice(0, r.caret), `Salut\n\n${img}\n\n`);
  assert.equal(N.insert_block('Un\n\nDeux', 4, 4, img).text, `Un\n\n${img}\n\nDeux`);
  assert.equal(N.insert_block('Un texte choisi', 3, 9, img).text, `Un\n\n${img}\n\nchoisi`, 'the selection is replaced');
  assert.equal(N.insert_block('Fin', 3, 3, img).text, `Fin\n\n${img}\n`);
  assert.equal(N.file_url(7), '/api/v1/files/7');
  assert.equal(N.image_markdown(N.file_url(7), 'scène.png'), '![scène.png](/api/v1/files/7)');
  const o = 'http://127.0.0.1:8080';
  const html = `<img style="a" src="${o}/api/v1/files/7" alt="x"><img src="${o}/api/v1/files/9/preview"><img src="https://ailleurs.test/api/v1/files/3"><img src="${o}/api/v1/files/7">`;
  assert.deepEqual(N.file_image_ids(html, o), [7, 9]);
  assert.equal(N.with_image_data(html, o, new Map([[7, 'data:image/webp;base64,AAAA']])),
    `<img style="a" src="data:image/webp;base64,AAAA" alt="x"><img src="${o}/api/v1/files/9/preview"><img src="https://ailleurs.test/api/v1/files/3"><img src="data:image/webp;base64,AAAA">`);
  assert.equal(N.image_markdown('/x', ' la [belle]\n photo\\ '), '![la \\[belle\\] photo\\\\](/x)', 'brackets and backslashes escaped, one line');
});

test('import: a file over 5 MiB or empty is refused before it is read; pages append each subscriber once', () => {
  assert.equal(N.import_file_problem({ size: 1000, name: 'a.csv' }), null);
  assert.deepEqual(N.import_file_problem({ size: 0, name: 'a.csv' }), { code: 'invalid_field', field: 'csv' });
  assert.equal(N.import_file_problem({ size: 5 * 1024 * 1024 + 1, name: 'a.csv' }).code, 'file_too_large');
  assert.deepEqual(N.append_page([{ id: 3 }, { id: 2 }], [{ id: 2 }, { id: 1 }]).map((x) => x.id), [3, 2, 1]);
  assert.equal(N.public_form_url('https://salle.example.com', 'quai'), 'https://salle.example.com/c/quai/subscribe');
});

test('preview: one request after the pause, with the latest text; an older answer is dropped; nothing for an empty issue', async () => {
  const asked = [];
  const shown = [];
  const answers = [];
  const p = new N.Previewer((d, signal) => new Promise((resolve, reject) => {
    asked.push(d.body);
    signal.addEventListener('abort', () => reject(new api.ApiError(0, 'aborted', 'stopped')));
    answers.push(() => resolve({ email: { subject: d.subject, html: `<p>${d.body}</p>`, text: d.body }, page: { html: `<p>${d.body}</p>` } }));
  }), (s) => shown.push(s), 20);
  const d = (body) => ({ subject: 'Le show', body, preview_text: '' });
  p.set(d('a'));
  p.set(d('ab'));
  p.set(d('abc'));
  await sleep(40);
  assert.deepEqual(asked, ['abc'], 'one request, after the last key');
  p.set(d('abcd'));
  await sleep(40);
  assert.deepEqual(asked, ['abc', 'abcd']);
  answers[0](); // the older answer, arriving late
  answers[1]();
  await sleep(0);
  assert.deepEqual(shown.map((s) => s.preview?.email.text), ['abcd'], 'only the latest text is shown');
  p.set(d('abcd'));
  await sleep(40);
  assert.equal(asked.length, 2, 'the same text is not asked again');
  p.set({ subject: ' ', body: '', preview_text: '' });
  await sleep(40);
  assert.equal(asked.length, 2);
  assert.deepEqual(shown.at(-1), {}, 'an empty issue shows the hint, not an old preview');
  p.stop();
});

test('api: the CSV goes as text/csv, as it is; unsubscribing sends no body; sending says audience and time', async () => {
  http.requests.length = 0;
  http.queue.push([200, { imported: 2, merged: 1, rejected: [{ row: 4, reason: 'invalid_email' }] }], [200, { community: { slug: 'quai', name: 'Le Quai' }, email: 'a@b.c' }], [202, { newsletter: issue(9, 'scheduled') }]);
  const csv = 'email,name\na@b.c,Ana\n';
  const report = await api.import_subscribers('quai', csv);
  assert.equal(report.imported, 2);
  await api.unsubscribe('tok/en');
  await api.send_newsletter(9, N.send_body({ members: true, subscribers: false }, '2026-12-05T13:00:00Z'));
  const [imp, unsub, send] = http.requests;
  assert.equal(imp.url, '/api/v1/communities/quai/subscribers/import');
  assert.equal(imp.headers['Content-Type'], 'text/csv');
  assert.equal(imp.headers['X-Requested-With'], 'petitesalle');
  assert.equal(imp.body, csv);
  assert.equal(unsub.url, '/api/v1/unsubscribe/tok%2Fen');
  assert.equal(unsub.method, 'POST');
  assert.equal(unsub.body, undefined);
  assert.equal(unsub.headers['Content-Type'], undefined);
  assert.equal(unsub.headers['X-Requested-With'], 'petitesalle');
  assert.deepEqual(JSON.parse(send.body), { audience: { members: true, subscribers: false }, at: '2026-12-05T13:00:00Z' });
  assert.equal(send.headers['Content-Type'], 'application/json');
});

test('i18n: the newsletter’s words are in both languages, the same keys and placeholders, none empty', () => {
  assert.deepEqual(Object.keys(en_newsletter).sort(), Object.keys(fr_newsletter).sort());
  const ph = (s) => (s.match(/\{\w+\}/g) ?? []).sort().join();
  for (const [k, v] of Object.entries(fr_newsletter)) {
    assert.ok(v.trim() && en_newsletter[k].trim(), `${k} is empty`);
    assert.equal(ph(en_newsletter[k]), ph(v), `placeholders differ in ${k}`);
    if (k.endsWith('_other')) assert.ok(k.replace(/_other$/, '_one') in fr_newsletter, `${k} has no _one`);
  }
  // The contract's error codes each have a sentence, different in each language.
  for (const code of ['newsletter_not_editable', 'invalid_send_time', 'subscription_form_off', 'invalid_form_token', 'invalid_token']) {
    const key = i18n.ERROR_MESSAGES[code];
    assert.ok(key && fr_newsletter[key] && en_newsletter[key], code);
    assert.notEqual(fr_newsletter[key], en_newsletter[key]);
  }
  for (const field of ['audience', 'send_date', 'subject', 'preview_text', 'sender_name', 'postal_address', 'csv']) assert.ok(i18n.FIELD_MESSAGES[field], field);
});
