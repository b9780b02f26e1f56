// The issue-9 replay test: "the state the app held + the events of the stream = a fresh fetch",
// for every event type of stream protocol v2, live and across offline periods, replayed twice,
// and after a resync. The app's state is built from HTTP answers of a model of the server
// (fake-server.mjs, its JSON checked against docs/openapi.json); events go through the app's
// one `dispatch`; the result is compared with a second state built from scratch from the
// server's answers after those events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';
import { FakeServer } from './fake-server.mjs';
import { conforms, openapi } from './openapi-check.mjs';

const { api, chat, communities, state, dispatch, positions, resume_frame, forget_positions, journal, notifications } = await import(process.env.PS_WEB_UNIT_BUNDLE);
// notifications.changed asks the list again after a random pause of up to 5 s: none here.
notifications.set_refetch_pause(() => 0);

// ---- The JSON of the fixtures, checked against the API's own schemas.

const schemas = openapi.components.schemas;
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const list_of = (name) => ({ type: 'array', items: ref(name) });
const RESPONSES = [
  [/^\/me$/, { type: 'object', required: ['account', 'memberships'], properties: { account: ref('Account'), memberships: list_of('Membership') } }],
  [/^\/communities\/[^/]+$/, { type: 'object', required: ['community'], properties: { community: ref('Community') } }],
  [/^\/communities\/[^/]+\/channels$/, { type: 'object', required: ['channels'], properties: { channels: list_of('Channel') } }],
  [/^\/communities\/[^/]+\/members$/, { type: 'object', required: ['members'], properties: { members: list_of('Member') } }],
  [/^\/channels\/\d+\/messages$/, { type: 'object', required: ['messages'], properties: { messages: list_of('Message') } }],
  [/^\/notifications$/, { type: 'object', required: ['notifications', 'unread'], properties: { notifications: list_of('Notification'), unread: { type: 'integer' }, next_before: { type: 'integer' } } }],
  [/^\/messages\/\d+\/thread$/, { type: 'object', required: ['parent', 'replies'], properties: { parent: ref('Message'), replies: list_of('Message') } }],
];
// v2's new event types, as the contract of issue 9 gives them (not in openapi.json yet).
const NEW_EVENTS = {
  'member.renamed': { type: 'object', required: ['account_id', 'display_name'], properties: { account_id: { type: 'integer' }, display_name: { type: 'string' } } },
  'member.role_changed': { type: 'object', required: ['member'], properties: { member: ref('Member') } },
};
function check_event(e) {
  assert.ok(Number.isInteger(e.community_id) && Number.isInteger(e.pos), `${e.type} lacks community_id or pos`);
  const mapped = schemas.StreamServerFrame.discriminator.mapping[e.type];
  conforms(mapped ? { $ref: mapped } : NEW_EVENTS[e.type], e, e.type);
}
function check_response(url, body) {
  const p = new URL(url, 'http://x').pathname.replace(/^\/api\/v1/, '');
  const schema = RESPONSES.find(([re]) => re.test(p))?.[1];
  assert.ok(schema, `no schema for ${p}`);
  conforms(schema, body, p);
}

// ---- The world: three people and two communities, as the app finds them.

const ANA = 1, BEA = 2, CHLOE = 3, DOM = 4;
const ME = BEA;

function world() {
  const S = new FakeServer();
  S.account('Ana', 'ana@example.com');
  S.account('Béa', 'bea@example.com');
  S.account('Chloé', 'chloe@example.com');
  S.account('Dom', 'dom@example.com');
  const voisins = S.community(ANA, 'Les voisins', 'les-voisins');
  S.join(voisins, BEA, ANA);
  S.join(voisins, CHLOE, BEA);
  const quai = S.community(ANA, 'Le quai', 'le-quai');
  S.join(quai, BEA, ANA);
  const general = S.channel(voisins, 'general');
  const annonces = S.channel(voisins, 'annonces');
  const jasette = S.channel(quai, 'jasette');
  const salut = S.post(ANA, general, 'Salut');
  S.post(BEA, general, 'Allô');
  const bonjour = S.post(CHLOE, general, 'Bonjour');
  const show = S.post(ANA, general, 'Le show de jeudi');
  const serai = S.post(CHLOE, general, 'J’y serai', show);
  S.react(BEA, salut, '👍');
  S.react(CHLOE, salut, '👍');
  const affiche = S.post(ANA, annonces, 'L’affiche');
  S.delete(S.post(ANA, annonces, 'Oups')); // deleted before the app came: not unread
  S.post(ANA, annonces, 'Les billets');
  const quai_hello = S.post(ANA, jasette, 'Bienvenue au quai');
  S.mark_read(BEA, general, 2);
  // My bell before the app opens: one read, one not, in two communities.
  S.read_notifications(BEA, [S.notify(BEA, quai_hello, 'message')]);
  S.notify(BEA, serai, 'reply');
  return { S, voisins, quai, general, annonces, jasette, salut, bonjour, show, affiche, serai };
}

/**
 * What the app shows, as it would be after opening the app: both communities' channel lists, the
 * first one's members (not the second's: its member count then comes from the community), two
 * channels opened (not « annonces »: its unread count cannot be counted from a log), a thread.
 */
function view_of(w) {
  return { communities: ['les-voisins', 'le-quai'], members: ['les-voisins'], channels: [w.general, w.jasette], thread: { channel_id: w.general, parent_id: w.show } };
}

let gate = null; // when set, a promise every HTTP answer waits for (computed before it waits)
function serve(S) {
  http.handler = async (url, init) => {
    const [status, body] = S.handle(ME, init.method ?? 'GET', url);
    if (status === 200) check_response(url, body);
    if (gate) await gate;
    return [status, body];
  };
}

function deliver(events) {
  for (const e of events) {
    check_event(e);
    dispatch(e);
  }
}

function reset_client() {
  chat.forget_all();
  communities.forget_all();
  forget_positions();
  state.session.me = null;
  state.session.memberships = [];
}

/** A fresh start of the app: GET /me, the stream's hello (unless `hello` is false), then the view's fetches. */
async function open_app(S, view, { hello = true } = {}) {
  reset_client();
  serve(S);
  const me = await api.get_me();
  state.session.me = me.account;
  state.session.memberships = me.memberships;
  if (hello) dispatch(S.hello(ME));
  const member_of = (slug) => state.session.memberships.some((m) => m.community.slug === slug);
  for (const slug of view.communities.filter(member_of)) await communities.load_community(slug);
  for (const slug of view.members.filter(member_of)) await communities.load_members(slug);
  for (const id of view.channels) if (communities.channels_by_id.has(id)) await chat.open_channel(id);
  const th = view.thread;
  if (th && communities.channels_by_id.has(th.channel_id)) {
    chat.set_open_thread(th);
    await chat.load_thread(th.channel_id, th.parent_id);
  }
  await notifications.load_bell(); // the bell of the community's top bar
  await journal.idle();
  S.skip_live(ME); // what happened so far is in what was fetched
}

/** Everything the screens show: compared whole between the two states. */
function snapshot() {
  const sorted_entries = (m) => Object.fromEntries([...m].sort(([a], [b]) => String(a).localeCompare(String(b))));
  const logs = {};
  for (const [id, l] of chat.logs) if (l.loaded) logs[id] = { has_more: l.has_more, messages: chat.sorted(id) };
  const s = {
    me: state.session.me,
    memberships: [...state.session.memberships].sort((a, b) => a.community.id - b.community.id),
    communities: sorted_entries(communities.communities),
    channels: sorted_entries(communities.channels_by_slug),
    members: sorted_entries(communities.members_by_slug),
    logs,
    bell: { unread: notifications.bell.unread, items: notifications.bell.items.slice(0, 30), next_before: notifications.bell.next_before ?? null },
  };
  // The index by id and the lists by community say the same.
  const listed = Object.values(s.channels).flat();
  assert.deepEqual([...communities.channels_by_id.values()].sort((a, b) => a.id - b.id), [...listed].sort((a, b) => a.id - b.id));
  return JSON.parse(JSON.stringify(s));
}

/** The client's reconnect: hello, the replay from where it was (its resume frame), resumed. */
function reconnect(S, from = JSON.parse(resume_frame()).communities) {
  dispatch(S.hello(ME));
  deliver(S.replay(ME, from));
  dispatch(S.resumed(ME, from));
}

async function expect_fresh(S, w, view = view_of(w)) {
  await journal.idle();
  const held = snapshot();
  const held_positions = new Map(positions);
  await open_app(S, view);
  const fresh = snapshot();
  assert.deepEqual(held, fresh);
  // Positions: never beyond the log's head, never before the last event seen of the community.
  for (const [c, pos] of held_positions) assert.ok(pos <= S.head(c), `pos ${pos} of community ${c} is beyond its head ${S.head(c)}`);
  return { held, held_positions };
}

// ---- One case per event type. Each is a list of server-side changes.

const CASES = {
  'message.created (someone else’s: one more unread, in a channel held and one not)': (w) => [
    () => w.S.post(ANA, w.general, 'Nouveau message'),
    () => w.S.post(CHLOE, w.annonces, 'Une annonce'),
    () => w.S.post(ANA, w.jasette, 'Au quai'),
  ],
  'message.created (mine, from my other device: my marker moves)': (w) => [
    () => w.S.post(CHLOE, w.general, 'Avant'),
    () => w.S.post(BEA, w.general, 'De mon téléphone', null, 'c-phone-1'),
    () => w.S.post(BEA, w.annonces, 'Aussi ici'),
  ],
  'message.created (a reply: the parent counts it)': (w) => [() => w.S.post(ANA, w.general, 'Garde-moi une place', w.show), () => w.S.post(BEA, w.general, 'Moi aussi', w.show)],
  'message.edited': (w) => [() => w.S.edit(w.salut, 'Salut tout le monde'), () => w.S.edit(w.affiche, 'L’affiche (corrigée)')],
  'message.deleted (an unread one, in a log held: the count goes down)': (w) => [() => w.S.delete(w.bonjour)],
  'message.deleted (an unread one, in a channel not opened)': (w) => [() => w.S.delete(w.affiche)],
  'message.edited, then message.deleted (a replayed edit already says deleted)': (w) => [() => w.S.edit(w.bonjour, 'Bonjour à tous'), () => w.S.delete(w.bonjour)],
  'reaction.added': (w) => [() => w.S.react(CHLOE, w.salut, '🎉'), () => w.S.react(ANA, w.show, '❤️'), () => w.S.react(BEA, w.show, '❤️')],
  'reaction.removed': (w) => [() => w.S.unreact(BEA, w.salut, '👍'), () => w.S.unreact(CHLOE, w.salut, '👍')],
  'channel.created (and messages in it)': (w) => [
    () => (w.nouveau = w.S.channel(w.voisins, 'nouveautés')),
    () => w.S.post(ANA, w.nouveau, 'Premier'),
    () => w.S.post(CHLOE, w.nouveau, 'Deuxième'),
  ],
  'channel.renamed': (w) => [() => w.S.rename_channel(w.annonces, 'annonces-2026'), () => w.S.rename_channel(w.general, 'général')],
  'channel.archived and channel.unarchived': (w) => [() => w.S.archive(w.annonces), () => w.S.archive(w.jasette), () => w.S.archive(w.jasette, false)],
  'channel.read (from my other device, in a log held)': (w) => [
    () => w.S.post(ANA, w.general, 'Encore'),
    () => w.S.mark_read(BEA, w.general, 4),
    () => w.S.mark_read(CHLOE, w.general, 7), // someone else's marker: a gap in my positions
  ],
  'channel.read (from my other device, in a channel not opened, past a deleted message)': (w) => [() => w.S.mark_read(BEA, w.annonces, 1)],
  'member.joined (in a community whose members are held, and one whose are not)': (w) => [() => w.S.join(w.voisins, DOM, BEA), () => w.S.join(w.quai, DOM, ANA)],
  'member.joined (me, on another device)': (w) => [() => (w.grenier = w.S.community(ANA, 'Le grenier', 'le-grenier')), () => w.S.join(w.grenier, BEA, ANA)],
  'member.removed (someone else)': (w) => [() => w.S.remove(w.voisins, CHLOE), () => w.S.join(w.quai, DOM), () => w.S.remove(w.quai, DOM)],
  'member.removed (me)': (w) => [() => w.S.post(ANA, w.jasette, 'Dernier mot'), () => w.S.remove(w.quai, BEA)],
  'member.renamed (an author: members, messages and the thread follow)': (w) => [() => w.S.rename_account(ANA, 'Ana T.'), () => w.S.rename_account(CHLOE, 'Chloé B.')],
  'member.renamed (me)': (w) => [() => w.S.rename_account(BEA, 'Béatrice')],
  'community.updated (its name and description: the top bar, the switcher and the page follow)': (w) => [
    () => w.S.update_community(w.voisins, { name: 'Les voisins du quai', description: 'La gang du quai' }),
    () => w.S.update_community(w.quai, { name: 'Le quai 2' }),
  ],
  'notification.created (a mention of me, and one of someone else’s I never hear of)': (w) => [
    () => w.S.notify(BEA, (w.called = w.S.post(ANA, w.general, 'Tu viens, <@2>?')), 'mention'),
    () => w.S.notify(CHLOE, w.S.post(ANA, w.general, 'Et toi, <@3>?'), 'mention'),
    () => w.S.notify(BEA, w.S.post(ANA, w.jasette, 'Au quai, <@2>'), 'mention'),
  ],
  'notification.read (one from my other device, then all of one community)': (w) => [
    () => (w.n1 = w.S.notify(BEA, w.S.post(ANA, w.general, 'Un <@2>'), 'mention')),
    () => w.S.notify(BEA, w.S.post(ANA, w.jasette, 'Deux <@2>'), 'mention'),
    () => w.S.read_notifications(BEA, [w.n1]),
    () => w.S.notify(BEA, w.S.post(CHLOE, w.general, 'Trois <@2>'), 'mention'),
    () => w.S.read_notifications(BEA, null),
  ],
  'notifications.changed (told to many at once: the list is asked again)': (w) => [
    () => w.S.notify(BEA, (w.big = w.S.post(ANA, w.annonces, 'Grosse nouvelle')), 'broadcast', { quietly: true }),
    () => w.S.notify(CHLOE, w.big, 'broadcast', { quietly: true }),
    () => w.S.notifications_changed(w.annonces),
  ],
  'message.deleted (a message I was told of: its notification goes)': (w) => [
    () => w.S.notify(BEA, (w.oops = w.S.post(ANA, w.general, 'Oups <@2>')), 'mention'),
    () => w.S.delete(w.oops),
    () => w.S.delete(w.serai),
  ],
  'member.role_changed (someone else, and me)': (w) => [() => w.S.set_role(w.voisins, CHLOE, 'host'), () => w.S.set_role(w.voisins, BEA, 'host'), () => w.S.set_role(w.quai, BEA, 'host')],
};

// A long day: every kind of event, edits and deletions of the same messages, people coming and going.
CASES['a long mixed sequence'] = (w) => {
  const { S } = w;
  const steps = [];
  const ids = {};
  steps.push(() => (ids.a = S.post(ANA, w.general, 'Le programme')));
  steps.push(() => S.react(CHLOE, ids.a, '👍'));
  steps.push(() => S.edit(ids.a, 'Le programme (v2)'));
  steps.push(() => (ids.r = S.post(CHLOE, w.general, 'Super!', ids.a)));
  steps.push(() => S.react(ANA, ids.r, '😂'));
  steps.push(() => S.delete(ids.r)); // a reply deleted: its parent still counts it
  steps.push(() => S.edit(w.bonjour, 'Bonjour à tous'));
  steps.push(() => S.delete(w.bonjour)); // edited, then deleted: a replayed edit already says deleted
  steps.push(() => S.rename_channel(w.annonces, 'nouvelles'));
  steps.push(() => (w.nouveau = S.channel(w.voisins, 'coulisses')));
  steps.push(() => S.post(ANA, w.nouveau, 'Chut'));
  steps.push(() => S.join(w.voisins, DOM, CHLOE));
  steps.push(() => S.post(DOM, w.general, 'Allô la gang'));
  steps.push(() => S.rename_account(DOM, 'Dominique'));
  steps.push(() => S.set_role(w.voisins, DOM, 'host'));
  steps.push(() => S.post(BEA, w.general, 'Bienvenue Dom'));
  steps.push(() => S.post(ANA, w.general, 'On se voit jeudi'));
  steps.push(() => S.mark_read(CHLOE, w.general, 3));
  for (let i = 1; i <= 12; i++) steps.push(() => S.post(i % 2 ? ANA : CHLOE, w.general, `Message ${i}`));
  steps.push(() => S.archive(w.nouveau));
  steps.push(() => S.remove(w.voisins, DOM));
  steps.push(() => S.unreact(BEA, w.salut, '👍'));
  steps.push(() => S.react(BEA, ids.a, '🎉'));
  steps.push(() => S.rename_account(ANA, 'Ana Tremblay'));
  steps.push(() => S.post(ANA, w.jasette, 'Et au quai?'));
  steps.push(() => S.join(w.quai, CHLOE, BEA));
  steps.push(() => S.delete(w.affiche));
  steps.push(() => S.mark_read(BEA, w.annonces, 1));
  steps.push(() => S.post(CHLOE, w.annonces, 'Les billets sont partis'));
  steps.push(() => S.archive(w.nouveau, false));
  steps.push(() => S.rename_account(BEA, 'Béa G.'));
  return steps;
};

// How the events reach the app.
const MODES = {
  'live': async (w, steps) => {
    for (const step of steps) {
      step();
      deliver(w.S.take_live(ME));
      await journal.idle();
    }
  },
  'offline, then replayed on reconnect': async (w, steps) => {
    for (const step of steps) step();
    reconnect(w.S);
  },
  'half live, then offline and replayed': async (w, steps) => {
    const half = Math.ceil(steps.length / 2);
    for (const step of steps.slice(0, half)) {
      step();
      deliver(w.S.take_live(ME));
    }
    await journal.idle();
    for (const step of steps.slice(half)) step();
    reconnect(w.S);
  },
  'live, and replayed again from before (idempotence)': async (w, steps) => {
    const from = JSON.parse(resume_frame()).communities;
    for (const step of steps) {
      step();
      deliver(w.S.take_live(ME));
    }
    await journal.idle();
    reconnect(w.S, from);
  },
  'replayed twice (idempotence)': async (w, steps) => {
    const from = JSON.parse(resume_frame()).communities;
    for (const step of steps) step();
    reconnect(w.S, from);
    await journal.idle();
    reconnect(w.S, from);
  },
};

for (const [name, make] of Object.entries(CASES)) {
  for (const [mode, run] of Object.entries(MODES)) {
    test(`replay: ${name} — ${mode}: held state + events = a fresh fetch`, async () => {
      const w = world();
      await open_app(w.S, view_of(w));
      const steps = make(w);
      await run(w, steps);
      const { held_positions } = await expect_fresh(w.S, w);
      if (mode !== 'live') for (const [c, pos] of held_positions) assert.equal(pos, w.S.head(c), `after a resume, community ${c} is at its head`);
    });
  }
}

test('replay: the resume frame names each community with its last position; v1’s channels form is gone', async () => {
  const w = world();
  reset_client();
  assert.equal(resume_frame(), '{"type":"resume","communities":{}}', 'the very first connect knows no position');
  await open_app(w.S, view_of(w));
  assert.deepEqual(JSON.parse(resume_frame()), { type: 'resume', communities: { [w.voisins]: w.S.head(w.voisins), [w.quai]: w.S.head(w.quai) } });
  w.S.post(ANA, w.general, 'Un');
  w.S.mark_read(CHLOE, w.general, 1); // not for me: a gap
  deliver(w.S.take_live(ME));
  assert.equal(positions.get(w.voisins), w.S.head(w.voisins) - 1, 'the last event seen, not the head');
  // An event with an older position is applied all the same, and the position does not go back.
  const old = w.S.replay(ME, { [w.voisins]: 0 }).find((e) => e.type === 'message.edited' || e.type === 'message.created');
  dispatch(old);
  assert.equal(positions.get(w.voisins), w.S.head(w.voisins) - 1);
});

test('replay: a community joined over HTTP starts at its first event, and the next resume names it', async () => {
  const w = world();
  await open_app(w.S, view_of(w));
  const grenier = w.S.community(ANA, 'Le grenier', 'le-grenier');
  w.S.skip_live(ME); // Ana's own creation is not for me
  w.S.join(grenier, BEA, ANA); // accepted here over HTTP; the app reloads its memberships (load_me)
  state.session.memberships = (await api.get_me()).memberships;
  assert.equal(JSON.parse(resume_frame()).communities[grenier], undefined);
  deliver(w.S.take_live(ME));
  assert.equal(positions.get(grenier), w.S.head(grenier));
  const ch = w.S.channel(grenier, 'grenier');
  deliver(w.S.take_live(ME));
  assert.equal(JSON.parse(resume_frame()).communities[grenier], w.S.head(grenier));
  w.S.post(ANA, ch, 'Bienvenue au grenier');
  reconnect(w.S);
  await expect_fresh(w.S, w);
});

test('resync: too far behind, nothing replayed for a community: what it shows is fetched again', async () => {
  const w = world();
  await open_app(w.S, view_of(w));
  const steps = CASES['a long mixed sequence'](w);
  for (const step of steps) step();
  // The server replays le-quai, but says resync for les-voisins.
  const from = JSON.parse(resume_frame()).communities;
  dispatch(w.S.hello(ME));
  const requests_before = http.requests.length;
  deliver(w.S.replay(ME, { [w.quai]: from[w.quai] }));
  dispatch({ type: 'resync', community_id: w.voisins, pos: w.S.head(w.voisins) });
  dispatch(w.S.resumed(ME, { [w.quai]: from[w.quai] }));
  await journal.idle();
  const asked = http.requests.slice(requests_before).map((r) => r.url);
  for (const u of ['/communities/les-voisins', '/communities/les-voisins/channels', '/communities/les-voisins/members', `/channels/${w.general}/messages?limit=50`, `/messages/${w.show}/thread`])
    assert.ok(asked.includes('/api/v1' + u), `the resync did not fetch ${u} (asked: ${asked.join(', ')})`);
  assert.equal(positions.get(w.voisins), w.S.head(w.voisins));
  await expect_fresh(w.S, w);
});

test('resync: events that arrive while the app fetches again are not lost (the answers predate them)', async () => {
  const w = world();
  await open_app(w.S, view_of(w));
  for (const step of CASES['a long mixed sequence'](w)) step();
  w.S.skip_live(ME);
  const from = JSON.parse(resume_frame()).communities;
  dispatch(w.S.hello(ME));
  deliver(w.S.replay(ME, { [w.quai]: from[w.quai] }));
  let release;
  gate = new Promise((r) => (release = r));
  dispatch({ type: 'resync', community_id: w.voisins, pos: w.S.head(w.voisins) });
  await new Promise((r) => setTimeout(r, 0)); // the fetches are answered from the state as it is now …
  // … and these happen before the answers arrive.
  w.S.post(ANA, w.general, 'Pendant le resync');
  w.S.edit(w.salut, 'Salut (pendant)');
  w.S.rename_account(CHLOE, 'Chloé (pendant)');
  w.S.join(w.voisins, DOM, ANA);
  deliver(w.S.take_live(ME));
  gate = null;
  release();
  await expect_fresh(w.S, w);
});

test('first connect: what was fetched before the hello gave the positions is fetched again', async () => {
  const w = world();
  // The app fetched before its stream said hello …
  await open_app(w.S, view_of(w), { hello: false });
  assert.equal(positions.size, 0);
  // … and things happened that no event will bring (they precede the hello's positions).
  w.S.post(ANA, w.general, 'Avant le hello');
  w.S.delete(w.bonjour);
  w.S.rename_channel(w.annonces, 'annonces-bis');
  w.S.join(w.quai, DOM, ANA);
  dispatch(w.S.hello(ME));
  dispatch(w.S.resumed(ME, {}));
  await expect_fresh(w.S, w);
  assert.equal(positions.get(w.voisins), w.S.head(w.voisins));
});

test('first connect: an answer fetched before the hello that arrives after the fetch made again is not installed', async () => {
  const w = world();
  const view = { communities: ['les-voisins'], members: ['les-voisins'], channels: [w.general], thread: null };
  reset_client();
  serve(w.S);
  const me = await api.get_me();
  state.session.me = me.account;
  state.session.memberships = me.memberships;
  let release;
  gate = new Promise((r) => (release = r));
  const blind = [communities.load_community('les-voisins'), communities.load_members('les-voisins'), chat.open_channel(w.general), notifications.load_bell()];
  await new Promise((r) => setTimeout(r, 0)); // asked, answered from the state as it is now, held back
  gate = null;
  w.S.post(ANA, w.general, 'Avant le hello');
  w.S.edit(w.salut, 'Salut (avant le hello)');
  w.S.rename_channel(w.general, 'général');
  w.S.join(w.voisins, DOM, ANA);
  dispatch(w.S.hello(ME)); // fetches everything again, answered at once
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
  release(); // the old answers arrive last
  await Promise.allSettled(blind);
  await expect_fresh(w.S, w, view);
});

/** A long channel: the world plus « archives », 80 messages, opened with 20 more above its latest page. */
async function open_long(w) {
  const long = w.S.channel(w.voisins, 'archives');
  const ids = [];
  for (let i = 1; i <= 80; i++) ids.push(w.S.post(i % 3 ? ANA : CHLOE, long, `Vieux ${i}`));
  await open_app(w.S, { ...view_of(w), channels: [w.general, long] }, { hello: false });
  assert.equal(await chat.load_older(long, 20), 20);
  assert.equal(chat.logs.get(long).oldest, 11, 'seqs 11 to 80 held');
  return { long, ids };
}
const server_list = (S, channel_id) => S.handle(ME, 'GET', `/api/v1/channels/${channel_id}/messages?limit=1000`)[1].messages;

test('first connect: history fetched above the latest page before the hello stays, fetched again in place', async () => {
  // The phone test's case: the channel opened at its first unread, messages above the latest
  // page, before the stream's hello; the hello's resync used to keep only the latest page.
  const w = world();
  const { long, ids } = await open_long(w);
  const held_from = chat.logs.get(long).oldest;
  w.S.edit(ids[12], 'Vieux 13 (corrigé avant le hello)');
  w.S.delete(ids[20]);
  w.S.post(ANA, long, 'Nouveau avant le hello');
  dispatch(w.S.hello(ME));
  dispatch(w.S.resumed(ME, {}));
  await journal.idle();
  const l = chat.logs.get(long);
  assert.equal(l.oldest, held_from, 'what was held above the latest page is still held');
  const server = server_list(w.S, long).filter((m) => m.seq >= held_from);
  assert.deepEqual(chat.sorted(long), server, 'and is as the server has it now');
  assert.equal(l.has_more, held_from > 1);
});

test('resync: more than a page came since: what was held no longer joins the latest page and is let go', async () => {
  const w = world();
  const { long } = await open_long(w);
  for (let i = 1; i <= 60; i++) w.S.post(ANA, long, `Nouveau ${i}`);
  dispatch(w.S.hello(ME));
  dispatch(w.S.resumed(ME, {}));
  await journal.idle();
  assert.deepEqual(chat.sorted(long), server_list(w.S, long).slice(-50));
  assert.equal(chat.logs.get(long).has_more, true);
});

test('hello: a community left while away is forgotten, with its messages', async () => {
  const w = world();
  await open_app(w.S, view_of(w));
  w.S.remove(w.quai, BEA);
  reconnect(w.S); // the server replays nothing of a community one is no longer in
  assert.equal(positions.has(w.quai), false);
  assert.equal(chat.logs.has(w.jasette), false);
  await expect_fresh(w.S, w);
});

test('replay: an edit above the held range of a long channel is left for when the person scrolls up', async () => {
  const w = world();
  const long = w.S.channel(w.voisins, 'archives');
  const ids = [];
  for (let i = 1; i <= 60; i++) ids.push(w.S.post(i % 3 ? ANA : CHLOE, long, `Vieux ${i}`));
  const view = { ...view_of(w), channels: [w.general, long] };
  await open_app(w.S, view);
  assert.equal(chat.logs.get(long).has_more, true);
  w.S.edit(ids[4], 'Vieux 5 (corrigé)');
  w.S.delete(ids[2]);
  w.S.edit(ids[54], 'Vieux 55 (corrigé)');
  w.S.react(BEA, ids[58], '👍');
  w.S.post(ANA, long, 'Nouveau 61');
  reconnect(w.S);
  await journal.idle();
  const held = chat.sorted(long);
  const unread = communities.channels_by_id.get(long).unread;
  await open_app(w.S, view);
  const fresh = chat.sorted(long);
  assert.deepEqual(held.filter((m) => m.seq >= fresh[0].seq), fresh, 'the latest page is as fresh');
  assert.equal(held[0].seq, fresh[0].seq - 1, 'one more message held above it, nothing else');
  assert.equal(held.some((m) => m.seq < 10), false, 'nothing above the held range');
  assert.equal(unread, communities.channels_by_id.get(long).unread);
});

test('replay: a typing frame (ephemeral, no pos) changes no state the journal holds, and is never replayed', async () => {
  const w = world();
  await open_app(w.S, view_of(w));
  const held = snapshot();
  const frame_before = resume_frame();
  // While a fetch is in flight, so that a recorded frame would be applied again over its answer.
  let release;
  gate = new Promise((r) => (release = r));
  const fetch = chat.load_thread(w.general, w.show);
  await new Promise((r) => setTimeout(r, 0));
  dispatch({ type: 'typing', community_id: w.voisins, channel_id: w.general, account_id: ANA, display_name: 'Ana' });
  dispatch({ type: 'typing', community_id: w.voisins, channel_id: w.general, account_id: CHLOE, display_name: 'Chloé', pos: 9999 });
  dispatch({ type: 'error', error: { code: 'unknown_type', message: 'type inconnu' } }); // an older server's answer to ours
  gate = null;
  release();
  await fetch;
  await journal.idle();
  assert.deepEqual(snapshot(), held);
  assert.equal(resume_frame(), frame_before, 'no position moved');
  // The events after it still make a fresh fetch.
  w.S.post(ANA, w.general, 'Après le typing');
  deliver(w.S.take_live(ME));
  await expect_fresh(w.S, w);
});

test('shapes: the fixtures follow docs/openapi.json (the check itself refuses a wrong one)', () => {
  const w = world();
  assert.throws(() => check_response('/api/v1/channels/1/messages', { messages: [{ ...w.S.message_json(w.salut), seq: 'un' }] }));
  assert.throws(() => check_event({ type: 'message.created', community_id: 1, pos: 2, channel_id: 1, seq: 1 }));
  assert.throws(() => check_event({ type: 'member.renamed', community_id: 1, account_id: 1, display_name: 'x' }), /pos/);
  http.handler = null;
});
