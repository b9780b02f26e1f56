// The newsletter's screens (views.ts) are their own chunk, fetched the first time a route or the
// host tools need them, as the emoji picker's data is (chat/emoji_data.ts). Its words stay in
// the dictionaries, which t() types need whole.
import { changed } from '../state';

type Views = typeof import('./views');
let views: Views | null = null;
let loading: Promise<void> | null = null;

/** The screens once loaded; until then null, and the first call starts the load (a re-render follows). */
export function newsletter_views(): Views | null {
  if (!views && !loading) {
    loading = import('./views').then(
      (m) => {
        views = m;
        changed();
      },
      // Offline before the chunk was ever fetched: the next render tries again.
      () => {
        loading = null;
        setTimeout(changed, 2000);
      },
    );
  }
  return views;
}
