// Tiers (issue 14): a price in the reader's locale, an amount typed in either language, an end
// date with the device's offset, a tier's words in my language or the other; the host form's
// checks, what it sends and the server's refusals said of its fields; the requests; and "the
// tiers held + the stream's events = a fresh fetch" against the fake server (fake-server.mjs),
// for a member and for a host (whose counts are fetched again), live and replayed twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';
import { FakeServer } from './fake-server.mjs';
import { conforms } from './openapi-check.mjs';

const { api, i18n, state, communities, dispatch, positions, forget_positions, journal, tiers: T, tiers_card: C, fr_tiers, en_tiers } = await import(process.env.PS_WEB_UNIT_BUNDLE);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const plain = (s) => s.replace(/\s+/g, ' ');
const words = { month: 'mois', year: 'an', once: 'une fois' };
const words_en = { month: 'month', year: 'year', once: 'one time' };

test('tiers: a price in the reader’s locale, with its period', () => {
  assert.equal(plain(T.format_price({ amount_cents: 500, currency: 'CAD', period: 'month' }, words, 'fr')), '5,00 $ / mois');
  assert.equal(plain(T.format_price({ amount_cents: 500, currency: 'CAD', period: 'month' }, words_en, 'en')), '$5.00 / month');
  assert.equal(plain(T.format_price({ amount_cents: 5000, currency: 'CAD', period: 'once' }, words, 'fr')), '50,00 $ une fois');
  assert.equal(plain(T.format_price({ amount_cents: 12000, currency: 'CAD', period: 'year' }, words_en, 'en')), '$120.00 / year');
  // Another currency says which: the reader is not left thinking it is Canadian dollars.
  assert.match(plain(T.format_price({ amount_cents: 1250, currency: 'EUR', period: 'month' }, words, 'fr')), /^12,50 € \/ mois$/);
  assert.match(plain(T.format_price({ amount_cents: 1000, currency: 'USD', period: 'month' }, words_en, 'en')), /US\$10\.00 \/ month/);
});

test('tiers: an amount typed as French or English write it, in cents; nothing typed is no price', () => {
  assert.equal(T.cents_of(''), null);
  assert.equal(T.cents_of('  '), null);
  assert.equal(T.cents_of('5'), 500);
  assert.equal(T.cents_of('5,5'), 550);
  assert.equal(T.cents_of('5.50'), 550);
  assert.equal(T.cents_of('1 000,00'), 100000);
  assert.equal(T.cents_of('7,50 $'), 750);
  assert.ok(Number.isNaN(T.cents_of('cinq')));
  assert.ok(Number.isNaN(T.cents_of('5,555')));
  assert.ok(Number.isNaN(T.cents_of('-5')));
  assert.equal(T.amount_text(750, 'fr'), '7,50');
  assert.equal(T.amount_text(750, 'en'), '7.50');
});

test('tiers: an end date is the last second of that day with the device’s offset (the server reads no offset as UTC)', () => {
  const iso = T.end_of_day('2027-01-31');
  assert.match(iso, /^2027-01-31T23:59:59[+-]\d\d:\d\d$/);
  assert.equal(Date.parse(iso), new Date('2027-01-31T23:59:59').getTime(), 'the same instant as the device’s own clock');
  assert.equal(T.date_input_of(iso), '2027-01-31', 'and back to the date input');
  assert.equal(T.date_input_of(null), '');
});

test('tiers: a tier’s words in my language, else the other’s', () => {
  const tier = { id: 1, name: 'Ami', description: '', translations: { fr: { name: 'Ami', description: '' }, en: { name: 'Friend', description: 'Every month' } }, position: 0, price: null, created_at: '' };
  assert.equal(T.tier_name(tier, 'fr'), 'Ami');
  assert.equal(T.tier_name(tier, 'en'), 'Friend');
  assert.equal(T.tier_description(tier, 'fr'), 'Every month', 'no French description: the English one');
  const fr_only = { ...tier, translations: { fr: { name: 'Ami', description: '' }, en: { name: '', description: '' } } };
  assert.equal(T.tier_name(fr_only, 'en'), 'Ami');
});

const blank = { 'translations.fr.name': '', 'translations.fr.description': '', 'translations.en.name': '', 'translations.en.description': '', 'price.amount_cents': '', 'price.currency': 'CAD', 'price.period': 'month' };
const at_fault = (checks) => Object.entries(checks).filter(([, p]) => p).map(([k, p]) => `${k}:${p.code}`);

test('tier form: a name in one language at least, an amount, a currency of three letters — every fault at once', () => {
  assert.deepEqual(at_fault(C.tier_checks(blank)), ['translations.fr.name:tier_name_needed']);
  assert.deepEqual(at_fault(C.tier_checks({ ...blank, 'translations.en.name': 'Friend' })), []);
  assert.deepEqual(at_fault(C.tier_checks({ ...blank, 'price.amount_cents': 'cinq', 'price.currency': 'C$' })), ['translations.fr.name:tier_name_needed', 'price.amount_cents:invalid_field', 'price.currency:invalid_field']);
  assert.deepEqual(at_fault(C.tier_checks({ ...blank, 'translations.fr.name': 'Ami', 'price.amount_cents': '5', 'price.currency': '' })), ['price.currency:invalid_field'], 'a price needs its currency');
  assert.deepEqual(at_fault(C.tier_checks({ ...blank, 'translations.fr.name': 'Ami', 'price.currency': '' })), [], 'no price, no currency asked');
});

test('tier form: what it sends — both languages, the price in cents or none (null when editing removes it)', () => {
  const v = { ...blank, 'translations.fr.name': ' Ami ', 'translations.en.name': 'Friend', 'translations.en.description': 'Monthly', 'price.amount_cents': '5,50', 'price.currency': 'cad', 'price.period': 'once' };
  assert.deepEqual(C.tier_body(v, false), {
    translations: { fr: { name: 'Ami', description: '' }, en: { name: 'Friend', description: 'Monthly' } },
    price: { amount_cents: 550, currency: 'CAD', period: 'once' },
  });
  assert.equal('price' in C.tier_body({ ...v, 'price.amount_cents': '' }, false), false, 'a new tier without a price sends none');
  assert.equal(C.tier_body({ ...v, 'price.amount_cents': '' }, true).price, null, 'an edit that empties the amount removes the price');
});

test('tier form: the server’s refusals are said next to this form’s fields, in words', () => {
  const refusal = (code, field) => new api.ApiError(422, code, 'the server’s words', field);
  assert.deepEqual(C.tier_problem(refusal('invalid_field', 'name')), { code: 'tier_name_needed', field: 'translations.fr.name' });
  assert.equal(C.tier_problem(refusal('invalid_field', 'translations.en.name')).field, 'translations.en.name');
  assert.equal(C.tier_problem(refusal('invalid_field', 'price.amount_cents')).field, 'price.amount_cents');
  assert.equal(C.tier_problem(new api.ApiError(409, 'limit_reached', 'x')).code, 'tier_limit_reached');
  for (const l of ['fr', 'en']) {
    i18n.set_locale(l);
    for (const field of ['translations.fr.name', 'translations.en.description', 'price.amount_cents', 'price.currency', 'price.period', 'ends_at', 'tier_ids']) {
      const s = i18n.error_text(refusal('invalid_field', field));
      assert.ok(!s.includes(field) && s.length > 10, `${l} ${field}: « ${s} »`);
      assert.notEqual(s, i18n.t('err_invalid_field'), `${l} ${field} has no words of its own`);
    }
    assert.notEqual(i18n.problem_text({ code: 'tier_limit_reached' }), i18n.t('err_limit_reached'), 'not the reactions’ limit');
  }
  i18n.set_locale('fr');
});

test('tiers: the words exist in both languages, and differ', () => {
  assert.deepEqual(Object.keys(en_tiers).sort(), Object.keys(fr_tiers).sort());
  for (const k of Object.keys(fr_tiers)) assert.ok(fr_tiers[k].trim() && en_tiers[k].trim(), k);
  assert.ok(!/\bvous\b/i.test(Object.values(fr_tiers).join(' ')), 'tutoiement');
});

test('tiers: the requests — paths, methods, bodies', async () => {
  http.handler = null;
  http.requests.length = 0;
  const tier = { id: 9, name: 'Ami', description: '', translations: { fr: { name: 'Ami', description: '' }, en: { name: '', description: '' } }, position: 0, price: null, created_at: '2026-12-01T12:00:00Z' };
  http.queue.push([200, { tiers: [] }], [201, { tier }], [200, { tier }], [204, null], [200, { tiers: [] }], [200, { tiers: [{ tier_id: 9, granted_at: '2026-12-01T12:00:00Z', ends_at: null }] }]);
  await api.list_tiers('le quai');
  await api.create_tier('le quai', { translations: { fr: { name: 'Ami' } } });
  await api.update_tier(9, { price: null });
  await api.delete_tier(9);
  await api.member_tiers('le quai', 2);
  await api.set_member_tiers('le quai', 2, { tiers: [{ tier_id: 9 }] });
  assert.deepEqual(http.requests.map((r) => `${r.method} ${r.url}`), [
    'GET /api/v1/communities/le%20quai/tiers',
    'POST /api/v1/communities/le%20quai/tiers',
    'PATCH /api/v1/tiers/9',
    'DELETE /api/v1/tiers/9',
    'GET /api/v1/communities/le%20quai/members/2/tiers',
    'PUT /api/v1/communities/le%20quai/members/2/tiers',
  ]);
  assert.deepEqual(JSON.parse(http.requests[2].body), { price: null });
  assert.deepEqual(JSON.parse(http.requests[5].body), { tiers: [{ tier_id: 9 }] });
});

// ---- "Held + events = a fresh fetch", against the fake server.

const ANA = 1, BEA = 2, CHLOE = 3;

function world() {
  const S = new FakeServer();
  S.account('Ana', 'ana@example.com');
  S.account('Béa', 'bea@example.com');
  S.account('Chloé', 'chloe@example.com');
  const quai = S.community(ANA, 'Le quai', 'le-quai');
  S.join(quai, BEA, ANA);
  S.join(quai, CHLOE, ANA);
  const ami = S.create_tier(quai, { fr: { name: 'Ami', description: 'Chaque mois' }, en: { name: 'Friend' }, price: { amount_cents: 500, currency: 'CAD', period: 'month' } });
  const rang = S.create_tier(quai, { fr: { name: 'Premier rang' }, price: { amount_cents: 5000, currency: 'CAD', period: 'once' } });
  S.set_grants(quai, BEA, [{ tier_id: ami }]);
  return { S, quai, ami, rang };
}

function serve(S, me) {
  http.handler = async (url, init) => {
    const [status, body] = S.handle(me, init.method ?? 'GET', url);
    if (status === 200 && body.tiers) for (const [i, x] of body.tiers.entries()) conforms({ $ref: `#/components/schemas/${'tier_id' in x ? 'TierGrant' : 'Tier'}` }, x, `tiers[${i}]`);
    return [status, body];
  };
}

async function open_app(S, me) {
  T.forget_all();
  communities.forget_all();
  forget_positions();
  serve(S, me);
  const r = await api.get_me();
  state.session.me = r.account;
  state.session.memberships = r.memberships;
  dispatch(S.hello(me));
  await communities.load_community('le-quai');
  await T.load_tiers('le-quai');
  await T.load_my_tiers('le-quai');
  await journal.idle();
  S.skip_live(me);
}

function held() {
  return JSON.parse(JSON.stringify({ tiers: T.tiers_by_slug.get('le-quai'), mine: T.my_tiers_by_slug.get('le-quai') }));
}

function deliver(events) {
  for (const e of events) {
    if (e.tier) conforms({ $ref: '#/components/schemas/Tier' }, e.tier, e.type);
    dispatch(e);
  }
}

const CHANGES = (w) => [
  () => w.S.update_tier(w.ami, { en: { name: 'Good friend' }, price: { amount_cents: 750, currency: 'CAD', period: 'month' } }),
  () => w.S.create_tier(w.quai, { fr: { name: 'Mécène' }, en: { name: 'Patron', description: 'Thank you' } }),
  () => w.S.set_grants(w.quai, BEA, [{ tier_id: w.ami, ends_at: '2027-01-31T23:59:59Z' }, { tier_id: w.rang }]),
  () => w.S.set_grants(w.quai, CHLOE, [{ tier_id: w.rang }]),
  () => w.S.update_tier(w.rang, { position: 5 }),
  () => w.S.delete_tier(w.rang),
];

for (const [who, me] of [['a member', BEA], ['a host (the counts are fetched again)', ANA]]) {
  test(`tiers replay (${who}): live events, then a resume replayed twice, equal a fresh fetch`, async () => {
    const w = world();
    await open_app(w.S, me);
    const from = Object.fromEntries(positions);
    for (const change of CHANGES(w)) {
      change();
      deliver(w.S.take_live(me));
    }
    await sleep(200); // the hosts' debounced count
    await journal.idle();
    const live = held();
    if (me === BEA) assert.deepEqual(live.mine.map((g) => [g.tier_id, g.ends_at]), [[w.ami, '2027-01-31T23:59:59Z']], 'my own grants follow member.tiers.changed, less the tier removed');
    assert.ok(!live.tiers.some((x) => x.id === w.rang), 'a removed tier is gone');
    assert.equal(live.tiers.find((x) => x.id === w.ami).translations.en.name, 'Good friend');
    // Twice over, from before the changes: applying again changes nothing.
    deliver(w.S.replay(me, from));
    deliver(w.S.replay(me, from));
    await sleep(200);
    await journal.idle();
    const replayed = held();
    await open_app(w.S, me);
    const fresh = held();
    assert.deepEqual(live, fresh);
    assert.deepEqual(replayed, fresh);
    if (me === ANA) assert.equal(fresh.tiers.find((x) => x.id === w.ami).members, 1, 'the host sees how many hold it');
    else assert.ok(fresh.tiers.every((x) => !('members' in x)), 'members are not told the counts');
  });
}
