// Just enough of a browser for the app's plain modules to load under Node.
const store = new Map();
globalThis.localStorage = {
  getItem: (k) => (store.has(k) ? store.get(k) : null),
  setItem: (k, v) => void store.set(k, String(v)),
  removeItem: (k) => void store.delete(k),
  clear: () => store.clear(),
  key: (i) => [...store.keys()][i] ?? null,
  get length() {
    return store.size;
  },
};
globalThis.sessionStorage = globalThis.localStorage;
Object.defineProperty(globalThis, 'navigator', { value: { onLine: true, language: 'fr-CA', languages: ['fr-CA'] }, configurable: true });
globalThis.window = globalThis;
globalThis.addEventListener = () => {};
globalThis.scrollTo = () => {};
globalThis.document = { visibilityState: 'visible', documentElement: {} };
globalThis.location = { pathname: '/', search: '', host: '127.0.0.1', protocol: 'http:' };
globalThis.history = { pushState: (_s, _t, u) => (location.pathname = u), replaceState: (_s, _t, u) => (location.pathname = u) };

/**
 * fetch answers from a queue of [status, body] the test sets, or, when `http.handler` is set,
 * from handler(url, init) → [status, body] (a fake server); every request is recorded.
 */
export const http = { queue: [], requests: [], handler: null };
globalThis.fetch = async (url, init = {}) => {
  http.requests.push({ url, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body });
  const next = http.handler ? await http.handler(url, init) : http.queue.shift();
  if (!next) throw new TypeError('Failed to fetch');
  if (next === 'offline') throw new TypeError('Failed to fetch');
  const [status, body, headers = {}] = next;
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
};

// The app's timers (the pending-message retry) must not keep the test process alive.
const real_set_interval = globalThis.setInterval;
globalThis.setInterval = (...args) => {
  const timer = real_set_interval(...args);
  timer.unref?.();
  return timer;
};
