// Web Push on this device: whether the browser can, whether the person allowed it, and the
// subscription the server sends to (docs: POST/DELETE /push/subscriptions). Permission is asked
// only when the person taps the switch, never on load: a browser remembers a refusal made to a
// prompt nobody asked for. The service worker (vite.config.ts) shows what arrives and opens it.
import * as api from '../api';
import { ApiError } from '../api';
import { navigate } from '../state';

/**
 * What the switch says: the browser cannot (`unsupported`); an iPhone or iPad whose Safari gives
 * push only to the app added to the home screen (`needs_install`); the person refused, which only
 * the browser's settings undo (`denied`); this server sends none (`unavailable`: no key); off; on.
 */
export type PushState = 'unsupported' | 'needs_install' | 'denied' | 'unavailable' | 'off' | 'on';

/** An iPhone or iPad (iPadOS says it is a Mac, with a touch screen). */
export function is_ios(ua: string, platform: string, touch_points: number): boolean {
  return /iPhone|iPad|iPod/.test(ua) || (platform === 'MacIntel' && touch_points > 1);
}

function installed(): boolean {
  return (typeof matchMedia === 'function' && matchMedia('(display-mode: standalone)').matches) || (navigator as { standalone?: boolean }).standalone === true;
}

/** Whether this browser can subscribe at all, before asking anything. */
export function push_support(): 'ok' | 'unsupported' | 'needs_install' {
  if (is_ios(navigator.userAgent ?? '', navigator.platform ?? '', navigator.maxTouchPoints ?? 0) && !installed()) return 'needs_install';
  if (!('serviceWorker' in navigator) || typeof PushManager === 'undefined' || typeof Notification === 'undefined') return 'unsupported';
  return 'ok';
}

/** The server's key (base64url, an uncompressed P-256 point) as the bytes subscribe() takes. */
export function key_bytes(base64url: string): Uint8Array {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function same_bytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

/**
 * The service worker's registration. In production main.tsx registers it at load; when it is not
 * there yet (the first seconds, or a dev server) it is registered here, and waited for at most 10 s.
 */
async function registration(): Promise<ServiceWorkerRegistration> {
  const held = await navigator.serviceWorker.getRegistration();
  if (!held) await navigator.serviceWorker.register('/sw.js');
  return Promise.race([
    navigator.serviceWorker.ready,
    new Promise<never>((_, reject) => setTimeout(() => reject(new ApiError(0, 'push_no_worker', 'no service worker')), 10000)),
  ]);
}

/** Where this device stands now (nothing is asked of the person). */
export async function push_status(): Promise<PushState> {
  const support = push_support();
  if (support !== 'ok') return support === 'needs_install' ? 'needs_install' : 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  return sub && Notification.permission === 'granted' ? 'on' : 'off';
}

/** The switch turned on (a tap: the permission prompt may show). */
export async function enable_push(): Promise<PushState> {
  const support = push_support();
  if (support !== 'ok') return support === 'needs_install' ? 'needs_install' : 'unsupported';
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission === 'denied') return 'denied';
  if (permission !== 'granted') return 'off'; // the prompt was dismissed: nothing decided
  let key: Uint8Array;
  try {
    key = key_bytes((await api.push_key()).public_key);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return 'unavailable';
    throw e;
  }
  const reg = await registration();
  let sub = await reg.pushManager.getSubscription();
  // A subscription made with another key (the server's keys changed) cannot receive its pushes.
  if (sub && !same_bytes(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe().catch(() => {});
    sub = null;
  }
  sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key as BufferSource });
  try {
    await api.add_push_subscription(sub.toJSON() as api.PushSubscriptionData);
  } catch (e) {
    await sub.unsubscribe().catch(() => {});
    throw e;
  }
  return 'on';
}

/** The switch turned off, or the person logs out: this device gets nothing more. */
export async function disable_push(): Promise<PushState> {
  if (push_support() !== 'ok') return push_status();
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = await reg?.pushManager.getSubscription();
  if (sub) {
    const endpoint = sub.endpoint;
    await sub.unsubscribe().catch(() => {});
    await api.remove_push_subscription(endpoint).catch((e) => {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    });
  }
  return Notification.permission === 'denied' ? 'denied' : 'off';
}

/**
 * A tap on a notification, when the app is open: the service worker asks this page to go there
 * (the page keeps its state; navigating the window would load the app again).
 */
export function watch_service_worker() {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const url = e.data?.type === 'open' ? e.data.url : undefined;
    if (typeof url === 'string' && url.startsWith('/') && !url.startsWith('//')) navigate(url);
  });
}
