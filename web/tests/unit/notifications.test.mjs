// The bell (issue 13): its state's reducers (a page, a notification created, some read, all of a
// community read, a rename, a community left), the refetch after notifications.changed (after a
// random pause, once), where each notification opens, the badge, the sentences in both languages,
// and presence (what the stream is told, and when).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from './dom-stubs.mjs';

const { notifications: N, i18n, journal, Presence, INPUT_REFRESH_MS, bell_view } = await import(process.env.PS_WEB_UNIT_BUNDLE);

let next_id = 100;
function notif(over = {}) {
  const id = over.id ?? ++next_id;
  return {
    id, kind: 'mention', read: false, created_at: '2026-12-03T15:00:00.000Z',
    community: { id: 1, slug: 'les-voisins', name: 'Les voisins' },
    channel: { id: 7, name: 'jasette', kind: 'chat' },
    item: { kind: 'message', id: id * 10, seq: 40 },
    actor: { id: 2, display_name: 'Béa' }, excerpt: 'Tu viens, @Cléo ?',
    ...over,
  };
}
const page = (items, unread, next_before) => ({ notifications: items, unread, ...(next_before ? { next_before } : {}) });
const ids = (s) => s.items.map((n) => n.id);

test('bell: a page is installed newest first with its count; an older page is added after it, once', () => {
  const s = N.empty_bell();
  N.install_page(s, page([notif({ id: 5 }), notif({ id: 9 })], 7, 5));
  assert.deepEqual(ids(s), [9, 5]);
  assert.equal(s.unread, 7);
  assert.equal(s.next_before, 5);
  assert.equal(s.loaded, true);
  N.install_page(s, page([notif({ id: 5 }), notif({ id: 3 })], 6), true);
  assert.deepEqual(ids(s), [9, 5, 3]);
  assert.equal(s.next_before, undefined, 'the last page has no next_before');
  assert.equal(s.unread, 6, 'the latest answer counts');
});

test('bell: notification.created adds an unread one (count + 1); the same again, or replayed, changes nothing', () => {
  const s = N.empty_bell();
  N.install_page(s, page([notif({ id: 10 })], 1));
  const n = notif({ id: 11 });
  assert.equal(N.apply_created(s, n), false);
  assert.deepEqual(ids(s), [11, 10]);
  assert.equal(s.unread, 2);
  N.apply_created(s, { ...n });
  assert.equal(s.unread, 2, 'applied twice: counted once');
  // A replay carries the notification as it is now: read since, it is no longer counted.
  N.apply_created(s, { ...n, read: true });
  assert.equal(s.unread, 1);
  assert.equal(s.items[0].read, true);
  // Created read already (read on another device before it reached us): listed, not counted.
  N.apply_created(s, notif({ id: 12, read: true }));
  assert.equal(s.unread, 1);
  assert.deepEqual(ids(s), [12, 11, 10]);
});

test('bell: before the first page, events wait for it; one older than the pages held is the server’s to count', () => {
  const s = N.empty_bell();
  N.apply_created(s, notif({ id: 20 }));
  assert.deepEqual(s.items, []);
  assert.equal(s.unread, 0);
  N.install_page(s, page([notif({ id: 30 })], 4, 30));
  N.apply_created(s, notif({ id: 25 }));
  assert.deepEqual(ids(s), [30], 'not shown out of its page, not counted twice');
  assert.equal(s.unread, 4);
});

test('bell: notification.read of ids marks those read; one on a page not held makes the count uncertain', () => {
  const s = N.empty_bell();
  N.install_page(s, page([notif({ id: 40 }), notif({ id: 41 }), notif({ id: 42, read: true })], 5, 40));
  assert.equal(N.apply_read(s, { community_id: 1, ids: [41, 42] }), false);
  assert.equal(s.unread, 4, 'only the unread one counted down');
  assert.equal(N.apply_read(s, { community_id: 1, ids: [41] }), false);
  assert.equal(s.unread, 4, 'again: nothing');
  assert.equal(N.apply_read(s, { community_id: 1, ids: [12] }), true, 'older than the pages held');
});

test('bell: notification.read « all » reads every held one of that community, not another’s', () => {
  const s = N.empty_bell();
  const other = { id: 2, slug: 'le-quai', name: 'Le quai' };
  N.install_page(s, page([notif({ id: 50 }), notif({ id: 51, community: other }), notif({ id: 52 })], 3));
  assert.equal(N.apply_read(s, { community_id: 1, all: true }), false, 'everything is held: exact');
  assert.equal(s.unread, 1);
  assert.deepEqual(s.items.map((n) => n.read), [true, false, true]);
  const more = N.empty_bell();
  N.install_page(more, page([notif({ id: 60 })], 9, 60));
  assert.equal(N.apply_read(more, { community_id: 1, all: true }), true, 'older pages may count unread ones of it');
});

test('bell: names follow renames; a community left takes its notifications and their count away', () => {
  const s = N.empty_bell();
  const other = { id: 2, slug: 'le-quai', name: 'Le quai' };
  N.install_page(s, page([notif({ id: 70 }), notif({ id: 71, community: other, channel: { id: 9, name: 'quai', kind: 'chat' } })], 2));
  N.rename_in(s, 'actor', 2, 'Béatrice');
  N.rename_in(s, 'channel', 7, 'général');
  N.rename_in(s, 'community', 2, 'Le grand quai');
  assert.deepEqual(s.items.map((n) => [n.actor.display_name, n.channel.name, n.community.name]), [['Béatrice', 'quai', 'Le grand quai'], ['Béatrice', 'général', 'Les voisins']]);
  assert.equal(N.drop_community(s, 2), false);
  assert.deepEqual(ids(s), [70]);
  assert.equal(s.unread, 1);
});

test('bell: read here at once (the count exact for a held one); all read sets the count to nothing', () => {
  const s = N.empty_bell();
  N.install_page(s, page([notif({ id: 80 }), notif({ id: 81 })], 6, 80));
  N.mark_held_read(s, [81]);
  assert.equal(s.unread, 5);
  N.mark_held_read(s, 'all');
  assert.equal(s.unread, 0);
  assert.ok(s.items.every((n) => n.read));
});

test('bell: each kind opens where it happened, with the URLs search uses', () => {
  const at = (item, channel = { id: 7, name: 'jasette', kind: 'chat' }) => N.notification_href(notif({ item, channel }));
  assert.equal(at({ kind: 'message', id: 812, seq: 140 }), '/c/les-voisins/ch/7?m=140');
  assert.equal(at({ kind: 'message', id: 812, seq: 140, parent_id: 120 }), '/c/les-voisins/ch/7?thread=120&m=140');
  assert.equal(at({ kind: 'post', id: 12 }, { id: 9, name: 'babillard', kind: 'board' }), '/c/les-voisins/ch/9/p/12');
  assert.equal(at({ kind: 'comment', id: 40, post_id: 12 }, { id: 9, name: 'babillard', kind: 'board' }), '/c/les-voisins/ch/9/p/12?comment=40');
  assert.equal(at({ kind: 'poll', id: 3, seq: 17 }, { id: 5, name: 'nouvelles', kind: 'broadcast' }), '/c/les-voisins/ch/5?m=17');
  assert.equal(at({ kind: 'poll', id: 3 }, { id: 5, name: 'nouvelles', kind: 'broadcast' }), '/c/les-voisins/ch/5');
});

test('bell: the badge says 99+ past 99; the sentences, in both languages', () => {
  assert.deepEqual([1, 99, 100, 2400].map(bell_view.badge_text), ['1', '99', '99+', '99+']);
  i18n.set_locale('fr');
  assert.equal(bell_view.sentence_of(notif()), 'Béa t’a mentionné·e dans #jasette');
  assert.equal(bell_view.sentence_of(notif({ kind: 'reply' })), 'Béa a répondu dans un fil de #jasette');
  assert.equal(bell_view.sentence_of(notif({ kind: 'direct', channel: { id: 3, name: '', kind: 'direct' } })), 'Béa t’a écrit en privé');
  assert.equal(bell_view.sentence_of(notif({ kind: 'poll_closed', actor: null, channel: { id: 5, name: 'nouvelles', kind: 'broadcast' } })), 'Un sondage est fermé dans nouvelles : vois les résultats');
  i18n.set_locale('en');
  assert.equal(bell_view.sentence_of(notif()), 'Béa mentioned you in #jasette');
  assert.equal(bell_view.sentence_of(notif({ kind: 'comment', channel: { id: 9, name: 'board', kind: 'board' } })), 'New comment from Béa in board');
  assert.equal(bell_view.sentence_of(notif({ kind: 'message', actor: null })), 'New message from Someone in #jasette');
  i18n.set_locale('fr');
});

/** The app's bell against a list the test answers. */
function serve_list(list) {
  http.handler = async (url, init) => {
    const u = new URL(url, 'http://x');
    if (u.pathname === '/api/v1/notifications') return [200, list()];
    if (u.pathname === '/api/v1/notifications/read') return [200, { unread: 0 }];
    return [404, { error: { code: 'not_found', message: 'x' } }];
  };
}
const list_asks = () => http.requests.filter((r) => new URL(r.url, 'http://x').pathname === '/api/v1/notifications').length;

test('bell: notifications.changed asks the list again after the random pause, once for a burst', async () => {
  N.forget_all();
  let items = [notif({ id: 90 })];
  serve_list(() => page(items, items.filter((n) => !n.read).length));
  await N.load_bell();
  assert.equal(N.bell.unread, 1);
  const pauses = [];
  N.set_refetch_pause(() => {
    pauses.push(1);
    return 30;
  });
  const before = list_asks();
  items = [notif({ id: 92 }), notif({ id: 91 }), ...items];
  N.notifications_changed();
  N.notifications_changed();
  N.notifications_changed();
  assert.equal(list_asks(), before, 'not at once');
  await new Promise((r) => setTimeout(r, 60));
  await journal.idle();
  assert.equal(list_asks(), before + 1, 'one request for the burst');
  assert.equal(pauses.length, 1);
  assert.equal(N.bell.unread, 3);
  assert.deepEqual(N.bell.items.map((n) => n.id), [92, 91, 90]);
  N.set_refetch_pause(() => 0);
  http.handler = null;
});

test('bell: « mark all read » reads everything here at once, then takes the server’s count', async () => {
  N.forget_all();
  serve_list(() => page([notif({ id: 95 }), notif({ id: 94 })], 2));
  await N.load_bell();
  const done = N.read_all();
  assert.equal(N.bell.unread, 0, 'at once');
  await done;
  const sent = http.requests.at(-1);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.body, '{}', 'all of them: no ids');
  assert.equal(sent.headers['X-Requested-With'], 'petitesalle');
  assert.ok(N.bell.items.every((n) => n.read));
  http.handler = null;
  N.forget_all();
});

test('presence: active after hello when the page shows, again when it comes back, on input once a minute; inactive when hidden', () => {
  const sent = [];
  let visible = true;
  let now = 1_000_000;
  let open = true;
  const p = new Presence((active) => (open ? (sent.push(active), true) : false), () => visible, () => now);
  p.connected();
  assert.deepEqual(sent, [true]);
  p.input();
  now += 30_000;
  p.input();
  assert.deepEqual(sent, [true], 'not more than once a minute');
  now += INPUT_REFRESH_MS;
  p.input();
  assert.deepEqual(sent, [true, true]);
  visible = false;
  p.visibility_changed();
  assert.deepEqual(sent, [true, true, false]);
  now += 10 * INPUT_REFRESH_MS;
  p.input();
  assert.deepEqual(sent, [true, true, false], 'no input counts while hidden');
  visible = true;
  p.visibility_changed();
  assert.deepEqual(sent, [true, true, false, true]);
  // A new connection starts over; hidden, it says nothing until the page shows.
  visible = false;
  p.connected();
  assert.deepEqual(sent, [true, true, false, true]);
  // Not sent (the stream is down): the next input tries again.
  visible = true;
  open = false;
  p.visibility_changed();
  open = true;
  p.input();
  assert.deepEqual(sent, [true, true, false, true, true]);
});
