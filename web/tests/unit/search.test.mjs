// Search (issue 13), its plain logic: the query string (only what is set, in a fixed order, the
// words as typed), the date inputs made instants in the device's zone (whole days, both included,
// days of 23 and 25 hours), where each kind of result opens and how the room reads it back, the
// refusals worded, and the searcher: debounced, one request in flight, stale answers dropped,
// « more » after the page shown. Then a room fetched down to a message a search found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

// The device's zone for the dates: Toronto (EST -5, EDT -4; the changes of 2026 on March 8 and
// November 1). Node reads TZ again when it changes.
process.env.TZ = 'America/Toronto';
const { api, i18n, fr, en, chat, search } = await import(process.env.PS_WEB_UNIT_BUNDLE);

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const base = { q: '', ...search.NO_FILTERS };

function in_lang(l, fn) {
  i18n.set_locale(l);
  try {
    return fn();
  } finally {
    i18n.set_locale('fr');
  }
}

// ---- The request

test('search: the query string has the words as typed and only the filters set, in a fixed order', () => {
  assert.equal(api.search_query({ q: 'été' }), 'q=%C3%A9t%C3%A9');
  // A trailing space stays: it tells the server the last word is whole (no prefix).
  assert.equal(api.search_query({ q: 'show du ' }), 'q=show+du+');
  assert.equal(api.search_query({ q: '"*-' }), 'q=%22*-');
  assert.equal(api.search_query({ q: 'a&b=c' }), 'q=a%26b%3Dc');
  assert.equal(
    api.search_query({ offset: 20, limit: 20, sort: 'newest', q: 'quai', after: 1, before: 2, author_id: 7, channel_id: 3 }),
    'q=quai&channel_id=3&author_id=7&before=2&after=1&sort=newest&limit=20&offset=20',
  );
  assert.equal(api.search_query({ q: 'x', channel_id: undefined, sort: undefined }), 'q=x');
});

test('search: api.search is a GET of the community’s search, its refusal an ApiError with the code', async () => {
  http.queue.push([200, { results: [], channels: [] }]);
  const page = await api.search('les-fideles', { q: 'quai', channel_id: 2 });
  assert.deepEqual(page, { results: [], channels: [] });
  const req = http.requests.at(-1);
  assert.equal(req.method, 'GET');
  assert.equal(req.url, '/api/v1/communities/les-fideles/search?q=quai&channel_id=2');
  assert.equal(req.body, undefined);
  http.queue.push([422, { error: { code: 'search_needs_words', message: 'Écris au moins un mot à chercher.' } }]);
  await assert.rejects(api.search('les-fideles', { q: '"*-' }), (e) => e instanceof api.ApiError && e.status === 422 && e.code === 'search_needs_words');
});

// ---- Dates: whole days in the device's zone

test('search: a day from the date input starts at its own midnight in the device’s zone', () => {
  assert.equal(search.local_day_start('2026-12-03'), Date.UTC(2026, 11, 3, 5)); // EST
  assert.equal(search.local_day_start('2026-07-01'), Date.UTC(2026, 6, 1, 4)); // EDT
  assert.equal(search.local_day_start('2026-12-31', 1), Date.UTC(2027, 0, 1, 5)); // the next day, across the year
  for (const bad of ['', '2026-12', '03/12/2026', 'demain']) assert.equal(search.local_day_start(bad), undefined, bad);
});

test('search: « à partir du » and « jusqu’au » keep both days whole, 23- and 25-hour days included', () => {
  const p = search.params_of({ ...base, q: 'show', from: '2026-03-08', to: '2026-03-08' });
  // March 8 2026 in Toronto: midnight EST (05:00 UTC) to midnight EDT (04:00 UTC next day), 23 h.
  assert.equal(p.after, Date.UTC(2026, 2, 8, 5) - 1, 'after: strictly after the last ms of the day before');
  assert.equal(p.before, Date.UTC(2026, 2, 9, 4));
  assert.equal(p.before - (p.after + 1), 23 * 3600 * 1000);
  const fall = search.params_of({ ...base, q: 'show', from: '2026-11-01', to: '2026-11-01' });
  assert.equal(fall.before - (fall.after + 1), 25 * 3600 * 1000);
  // A message written at 23:59 on the 5th is kept by « jusqu’au 5 »; one at 00:00 on the 3rd by « à partir du 3 ».
  const week = search.params_of({ ...base, q: 'show', from: '2026-12-03', to: '2026-12-05' });
  const at_2359 = new Date(2026, 11, 5, 23, 59).getTime();
  const at_0000 = new Date(2026, 11, 3, 0, 0).getTime();
  assert.ok(at_2359 < week.before && at_0000 > week.after);
  assert.ok(new Date(2026, 11, 6, 0, 0).getTime() >= week.before);
});

test('search: the same day in another device zone is that zone’s day', () => {
  const was = process.env.TZ;
  process.env.TZ = 'Asia/Kolkata'; // +05:30, no change of time
  try {
    assert.equal(search.local_day_start('2026-12-03'), Date.UTC(2026, 11, 2, 18, 30));
  } finally {
    process.env.TZ = was;
  }
  assert.equal(search.local_day_start('2026-12-03'), Date.UTC(2026, 11, 3, 5));
});

test('search: the controls become a request, or nothing for blank words', () => {
  assert.equal(search.params_of({ ...base, q: '' }), null);
  assert.equal(search.params_of({ ...base, q: '   ' }), null);
  assert.deepEqual(search.params_of({ ...base, q: '  ete ' }), { q: 'ete ' });
  assert.deepEqual(search.params_of({ ...base, q: 'ete', channel_id: 4, author_id: 9, sort: 'newest' }), { q: 'ete', channel_id: 4, author_id: 9, sort: 'newest' });
  // Relevance is the server's default: not sent.
  assert.deepEqual(search.params_of({ ...base, q: 'ete', sort: 'relevance' }), { q: 'ete' });
  assert.equal(search.filters_set({ ...base, q: 'x' }), 0);
  assert.equal(search.filters_set({ ...base, channel_id: 1, to: '2026-12-01', sort: 'newest' }), 2);
});

// ---- Where a result opens

const R = (x) => ({ id: 1, channel_id: 3, snippet: '', created_at: '2026-12-03T10:00:00Z', author: { id: 2, name: 'Julie' }, ...x });

test('search: each kind of result opens where it was written, and the room reads the place back', () => {
  const cases = [
    [R({ kind: 'message', id: 40, seq: 12 }), '/c/quai/ch/3?m=12'],
    [R({ kind: 'message', id: 41, seq: 13, parent_id: 40 }), '/c/quai/ch/3?thread=40&m=13'],
    [R({ kind: 'post', id: 5, post_id: 5, title: 'Horaire' }), '/c/quai/ch/3/p/5'],
    [R({ kind: 'post', id: 6 }), '/c/quai/ch/3/p/6'],
    [R({ kind: 'comment', id: 77, post_id: 5, title: 'Horaire' }), '/c/quai/ch/3/p/5?comment=77'],
    [R({ kind: 'file', id: 9, seq: 14, item_kind: 'message', item_id: 42 }), '/c/quai/ch/3?m=14'],
    [R({ kind: 'file', id: 9, seq: 15, parent_id: 40, item_kind: 'message', item_id: 43 }), '/c/quai/ch/3?thread=40&m=15'],
    [R({ kind: 'file', id: 9, post_id: 5, item_kind: 'post', item_id: 5 }), '/c/quai/ch/3/p/5'],
    [R({ kind: 'file', id: 9, post_id: 5, item_kind: 'comment', item_id: 78 }), '/c/quai/ch/3/p/5?comment=78'],
    [R({ kind: 'comment', id: 79 }), '/c/quai/ch/3'], // no post named: the room at least
  ];
  for (const [r, href] of cases) assert.equal(search.result_href('quai', r), href, JSON.stringify(r));
  assert.deepEqual(search.target_of('?thread=40&m=13'), { seq: 13, thread: 40 });
  assert.deepEqual(search.target_of('?m=12'), { seq: 12, thread: 0 });
  assert.deepEqual(search.target_of(''), { seq: 0, thread: 0 });
  assert.deepEqual(search.target_of('?m=abc'), { seq: 0, thread: 0 });
  assert.equal(search.comment_target_of('?comment=77'), 77);
  assert.equal(search.comment_target_of('?m=3'), 0);
});

test('search: a post’s title shows unless its snippet is the title; a comment names its post', () => {
  assert.equal(search.snippet_text('L&#39;<mark>été</mark> &amp; &lt;b&gt; &quot;x&quot;'), 'L\'été & <b> "x"');
  const on = (title) => `Sur « ${title} »`;
  assert.equal(search.result_title(R({ kind: 'post', title: 'Horaire de l’été', snippet: 'Horaire de l’<mark>été</mark>' }), on), undefined);
  assert.equal(search.result_title(R({ kind: 'post', title: 'Horaire', snippet: 'Le show de l’<mark>été</mark>' }), on), 'Horaire');
  assert.equal(search.result_title(R({ kind: 'post', snippet: 'sans titre' }), on), undefined);
  assert.equal(search.result_title(R({ kind: 'comment', title: 'Horaire', snippet: 'x' }), on), 'Sur « Horaire »');
  assert.equal(search.result_title(R({ kind: 'message', snippet: 'x' }), on), undefined);
});

// ---- Refusals

test('search: refusals are said of the search, in the reader’s language, never in the server’s words', () => {
  const words = new api.ApiError(422, 'search_needs_words', 'the server’s own words');
  assert.equal(in_lang('fr', () => i18n.problem_text(search.search_problem(words, { q: '"*-' }))), fr.err_search_needs_words);
  assert.equal(in_lang('en', () => i18n.problem_text(search.search_problem(words, { q: '"*-' }))), en.err_search_needs_words);
  const slow = search.search_problem(new api.ApiError(429, 'rate_limited', 'x', undefined, 17), { q: 'a' });
  assert.match(in_lang('fr', () => i18n.problem_text(slow)), /17 secondes/);
  assert.match(in_lang('en', () => i18n.problem_text(slow)), /17 seconds/);
  assert.equal(search.search_problem(new api.ApiError(404, 'not_found', 'x'), { q: 'a', channel_id: 3 }).code, 'search_room_gone');
  assert.equal(search.search_problem(new api.ApiError(404, 'not_found', 'x'), { q: 'a' }).code, 'not_found');
  const dates = search.search_problem(new api.ApiError(422, 'invalid_field', 'Le champ « before »…', 'before'), { q: 'a' });
  assert.equal(in_lang('en', () => i18n.problem_text(dates)), en.err_field_search_dates);
  const long = search.search_problem(new api.ApiError(422, 'invalid_field', 'Le champ « q »…', 'q'), { q: 'a' });
  assert.equal(in_lang('fr', () => i18n.problem_text(long)), fr.err_field_q);
  for (const p of [slow, dates, long]) for (const l of ['fr', 'en']) assert.doesNotMatch(in_lang(l, () => i18n.problem_text(p)), /before|« q »|rate_limited/);
});

// ---- The searcher

/** A fetch whose answers the test gives, one request at a time. */
function fake_server() {
  const asked = [];
  const fetch_page = (p) => new Promise((resolve, reject) => asked.push({ p, resolve, reject }));
  return { asked, fetch_page };
}
const page_of = (q, n = 1, next_offset) => ({ results: Array.from({ length: n }, (_, i) => R({ kind: 'message', id: i + 1, seq: i + 1, snippet: `<mark>${q}</mark> ${i}` })), channels: [{ id: 3, name: 'jasette', kind: 'chat' }], ...(next_offset === undefined ? {} : { next_offset }) });

test('searcher: typing asks once, after the pause, with the last words', async () => {
  const srv = fake_server();
  let notes = 0;
  const s = new search.Searcher(srv.fetch_page, () => (notes += 1), 30);
  s.ask({ q: 'e' });
  s.ask({ q: 'et' });
  s.ask({ q: 'ete' });
  assert.equal(s.phase, 'waiting');
  await tick(10);
  assert.equal(srv.asked.length, 0, 'asked before the pause');
  await tick(40);
  assert.deepEqual(srv.asked.map((a) => a.p.q), ['ete']);
  srv.asked[0].resolve(page_of('ete', 2));
  await tick();
  assert.equal(s.phase, 'done');
  assert.equal(s.results.length, 2);
  assert.equal(s.rooms.get(3).name, 'jasette');
  assert.equal(s.shown.q, 'ete');
  assert.ok(notes > 0);
  // The same words again: nothing asked.
  s.ask({ q: 'ete' });
  await tick(40);
  assert.equal(srv.asked.length, 1);
});

test('searcher: one request in flight; the words typed meanwhile go when it answers, its stale answer is dropped', async () => {
  const srv = fake_server();
  const s = new search.Searcher(srv.fetch_page, () => {}, 20);
  s.ask({ q: 'qu' }, true);
  assert.equal(srv.asked.length, 1);
  s.ask({ q: 'quai' });
  await tick(40); // the pause is over, but « qu » is still in flight
  assert.equal(srv.asked.length, 1, 'a second request while one is in flight');
  srv.asked[0].resolve(page_of('qu', 3));
  await tick();
  assert.notEqual(s.shown?.q, 'qu', 'the answer to words no longer in the box was shown');
  assert.equal(s.results.length, 0);
  assert.deepEqual(srv.asked.map((a) => a.p.q), ['qu', 'quai']);
  assert.equal(s.phase, 'waiting');
  srv.asked[1].resolve(page_of('quai', 1));
  await tick();
  assert.equal(s.phase, 'done');
  assert.equal(s.shown.q, 'quai');
  assert.equal(s.results[0].snippet, '<mark>quai</mark> 0');
});

test('searcher: an answer arriving after the box was emptied is dropped; Enter asks at once', async () => {
  const srv = fake_server();
  const s = new search.Searcher(srv.fetch_page, () => {}, 1000);
  s.ask({ q: 'show' }, true);
  s.ask(null);
  assert.equal(s.phase, 'empty');
  srv.asked[0].resolve(page_of('show', 2));
  await tick();
  assert.equal(s.phase, 'empty');
  assert.equal(s.results.length, 0);
  s.ask({ q: 'show' }, true);
  assert.equal(srv.asked.length, 2, 'Enter waits for the pause');
  srv.asked[1].resolve(page_of('show', 1));
  await tick();
  assert.equal(s.results.length, 1);
});

test('searcher: a refusal is kept as a Problem for the words asked, the results cleared', async () => {
  const srv = fake_server();
  const s = new search.Searcher(srv.fetch_page, () => {}, 10);
  s.ask({ q: 'ete' }, true);
  srv.asked[0].resolve(page_of('ete', 2));
  await tick();
  s.ask({ q: '"*-' }, true);
  srv.asked[1].reject(new api.ApiError(422, 'search_needs_words', 'x'));
  await tick();
  assert.equal(s.phase, 'done');
  assert.equal(s.error.code, 'search_needs_words');
  assert.equal(s.results.length, 0);
  s.ask({ q: 'ete' }, true);
  srv.asked[2].resolve(page_of('ete', 1));
  await tick();
  assert.equal(s.error, null);
});

test('searcher: « more » asks the next page of what is shown and adds it once; not while a request is in flight', async () => {
  const srv = fake_server();
  const s = new search.Searcher(srv.fetch_page, () => {}, 10);
  s.ask({ q: 'ete', sort: 'newest' }, true);
  srv.asked[0].resolve(page_of('ete', 2, 2));
  await tick();
  assert.equal(s.next_offset, 2);
  void s.more();
  void s.more(); // a second tap while the first is in flight
  assert.equal(srv.asked.length, 2);
  assert.deepEqual(srv.asked[1].p, { q: 'ete', sort: 'newest', offset: 2 });
  assert.ok(s.loading_more);
  // The server's next page overlaps the first by one (the history moved): shown once.
  const next = page_of('ete', 3);
  next.results = next.results.map((r, i) => ({ ...r, id: i + 2 }));
  srv.asked[1].resolve(next);
  await tick();
  assert.deepEqual(s.results.map((r) => r.id), [1, 2, 3, 4]);
  assert.equal(s.next_offset, undefined);
  assert.equal(s.loading_more, false);
  await s.more(); // nothing more to ask
  assert.equal(srv.asked.length, 2);
});

test('searcher: the next page of words since replaced is dropped, and the new words go after it', async () => {
  const srv = fake_server();
  const s = new search.Searcher(srv.fetch_page, () => {}, 10);
  s.ask({ q: 'ete' }, true);
  srv.asked[0].resolve(page_of('ete', 1, 1));
  await tick();
  void s.more();
  s.ask({ q: 'hiver' }, true);
  assert.equal(srv.asked.length, 2, 'a search went while « more » was in flight');
  srv.asked[1].resolve(page_of('ete', 1));
  await tick();
  assert.deepEqual(srv.asked.map((a) => a.p.q), ['ete', 'ete', 'hiver']);
  srv.asked[2].resolve(page_of('hiver', 2));
  await tick();
  assert.equal(s.shown.q, 'hiver');
  assert.equal(s.results.length, 2);
});

test('search: each community keeps its own search until log out', () => {
  const a = search.search_of('quai');
  a.filters = { ...a.filters, q: 'ete' };
  assert.equal(search.search_of('quai').filters.q, 'ete');
  assert.equal(search.search_of('autre').filters.q, '');
  search.forget_all();
  assert.equal(search.search_of('quai').filters.q, '');
  search.forget_all();
});

// ---- A room opened at a message a search found

test('chat: a room is fetched down to a message far above its latest page, in pages, and no further than REACH_MAX', async () => {
  const CH = 900;
  const last = 700;
  const message = (ch, seq) => ({ id: ch * 10000 + seq, seq, channel_id: ch, author: { id: 2, display_name: 'Julie' }, body: `m${seq}`, html: `<p>m${seq}</p>`, created_at: '2026-12-03T10:00:00Z', edited_at: null, deleted: false, parent_id: null, reply_count: 0, client_id: null, reactions: [] });
  const asked = [];
  http.handler = (url) => {
    const u = new URL(url, 'http://x');
    const m = /^\/api\/v1\/channels\/(\d+)\/messages$/.exec(u.pathname);
    if (!m) return [404, { error: { code: 'not_found' } }];
    asked.push(u.search);
    const limit = Number(u.searchParams.get('limit') ?? 50);
    const top = Number(m[1]) === CH ? last : 5000; // any other room: 5000 messages
    const before = Number(u.searchParams.get('before') ?? top + 1);
    const upto = Math.min(before - 1, top);
    const from = Math.max(1, upto - limit + 1);
    return [200, { messages: Array.from({ length: Math.max(0, upto - from + 1) }, (_, i) => message(Number(m[1]), from + i)) }];
  };
  try {
    await chat.open_channel(CH);
    assert.equal(chat.logs.get(CH).oldest, last - 49);
    assert.equal(await chat.reach_seq(CH, 120), true);
    const l = chat.logs.get(CH);
    assert.ok(l.oldest <= 120 && l.oldest >= 110 - 1, `oldest ${l.oldest}: not a few above the message`);
    assert.ok(l.by_seq.has(120));
    // Contiguous: every seq from the oldest held to the latest.
    for (let s = l.oldest; s <= last; s++) assert.ok(l.by_seq.has(s), `seq ${s} missing`);
    assert.ok(asked.slice(1).every((q) => /before=\d+/.test(q) && Number(new URLSearchParams(q).get('limit')) <= 200), asked.join(' '));
    // Already held: nothing fetched.
    const n = asked.length;
    assert.equal(await chat.reach_seq(CH, 300), true);
    assert.equal(asked.length, n);
    // Further than REACH_MAX above: given up after that many, and said so.
    const FAR = 901;
    const far_last = 5000;
    await chat.open_channel(FAR);
    assert.equal(chat.logs.get(FAR).newest, far_last);
    assert.equal(await chat.reach_seq(FAR, 10), false);
    const held = chat.logs.get(FAR).by_seq.size;
    assert.ok(held <= 50 + chat.REACH_MAX + 200, `held ${held}`);
  } finally {
    http.handler = null;
    chat.forget_all();
  }
});
