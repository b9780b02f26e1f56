// Whether the member is in the app right now, told to the server over the stream: it sends Web
// Push only to someone who is not (they see the bell). `{"type":"presence","active":true}` goes
// once the stream has said hello while the page shows, again when the page comes back into view,
// and at most once a minute on a tap or a key while it shows (the server forgets an "active" older
// than 5 minutes: a tab left open on a desk must not keep a phone quiet all night);
// `{"type":"presence","active":false}` when the page is hidden. The server answers none of them.
import { send_presence } from './stream';

/** The least time between two "active" sent on input. */
export const INPUT_REFRESH_MS = 60_000;

/** The rules above, without the DOM: `send` says whether the frame went out (the stream was open). */
export class Presence {
  private last_active = 0;

  constructor(
    private readonly send: (active: boolean) => boolean,
    private readonly visible: () => boolean,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The stream said hello: a new connection knows nothing of us yet. */
  connected() {
    this.last_active = 0;
    if (this.visible()) this.active();
  }

  visibility_changed() {
    if (this.visible()) this.active();
    else if (this.send(false)) this.last_active = 0;
  }

  /** A tap or a key. */
  input() {
    if (this.visible() && this.now() - this.last_active >= INPUT_REFRESH_MS) this.active();
  }

  private active() {
    if (this.send(true)) this.last_active = this.now();
  }
}

export const presence = new Presence(
  (active) => send_presence(active),
  () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
);

/** Listens to the page (main.tsx calls it once). */
export function watch_presence() {
  document.addEventListener('visibilitychange', () => presence.visibility_changed());
  // Capture: a control that stops the event's propagation is still input.
  for (const type of ['pointerdown', 'keydown'] as const) window.addEventListener(type, () => presence.input(), { capture: true, passive: true });
}
