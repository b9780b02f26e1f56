// Toasts: a short word after an action ("Béa is now a host"), with an optional action (Undo).
// One polite live region, mounted once by the app shell, so screen readers hear each toast once.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { Icon } from './icons';
import './ui.css';

interface Toast {
  id: number;
  text: string;
  action?: { label: string; run: () => void };
  timeout_ms: number;
}

let toasts: Toast[] = [];
let next_id = 1;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

function dismiss(id: number) {
  toasts = toasts.filter((x) => x.id !== id);
  notify();
}

/** Shows a toast; it goes away by itself after `timeout_ms` (5 s), or when its action runs. */
export function show_toast(text: string, opts: { action?: { label: string; run: () => void }; timeout_ms?: number } = {}): void {
  // At most three at once: the oldest goes first.
  toasts = [...toasts.slice(-2), { id: next_id++, text, action: opts.action, timeout_ms: opts.timeout_ms ?? 5000 }];
  notify();
}

function ToastItem({ toast }: { toast: Toast }) {
  const [held, set_held] = useState(false);
  // Not while the pointer or the focus is on it: someone is reaching for its action.
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => dismiss(toast.id), toast.timeout_ms);
    return () => clearTimeout(timer);
  }, [held, toast.id]);
  return (
    <div class="toast" data-testid="toast" onMouseEnter={() => set_held(true)} onMouseLeave={() => set_held(false)} onFocusIn={() => set_held(true)} onFocusOut={() => set_held(false)}>
      <span class="toast__text">{toast.text}</span>
      {toast.action && (
        <button type="button" class="toast__action" onClick={() => { dismiss(toast.id); toast.action!.run(); }}>
          {toast.action.label}
        </button>
      )}
      <button type="button" class="toast__close" aria-label={t('close')} onClick={() => dismiss(toast.id)}>
        <Icon name="close" size={18} />
      </button>
    </div>
  );
}

export function Toasts(): JSX.Element {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return (
    <div class="toasts" aria-live="polite" aria-atomic="false" role="status">
      {toasts.map((x) => <ToastItem key={x.id} toast={x} />)}
    </div>
  );
}
