#!/usr/bin/env node
// A small in-memory stand-in for the petitesalle server, written from docs/api.md, used only to
// develop the web app before the real binary exists. The browser tests run against the real
// binary (PETITESALLE_BIN); run them against this with PETITESALLE_BIN=tests/mock-server.mjs.
// Same command line as the real server: serve --listen H:P --data DIR --public-url URL [--web-root DIR].
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const [host, port] = opt('--listen', '127.0.0.1:8080').split(':');
const data = opt('--data', './data');
const public_url = opt('--public-url', `http://${host}:${port}`);
const web_root = opt('--web-root', null);
fs.mkdirSync(path.join(data, 'mail', 'new'), { recursive: true });
fs.mkdirSync(path.join(data, 'mail', 'tmp'), { recursive: true });
fs.mkdirSync(path.join(data, 'mail', 'cur'), { recursive: true });

const now = () => new Date().toISOString();
const token = () => crypto.randomBytes(18).toString('base64url');
let next_id = 1;
const accounts = []; // {id,email,password,display_name,locale,created_at}
const sessions = new Map(); // token -> account id
const links = new Map(); // token -> {account_id, at}
const tokens = []; // {id, account_id, name, secret, created_at}
const communities = []; // {..., members:[member], invitations:[], next_number}
const channels = []; // {id, community_id, name, kind, archived, created_at, seq, reads: Map}
const messages = []; // message objects
const sockets = new Set(); // {account_id, send}

class Fail extends Error { constructor(status, code, message, field) { super(message); Object.assign(this, { status, code, field }); } }
const fail = (s, c, m = c, f) => { throw new Fail(s, c, m, f); };

function account_json(a, self) { const o = { id: a.id, display_name: a.display_name, locale: a.locale, created_at: a.created_at }; if (self) o.email = a.email; return o; }
function membership_json(c, m) { return { community: { id: c.id, slug: c.slug, name: c.name }, member_number: m.member_number, role: m.role, joined_at: m.joined_at, invited_by: m.invited_by }; }
function member_json(m) { const a = accounts.find((x) => x.id === m.account_id); return { account_id: m.account_id, display_name: a.display_name, member_number: m.member_number, role: m.role, joined_at: m.joined_at, invited_by: m.invited_by }; }
function community_json(c, me) {
  const { members, invitations, next_number, ...rest } = c;
  const o = { ...rest, member_count: members.length };
  const m = members.find((x) => x.account_id === me?.id);
  if (m) o.membership = membership_json(c, m);
  return o;
}
function channel_json(ch, me) {
  const last_read_seq = ch.reads.get(me?.id) ?? 0;
  const unread = messages.filter((m) => m.channel_id === ch.id && m.seq > last_read_seq && m.author.id !== me?.id && !m.deleted).length;
  return { id: ch.id, community_id: ch.community_id, name: ch.name, kind: 'chat', archived: ch.archived, last_seq: ch.seq, last_read_seq, unread, created_at: ch.created_at };
}
function invitation_json(i, host) { const o = { code: i.code, url: `${public_url}/i/${i.code}`, max_uses: i.max_uses, uses: i.uses, expires_at: i.expires_at, revoked: i.revoked, created_by: i.created_by, created_at: i.created_at }; if (host) o.note = i.note; return o; }
const esc = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const render = (body) => body.split(/\n{2,}/).map((p) => '<p>' + esc(p).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/\n/g, '<br />\n') + '</p>\n').join('');

function membership_of(c, a) { return c.members.find((m) => m.account_id === a.id); }
function access_community(slug, a) { const c = communities.find((x) => x.slug === slug); if (!c || !membership_of(c, a)) fail(404, 'not_found'); return c; }
function require_host(c, a) { const m = membership_of(c, a); if (!m || m.role === 'member') fail(403, 'forbidden'); return m; }
function access_channel(id, a) { const ch = channels.find((x) => x.id === id); if (!ch) fail(404, 'not_found'); const c = communities.find((x) => x.id === ch.community_id); if (!membership_of(c, a)) fail(404, 'not_found'); return [ch, c]; }
function access_message(id, a) { const m = messages.find((x) => x.id === id); if (!m) fail(404, 'not_found'); const [ch, c] = access_channel(m.channel_id, a); return [m, ch, c]; }
function publish(c, ev) { const frame = JSON.stringify(ev); for (const s of sockets) if (c.members.some((m) => m.account_id === s.account_id)) s.send(frame); }
function publish_message(type, m, c, extra = {}) { publish(c, { type, channel_id: m.channel_id, seq: m.seq, message: m, ...extra }); }
function str(v, field, min, max) { if (typeof v !== 'string' || v.trim().length < min || [...v.trim()].length > max) fail(422, 'invalid_field', `invalid ${field}`, field); return v.trim(); }

function check_dead(i) {
  if (i.revoked) fail(410, 'invitation_revoked', 'Cette invitation a été annulée.');
  if (i.expires_at && Date.parse(i.expires_at) < Date.now()) fail(410, 'invitation_expired', 'Cette invitation est expirée.');
  if (i.max_uses != null && i.uses >= i.max_uses) fail(410, 'invitation_used_up', 'Cette invitation est complète.');
}

function write_mail(to, subject, text) {
  const name = `${Date.now()}.${crypto.randomBytes(4).toString('hex')}.mock`;
  const body = `From: Petite Salle <noreply@localhost>\r\nTo: ${to}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${text.replace(/=/g, '=3D')}\r\n`;
  fs.writeFileSync(path.join(data, 'mail', 'tmp', name), body);
  fs.renameSync(path.join(data, 'mail', 'tmp', name), path.join(data, 'mail', 'new', name));
}

const routes = [];
const route = (method, pattern, fn) => routes.push({ method, re: new RegExp('^' + pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)') + '$'), fn });

route('POST', '/accounts', (q) => {
  const b = q.body;
  if (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)) fail(422, 'invalid_field', 'Le champ « email » est invalide.', 'email');
  if (typeof b.password !== 'string' || b.password.length < 10) fail(422, 'invalid_field', 'Le mot de passe doit avoir au moins 10 caractères.', 'password');
  const display_name = str(b.display_name, 'display_name', 1, 80);
  const email = b.email.toLowerCase();
  if (accounts.some((a) => a.email === email)) fail(409, 'email_taken');
  const a = { id: next_id++, email, password: b.password, display_name, locale: b.locale === 'en' ? 'en' : b.locale === 'fr' ? 'fr' : q.lang, created_at: now() };
  accounts.push(a);
  q.login(a);
  return [201, { account: account_json(a, true) }];
});
route('POST', '/sessions', (q) => {
  const a = accounts.find((x) => x.email === String(q.body.email).toLowerCase() && x.password === q.body.password);
  if (!a) fail(401, 'invalid_credentials');
  q.login(a);
  return [200, { account: account_json(a, true) }];
});
route('DELETE', '/sessions/current', (q) => { q.auth(); sessions.delete(q.session); q.headers['Set-Cookie'] = 'ps_session=; Path=/; Max-Age=0'; return [204]; });
route('POST', '/login-links', (q) => {
  const a = accounts.find((x) => x.email === String(q.body.email).toLowerCase());
  if (a) { const t = token(); links.set(t, { account_id: a.id, at: Date.now() }); write_mail(a.email, 'Ton lien de connexion', `Bonjour ${a.display_name},\n\nVoici ton lien : ${public_url}/login/${t}\n`); }
  return [202, {}];
});
route('POST', '/login-links/:token', (q) => {
  const l = links.get(q.params.token);
  if (!l || Date.now() - l.at > 15 * 60 * 1000) fail(401, 'invalid_credentials');
  links.delete(q.params.token);
  const a = accounts.find((x) => x.id === l.account_id);
  q.login(a);
  return [200, { account: account_json(a, true) }];
});
route('GET', '/me', (q) => { const a = q.auth(); return [200, { account: account_json(a, true), memberships: communities.flatMap((c) => c.members.filter((m) => m.account_id === a.id).map((m) => membership_json(c, m))) }]; });
route('PATCH', '/me', (q) => { const a = q.auth(); if (q.body.display_name !== undefined) a.display_name = str(q.body.display_name, 'display_name', 1, 80); if (q.body.locale !== undefined) { if (!['fr', 'en'].includes(q.body.locale)) fail(422, 'invalid_field', 'locale', 'locale'); a.locale = q.body.locale; } return [200, { account: account_json(a, true) }]; });
route('PUT', '/me/password', (q) => { const a = q.auth(); if (q.body.current_password !== a.password) fail(401, 'invalid_credentials'); if (String(q.body.new_password ?? '').length < 10) fail(422, 'invalid_field', 'too short', 'new_password'); a.password = q.body.new_password; return [204]; });
route('POST', '/tokens', (q) => { const a = q.auth(); const name = str(q.body.name, 'name', 1, 80); const t = { id: next_id++, account_id: a.id, name, secret: 'psat_' + token(), created_at: now(), last_used_at: null }; tokens.push(t); return [201, { token: t.secret, personal_token: { id: t.id, name, created_at: t.created_at } }]; });
route('GET', '/tokens', (q) => { const a = q.auth(); return [200, { tokens: tokens.filter((t) => t.account_id === a.id).map(({ id, name, created_at, last_used_at }) => ({ id, name, created_at, last_used_at })) }]; });
route('DELETE', '/tokens/:id', (q) => { const a = q.auth(); const i = tokens.findIndex((t) => t.id === +q.params.id && t.account_id === a.id); if (i < 0) fail(404, 'not_found'); tokens.splice(i, 1); return [204]; });

route('POST', '/communities', (q) => {
  const a = q.auth();
  const name = str(q.body.name, 'name', 1, 80);
  const slug = q.body.slug ?? name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  if (!/^[a-z0-9-]{2,40}$/.test(slug)) fail(422, 'invalid_field', 'slug', 'slug');
  if (communities.some((c) => c.slug === slug)) fail(409, 'slug_taken');
  const c = { id: next_id++, slug, name, description: q.body.description ?? '', locale: q.body.locale ?? a.locale, timezone: q.body.timezone ?? 'America/Toronto', created_at: now(), members_can_invite: false, member_invite_quota: 5, members: [], invitations: [], next_number: 2 };
  c.members.push({ account_id: a.id, member_number: 1, role: 'owner', joined_at: now(), invited_by: null });
  communities.push(c);
  return [201, { community: community_json(c, a) }];
});
route('GET', '/communities/:slug', (q) => { const a = q.auth(); return [200, { community: community_json(access_community(q.params.slug, a), a) }]; });
route('PATCH', '/communities/:slug', (q) => { const a = q.auth(); const c = access_community(q.params.slug, a); require_host(c, a); for (const k of ['name', 'description', 'locale', 'timezone', 'members_can_invite', 'member_invite_quota']) if (q.body[k] !== undefined) c[k] = q.body[k]; return [200, { community: community_json(c, a) }]; });
route('GET', '/communities/:slug/members', (q) => { const a = q.auth(); const c = access_community(q.params.slug, a); return [200, { members: c.members.map(member_json) }]; });
route('PATCH', '/communities/:slug/members/:id', (q) => { const a = q.auth(); const c = access_community(q.params.slug, a); if (membership_of(c, a).role !== 'owner') fail(403, 'forbidden'); const m = c.members.find((x) => x.account_id === +q.params.id); if (!m) fail(404, 'not_found'); m.role = q.body.role; return [200, { member: member_json(m) }]; });
route('DELETE', '/communities/:slug/members/:id', (q) => {
  const a = q.auth(); const c = access_community(q.params.slug, a); const id = +q.params.id;
  if (id !== a.id) require_host(c, a);
  const m = c.members.find((x) => x.account_id === id); if (!m) fail(404, 'not_found'); if (m.role === 'owner') fail(403, 'forbidden');
  publish(c, { type: 'member.removed', community_id: c.id, account_id: id });
  c.members = c.members.filter((x) => x !== m);
  return [204];
});
route('POST', '/communities/:slug/invitations', (q) => {
  const a = q.auth(); const c = access_community(q.params.slug, a);
  const m = membership_of(c, a); if (m.role === 'member' && !c.members_can_invite) fail(403, 'forbidden');
  const b = q.body;
  if (b.max_uses !== undefined && !(Number.isInteger(b.max_uses) && b.max_uses >= 1 && b.max_uses <= 100000)) fail(422, 'invalid_field', 'max_uses', 'max_uses');
  if (b.expires_in_hours !== undefined && !(Number.isInteger(b.expires_in_hours) && b.expires_in_hours >= 1 && b.expires_in_hours <= 8760)) fail(422, 'invalid_field', 'expires_in_hours', 'expires_in_hours');
  const i = { code: token().slice(0, 10), max_uses: b.max_uses ?? null, uses: 0, expires_at: b.expires_in_hours ? new Date(Date.now() + b.expires_in_hours * 3600e3).toISOString() : null, note: b.note ?? null, revoked: false, created_by: a.id, created_at: now(), community_id: c.id };
  c.invitations.push(i);
  return [201, { invitation: invitation_json(i, true) }];
});
route('GET', '/communities/:slug/invitations', (q) => { const a = q.auth(); const c = access_community(q.params.slug, a); const host = membership_of(c, a).role !== 'member'; return [200, { invitations: c.invitations.filter((i) => host || i.created_by === a.id).map((i) => invitation_json(i, host)).reverse() }]; });
function find_invitation(code) { for (const c of communities) { const i = c.invitations.find((x) => x.code === code); if (i) return [i, c]; } fail(404, 'not_found'); }
route('GET', '/invitations/:code', (q) => { const [i, c] = find_invitation(q.params.code); check_dead(i); const inviter = accounts.find((x) => x.id === i.created_by); return [200, { community: { name: c.name, description: c.description, slug: c.slug }, inviter: { display_name: inviter.display_name }, invitation: { expires_at: i.expires_at, max_uses: i.max_uses, uses: i.uses } }]; });
route('POST', '/invitations/:code/accept', (q) => {
  const a = q.auth(); const [i, c] = find_invitation(q.params.code);
  const existing = membership_of(c, a); if (existing) return [200, { membership: membership_json(c, existing) }];
  check_dead(i);
  i.uses += 1;
  const m = { account_id: a.id, member_number: c.next_number++, role: 'member', joined_at: now(), invited_by: i.created_by };
  c.members.push(m);
  publish(c, { type: 'member.joined', community_id: c.id, member: member_json(m) });
  return [201, { membership: membership_json(c, m) }];
});
route('DELETE', '/invitations/:code', (q) => { const a = q.auth(); const [i, c] = find_invitation(q.params.code); const m = membership_of(c, a); if (!m || (m.role === 'member' && i.created_by !== a.id)) fail(404, 'not_found'); i.revoked = true; return [204]; });

route('POST', '/communities/:slug/channels', (q) => { const a = q.auth(); const c = access_community(q.params.slug, a); require_host(c, a); const ch = { id: next_id++, community_id: c.id, name: str(q.body.name, 'name', 1, 80), kind: 'chat', archived: false, created_at: now(), seq: 0, reads: new Map() }; channels.push(ch); publish(c, { type: 'channel.created', community_id: c.id, channel: channel_json(ch, null) }); return [201, { channel: channel_json(ch, a) }]; });
route('GET', '/communities/:slug/channels', (q) => { const a = q.auth(); const c = access_community(q.params.slug, a); return [200, { channels: channels.filter((x) => x.community_id === c.id).sort((x, y) => x.archived - y.archived).map((x) => channel_json(x, a)) }]; });
route('PATCH', '/channels/:id', (q) => { const a = q.auth(); const [ch, c] = access_channel(+q.params.id, a); require_host(c, a); let type = null; if (q.body.name !== undefined) { ch.name = str(q.body.name, 'name', 1, 80); type = 'channel.renamed'; } if (q.body.archived !== undefined) { ch.archived = !!q.body.archived; type = ch.archived ? 'channel.archived' : 'channel.unarchived'; } if (type) publish(c, { type, community_id: c.id, channel: channel_json(ch, null) }); return [200, { channel: channel_json(ch, a) }]; });
route('POST', '/channels/:id/messages', (q) => {
  const a = q.auth(); const [ch, c] = access_channel(+q.params.id, a);
  if (ch.archived) fail(409, 'channel_archived');
  const body = str(q.body.body, 'body', 1, 4000);
  if (q.body.client_id) { const dup = messages.find((m) => m.channel_id === ch.id && m.author.id === a.id && m.client_id === q.body.client_id); if (dup) return [201, { message: dup }]; }
  let parent = null;
  if (q.body.parent_id != null) { parent = messages.find((m) => m.id === q.body.parent_id && m.channel_id === ch.id && !m.parent_id); if (!parent) fail(422, 'invalid_field', 'parent_id', 'parent_id'); }
  const m = { id: next_id++, seq: ++ch.seq, channel_id: ch.id, author: { id: a.id, display_name: a.display_name }, body, html: render(body), created_at: now(), edited_at: null, deleted: false, parent_id: parent?.id ?? null, reply_count: 0, client_id: q.body.client_id ?? null, reactions: [] };
  messages.push(m);
  if (parent) parent.reply_count += 1;
  publish_message('message.created', m, c);
  return [201, { message: m }];
});
route('GET', '/channels/:id/messages', (q) => {
  const a = q.auth(); const [ch] = access_channel(+q.params.id, a);
  const limit = Math.min(200, Math.max(1, +(q.query.get('limit') ?? 50)));
  let list = messages.filter((m) => m.channel_id === ch.id);
  if (q.query.has('after')) list = list.filter((m) => m.seq > +q.query.get('after')).slice(0, limit);
  else { if (q.query.has('before')) list = list.filter((m) => m.seq < +q.query.get('before')); list = list.slice(-limit); }
  return [200, { messages: list }];
});
route('GET', '/messages/:id/thread', (q) => { const a = q.auth(); const [m] = access_message(+q.params.id, a); return [200, { parent: m, replies: messages.filter((x) => x.parent_id === m.id) }]; });
route('PATCH', '/messages/:id', (q) => { const a = q.auth(); const [m, , c] = access_message(+q.params.id, a); if (m.author.id !== a.id) fail(403, 'forbidden'); m.body = str(q.body.body, 'body', 1, 4000); m.html = render(m.body); m.edited_at = now(); publish_message('message.edited', m, c); return [200, { message: m }]; });
route('DELETE', '/messages/:id', (q) => { const a = q.auth(); const [m, , c] = access_message(+q.params.id, a); if (m.author.id !== a.id) require_host(c, a); Object.assign(m, { deleted: true, body: '', html: '', reactions: [] }); publish(c, { type: 'message.deleted', channel_id: m.channel_id, seq: m.seq, message_id: m.id }); return [204]; });
function react(q, add) {
  const a = q.auth(); const [m, , c] = access_message(+q.params.id, a); const emoji = decodeURIComponent(q.params.emoji);
  let r = m.reactions.find((x) => x.emoji === emoji);
  if (add && !r) { r = { emoji, count: 0, account_ids: [] }; m.reactions.push(r); }
  if (r) { const has = r.account_ids.includes(a.id); if (add && !has) r.account_ids.push(a.id); if (!add && has) r.account_ids = r.account_ids.filter((x) => x !== a.id); r.count = r.account_ids.length; if (!r.count) m.reactions = m.reactions.filter((x) => x !== r); }
  publish(c, { type: add ? 'reaction.added' : 'reaction.removed', channel_id: m.channel_id, message_id: m.id, emoji, account_id: a.id, message: m });
  return [200, { message: m }];
}
route('PUT', '/messages/:id/reactions/:emoji', (q) => react(q, true));
route('DELETE', '/messages/:id/reactions/:emoji', (q) => react(q, false));
route('POST', '/channels/:id/read', (q) => { const a = q.auth(); const [ch] = access_channel(+q.params.id, a); const seq = Math.min(ch.seq, +q.body.seq || 0); if (seq > (ch.reads.get(a.id) ?? 0)) ch.reads.set(a.id, seq); for (const s of sockets) if (s.account_id === a.id) s.send(JSON.stringify({ type: 'channel.read', channel_id: ch.id, last_read_seq: ch.reads.get(a.id) })); return [200, { channel: channel_json(ch, a) }]; });
// Test hook standing in for the SQL UPDATE the browser tests run against the real database.
route('POST', '/__mock/expire/:code', (q) => { const [i] = find_invitation(q.params.code); i.expires_at = new Date(1).toISOString(); return [200, {}]; });

function cookie_session(req) { const m = /(?:^|;\s*)ps_session=([^;]+)/.exec(req.headers.cookie ?? ''); return m?.[1]; }
function account_of(req) {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) { const t = tokens.find((x) => x.secret === auth.slice(7)); return t ? accounts.find((a) => a.id === t.account_id) : null; }
  const s = cookie_session(req); const id = s && sessions.get(s); return id ? accounts.find((a) => a.id === id) : null;
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.webmanifest': 'application/manifest+json', '.json': 'application/json' };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/healthz') { res.writeHead(200, { 'Content-Type': 'application/json' }); return res.end('{"status":"ok"}'); }
  if (!url.pathname.startsWith('/api/')) return serve_static(url.pathname, res);
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    const headers = { 'Content-Type': 'application/json' };
    const send = (status, body) => { res.writeHead(status, headers); res.end(body === undefined ? '' : JSON.stringify(body)); };
    try {
      const p = url.pathname.slice('/api/v1'.length);
      const matching = routes.filter((r) => r.re.test(p));
      if (!matching.length) fail(404, 'not_found');
      const r = matching.find((x) => x.method === req.method);
      if (!r) fail(405, 'method_not_allowed');
      let body = {};
      if (req.method !== 'GET') {
        if (cookie_session(req) && !req.headers.authorization && !(req.headers['content-type'] ?? '').startsWith('application/json') && req.headers['x-requested-with'] !== 'petitesalle') fail(403, 'csrf_rejected');
        if (raw) { try { body = JSON.parse(raw); } catch { fail(400, 'malformed_json'); } if (typeof body !== 'object' || !body || Array.isArray(body)) fail(400, 'malformed_json'); }
      }
      const q = {
        body, headers, query: url.searchParams, params: r.re.exec(p).groups ?? {}, session: cookie_session(req),
        lang: (req.headers['accept-language'] ?? '').startsWith('en') ? 'en' : 'fr',
        auth() { const a = account_of(req); if (!a) fail(401, 'unauthenticated'); return a; },
        login(a) { const t = token(); sessions.set(t, a.id); headers['Set-Cookie'] = `ps_session=${t}; Path=/; HttpOnly; SameSite=Lax`; },
      };
      const [status, out] = r.fn(q);
      send(status, out);
    } catch (e) {
      if (!(e instanceof Fail)) { console.error(e); e = new Fail(500, 'internal', 'internal'); }
      send(e.status, { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } });
    }
    console.log(req.method, url.pathname, res.statusCode);
  });
});

function serve_static(p, res) {
  if (!web_root) { res.writeHead(404); return res.end(); }
  let f = path.join(web_root, path.normalize(p).replace(/^(\.\.[/\\])+/, ''));
  if (!fs.existsSync(f) || fs.statSync(f).isDirectory()) f = path.join(web_root, 'index.html');
  res.writeHead(200, { 'Content-Type': MIME[path.extname(f)] ?? 'application/octet-stream', 'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'" });
  fs.createReadStream(f).pipe(res);
}

// A minimal WebSocket (RFC 6455) for /api/v1/stream: text frames, ping/pong, close.
server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://x');
  const a = account_of(req);
  if (url.pathname !== '/api/v1/stream' || !a) { socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n'); return; }
  const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const frame = (op, payload) => { const len = payload.length; const head = len < 126 ? Buffer.from([0x80 | op, len]) : len < 65536 ? Buffer.from([0x80 | op, 126, len >> 8, len & 255]) : (() => { const b = Buffer.alloc(10); b[0] = 0x80 | op; b[1] = 127; b.writeBigUInt64BE(BigInt(len), 2); return b; })(); if (!socket.destroyed) socket.write(Buffer.concat([head, payload])); };
  const client = { account_id: a.id, send: (text) => frame(1, Buffer.from(text)) };
  sockets.add(client);
  client.send(JSON.stringify({ type: 'hello', account_id: a.id }));
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const op = buf[0] & 15; let len = buf[1] & 127; let off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; } else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4); const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      buf = buf.subarray(off + 4 + len);
      if (op === 8) { frame(8, Buffer.alloc(0)); socket.end(); return; }
      if (op === 9) { frame(10, payload); continue; }
      if (op !== 1) continue;
      let msg; try { msg = JSON.parse(payload.toString()); } catch { client.send(JSON.stringify({ type: 'error', error: { code: 'malformed_json', message: 'bad json' } })); continue; }
      if (msg.type === 'ping') client.send('{"type":"pong"}');
      else if (msg.type === 'resume') {
        const out = {};
        for (const [id, seq] of Object.entries(msg.channels ?? {})) {
          const ch = channels.find((x) => x.id === +id); if (!ch) continue;
          const c = communities.find((x) => x.id === ch.community_id); if (!membership_of(c, a)) continue;
          for (const m of messages.filter((x) => x.channel_id === ch.id && x.seq > seq)) client.send(JSON.stringify({ type: 'message.created', channel_id: ch.id, seq: m.seq, message: m }));
          out[id] = ch.seq;
        }
        client.send(JSON.stringify({ type: 'resumed', channels: out }));
      } else client.send(JSON.stringify({ type: 'error', error: { code: 'unknown_type', message: 'unknown type' } }));
    }
  });
  const bye = () => sockets.delete(client);
  socket.on('close', bye);
  socket.on('error', bye);
});

server.listen(+port, host, () => console.log(`mock petitesalle on ${public_url}`));
process.on('SIGTERM', () => process.exit(0));
