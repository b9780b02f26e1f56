// The files chosen for one message, post or comment before it goes (issue 13): a tray of chips.
// Each file uploads as soon as it is chosen; the tray knows each one's progress, its answer or
// its refusal, and whether the message may go (nothing still uploading, nothing refused left,
// some text or some file). Removing a file stops its upload, or deletes what the server
// already holds; sending hands the uploaded files to the message. The words and the markup are
// attachments.tsx's; this is plain state, tested in tests/unit/files.test.mjs.
import * as api from '../api';
import { ApiError, type FileInfo, type Upload } from '../api';
import { upload_problem, type Problem } from '../i18n';

/** The most files one message, post or comment may hold (the server's rule too). */
export const MAX_FILES = 10;

export type AttachmentState = 'uploading' | 'done' | 'failed';

/** One chosen file, as its chip shows it. */
export interface Attachment {
  key: number;
  file: File;
  /** The chosen name, then the server's (an iPhone's .heic comes back as a .jpg). */
  name: string;
  size: number;
  /** A small picture of a chosen image for its chip (a data: URL, made here), once made. */
  preview?: string;
  state: AttachmentState;
  /** Bytes sent so far, of `total`. */
  sent: number;
  total: number;
  info?: FileInfo;
  /** Why it was refused, kept as data and worded when shown. */
  problem?: Problem;
}

/** Starts one upload: api.upload_file in the app, a fake in the tests. */
export type Uploader = (file: File, name: string, on_progress: (sent: number, total: number) => void) => Upload;
/** Makes a chip's picture of a chosen file, if it is an image the browser can read. */
export type Thumbnailer = (file: File) => Promise<string | undefined>;

/** What stops a message from going now, if anything (the composer says it). */
export type Blocker = 'uploading' | 'failed' | null;

export class Tray {
  items: Attachment[] = [];
  private readonly uploads = new Map<number, Upload>();
  private readonly listeners = new Set<() => void>();
  private next_key = 1;

  constructor(
    private readonly upload: Uploader,
    private readonly discard: (id: number) => Promise<unknown> = api.delete_file,
    readonly max = MAX_FILES,
    private readonly thumbnail: Thumbnailer = chip_picture,
  ) {}

  /** Calls `fn` on every change (progress included); returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private notify() {
    for (const l of [...this.listeners]) l();
  }

  /** Adds files and starts their uploads; returns how many did not fit under the maximum. */
  add(files: File[]): number {
    const room = Math.max(0, this.max - this.items.length);
    for (const file of files.slice(0, room)) {
      const a: Attachment = { key: this.next_key++, file, name: file.name || 'file', size: file.size, state: 'uploading', sent: 0, total: file.size };
      this.items = [...this.items, a];
      this.start(a);
      void this.thumbnail(file).then((preview) => {
        if (!preview || !this.items.some((x) => x.key === a.key)) return;
        this.items = this.items.map((x) => (x.key === a.key ? { ...x, preview } : x));
        this.notify();
      }, () => {});
    }
    this.notify();
    return Math.max(0, files.length - room);
  }

  private start(a: Attachment) {
    const patch = (p: Partial<Attachment>) => {
      if (!this.items.some((x) => x.key === a.key)) return; // removed meanwhile
      this.items = this.items.map((x) => (x.key === a.key ? { ...x, ...p } : x));
      this.notify();
    };
    patch({ state: 'uploading', sent: 0, total: a.size, problem: undefined, info: undefined });
    const up = this.upload(a.file, a.file.name || a.name, (sent, total) => patch({ sent, total }));
    this.uploads.set(a.key, up);
    up.done.then(
      ({ file }) => {
        this.uploads.delete(a.key);
        if (!this.items.some((x) => x.key === a.key)) {
          // Removed while its answer was on the way: the server holds it, so it goes there too.
          void this.discard(file.id).catch(() => {});
          return;
        }
        patch({ state: 'done', info: file, name: file.name, sent: a.size, total: a.size });
      },
      (e) => {
        this.uploads.delete(a.key);
        if (e instanceof ApiError && e.code === 'aborted') return; // stopped here, on purpose
        patch({ state: 'failed', problem: upload_problem(e) });
      },
    );
  }

  /** Uploads a refused file again. */
  retry(key: number) {
    const a = this.items.find((x) => x.key === key);
    if (a && a.state === 'failed') this.start(a);
  }

  /** Takes a chip away: stops its upload, or deletes the upload the server holds for it. */
  remove(key: number) {
    const a = this.items.find((x) => x.key === key);
    if (!a) return;
    this.items = this.items.filter((x) => x.key !== key);
    this.uploads.get(key)?.abort();
    this.uploads.delete(key);
    if (a.state === 'done' && a.info) void this.discard(a.info.id).catch(() => {});
    this.notify();
  }

  /** The message went with these files: they are the message's now, and the chips go. */
  take(): FileInfo[] {
    const files = this.items.filter((a) => a.state === 'done' && a.info).map((a) => a.info!);
    this.items = [];
    this.notify();
    return files;
  }

  /** Forgets everything without deleting (a log out: the server sweeps unsent uploads). */
  forget() {
    for (const up of this.uploads.values()) up.abort();
    this.uploads.clear();
    this.items = [];
    this.notify();
  }

  get uploading(): boolean {
    return this.items.some((a) => a.state === 'uploading');
  }

  get ready(): number {
    return this.items.filter((a) => a.state === 'done').length;
  }

  get full(): boolean {
    return this.items.length >= this.max;
  }

  /** What keeps a message from going now: a file still uploading, or one refused and left there. */
  blocker(): Blocker {
    if (this.uploading) return 'uploading';
    if (this.items.some((a) => a.state === 'failed')) return 'failed';
    return null;
  }

  /** Whether a message with this text and these files may go: some text or a file, and no blocker. */
  can_send(body: string): boolean {
    return this.blocker() === null && (body.trim() !== '' || this.ready > 0);
  }
}

/** The side of a chip's picture, in device pixels (44 CSS pixels at 2×). */
const CHIP_PX = 88;

/**
 * A chip's picture of an image, made in the page: decoded at a small size (createImageBitmap,
 * turned upright as the browser shows it), cropped square, and kept as a data: URL. Not an
 * object URL of the file: the app's Content-Security-Policy lets images come from itself and
 * data: only. Nothing for a file the browser cannot decode (a HEIC on most): the chip shows an
 * icon, then the server's thumbnail once it is up.
 */
async function chip_picture(file: File): Promise<string | undefined> {
  if (!file.type.startsWith('image/') || typeof createImageBitmap !== 'function' || typeof document === 'undefined') return undefined;
  const bitmap = await createImageBitmap(file);
  try {
    const side = Math.min(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = CHIP_PX;
    const ctx = canvas.getContext('2d');
    if (!ctx || !side) return undefined;
    ctx.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, CHIP_PX, CHIP_PX);
    return canvas.toDataURL('image/jpeg', 0.8);
  } finally {
    bitmap.close();
  }
}

// ---- One tray per box (a channel's composer, a thread's, a board's new post, a post's
// comment), kept while the app runs: switching channels and back keeps the chips, and the
// uploads go on meanwhile. Not across reloads: the server sweeps the uploads never sent.

const trays = new Map<string, Tray>();

/** The tray of the box `key` (a draft key), uploading to the community `slug`. */
export function tray_for(key: string, slug: string): Tray {
  const k = `${slug}|${key}`;
  let tray = trays.get(k);
  if (!tray) trays.set(k, (tray = new Tray((file, name, on_progress) => api.upload_file(slug, file, name, on_progress))));
  return tray;
}

/** On log out: every tray goes, its uploads stopped. */
export function forget_trays() {
  for (const tray of trays.values()) tray.forget();
  trays.clear();
}
