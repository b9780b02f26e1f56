// Loads the emoji picker's data on first use: two chunks of their own (the French and English
// sets of emojibase-data, ~85 KB gzip each), never part of the first load.
import type { Locale } from '../api';
import { build_index, newer_than_server, type CompactEmoji, type Emoji } from './emoji';

const cache = new Map<Locale, Promise<Emoji[]>>();

const sets: Record<Locale, () => Promise<CompactEmoji[]>> = {
  fr: () => import('emojibase-data/fr/compact.json').then((m) => m.default as unknown as CompactEmoji[]),
  en: () => import('emojibase-data/en/compact.json').then((m) => m.default as unknown as CompactEmoji[]),
};

/** The index with labels in `locale` and words of both languages. */
export function load_emoji(locale: Locale): Promise<Emoji[]> {
  let p = cache.get(locale);
  if (!p) {
    const other: Locale = locale === 'fr' ? 'en' : 'fr';
    const too_new = import('emojibase-data/versions/emoji.json').then((m) => newer_than_server(m.default as unknown as Record<string, string[]>));
    p = Promise.all([sets[locale](), sets[other](), too_new]).then(([primary, secondary, newer]) => build_index(primary, secondary, newer));
    p.catch(() => cache.delete(locale)); // offline: try again next time
    cache.set(locale, p);
  }
  return p;
}
