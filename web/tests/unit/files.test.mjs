// Files and images (issue 13): sizes said in each language, a refused upload worded (the limit
// read from the server's message), the composer's tray of chips (add, progress, done, refused,
// retry, remove, at most 10, when the message may go), the box an image takes before it loads,
// the upload request itself (XMLHttpRequest: headers, progress, errors, abort), and a message
// sent with its files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { api, i18n, fr, en, chat, state, files, image_box, MAX_BOX } = await import(process.env.PS_WEB_UNIT_BUNDLE);
const tick = () => new Promise((r) => setTimeout(r, 0));
/** Intl puts narrow and no-break spaces between a number and its unit: read as plain spaces. */
const plain = (s) => s.replace(/[\u00a0\u202f]/g, ' ');

function in_lang(l, fn) {
  i18n.set_locale(l);
  try {
    return fn();
  } finally {
    i18n.set_locale('fr');
  }
}

// ---- Sizes

test('files: a size in each language’s words, in steps of 1024, one decimal under 100', () => {
  const MiB = 1024 * 1024;
  const cases = [
    [0, '0 o', '0 bytes'],
    [512, '512 o', '512 bytes'],
    [1536, '1,5 ko', '1.5 kB'],
    [Math.round(1.2 * MiB), '1,2 Mo', '1.2 MB'],
    [Math.round(12.3 * MiB), '12,3 Mo', '12.3 MB'],
    [500 * MiB, '500 Mo', '500 MB'],
    [25 * MiB, '25 Mo', '25 MB'],
    [1023.7 * 1024, '1 Mo', '1 MB'], // not « 1 024 ko »
    [3 * 1024 * MiB, '3 Go', '3 GB'],
  ];
  for (const [bytes, f, e] of cases) {
    assert.equal(plain(in_lang('fr', () => i18n.format_size(bytes))), f, `fr ${bytes}`);
    assert.equal(plain(in_lang('en', () => i18n.format_size(bytes))), e, `en ${bytes}`);
  }
});

// ---- Refusals

test('files: a file too large says the limit the server’s message names, in the reader’s language', () => {
  const e = new api.ApiError(413, 'payload_too_large', 'La requête est trop grosse (25 Mio au plus).');
  const p = i18n.upload_problem(e);
  assert.equal(p.code, 'file_too_large');
  assert.equal(p.limit_bytes, 25 * 1024 * 1024);
  assert.equal(plain(in_lang('fr', () => i18n.problem_text(p))), 'Ce fichier est trop gros : 25 Mo au plus.');
  assert.equal(plain(in_lang('en', () => i18n.problem_text(p))), 'This file is too large: 25 MB at most.');
  const en_msg = i18n.upload_problem(new api.ApiError(413, 'payload_too_large', 'The request is too large (4 KiB at most).'));
  assert.equal(en_msg.limit_bytes, 4096);
  // No size in the message: still a sentence about the file.
  const bare = i18n.upload_problem(new api.ApiError(413, 'payload_too_large', ''));
  assert.equal(in_lang('fr', () => i18n.problem_text(bare)), fr.err_file_too_large_plain);
});

test('files: every refusal of an upload has its own sentence in French and in English, never the code', () => {
  const refusals = [
    [413, 'storage_full'], [422, 'file_type_mismatch'], [422, 'image_too_large'], [422, 'image_unreadable'], [409, 'file_in_use'],
    [429, 'rate_limited'], [404, 'not_found'],
  ];
  for (const [status, code] of refusals) {
    const p = i18n.upload_problem(new api.ApiError(status, code, 'the server’s own words', undefined, 30));
    const [f, e] = [in_lang('fr', () => i18n.problem_text(p)), in_lang('en', () => i18n.problem_text(p))];
    for (const s of [f, e]) {
      assert.ok(!s.includes(code) && !s.includes('the server’s own words'), `${code}: « ${s} »`);
      assert.ok(s !== fr.err_generic && s !== en.err_generic);
    }
    assert.notEqual(f, e, code);
  }
  // The invalid name is the file's, not a channel's.
  const name = i18n.upload_problem(new api.ApiError(422, 'invalid_field', 'Le champ « name » est invalide.', 'name'));
  assert.equal(in_lang('fr', () => i18n.problem_text(name)), fr.err_field_file_name);
  assert.equal(in_lang('en', () => i18n.problem_text(name)), en.err_field_file_name);
  // A message whose files are gone names no field.
  const ids = i18n.problem_of(new api.ApiError(422, 'invalid_field', 'x', 'file_ids'));
  assert.equal(in_lang('en', () => i18n.problem_text(ids)), en.err_field_file_ids);
});

// ---- The tray

/** A fake uploader: each upload waits for the test to answer it. */
function fake_uploads() {
  const started = [];
  const deleted = [];
  const uploader = (file, name, on_progress) => {
    let resolve, reject;
    const done = new Promise((a, b) => ((resolve = a), (reject = b)));
    const up = { file, name, on_progress, resolve, reject, aborted: false };
    started.push(up);
    return { done, abort: () => { up.aborted = true; reject(new api.ApiError(0, 'aborted', 'stopped')); } };
  };
  return { started, deleted, uploader, discard: async (id) => void deleted.push(id) };
}
const info = (id, name = `f${id}.png`, extra = {}) => ({ id, url: `/api/v1/files/${id}`, name, content_type: 'image/png', size: 100, kind: 'image', width: 4, height: 3, preview_url: `/api/v1/files/${id}/preview`, thumbnail_url: `/api/v1/files/${id}/thumbnail`, inline: true, created_at: '', ...extra });
const file = (name, size = 100, type = 'image/png') => new File([new Uint8Array(size)], name, { type });

test('files: a chosen file uploads at once; its progress, its answer; the message goes once all are up', async () => {
  const f = fake_uploads();
  const pictures = [];
  const thumbnail = async (file) => (pictures.push(file.name), file.type.startsWith('image/') ? 'data:image/jpeg;base64,AAAA' : undefined);
  const tray = new files.Tray(f.uploader, f.discard, files.MAX_FILES, thumbnail);
  let changes = 0;
  tray.subscribe(() => (changes += 1));
  assert.equal(tray.can_send(''), false, 'nothing to send');
  assert.equal(tray.can_send('salut'), true, 'text alone goes');
  assert.equal(tray.add([file('a.png', 1000), file('notes.txt', 10, 'text/plain')]), 0);
  assert.equal(f.started.length, 2, 'both upload at once');
  assert.equal(f.started[0].name, 'a.png');
  assert.deepEqual(tray.items.map((a) => a.state), ['uploading', 'uploading']);
  await tick();
  assert.equal(tray.items[0].preview, 'data:image/jpeg;base64,AAAA', 'an image has a picture of its own at once');
  assert.equal(tray.items[1].preview, undefined, 'a text file has none');
  assert.equal(tray.blocker(), 'uploading');
  assert.equal(tray.can_send('salut'), false, 'not while a file is going up');
  f.started[0].on_progress(400, 1000);
  assert.equal(tray.items[0].sent, 400);
  assert.equal(tray.items[0].total, 1000);
  f.started[0].resolve({ file: info(5, 'a.jpg') });
  await tick();
  assert.equal(tray.items[0].state, 'done');
  assert.equal(tray.items[0].name, 'a.jpg', 'the server’s name (a HEIC comes back as .jpg)');
  f.started[1].resolve({ file: info(6, 'notes.txt', { kind: 'file' }) });
  await tick();
  assert.equal(tray.blocker(), null);
  assert.equal(tray.can_send(''), true, 'files alone make a message');
  assert.ok(changes >= 5);
  assert.deepEqual(tray.take().map((x) => x.id), [5, 6], 'in the chips’ order');
  assert.deepEqual(tray.items, [], 'sent: the chips go');
  assert.deepEqual(f.deleted, [], 'and the files stay: they are the message’s');
});

test('files: a refused upload says why, blocks sending until retried or removed, and retries', async () => {
  const f = fake_uploads();
  const tray = new files.Tray(f.uploader, f.discard);
  tray.add([file('bad.png')]);
  f.started[0].reject(new api.ApiError(422, 'file_type_mismatch', 'Le contenu…'));
  await tick();
  const [a] = tray.items;
  assert.equal(a.state, 'failed');
  assert.equal(a.problem.code, 'file_type_mismatch');
  assert.equal(in_lang('fr', () => i18n.problem_text(a.problem)), fr.err_file_type_mismatch);
  assert.equal(tray.blocker(), 'failed');
  assert.equal(tray.can_send('du texte'), false, 'a refused file is not dropped silently');
  tray.retry(a.key);
  assert.equal(f.started.length, 2, 'retried: uploaded again');
  assert.equal(tray.items[0].state, 'uploading');
  assert.equal(tray.items[0].problem, undefined);
  f.started[1].reject(new api.ApiError(0, 'network', 'offline'));
  await tick();
  assert.equal(tray.items[0].problem.code, 'network');
  tray.remove(a.key);
  assert.deepEqual(tray.items, []);
  assert.deepEqual(f.deleted, [], 'the server holds nothing of it');
  assert.equal(tray.can_send('du texte'), true);
});

test('files: removing a chip stops its upload, or deletes what the server holds', async () => {
  const f = fake_uploads();
  const tray = new files.Tray(f.uploader, f.discard);
  tray.add([file('a.png'), file('b.png'), file('c.png')]);
  const [a, b, c] = tray.items;
  tray.remove(a.key);
  await tick();
  assert.equal(f.started[0].aborted, true, 'stopped while going up');
  assert.equal(tray.items.length, 2, 'and an abort is not a refusal shown');
  f.started[1].resolve({ file: info(7) });
  await tick();
  tray.remove(b.key);
  assert.deepEqual(f.deleted, [7], 'uploaded, not sent: deleted on the server');
  // Removed while its answer was on the way: deleted too once it comes.
  const late = new files.Tray((file, name, on_progress) => ({ ...f.uploader(file, name, on_progress), abort: () => {} }), f.discard);
  late.add([file('d.png')]);
  late.remove(late.items[0].key);
  f.started.at(-1).resolve({ file: info(8) });
  await tick();
  assert.deepEqual(f.deleted, [7, 8]);
  assert.equal(tray.items[0].key, c.key);
});

test('files: at most 10 files a message; the ones past it are refused and counted', () => {
  const f = fake_uploads();
  const tray = new files.Tray(f.uploader, f.discard);
  assert.equal(files.MAX_FILES, 10);
  assert.equal(tray.add(Array.from({ length: 7 }, (_, i) => file(`p${i}.png`))), 0);
  assert.equal(tray.full, false);
  assert.equal(tray.add(Array.from({ length: 5 }, (_, i) => file(`q${i}.png`))), 2);
  assert.equal(tray.items.length, 10);
  assert.equal(f.started.length, 10, 'the refused ones never upload');
  assert.equal(tray.full, true);
  assert.equal(tray.add([file('r.png')]), 1);
  tray.forget();
  assert.deepEqual(tray.items, []);
  assert.ok(f.started.every((u) => u.aborted), 'a log out stops every upload');
});

test('files: one tray per box and community, kept across renders, forgotten at log out', () => {
  const a = files.tray_for('ps_draft:1:7:0', 'les-voisins');
  assert.equal(files.tray_for('ps_draft:1:7:0', 'les-voisins'), a);
  assert.notEqual(files.tray_for('ps_draft:1:7:9', 'les-voisins'), a, 'a thread has its own');
  files.forget_trays();
  assert.notEqual(files.tray_for('ps_draft:1:7:0', 'les-voisins'), a);
  files.forget_trays();
});

// ---- The box of an image, before it loads

test('files: an image’s box comes from its size, scaled down to fit, never up; thin strips keep a side', () => {
  assert.equal(MAX_BOX, 320);
  assert.deepEqual(image_box(4000, 3000), { width: 320, height: 240 });
  assert.deepEqual(image_box(3000, 4000), { width: 240, height: 320 });
  assert.deepEqual(image_box(320, 320), { width: 320, height: 320 });
  assert.deepEqual(image_box(100, 50), { width: 100, height: 50 }, 'a small image keeps its size');
  assert.deepEqual(image_box(4000, 100), { width: 320, height: 80 }, 'a panorama is cropped, not a line');
  assert.deepEqual(image_box(100, 4000), { width: 80, height: 320 });
  assert.deepEqual(image_box(40, 4000), { width: 40, height: 320 }, 'never wider than the image');
  assert.deepEqual(image_box(1600, 900, 200, 300), { width: 200, height: 113 });
  assert.deepEqual(image_box(0, 0), { width: 320, height: 320 }, 'no size known: a square');
});

// ---- The upload request

class FakeXHR {
  static last = null;
  constructor() {
    this.headers = {};
    this.upload = {};
    this.status = 0;
    this.responseText = '';
    this.response_headers = {};
    FakeXHR.last = this;
  }
  open(method, url) { Object.assign(this, { method, url }); }
  setRequestHeader(k, v) { this.headers[k] = v; }
  getResponseHeader(k) { return this.response_headers[k] ?? null; }
  send(body) { this.body = body; }
  abort() { this.onabort?.(); }
  answer(status, body, headers = {}) {
    Object.assign(this, { status, statusText: '', responseText: JSON.stringify(body), response_headers: headers });
    this.onload?.();
  }
}

test('files: an upload sends the raw bytes with its type and name, reports progress, and resolves with the file', async () => {
  globalThis.XMLHttpRequest = FakeXHR;
  const seen = [];
  const f = file('photo été.png', 2048);
  const up = api.upload_file('les-voisins', f, f.name, (sent, total) => seen.push([sent, total]));
  const x = FakeXHR.last;
  assert.equal(x.method, 'POST');
  assert.equal(x.url, '/api/v1/communities/les-voisins/files?name=photo%20%C3%A9t%C3%A9.png');
  assert.equal(x.headers['Content-Type'], 'image/png');
  assert.equal(x.headers['X-Requested-With'], 'petitesalle', 'the CSRF proof, as on every write');
  assert.equal(x.body, f, 'the file itself, not a form');
  x.upload.onprogress({ loaded: 1024, total: 2048, lengthComputable: true });
  assert.deepEqual(seen, [[1024, 2048]]);
  x.answer(201, { file: info(9) });
  assert.equal((await up.done).file.id, 9);
  // A type the browser does not know goes as bytes.
  api.upload_file('les-voisins', new File(['x'], 'x.bin'), 'x.bin');
  assert.equal(FakeXHR.last.headers['Content-Type'], 'application/octet-stream');
});

test('files: an upload fails as an ApiError: the server’s refusal, the network, or stopped here', async () => {
  globalThis.XMLHttpRequest = FakeXHR;
  const f = file('big.png');
  let up = api.upload_file('les-voisins', f, f.name);
  FakeXHR.last.answer(413, { error: { code: 'storage_full', message: 'Plein.' } });
  await assert.rejects(up.done, (e) => e instanceof api.ApiError && e.status === 413 && e.code === 'storage_full' && e.message === 'Plein.');
  up = api.upload_file('les-voisins', f, f.name);
  FakeXHR.last.answer(429, { error: { code: 'rate_limited', message: 'x' } }, { 'Retry-After': '12' });
  await assert.rejects(up.done, (e) => e.code === 'rate_limited' && e.retry_after === 12);
  up = api.upload_file('les-voisins', f, f.name);
  FakeXHR.last.onerror();
  await assert.rejects(up.done, (e) => e.status === 0 && e.code === 'network');
  up = api.upload_file('les-voisins', f, f.name);
  up.abort();
  await assert.rejects(up.done, (e) => e.status === 0 && e.code === 'aborted');
});

// ---- A message with files

test('files: a message goes with its files’ ids (and may have no text); the pending one shows them', async () => {
  state.session.me = { id: 1, display_name: 'Ana', locale: 'fr', created_at: '' };
  const before = http.requests.length;
  http.queue.push([422, { error: { code: 'invalid_field', message: 'x', field: 'file_ids' } }]);
  chat.send(7, '', null, [info(11), info(12)]);
  const [p] = chat.pending_for(7, null);
  assert.deepEqual(p.files.map((f) => f.id), [11, 12], 'shown while it waits');
  await tick();
  await tick();
  const req = http.requests[before];
  assert.equal(req.url, '/api/v1/channels/7/messages');
  assert.deepEqual(JSON.parse(req.body).file_ids, [11, 12]);
  assert.equal(JSON.parse(req.body).body, '');
  assert.equal(p.failed, fr.err_field_file_ids, 'refused: said, and kept to retry or drop');
  // Dropped: its uploads, attached to nothing, are deleted.
  http.queue.push([204, null], [204, null]);
  chat.discard_pending(p.client_id);
  await tick();
  assert.deepEqual(http.requests.slice(-2).map((r) => [r.method, r.url]), [['DELETE', '/api/v1/files/11'], ['DELETE', '/api/v1/files/12']]);
  assert.deepEqual(chat.pending_for(7, null), []);
});

test('files: the host’s storage line, with and without a limit, in both languages', () => {
  const MiB = 1024 * 1024;
  const line = (used, limit) => plain(limit ? i18n.t('storage_used_of', { used: i18n.format_size(used), limit: i18n.format_size(limit) }) : i18n.t('storage_used', { used: i18n.format_size(used) }));
  assert.equal(in_lang('fr', () => line(12.3 * MiB, 500 * MiB)), '12,3 Mo utilisés sur 500 Mo');
  assert.equal(in_lang('en', () => line(12.3 * MiB, 500 * MiB)), '12.3 MB used of 500 MB');
  assert.equal(in_lang('fr', () => line(12.3 * MiB, null)), '12,3 Mo utilisés');
  assert.equal(in_lang('en', () => line(12.3 * MiB, null)), '12.3 MB used');
  assert.equal(in_lang('fr', () => i18n.tn('storage_files', 1)), '1 fichier');
  assert.equal(in_lang('fr', () => i18n.tn('storage_files', 0)), '0 fichier');
  assert.equal(in_lang('en', () => i18n.tn('storage_files', 0)), '0 files');
});
