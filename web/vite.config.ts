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
      const source = `// Generated at build time by vite.config.ts: caches the app shell.
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
