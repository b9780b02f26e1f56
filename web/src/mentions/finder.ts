// The autocomplete's requests: who may be mentioned in the room, for what follows `@`
// (GET /channels/{id}/mentionable). Asked ~120 ms after the last letter; a request made stale by
// newer letters is stopped (AbortController), and an answer to letters no longer typed is dropped.
import type { Mentionable } from '../api';

export const MENTION_DEBOUNCE_MS = 120;

export class MentionFinder {
  /** The answer shown, for `shown_q`; null before any. */
  answer: Mentionable | null = null;
  shown_q: string | null = null;
  private want: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flight: AbortController | null = null;

  constructor(
    private readonly fetch_for: (q: string, signal: AbortSignal) => Promise<Mentionable>,
    private readonly notify: () => void,
    private readonly delay_ms = MENTION_DEBOUNCE_MS,
  ) {}

  /** What follows `@` now, or null when no mention is being typed (the list closes at once). */
  ask(q: string | null) {
    if (q === this.want) return;
    this.want = q;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (q === null) {
      this.stop();
      this.answer = null;
      this.shown_q = null;
      return this.notify();
    }
    this.timer = setTimeout(() => void this.go(q), this.delay_ms);
  }

  /** The box is gone, or the list was closed: nothing more is asked. */
  stop() {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flight?.abort();
    this.flight = null;
  }

  private async go(q: string) {
    this.timer = undefined;
    this.flight?.abort(); // the letters it asked for are no longer the ones typed
    const flight = new AbortController();
    this.flight = flight;
    try {
      const answer = await this.fetch_for(q, flight.signal);
      if (flight.signal.aborted || q !== this.want) return;
      this.answer = answer;
      this.shown_q = q;
    } catch {
      if (flight.signal.aborted || q !== this.want) return;
      this.answer = { members: [], everyone: false, here: false };
      this.shown_q = q;
    } finally {
      if (this.flight === flight) this.flight = null;
    }
    this.notify();
  }
}
