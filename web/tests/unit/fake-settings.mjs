// The fake server's answers to the notification settings, a room's level, Web Push and the
// autocomplete (docs/api.md, "Mentions" and "Outside the app"), checked as the server checks them
// (src/notifications/settings.cpp, src/push/service.cpp). Its state lives on the FakeServer.

const clone = (x) => JSON.parse(JSON.stringify(x));

function default_settings() {
  return { email: '15min', push_previews: 'full', quiet_hours: null, time_zone: 'America/Toronto', digest: 'weekly' };
}

// ---- Notification settings, a room's level, Web Push, the autocomplete: as the brief and
// docs/api.md give them (src/notifications/settings.cpp and src/push/service.cpp check the same).

export function handle_settings(server, account_id, method, p, u, raw) {
  let body = {};
  try {
    body = raw ? JSON.parse(raw) : {};
  } catch {
    return [400, { error: { code: 'malformed_json', message: 'bad json' } }];
  }
  const invalid = (field) => [422, { error: { code: 'invalid_field', message: `Le champ « ${field} » est invalide.`, field } }];
  let m;
  if (p === '/me/notifications') {
    const now = server.settings.get(account_id) ?? default_settings();
    if (method === 'GET') return [200, { settings: clone(now) }];
    if (method !== 'PUT') return [405, { error: { code: 'method_not_allowed', message: method } }];
    const next = clone(now);
    const clock = (v) => typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v);
    if ('email' in body) {
      if (!['never', '15min', 'daily'].includes(body.email)) return invalid('email');
      next.email = body.email;
    }
    if ('digest' in body) {
      if (!['off', 'daily', 'weekly'].includes(body.digest)) return invalid('digest');
      next.digest = body.digest;
    }
    if ('push_previews' in body) {
      if (!['full', 'private'].includes(body.push_previews)) return invalid('push_previews');
      next.push_previews = body.push_previews;
    }
    if ('quiet_hours' in body) {
      const q = body.quiet_hours;
      if (q !== null) {
        if (typeof q !== 'object') return invalid('quiet_hours');
        if (!clock(q.start)) return invalid('quiet_hours.start');
        if (!clock(q.end) || q.end === q.start) return invalid('quiet_hours.end');
      }
      next.quiet_hours = q === null ? null : { start: q.start, end: q.end };
    }
    if ('time_zone' in body) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: body.time_zone });
      } catch {
        return invalid('time_zone');
      }
      if (typeof body.time_zone !== 'string') return invalid('time_zone');
      next.time_zone = body.time_zone;
    }
    server.settings.set(account_id, next);
    return [200, { settings: clone(next) }];
  }
  if (p === '/push/key' && method === 'GET') return [200, { public_key: server.push_public_key }];
  if (p === '/push/subscriptions' && method === 'POST') {
    const { endpoint, keys } = body;
    const b64url = (v) => typeof v === 'string' && /^[A-Za-z0-9_-]+=*$/.test(v);
    if (typeof endpoint !== 'string' || !endpoint.startsWith('https://') || !keys || !b64url(keys.p256dh) || !b64url(keys.auth))
      return [422, { error: { code: 'invalid_push_subscription', message: 'Cet abonnement aux notifications n’est pas valable.' } }];
    server.subscriptions = server.subscriptions.filter((x) => x.endpoint !== endpoint);
    const sub = { id: server.subscriptions.length + 1, account_id, endpoint, p256dh: keys.p256dh, auth: keys.auth, created_at: server.now() };
    server.subscriptions.push(sub);
    return [201, { subscription: { id: sub.id, endpoint, created_at: sub.created_at } }];
  }
  if (p === '/push/subscriptions' && method === 'DELETE') {
    const endpoint = u.searchParams.get('endpoint') ?? '';
    if (!endpoint) return invalid('endpoint');
    server.subscriptions = server.subscriptions.filter((x) => !(x.account_id === account_id && x.endpoint === endpoint));
    return [204, null];
  }
  if ((m = p.match(/^\/channels\/(\d+)\/notifications$/))) {
    const ch = server.channels.get(Number(m[1]));
    if (!ch || !server.members.get(ch.community_id)?.has(account_id)) return [404, { error: { code: 'not_found', message: 'not found' } }];
    const usual = ['direct', 'group', 'broadcast'].includes(ch.kind) ? 'all' : 'mentions';
    const key = `${ch.id}:${account_id}`;
    if (method === 'PUT') {
      if (!['all', 'mentions', 'nothing', 'default'].includes(body.level)) return invalid('level');
      if (body.level === 'default') server.levels.delete(key);
      else server.levels.set(key, body.level);
    } else if (method !== 'GET') return [405, { error: { code: 'method_not_allowed', message: method } }];
    const chosen = server.levels.get(key);
    return [200, { level: chosen ?? usual, default: usual, is_default: chosen === undefined }];
  }
  if ((m = p.match(/^\/channels\/(\d+)\/mentionable$/)) && method === 'GET') {
    const ch = server.channels.get(Number(m[1]));
    if (!ch || !server.members.get(ch.community_id)?.has(account_id)) return [404, { error: { code: 'not_found', message: 'not found' } }];
    const fold = (x) => x.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const q = fold(u.searchParams.get('q') ?? '');
    const host = ['owner', 'host'].includes(server.members.get(ch.community_id).get(account_id).role);
    const members = [...server.members.get(ch.community_id).keys()]
      .filter((a) => a !== account_id)
      .map((a) => ({ id: a, display_name: server.accounts.get(a).display_name }))
      .filter((x) => fold(x.display_name).split(/\s+/).some((w) => w.startsWith(q)));
    return [200, { members: members.slice(0, 8), everyone: host && 'everyone'.startsWith(q), here: host && 'here'.startsWith(q) }];
  }
  return null;
}
