// The newsletter's plain logic, apart from its views (tested in tests/unit/newsletter.test.mjs):
// the host's list in its three groups, what « send » is sent, the checks before it goes, the
// uploaded image's Markdown put where the cursor is, and the live preview's requests.
import type { Audience, Newsletter, NewsletterPreview } from '../api';
import type { Problem } from '../i18n';
import { utc_to_zoned } from './zone';

/** The host's list: drafts, then scheduled (soonest first), then sent and sending (newest first). */
export function group_issues(list: Newsletter[]): { drafts: Newsletter[]; scheduled: Newsletter[]; sent: Newsletter[] } {
  const by = (k: 'scheduled_at' | 'sent_at' | 'updated_at', dir: 1 | -1) => (a: Newsletter, b: Newsletter) =>
    dir * (Date.parse(a[k] ?? a.updated_at) - Date.parse(b[k] ?? b.updated_at));
  return {
    drafts: list.filter((n) => n.status === 'draft').sort(by('updated_at', -1)),
    scheduled: list.filter((n) => n.status === 'scheduled').sort(by('scheduled_at', 1)),
    sent: list.filter((n) => n.status === 'sent' || n.status === 'sending').sort(by('sent_at', -1)),
  };
}

/** Whether the host may still change it (the server says 409 newsletter_not_editable after). */
export function editable(n: Newsletter): boolean {
  return n.status === 'draft' || n.status === 'scheduled';
}

/** Why an issue may not go to this audience: nobody chosen. */
export function audience_problem(a: Audience): Problem | null {
  return a.members || a.subscribers ? null : { code: 'invalid_field', field: 'audience' };
}

/** The most ahead an issue may be scheduled (the server's rule: a year). */
export const MAX_AHEAD_MS = 365 * 86_400_000;

/** Why an issue may not be scheduled at `at` (UTC ISO, null when the inputs read as no time). */
export function schedule_problem(at: string | null, now: number): Problem | null {
  if (!at) return { code: 'invalid_field', field: 'send_date' };
  const ms = Date.parse(at);
  return ms <= now || ms - now > MAX_AHEAD_MS ? { code: 'invalid_send_time', field: 'send_date' } : null;
}

/** The body of POST /newsletters/{id}/send: the audience chosen, and the time for a schedule. */
export function send_body(a: Audience, at?: string | null): { audience: Audience; at?: string } {
  return { audience: { members: a.members, subscribers: a.subscribers }, ...(at ? { at } : {}) };
}

/** A schedule's first proposal: tomorrow at 9:00 on the community's clock. */
export function default_schedule(now: number, tz: string): { date: string; time: string } {
  return { date: utc_to_zoned(new Date(now + 86_400_000).toISOString(), tz).date, time: '09:00' };
}

/**
 * The Markdown of an image, as the body holds it: `alt` (the uploaded file's name) with the
 * characters that would end or escape it in Markdown escaped, and on one line.
 */
export function image_markdown(url: string, alt = ''): string {
  const text = alt.replace(/\s+/g, ' ').trim().replace(/[\\[\]]/g, (c) => `\\${c}`);
  return `![${text}](${url})`;
}

/** The address of an uploaded file, as the body names it: the server attaches these to the issue. */
export function file_url(id: number): string {
  return `/api/v1/files/${id}`;
}

const FILE_IMAGE = /src="([^"]*)\/api\/v1\/files\/(\d+)(?:\/preview|\/thumbnail)?"/g;

/**
 * The files of this server (at `origin`) that an email's HTML shows as images, each once: the
 * editor's email preview is a sandboxed frame, which sends no cookie, so it cannot fetch them.
 */
export function file_image_ids(html: string, origin: string): number[] {
  const ids: number[] = [];
  for (const m of html.matchAll(FILE_IMAGE)) {
    const id = Number(m[2]);
    if (m[1] === origin && id > 0 && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The email's HTML with the images of `urls` (file id → a data: URL fetched by the app) in place. */
export function with_image_data(html: string, origin: string, urls: Map<number, string>): string {
  return html.replace(FILE_IMAGE, (all, at: string, id: string) => {
    const url = at === origin ? urls.get(Number(id)) : undefined;
    return url ? `src="${url}"` : all;
  });
}

/**
 * `snippet` put in place of the selection [start, end) of `text`, on a line of its own (a blank
 * line before and after when there is text there), and where the cursor goes after it.
 */
export function insert_block(text: string, start: number, end: number, snippet: string): { text: string; caret: number } {
  const head = text.slice(0, start).replace(/[ \t]+$/, '');
  const tail = text.slice(end).replace(/^[ \t]+/, '');
  const before = head === '' ? '' : head.endsWith('\n\n') ? '' : head.endsWith('\n') ? '\n' : '\n\n';
  const after = tail === '' ? '\n' : tail.startsWith('\n\n') ? '' : tail.startsWith('\n') ? '\n' : '\n\n';
  const out = head + before + snippet + after;
  return { text: out + tail, caret: out.length };
}

/** The public subscription form's address. */
export function public_form_url(origin: string, slug: string): string {
  return `${origin}/c/${slug}/subscribe`;
}

export interface DraftText {
  subject: string;
  body: string;
  preview_text: string;
}

/** What a preview request shows: its answer, or why it failed. */
export type PreviewState = { preview: NewsletterPreview; error?: undefined } | { preview?: undefined; error: unknown } | { preview?: undefined; error?: undefined };

/**
 * The live preview: asks `wait` ms (400) after the last change, one request at a time: a newer
 * text aborts the request of an older one, and an answer to a text no longer the latest is
 * dropped. Nothing is asked for an empty issue (the view says to write something).
 */
export class Previewer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ctl: AbortController | undefined;
  private seq = 0;
  private last = '';

  constructor(
    private readonly fetch: (d: DraftText, signal: AbortSignal) => Promise<NewsletterPreview>,
    private readonly on: (s: PreviewState) => void,
    readonly wait = 400,
  ) {}

  /** The text changed: a request goes `wait` ms from now unless it changes again. */
  set(d: DraftText) {
    const key = JSON.stringify([d.subject, d.body, d.preview_text]);
    if (key === this.last) return;
    this.last = key;
    clearTimeout(this.timer);
    if (!d.subject.trim() && !d.body.trim()) {
      this.cancel();
      this.on({});
      return;
    }
    this.timer = setTimeout(() => this.run(d), this.wait);
  }

  private run(d: DraftText) {
    this.ctl?.abort();
    const ctl = (this.ctl = new AbortController());
    const seq = ++this.seq;
    this.fetch(d, ctl.signal).then(
      (preview) => seq === this.seq && this.on({ preview }),
      (error) => {
        if (ctl.signal.aborted || seq !== this.seq) return;
        this.on({ error });
      },
    );
  }

  private cancel() {
    this.ctl?.abort();
    this.seq += 1;
  }

  /** The editor closes: nothing more is asked or answered. */
  stop() {
    clearTimeout(this.timer);
    this.cancel();
  }
}

/** The largest CSV the import takes (the server's rule: 5 MiB). */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

/** Why a chosen file may not be imported, before it is read. */
export function import_file_problem(file: { size: number; name: string }): Problem | null {
  if (file.size === 0) return { code: 'invalid_field', field: 'csv' };
  return file.size > IMPORT_MAX_BYTES ? { code: 'file_too_large', limit_bytes: IMPORT_MAX_BYTES } : null;
}

/** The next page of a list appended to what is held: each id once, in the server's order. */
export function append_page<T extends { id: number }>(held: T[], page: T[]): T[] {
  const seen = new Set(held.map((x) => x.id));
  return [...held, ...page.filter((x) => !seen.has(x.id))];
}
