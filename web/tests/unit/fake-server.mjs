// A model of the server for the replay tests: its state, the JSON it answers over HTTP (the
// shapes of docs/api.md, checked against docs/openapi.json by replay.test.mjs) and its event log
// in stream protocol v2. Written from docs/api.md and the server's SQL (src/chat/store.cpp), not
// from the app's code, so that "held state + events = a fresh fetch" compares two independent
// accounts of what should be on screen.
//
// - Unread: others' messages after the reader's marker that are not deleted, counted up to 1,000.
//   Posting moves the author's own marker to their message.
// - A deletion keeps id and seq, empties body and html, drops the reactions; a reply adds one to
//   its parent's reply_count (a deleted reply still counts).
// - member_count is the number of members; members are listed by member number.
// - Every visible change appends an event to its community's log with the next pos (the log
//   starts at an arbitrary position); events have an audience (channel.read: the reader only), so
//   a member sees gaps. A live event is the JSON as it was when it happened; a replayed one is
//   rendered again from the current state of its subject.

import { handle_settings } from './fake-settings.mjs';

const BASE_POS = 1000;
const PAGE_DEFAULT = 50;

const clone = (x) => JSON.parse(JSON.stringify(x));
const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

export class FakeServer {
  constructor() {
    this.clock = Date.parse('2026-12-01T12:00:00.000Z');
    this.next_id = { account: 0, community: 0, channel: 0, message: 0 };
    this.accounts = new Map();
    this.communities = new Map();
    this.members = new Map(); // community id → Map(account id → membership row)
    this.numbers = new Map(); // community id → the last member number given
    this.channels = new Map();
    this.messages = new Map();
    this.reactions = new Map(); // message id → [{emoji, account_id}] in the order they were put
    this.markers = new Map(); // "channel:account" → last_read_seq
    this.logs = new Map(); // community id → [{pos, type, audience, render, live}]
    this.appended = []; // every event in the order appended, for live delivery
    this.delivered = new Map(); // account id → how many of `appended` were looked at
    this.notifications = new Map(); // id → row (docs/api.md, Notifications)
    this.next_notification = 500;
    this.settings = new Map(); // account id → notification settings (PUT /me/notifications)
    this.levels = new Map(); // "channel:account" → all | mentions | nothing
    this.subscriptions = []; // Web Push: {id, account_id, endpoint, p256dh, auth, created_at}
    // Tiers (issue 14): id → row ({…, deleted}); "community:account" → [{tier_id, granted_at, ends_at}].
    this.tiers = new Map();
    this.next_tier = 70;
    this.grants = new Map();
    this.push_public_key = 'BJIb25SMR8qivplljz4K4tSg4C7H0vVWf2G4ee97uyeEqmaqWp_xSSh_qr5C3Z4L9b3GQyExr57B-iZmZeL2Iw8';
  }

  now() {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  // ---- Writes, each publishing its event.

  account(display_name, email) {
    const id = ++this.next_id.account;
    this.accounts.set(id, { id, email, display_name, locale: 'fr', created_at: this.now() });
    return id;
  }

  community(owner, name, slug) {
    const id = ++this.next_id.community;
    this.communities.set(id, { id, slug, name, description: '', locale: 'fr', timezone: 'America/Toronto', created_at: this.now(), members_can_invite: false, member_invite_quota: 5 });
    this.members.set(id, new Map());
    this.numbers.set(id, 0);
    this.logs.set(id, []);
    this.join(id, owner, null, 'owner');
    return id;
  }

  join(community_id, account_id, invited_by = null, role = 'member') {
    const number = this.numbers.get(community_id) + 1;
    this.numbers.set(community_id, number);
    this.members.get(community_id).set(account_id, { account_id, member_number: number, role, joined_at: this.now(), invited_by });
    const at_join = this.member_json(community_id, account_id);
    this.publish(community_id, 'member.joined', this.audience(community_id), () => ({ member: this.member_json(community_id, account_id) ?? at_join }));
  }

  remove(community_id, account_id) {
    const audience = this.audience(community_id); // the removed person gets it too
    this.members.get(community_id).delete(account_id);
    this.publish(community_id, 'member.removed', audience, () => ({ account_id }));
  }

  set_role(community_id, account_id, role) {
    this.members.get(community_id).get(account_id).role = role;
    const then = this.member_json(community_id, account_id);
    this.publish(community_id, 'member.role_changed', this.audience(community_id), () => ({ member: this.member_json(community_id, account_id) ?? then }));
  }

  rename_account(account_id, display_name) {
    this.accounts.get(account_id).display_name = display_name;
    for (const [cid, members] of this.members) {
      if (members.has(account_id)) this.publish(cid, 'member.renamed', this.audience(cid), () => ({ account_id, display_name: this.accounts.get(account_id).display_name }));
    }
  }

  update_community(community_id, changes) {
    Object.assign(this.communities.get(community_id), changes);
    this.publish(community_id, 'community.updated', this.audience(community_id), () => ({
      community: { ...clone(this.communities.get(community_id)), member_count: this.members.get(community_id).size },
    }));
  }

  // ---- Tiers (docs/subsystems/tiers.md): every member reads them, hosts also how many hold each.

  create_tier(community_id, { fr, en = { name: '', description: '' }, price = null }) {
    const id = ++this.next_tier;
    const position = [...this.tiers.values()].filter((x) => x.community_id === community_id && !x.deleted).length;
    this.tiers.set(id, { id, community_id, fr: { description: '', ...fr }, en: { description: '', ...en }, position, price, created_at: this.now(), deleted: false });
    this.publish_tier(id);
    return id;
  }

  update_tier(id, changes) {
    const x = this.tiers.get(id);
    if (changes.fr) x.fr = { ...x.fr, ...changes.fr };
    if (changes.en) x.en = { ...x.en, ...changes.en };
    if ('price' in changes) x.price = changes.price;
    if ('position' in changes) x.position = changes.position;
    this.publish_tier(id);
  }

  /** Removed: listed no more, held by nobody at once; each who held it is told (and the hosts). */
  delete_tier(id) {
    const x = this.tiers.get(id);
    x.deleted = true;
    const held_by = [];
    for (const [k, list] of this.grants) {
      if (!list.some((g) => g.tier_id === id)) continue;
      this.grants.set(k, list.filter((g) => g.tier_id !== id));
      held_by.push(Number(k.split(':')[1]));
    }
    this.publish_tier(id);
    for (const account_id of held_by) this.publish_grants(x.community_id, account_id);
  }

  /** A member's tiers set to exactly these; the event goes to that member and to each host. */
  set_grants(community_id, account_id, list) {
    const at = this.now();
    const before = this.grants.get(`${community_id}:${account_id}`) ?? [];
    // A tier kept from before keeps since when it is held; only its end changes.
    this.grants.set(`${community_id}:${account_id}`, list.map(({ tier_id, ends_at = null }) => ({ tier_id, granted_at: before.find((g) => g.tier_id === tier_id)?.granted_at ?? at, ends_at })));
    this.publish_grants(community_id, account_id);
  }

  publish_grants(community_id, account_id) {
    const hosts = [...this.members.get(community_id)].filter(([, m]) => m.role !== 'member').map(([a]) => a);
    for (const reader of new Set([...hosts, account_id])) {
      this.publish(community_id, 'member.tiers.changed', [reader], () => ({ account_id, tiers: this.grants_json(community_id, account_id) }));
    }
  }

  publish_tier(id) {
    const cid = this.tiers.get(id).community_id;
    this.publish(cid, 'tier.changed', this.audience(cid), () => (this.tiers.get(id).deleted ? { tier_id: id, deleted: true } : { tier: this.tier_json(id) }));
  }

  tier_json(id, reader = 'fr', holders = undefined) {
    const x = this.tiers.get(id);
    const other = reader === 'fr' ? 'en' : 'fr';
    const name = x[reader].name || x[other].name;
    const description = x[reader].description || x[other].description;
    return { id, name, description, translations: { fr: clone(x.fr), en: clone(x.en) }, position: x.position, price: clone(x.price), created_at: x.created_at, ...(holders === undefined ? {} : { members: holders }) };
  }

  grants_json(community_id, account_id) {
    return clone(this.grants.get(`${community_id}:${account_id}`) ?? []);
  }

  channel(community_id, name) {
    const id = ++this.next_id.channel;
    this.channels.set(id, { id, community_id, name, kind: 'chat', visibility: 'community', archived: false, last_seq: 0, created_at: this.now() });
    this.publish_channel(id, 'channel.created');
    return id;
  }

  rename_channel(id, name) {
    this.channels.get(id).name = name;
    this.publish_channel(id, 'channel.renamed');
  }

  archive(id, archived = true) {
    this.channels.get(id).archived = archived;
    this.publish_channel(id, archived ? 'channel.archived' : 'channel.unarchived');
  }

  post(author_id, channel_id, body, parent_id = null, client_id = null) {
    const ch = this.channels.get(channel_id);
    const id = ++this.next_id.message;
    ch.last_seq += 1;
    const seq = ch.last_seq;
    this.messages.set(id, { id, seq, channel_id, author_id, body, created_at: this.now(), edited_at: null, deleted: false, parent_id, reply_count: 0, client_id });
    if (parent_id) this.messages.get(parent_id).reply_count += 1;
    this.set_marker(channel_id, author_id, seq);
    this.publish_message(id, 'message.created');
    return id;
  }

  edit(id, body) {
    const m = this.messages.get(id);
    m.body = body;
    m.edited_at = this.now();
    this.publish_message(id, 'message.edited');
  }

  delete(id) {
    const m = this.messages.get(id);
    // Deleting the message takes its notifications away.
    for (const [nid, n] of this.notifications) if (n.item.kind === 'message' && n.item.id === id) this.notifications.delete(nid);
    m.deleted = true;
    m.body = '';
    this.reactions.delete(id);
    const ch = this.channels.get(m.channel_id);
    this.publish(ch.community_id, 'message.deleted', this.audience(ch.community_id), () => ({ channel_id: m.channel_id, seq: m.seq, message_id: id }));
  }

  react(account_id, message_id, emoji) {
    const list = this.reactions.get(message_id) ?? [];
    if (!list.some((r) => r.emoji === emoji && r.account_id === account_id)) list.push({ emoji, account_id });
    this.reactions.set(message_id, list);
    this.publish_reaction(message_id, 'reaction.added', emoji, account_id);
  }

  unreact(account_id, message_id, emoji) {
    this.reactions.set(message_id, (this.reactions.get(message_id) ?? []).filter((r) => !(r.emoji === emoji && r.account_id === account_id)));
    this.publish_reaction(message_id, 'reaction.removed', emoji, account_id);
  }

  /** POST /channels/{id}/read by `account_id` (on some device): never backwards, capped. */
  mark_read(account_id, channel_id, seq) {
    const ch = this.channels.get(channel_id);
    this.set_marker(channel_id, account_id, Math.min(seq, ch.last_seq));
    this.publish(ch.community_id, 'channel.read', [account_id], () => ({ channel_id, last_read_seq: this.marker(channel_id, account_id) }));
  }

  set_marker(channel_id, account_id, seq) {
    const k = `${channel_id}:${account_id}`;
    this.markers.set(k, Math.max(this.markers.get(k) ?? 0, seq));
  }
  marker(channel_id, account_id) {
    return this.markers.get(`${channel_id}:${account_id}`) ?? 0;
  }

  // ---- Notifications: one row per person and item; each an event for its owner alone.

  /** `account_id` is told of message `message_id` (kind: mention, reply, message…). */
  notify(account_id, message_id, kind, { quietly = false } = {}) {
    const m = this.messages.get(message_id);
    const ch = this.channels.get(m.channel_id);
    const id = ++this.next_notification;
    const excerpt = m.body.replace(/<@(\d+)>/g, (_, a) => '@' + (this.accounts.get(Number(a))?.display_name ?? a)).slice(0, 140);
    const item = { kind: 'message', id: message_id, seq: m.seq, ...(m.parent_id ? { parent_id: m.parent_id } : {}) };
    this.notifications.set(id, { id, account_id, kind, read: false, created_at: this.now(), community_id: ch.community_id, channel_id: ch.id, item, actor_id: m.author_id, excerpt });
    // Told to many at once, the server logs one notifications.changed for the room instead.
    if (!quietly) this.publish(ch.community_id, 'notification.created', [account_id], () => (this.notifications.has(id) ? { notification: this.notification_json(id) } : null));
    return id;
  }

  /** Many were told of one item at once: the room's audience asks the list again. */
  notifications_changed(channel_id) {
    const ch = this.channels.get(channel_id);
    this.publish(ch.community_id, 'notifications.changed', this.audience(ch.community_id), () => ({ channel_id }));
  }

  /** POST /notifications/read by `account_id`: these ids, or (null) all; one event per community touched. */
  read_notifications(account_id, ids) {
    const touched = new Map(); // community id → ids
    for (const n of this.notifications.values()) {
      if (n.account_id !== account_id || n.read || (ids && !ids.includes(n.id))) continue;
      n.read = true;
      touched.set(n.community_id, [...(touched.get(n.community_id) ?? []), n.id]);
    }
    for (const [cid, read] of touched) this.publish(cid, 'notification.read', [account_id], () => (ids ? { ids: read } : { all: true }));
  }

  notification_json(id) {
    const n = this.notifications.get(id);
    const ch = this.channels.get(n.channel_id);
    const actor = this.accounts.get(n.actor_id);
    return {
      id, kind: n.kind, read: n.read, created_at: n.created_at,
      community: this.community_ref(n.community_id),
      channel: { id: ch.id, name: ch.name, kind: ch.kind },
      item: clone(n.item),
      actor: actor ? { id: actor.id, display_name: actor.display_name } : null,
      excerpt: n.excerpt,
    };
  }

  audience(community_id) {
    return [...this.members.get(community_id).keys()];
  }

  publish(community_id, type, audience, render) {
    const log = this.logs.get(community_id);
    const pos = (log.at(-1)?.pos ?? BASE_POS + community_id * 100) + 1;
    const entry = { community_id, pos, type, audience: new Set(audience), render };
    entry.live = this.frame(entry);
    log.push(entry);
    this.appended.push(entry);
  }
  publish_channel(id, type) {
    const ch = this.channels.get(id);
    this.publish(ch.community_id, type, this.audience(ch.community_id), () => ({ channel: this.stream_channel_json(id) }));
  }
  publish_message(id, type) {
    const m = this.messages.get(id);
    const ch = this.channels.get(m.channel_id);
    this.publish(ch.community_id, type, this.audience(ch.community_id), () => ({ channel_id: m.channel_id, seq: m.seq, message: this.message_json(id) }));
  }
  publish_reaction(id, type, emoji, account_id) {
    const m = this.messages.get(id);
    const ch = this.channels.get(m.channel_id);
    this.publish(ch.community_id, type, this.audience(ch.community_id), () => ({ channel_id: m.channel_id, message_id: id, emoji, account_id, message: this.message_json(id) }));
  }
  /** The event's frame, or null when its subject is gone (a notification of a deleted item is not replayed). */
  frame(entry) {
    const body = entry.render();
    return body ? clone({ type: entry.type, community_id: entry.community_id, pos: entry.pos, ...body }) : null;
  }

  // ---- The stream, as one member's connection sees it.

  head(community_id) {
    return this.logs.get(community_id).at(-1)?.pos ?? BASE_POS + community_id * 100;
  }

  /** The hello: the position of each of the member's communities now. */
  hello(account_id) {
    const communities = {};
    for (const [cid, members] of this.members) if (members.has(account_id)) communities[cid] = this.head(cid);
    return { type: 'hello', account_id, communities };
  }

  /** The events since the last call, as they were sent live (rendered when they happened). */
  take_live(account_id) {
    const from = this.delivered.get(account_id) ?? 0;
    this.delivered.set(account_id, this.appended.length);
    return this.appended.slice(from).filter((e) => e.audience.has(account_id)).map((e) => clone(e.live));
  }

  /** Forgets what happened so far for live delivery (a fresh fetch shows it). */
  skip_live(account_id) {
    this.delivered.set(account_id, this.appended.length);
  }

  /**
   * What a resume from `positions` replays: for each named community the member still belongs
   * to, its events after the position that were for the member, rendered from the current state.
   */
  replay(account_id, positions) {
    const out = [];
    for (const [id, pos] of Object.entries(positions)) {
      const cid = Number(id);
      if (!this.members.get(cid)?.has(account_id)) continue;
      for (const e of this.logs.get(cid)) if (e.pos > pos && e.audience.has(account_id)) out.push(this.frame(e));
    }
    return out.filter(Boolean);
  }

  resumed(account_id, positions) {
    const communities = {};
    for (const id of Object.keys(positions)) if (this.members.get(Number(id))?.has(account_id)) communities[id] = this.head(Number(id));
    return { type: 'resumed', communities };
  }

  // ---- JSON, as docs/api.md shows it.

  account_json(id) {
    return clone(this.accounts.get(id));
  }
  community_ref(cid) {
    const c = this.communities.get(cid);
    return { id: c.id, slug: c.slug, name: c.name };
  }
  membership_json(cid, account_id) {
    const m = this.members.get(cid).get(account_id);
    return { community: this.community_ref(cid), account_id, member_number: m.member_number, role: m.role, joined_at: m.joined_at, invited_by: m.invited_by };
  }
  member_json(cid, account_id) {
    const m = this.members.get(cid).get(account_id);
    if (!m) return undefined;
    return { account_id, display_name: this.accounts.get(account_id).display_name, member_number: m.member_number, role: m.role, joined_at: m.joined_at, invited_by: m.invited_by };
  }
  community_json(cid, account_id) {
    return { ...clone(this.communities.get(cid)), member_count: this.members.get(cid).size, membership: this.membership_json(cid, account_id) };
  }
  stream_channel_json(id) {
    return clone(this.channels.get(id));
  }
  channel_json(id, account_id) {
    const ch = this.channels.get(id);
    const marker = this.marker(id, account_id);
    let unread = 0;
    for (const m of this.messages.values()) if (m.channel_id === id && m.seq > marker && m.author_id !== account_id && !m.deleted) unread += 1;
    return { ...clone(ch), last_read_seq: marker, unread: Math.min(unread, 1000) };
  }
  message_json(id) {
    const m = this.messages.get(id);
    const reactions = [];
    for (const r of this.reactions.get(id) ?? []) {
      let g = reactions.find((x) => x.emoji === r.emoji);
      if (!g) reactions.push((g = { emoji: r.emoji, count: 0, account_ids: [] }));
      g.count += 1;
      g.account_ids.push(r.account_id);
    }
    return {
      id, seq: m.seq, channel_id: m.channel_id,
      author: { id: m.author_id, display_name: this.accounts.get(m.author_id).display_name },
      body: m.body, html: m.deleted ? '' : `<p>${escape(m.body)}</p>\n`,
      created_at: m.created_at, edited_at: m.edited_at, deleted: m.deleted,
      parent_id: m.parent_id, reply_count: m.reply_count, client_id: m.client_id, reactions,
      // No uploads nor mentions in this model: every message has none.
      files: [], mentions: [], mention_everyone: false, mention_here: false,
    };
  }

  // ---- HTTP: the GETs the app makes, answered for `account_id`.

  handle(account_id, method, url, body) {
    const u = new URL(url, 'http://x');
    const p = u.pathname.replace(/^\/api\/v1/, '');
    const not_found = [404, { error: { code: 'not_found', message: 'not found' } }];
    const settled = this.handle_settings(account_id, method, p, u, body);
    if (settled) return settled;
    if (method !== 'GET') return [405, { error: { code: 'method_not_allowed', message: method } }];
    let m;
    const member_of = (cid) => this.members.get(cid)?.has(account_id);
    const by_slug = (slug) => [...this.communities.values()].find((c) => c.slug === slug && member_of(c.id));
    if (p === '/me') {
      const memberships = [...this.members.keys()].filter(member_of).map((cid) => this.membership_json(cid, account_id));
      return [200, { account: this.account_json(account_id), memberships }];
    }
    if ((m = p.match(/^\/communities\/([^/]+)$/))) {
      const c = by_slug(m[1]);
      return c ? [200, { community: this.community_json(c.id, account_id) }] : not_found;
    }
    if ((m = p.match(/^\/communities\/([^/]+)\/channels$/))) {
      const c = by_slug(m[1]);
      if (!c) return not_found;
      const channels = [...this.channels.values()].filter((ch) => ch.community_id === c.id).sort((a, b) => Number(a.archived) - Number(b.archived) || a.id - b.id);
      return [200, { channels: channels.map((ch) => this.channel_json(ch.id, account_id)) }];
    }
    if ((m = p.match(/^\/communities\/([^/]+)\/members$/))) {
      const c = by_slug(m[1]);
      if (!c) return not_found;
      const members = [...this.members.get(c.id).keys()].map((a) => this.member_json(c.id, a)).sort((a, b) => a.member_number - b.member_number);
      return [200, { members }];
    }
    if ((m = p.match(/^\/communities\/([^/]+)\/tiers$/))) {
      const c = by_slug(m[1]);
      if (!c) return not_found;
      const host = this.members.get(c.id).get(account_id).role !== 'member';
      const reader = this.accounts.get(account_id).locale;
      const now = this.clock;
      const holders = (id) => [...this.grants].filter(([k]) => k.startsWith(`${c.id}:`)).filter(([, l]) => l.some((g) => g.tier_id === id && (!g.ends_at || Date.parse(g.ends_at) > now))).length;
      const list = [...this.tiers.values()].filter((x) => x.community_id === c.id && !x.deleted).sort((a, b) => a.position - b.position || a.id - b.id);
      return [200, { tiers: list.map((x) => this.tier_json(x.id, reader, host ? holders(x.id) : undefined)) }];
    }
    if ((m = p.match(/^\/communities\/([^/]+)\/members\/(\d+)\/tiers$/))) {
      const c = by_slug(m[1]);
      const who = Number(m[2]);
      if (!c || !this.members.get(c.id).has(who)) return not_found;
      if (who !== account_id && this.members.get(c.id).get(account_id).role === 'member') return [403, { error: { code: 'forbidden', message: 'hosts only' } }];
      const now = this.clock;
      return [200, { tiers: this.grants_json(c.id, who).filter((g) => !g.ends_at || Date.parse(g.ends_at) > now) }];
    }
    if ((m = p.match(/^\/channels\/(\d+)\/messages$/))) {
      const ch = this.channels.get(Number(m[1]));
      if (!ch || !member_of(ch.community_id)) return not_found;
      const limit = Number(u.searchParams.get('limit') ?? PAGE_DEFAULT);
      const before = u.searchParams.has('before') ? Number(u.searchParams.get('before')) : Infinity;
      const all = [...this.messages.values()].filter((x) => x.channel_id === ch.id && x.seq < before).sort((a, b) => a.seq - b.seq);
      return [200, { messages: all.slice(-limit).map((x) => this.message_json(x.id)) }];
    }
    if (p === '/notifications') {
      // Newest first, what the member may still see (their communities), 30 a page.
      const before = Number(u.searchParams.get('before')) || Infinity;
      const mine = [...this.notifications.values()].filter((n) => n.account_id === account_id && member_of(n.community_id)).sort((a, b) => b.id - a.id);
      const page = mine.filter((n) => n.id < before).slice(0, 30);
      const more = mine.some((n) => n.id < (page.at(-1)?.id ?? 0));
      return [200, { notifications: page.map((n) => this.notification_json(n.id)), unread: mine.filter((n) => !n.read).length, ...(more ? { next_before: page.at(-1).id } : {}) }];
    }
    if ((m = p.match(/^\/messages\/(\d+)\/thread$/))) {
      const parent = this.messages.get(Number(m[1]));
      if (!parent || !member_of(this.channels.get(parent.channel_id).community_id)) return not_found;
      const replies = [...this.messages.values()].filter((x) => x.parent_id === parent.id).sort((a, b) => a.seq - b.seq);
      return [200, { parent: this.message_json(parent.id), replies: replies.map((x) => this.message_json(x.id)) }];
    }
    return not_found;
  }

  /** Notification settings, a room's level, Web Push, the autocomplete: fake-settings.mjs. */
  handle_settings(account_id, method, p, u, raw) {
    return handle_settings(this, account_id, method, p, u, raw);
  }
}
