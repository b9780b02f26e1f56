// A community's search (issue 13): what the person asked (the words and the filters), the answers
// shown, and the way they are fetched. Typing asks after a pause (300 ms); one request is in flight
// at most, and when it comes back the latest words are asked if they changed meanwhile; an answer
// to words that are no longer the ones in the box is dropped. Kept per community while the app
// runs, so the search is still there when the sheet opens again; forgotten at log out.
import * as api from '../api';
import type { SearchPage, SearchParams, SearchResult } from '../api';
import { changed } from '../state';
import { problem_of, type Problem } from '../i18n';

/** What the search sheet's controls hold; dates as the date inputs give them ("2026-12-03"). */
export interface Filters {
  q: string;
  channel_id: number | null;
  author_id: number | null;
  from: string;
  to: string;
  sort: 'relevance' | 'newest';
}

export const NO_FILTERS: Omit<Filters, 'q'> = { channel_id: null, author_id: null, from: '', to: '', sort: 'relevance' };

/** How long the box waits after the last key before asking. */
export const DEBOUNCE_MS = 300;

/**
 * Midnight of a day ("2026-12-03") in the device's time zone, in ms since the epoch; undefined for
 * anything else. Built from the day's parts, so a day of 23 or 25 hours (a change of time) still
 * starts at its own midnight.
 */
export function local_day_start(day: string, add_days = 0): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + add_days);
  return Number.isNaN(at.getTime()) ? undefined : at.getTime();
}

/**
 * The request for what the controls hold, or null when there is nothing to search for. The dates
 * count whole days in the device's zone, both included: « à partir du 3 » is after the last
 * millisecond of the 2nd, « jusqu’au 5 » before the midnight that ends the 5th. The words go as
 * typed but for leading spaces: a trailing space says the last word is whole (no prefix match).
 */
export function params_of(f: Filters): SearchParams | null {
  const q = f.q.replace(/^\s+/, '');
  if (!q) return null;
  const p: SearchParams = { q };
  if (f.channel_id) p.channel_id = f.channel_id;
  if (f.author_id) p.author_id = f.author_id;
  const after = local_day_start(f.from);
  if (after !== undefined) p.after = after - 1;
  const before = local_day_start(f.to, 1);
  if (before !== undefined) p.before = before;
  if (f.sort === 'newest') p.sort = 'newest';
  return p;
}

/** How many filters are set (the sort aside): the filters button says it. */
export function filters_set(f: Filters): number {
  return [f.channel_id, f.author_id, f.from, f.to].filter(Boolean).length;
}

/** A search's failure as a Problem, said of the search: too many searches, a room no longer seen. */
export function search_problem(e: unknown, p: SearchParams | null): Problem {
  const problem = problem_of(e);
  if (problem.code === 'rate_limited') return { ...problem, code: 'search_rate_limited' };
  if (problem.code === 'not_found' && p?.channel_id) return { ...problem, code: 'search_room_gone' };
  if (problem.code === 'invalid_field' && (problem.field === 'before' || problem.field === 'after')) return { ...problem, field: 'search_dates' };
  return problem;
}

/**
 * Where a result opens, in its context: a message in its room at its place (?m=seq), a reply in
 * its thread (?thread=parent), a post on its page, a comment on its post's page (?comment=id), a
 * file where it is attached.
 */
export function result_href(slug: string, r: SearchResult): string {
  const room = `/c/${slug}/ch/${r.channel_id}`;
  const on = r.kind === 'file' ? r.item_kind : r.kind;
  if (on === 'post' || on === 'comment') {
    const post = r.kind === 'post' ? r.id : r.post_id;
    if (post === undefined) return room;
    const comment = r.kind === 'comment' ? r.id : on === 'comment' ? r.item_id : undefined;
    return `${room}/p/${post}` + (comment !== undefined ? `?comment=${comment}` : '');
  }
  const q = new URLSearchParams();
  if (r.parent_id) q.set('thread', String(r.parent_id));
  if (r.seq !== undefined) q.set('m', String(r.seq));
  const qs = q.toString();
  return room + (qs ? `?${qs}` : '');
}

/** Where a result points in its room (result_href's query): ?m=SEQ a message, ?thread=ID its thread. */
export function target_of(search: string): { seq: number; thread: number } {
  const q = new URLSearchParams(search);
  return { seq: Number(q.get('m')) || 0, thread: Number(q.get('thread')) || 0 };
}

/** A comment a result points to on its post's page (?comment=ID). */
export function comment_target_of(search: string): number {
  return Number(new URLSearchParams(search).get('comment')) || 0;
}

/** How long a message or comment opened from a result stays lit up. */
export const FOUND_MS = 2600;

/** A snippet's words without its marks, as text (the server escapes only these five). */
export function snippet_text(html: string): string {
  const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
  return html.replace(/<\/?mark>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e]);
}

/**
 * The title line of a result: a post's title (none when its snippet is the title itself, marked),
 * or the post a comment is on, said by `on`.
 */
export function result_title(r: SearchResult, on: (title: string) => string): string | undefined {
  if (r.kind === 'post' && r.title) return snippet_text(r.snippet).trim() === r.title.trim() ? undefined : r.title;
  if (r.kind === 'comment' && r.title) return on(r.title);
  return undefined;
}

/** What the search shows: nothing asked yet, waiting (for the pause or the answer), or answered. */
export type Phase = 'empty' | 'waiting' | 'done';

/**
 * The fetching of one search box's answers: debounced, one request in flight, stale answers
 * dropped. `fetch_page` asks the server; `notify` says something changed. No DOM: unit-tested.
 */
export class Searcher {
  phase: Phase = 'empty';
  results: SearchResult[] = [];
  rooms = new Map<number, SearchPage['channels'][number]>();
  next_offset: number | undefined;
  error: Problem | null = null;
  loading_more = false;
  /** The words of the answer shown (for « aucun résultat pour … »). */
  shown: SearchParams | null = null;

  private want: SearchParams | null = null;
  private want_key = '';
  private shown_key = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private busy = false;

  constructor(
    private readonly fetch_page: (p: SearchParams) => Promise<SearchPage>,
    private readonly notify: () => void,
    private readonly delay_ms = DEBOUNCE_MS,
  ) {}

  /** The box or a filter changed: asks after the pause, or at once (Enter). Null clears. */
  ask(p: SearchParams | null, now = false) {
    const key = p ? api.search_query(p) : '';
    if (key === this.want_key && !now) return;
    this.want = p;
    this.want_key = key;
    this.stop_timer();
    if (!p) {
      this.phase = 'empty';
      this.results = [];
      this.rooms.clear();
      this.next_offset = undefined;
      this.error = null;
      this.shown = null;
      this.shown_key = '';
      return this.notify();
    }
    if (key === this.shown_key && this.phase === 'done') return this.notify();
    this.phase = 'waiting';
    this.notify();
    if (now) void this.pump();
    else this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, this.delay_ms);
  }

  /** The next page of the answer shown, after it. */
  async more() {
    if (this.busy || this.phase !== 'done' || this.next_offset === undefined || !this.shown) return;
    const key = this.shown_key;
    const p = { ...this.shown, offset: this.next_offset };
    this.busy = true;
    this.loading_more = true;
    this.notify();
    try {
      const page = await this.fetch_page(p);
      if (key !== this.want_key) return;
      const seen = new Set(this.results.map((r) => `${r.kind}:${r.id}`));
      this.results = [...this.results, ...page.results.filter((r) => !seen.has(`${r.kind}:${r.id}`))];
      for (const c of page.channels) this.rooms.set(c.id, c);
      this.next_offset = page.next_offset;
    } catch (e) {
      if (key === this.want_key) this.error = search_problem(e, p);
    } finally {
      this.busy = false;
      this.loading_more = false;
      this.after_flight(key);
    }
  }

  /** Stops the pause under way (the sheet is gone): nothing more is asked. */
  stop_timer() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async pump() {
    if (this.busy || !this.want) return; // the answer in flight asks again when it comes
    const p = this.want;
    const key = this.want_key;
    if (key === this.shown_key && this.phase === 'done') return;
    this.busy = true;
    try {
      const page = await this.fetch_page(p);
      if (key !== this.want_key) return; // stale: other words are in the box now
      this.results = page.results;
      this.rooms = new Map(page.channels.map((c) => [c.id, c]));
      this.next_offset = page.next_offset;
      this.error = null;
    } catch (e) {
      if (key !== this.want_key) return;
      this.results = [];
      this.rooms.clear();
      this.next_offset = undefined;
      this.error = search_problem(e, p);
    } finally {
      if (key === this.want_key) {
        this.shown = p;
        this.shown_key = key;
        this.phase = 'done';
      }
      this.busy = false;
      this.after_flight(key);
    }
  }

  /** An answer came: the words asked meanwhile go now, unless their pause is still running. */
  private after_flight(key: string) {
    this.notify();
    if (this.want && this.want_key !== key && this.timer === undefined && this.want_key !== this.shown_key) void this.pump();
  }
}

/** A community's search: the controls' values and its searcher. */
export interface CommunitySearch {
  filters: Filters;
  searcher: Searcher;
}

const by_slug = new Map<string, CommunitySearch>();

export function search_of(slug: string): CommunitySearch {
  let s = by_slug.get(slug);
  if (!s) {
    s = { filters: { q: '', ...NO_FILTERS }, searcher: new Searcher((p) => api.search(slug, p), changed) };
    by_slug.set(slug, s);
  }
  return s;
}

/** On log out, or another person logging in here: no one else's searches stay. */
export function forget_all() {
  for (const s of by_slug.values()) s.searcher.stop_timer();
  by_slug.clear();
}
