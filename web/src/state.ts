// The app's shared state: plain objects mutated by the capability modules, then `changed()`.
// The root component re-renders on change; Preact's diff keeps that cheap at this size.
import { useEffect, useState } from 'preact/hooks';
import type { Account, Membership } from './api';

export type Connection = 'connecting' | 'online' | 'offline';

export const session = {
  /** undefined while the first GET /me is in flight; null when signed out. */
  me: undefined as Account | null | undefined,
  memberships: [] as Membership[],
  connection: 'connecting' as Connection,
  /** Set when a request found the session expired: the log-in page explains it. */
  expired: false,
};

const listeners = new Set<() => void>();
let scheduled = false;
/** Bumped on every change, so a view that subscribes late still sees what it missed. */
let version = 0;

/** Tells the views that state changed; batched to one render per microtask. */
export function changed() {
  if (scheduled) return;
  scheduled = true;
  version += 1;
  queueMicrotask(() => {
    scheduled = false;
    for (const l of [...listeners]) l();
  });
}

/** Re-renders the calling component whenever state changes. */
export function use_state_changes() {
  const [, set] = useState(0);
  const seen = version;
  useEffect(() => {
    const l = () => set((v) => v + 1);
    listeners.add(l);
    // A change between this render and the subscription (effects run after paint) would be lost.
    if (version !== seen) l();
    return () => void listeners.delete(l);
  }, []);
}

// ---- Routing: the URL is the state; paths are in app.tsx.

export function path(): string {
  return location.pathname;
}

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  changed();
}

window.addEventListener('popstate', () => changed());

/** Where to go back to after logging in (kept across the email round trip). */
export function remember_next(to: string) {
  // A login link or the log-in page itself is never a place to come back to.
  if (to.startsWith('/login')) return;
  localStorage.setItem('ps_next', to);
}
export function take_next(): string {
  const n = localStorage.getItem('ps_next');
  localStorage.removeItem('ps_next');
  return n && n.startsWith('/') && !n.startsWith('//') ? n : '/';
}
