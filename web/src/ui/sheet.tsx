// A sheet: slides up from the bottom on a phone (the thumb's reach), a centred dialog on wider
// screens. Modal: the focus moves in and stays in until it closes (Escape, the backdrop, the
// close button), then returns to what opened it. Sheets stack (a confirmation over a sheet):
// only the top one answers the keyboard.
import type { ComponentChildren, JSX } from 'preact';
import { createPortal } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';
import { Icon } from './icons';
import './ui.css';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The open sheets, innermost last. */
const open_sheets: HTMLElement[] = [];

/**
 * `variant` "lightbox": the whole screen, dark, for a picture (files/file_view.tsx); "search": the
 * whole screen on a phone, a wide dialog near the top on a laptop (search/search.css); "bell": the
 * whole screen on a phone, a panel under the top bar's end on a laptop (notifications/notifications.css).
 */
export function Sheet(props: { open: boolean; title: string; on_close: () => void; children: ComponentChildren; testid?: string; variant?: 'lightbox' | 'search' | 'bell' }): JSX.Element | null {
  const { open, title, children, testid, variant } = props;
  const title_id = useId();
  const panel = useRef<HTMLDivElement>(null);
  // The latest on_close, without re-running the effect (that would move the focus again).
  const close = useRef(props.on_close);
  close.current = props.on_close;

  // A layout effect: the focus goes back in the same commit that takes the sheet away, so it is
  // never left on the body in between.
  useLayoutEffect(() => {
    if (!open || !panel.current) return;
    const el = panel.current;
    const opener = document.activeElement as HTMLElement | null;
    open_sheets.push(el);
    const first = el.querySelector<HTMLElement>('[data-autofocus]') ?? el.querySelector<HTMLElement>(`.sheet__body :is(${FOCUSABLE})`);
    (first ?? el).focus();
    const on_key = (e: KeyboardEvent) => {
      if (open_sheets[open_sheets.length - 1] !== el) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close.current();
      } else if (e.key === 'Tab') {
        const all = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.offsetParent !== null || x === document.activeElement);
        if (all.length === 0) return e.preventDefault();
        const [head, tail] = [all[0], all[all.length - 1]];
        const inside = el.contains(document.activeElement);
        if (e.shiftKey && (document.activeElement === head || !inside)) {
          e.preventDefault();
          tail.focus();
        } else if (!e.shiftKey && (document.activeElement === tail || !inside)) {
          e.preventDefault();
          head.focus();
        }
      }
    };
    document.addEventListener('keydown', on_key, true);
    return () => {
      document.removeEventListener('keydown', on_key, true);
      open_sheets.splice(open_sheets.indexOf(el), 1);
      // Back to what opened it; when that is gone (the row it acted on was removed), to the page.
      const back = opener && opener.isConnected && opener !== document.body ? opener : document.getElementById('main');
      back?.focus({ preventScroll: true });
    };
  }, [open]);

  if (!open) return null;
  return createPortal(
    <div class={'sheet' + (variant ? ` sheet--${variant}` : '')} data-testid={testid}>
      <div class="sheet__backdrop" onClick={() => close.current()} />
      <div class="sheet__panel" role="dialog" aria-modal="true" aria-labelledby={title_id} ref={panel} tabIndex={-1}>
        <div class="sheet__head">
          <h2 id={title_id} class="sheet__title">{title}</h2>
          <button type="button" class="icon-btn sheet__close" aria-label={t('close')} onClick={() => close.current()}>
            <Icon name="close" />
          </button>
        </div>
        <div class="sheet__body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
