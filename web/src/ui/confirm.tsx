// Confirmations in the app's own sheet, never the browser's confirm(): the same look, language
// and keyboard everywhere. `await ask_confirm({...})` is true only for the confirm button.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { Sheet } from './sheet';

interface Ask {
  id: number;
  title: string;
  body?: string;
  confirm: string;
  cancel?: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

/** Waiting to be answered, the one shown first. */
let queue: Ask[] = [];
let next_id = 1;
const listeners = new Set<() => void>();

export function ask_confirm(opts: { title: string; body?: string; confirm: string; cancel?: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    queue = [...queue, { ...opts, id: next_id++, resolve }];
    listeners.forEach((l) => l());
  });
}

function answer(ask: Ask, ok: boolean) {
  queue = queue.filter((x) => x !== ask);
  listeners.forEach((l) => l());
  ask.resolve(ok);
}

export function Confirmations(): JSX.Element {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  const ask = queue[0];
  return (
    // Keyed by the question, so the next one in the queue opens as a new sheet.
    <Sheet key={ask?.id ?? 0} open={!!ask} title={ask?.title ?? ''} on_close={() => ask && answer(ask, false)} testid="confirm">
      {ask && (
        <div class="confirm">
          {ask.body && <p>{ask.body}</p>}
          <div class="confirm__actions">
            {/* A dangerous action starts on « Cancel »: a stray Enter keeps things as they are. */}
            <button type="button" class="btn" onClick={() => answer(ask, false)} data-autofocus={ask.danger ? '' : undefined}>
              {ask.cancel ?? t('cancel')}
            </button>
            <button type="button" class={'btn ' + (ask.danger ? 'btn--danger-solid' : 'btn--primary')} onClick={() => answer(ask, true)} data-autofocus={ask.danger ? undefined : ''}>
              {ask.confirm}
            </button>
          </div>
        </div>
      )}
    </Sheet>
  );
}
