import { defineConfig, type Plugin } from 'vite';

// Writes dist/sw.js with the exact list of files that make the app shell, so the service
// worker can precache hashed assets without a runtime dependency (no workbox).
function service_worker(): Plugin {
  return {
    name: 'petitesalle-sw',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = ['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/icon-512.png'];
      for (const [name, file] of Object.entries(bundle)) {
        // What only an import() loads (the emoji picker's data, ~175 KB gzip) is not the shell:
        // a phone should not download it on install. It is cached the first time it is used.
        if (file.type === 'chunk' && file.isDynamicEntry && !file.isEntry) continue;
        if (name.startsWith('assets/')) shell.push('/' + name);
      }
      const version = shell.join('|');
      let hash = 0;
      for (let i = 0; i < version.length; i++) hash = (hash * 31 + version.charCodeAt(i)) | 0;
      const source = `// Generated at build time by vite.config.ts: caches the app shell, and shows Web Push notifications.
const CACHE = 'petitesalle-${(hash >>> 0).toString(36)}';
const SHELL = ${JSON.stringify(shell)};
self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname === '/healthz') return;
  if (req.mode === 'navigate') {
    // Network first so a new version shows at once; the cached shell when offline.
    e.respondWith(fetch(req).catch(() => caches.match('/')));
    return;
  }
  e.respondWith(caches.match(req).then((hit) => hit || fetch(req).then((res) => {
    // A hashed asset loaded on demand is kept for the next time, offline included.
    if (res.ok && url.pathname.startsWith('/assets/')) {
      const copy = res.clone();
      void caches.open(CACHE).then((c) => c.put(req, copy));
    }
    return res;
  })));
});

// ---- Web Push (the app's notifications/push.ts subscribes). The payload is JSON:
// {"title","body","url","tag","notification_id"}. Requests from here follow the app's API rules:
// the session cookie, JSON, and X-Requested-With (the server's CSRF rule for a state change).
const api = (method, path, body) => fetch('/api/v1' + path, {
  method,
  credentials: 'same-origin',
  headers: { Accept: 'application/json', ...(method === 'GET' ? {} : { 'Content-Type': 'application/json', 'X-Requested-With': 'petitesalle' }) },
  body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
});
self.addEventListener('push', (e) => {
  let data = {};
  try { data = e.data ? e.data.json() : {}; } catch { data = { body: e.data ? e.data.text() : '' }; }
  const title = data.title || 'Petite Salle';
  e.waitUntil(self.registration.showNotification(title, {
    body: data.body || '', tag: data.tag || undefined, icon: '/icon-192.png', badge: '/icon-192.png',
    data: { url: data.url || '/', notification_id: data.notification_id },
  }));
});
// A tap on one: read, as a tap on the bell's item would (offline, it stays unread: no harm), then
// the app's window goes there (the page navigates itself: it keeps what it holds), or a new one
// opens. A plain function, so that the browser story can call it as a tap would.
async function open_from_notification(data) {
  const { url = '/', notification_id } = data || {};
  const target = new URL(url, self.location.origin);
  const path = target.origin === self.location.origin ? target.pathname + target.search : '/';
  if (notification_id) await api('POST', '/notifications/read', { ids: [notification_id] }).catch(() => {});
  const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const app = open.find((c) => new URL(c.url).origin === self.location.origin);
  if (!app) return self.clients.openWindow(path);
  app.postMessage({ type: 'open', url: path });
  return app.focus().catch(() => app);
}
self.addEventListener('notificationclick', (e) => {
  e.notification.close();
  e.waitUntil(open_from_notification(e.notification.data));
});
// The push service replaced the subscription (it expired, or the browser renewed its keys):
// subscribe again with the server's key and tell the server, forgetting the old one.
self.addEventListener('pushsubscriptionchange', (e) => {
  e.waitUntil((async () => {
    const old = e.oldSubscription;
    let sub = e.newSubscription;
    if (!sub) {
      const res = await api('GET', '/push/key');
      if (!res.ok) return;
      const { public_key } = await res.json();
      const b64 = public_key.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (public_key.length % 4)) % 4);
      const key = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    }
    await api('POST', '/push/subscriptions', sub.toJSON());
    if (old && old.endpoint !== sub.endpoint) await api('DELETE', '/push/subscriptions?endpoint=' + encodeURIComponent(old.endpoint)).catch(() => {});
  })());
});
`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  plugins: [service_worker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
  },
});
