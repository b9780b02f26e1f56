// Attaching files to a message, a post or a comment (issue 13), the same way in every box: the
// attach button (the phone's own picker, which offers the photos, the camera and the files),
// a drop onto the box or the room, an image pasted from the clipboard. Each file is a chip above
// the box: its thumbnail or icon, name and size, its upload's progress, and a way to take it off;
// a refused one says why, with Retry. The state is upload.ts's Tray.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { format_size, problem_text, t } from '../i18n';
import { Icon } from '../ui/icons';
import { show_toast } from '../ui/toast';
import type { Attachment, Tray } from './upload';
import './files.css';

/** Re-renders the calling component on every change of the tray (progress included). */
export function use_tray(tray: Tray | undefined) {
  const [, redraw] = useState(0);
  useEffect(() => tray?.subscribe(() => redraw((n) => n + 1)), [tray]);
}

/** Adds files to the tray; past the maximum, a toast says how many one message may hold. */
export function add_files(tray: Tray | undefined, files: File[]) {
  if (!tray || !files.length) return;
  if (tray.add(files) > 0) show_toast(t('too_many_files', { count: tray.max }));
}

/** The files a paste brings, when it brings files and no text (a screenshot, a copied image). */
export function pasted_files(data: DataTransfer | null): File[] {
  if (!data || data.getData('text/plain')) return [];
  return [...data.files];
}

/**
 * A drop target's handlers, and whether files are being dragged over it (for the hint). Only a
 * drag that carries files counts: dragging text within the page stays the browser's.
 */
export function use_drop(on_files: (files: File[]) => void, enabled = true) {
  const [active, set_active] = useState(false);
  const depth = useRef(0);
  const carries_files = (e: DragEvent) => enabled && !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!carries_files(e)) return;
      e.preventDefault();
      depth.current += 1;
      set_active(true);
    },
    onDragOver: (e: DragEvent) => {
      if (!carries_files(e)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    },
    onDragLeave: (e: DragEvent) => {
      if (!carries_files(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) set_active(false);
    },
    onDrop: (e: DragEvent) => {
      if (!carries_files(e)) return;
      e.preventDefault();
      depth.current = 0;
      set_active(false);
      on_files([...(e.dataTransfer?.files ?? [])]);
    },
  };
  return { active, handlers };
}

/** The words over a room or form while files are dragged over it. */
export function DropHint({ active }: { active: boolean }) {
  if (!active) return null;
  return <div class="drop-hint" aria-hidden="true"><span><Icon name="attach" /> {t('drop_files')}</span></div>;
}

/**
 * The attach button, and the file input it opens. No `accept`: every kind of file may go, and a
 * phone then offers its photos, its camera and its files; no `capture`, which would force the
 * camera.
 */
export function AttachButton({ tray, disabled, labelled }: { tray: Tray; disabled?: boolean; labelled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      {labelled ? (
        // In a form, with its words: there is room for them.
        <button type="button" class="btn btn--small attach-btn attach-btn--labelled" disabled={disabled} onClick={() => input.current?.click()}>
          <Icon name="attach" /> {t('attach_files')}
        </button>
      ) : (
        <button type="button" class="icon-btn attach-btn" aria-label={t('attach_files')} disabled={disabled} onClick={() => input.current?.click()}>
          <Icon name="attach" />
        </button>
      )}
      <input
        ref={input}
        type="file"
        multiple
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        aria-label={t('attach_files')}
        data-testid="attach-input"
        onChange={(e) => {
          const el = e.currentTarget as HTMLInputElement;
          add_files(tray, [...(el.files ?? [])]);
          el.value = ''; // the same file chosen again is a change again
        }}
      />
    </>
  );
}

/** The chips of a tray, above its box; nothing when it is empty. */
export function Chips({ tray }: { tray: Tray }): JSX.Element | null {
  if (!tray.items.length) return null;
  return (
    <ul class="chips" aria-label={t('attachments')}>
      {tray.items.map((a) => <Chip key={a.key} a={a} tray={tray} />)}
    </ul>
  );
}

function Chip({ a, tray }: { a: Attachment; tray: Tray }) {
  const [thumb_ok, set_thumb_ok] = useState(true);
  const percent = a.total > 0 ? Math.min(100, Math.round((a.sent / a.total) * 100)) : 0;
  // The picture made here, else the server's thumbnail once the image is up.
  const picture = a.preview ?? a.info?.thumbnail_url;
  return (
    <li class={'chip chip--' + a.state} data-testid="chip" data-state={a.state}>
      {picture && thumb_ok ? (
        <img class="chip__thumb" src={picture} alt="" width={44} height={44} onError={() => set_thumb_ok(false)} />
      ) : (
        <span class="chip__thumb chip__thumb--icon" aria-hidden="true"><Icon name="file" /></span>
      )}
      <div class="chip__main">
        <span class="chip__name">{a.name}</span>
        <span class="chip__size">{format_size(a.size)}</span>
        {a.state === 'uploading' && (
          <progress class="chip__progress" max={100} value={percent} aria-label={t('uploading_file', { name: a.name })} />
        )}
        {a.state === 'done' && <span class="visually-hidden" role="status">{t('upload_done', { name: a.name })}</span>}
        {a.state === 'failed' && a.problem && <p class="chip__error" role="alert">{problem_text(a.problem)}</p>}
      </div>
      {a.state === 'failed' && (
        <button type="button" class="btn btn--small chip__retry" aria-label={t('retry_upload', { name: a.name })} onClick={() => tray.retry(a.key)}>
          {t('retry')}
        </button>
      )}
      <button type="button" class="icon-btn chip__remove" aria-label={t('remove_file', { name: a.name })} onClick={() => tray.remove(a.key)}>
        <Icon name="close" size={18} />
      </button>
    </li>
  );
}
