// The full emoji picker's data and search. The data (emojibase-data's compact sets, in French
// and English) is loaded only when a picker opens (emoji_data.ts, a dynamic import): it is
// ten times the rest of the app. Search looks in both languages at once, whatever the
// interface's, without accents or ligatures (« coeur » finds « cœur rouge », "heart" finds it
// too), and puts the emoji this person used lately first.

/** One entry of emojibase-data's `compact.json`. */
export interface CompactEmoji {
  unicode: string;
  label: string;
  hexcode: string;
  group?: number;
  order?: number;
  tags?: string[];
}

export interface Emoji {
  unicode: string;
  /** In the interface's language: the button's accessible name. */
  label: string;
  group: number;
  order: number;
  /** Folded words of both languages' label and tags. */
  words: string[];
  /** Folded words of both languages' labels alone (a match there ranks higher). */
  label_words: string[];
}

/** Lower case, no accents, ligatures spelled out: what two spellings of one word share. */
export function fold(s: string): string {
  return s
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘]/g, "'");
}

const SPLIT = /[\s:,.'()-]+/;

function words_of(texts: string[]): string[] {
  return texts.flatMap((w) => fold(w).split(SPLIT)).filter(Boolean);
}

/**
 * The emoji as the server takes it: RGI and fully qualified. emojibase's `unicode` puts U+FE0F
 * after every single code point (⭐️), where RGI wants it only after those shown as text by
 * default (❤️, ☺️), not after those shown as emoji already (⭐, 👍). Sequences are taken as
 * they are. A code point this engine does not know is recent, and so an emoji by default.
 */
export function rgi(e: Pick<CompactEmoji, 'hexcode' | 'unicode'>): string {
  if (e.hexcode.includes('-')) return e.unicode;
  const c = String.fromCodePoint(parseInt(e.hexcode, 16));
  return /\p{Emoji_Presentation}/u.test(c) || !/\p{Emoji}/u.test(c) ? c : c + '\uFE0F';
}

/**
 * The newest Emoji version the server knows. It checks reactions with the ICU of Debian 12
 * (libicu72: Unicode and Emoji 15.0); an emoji added since (15.1, 16, 17) would be refused with
 * a 422, so the picker does not offer it.
 */
export const server_emoji_version = 15.0;

/** The hexcodes of emojibase's `versions/emoji.json` newer than the server's version. */
export function newer_than_server(versions: Record<string, string[]>): Set<string> {
  const out = new Set<string>();
  for (const [v, hexcodes] of Object.entries(versions)) if (Number(v) > server_emoji_version) for (const h of hexcodes) out.add(h);
  return out;
}

/**
 * The picker's list: the interface language's entries (labels), each with the other
 * language's words too. Components (skin tone swatches, hair) and lone regional letters are
 * left out: they are not emoji one reacts with (the server takes RGI emoji only).
 */
export function build_index(primary: CompactEmoji[], secondary: CompactEmoji[] = [], too_new: ReadonlySet<string> = new Set()): Emoji[] {
  const other = new Map(secondary.map((e) => [e.hexcode, e]));
  const out: Emoji[] = [];
  for (const e of primary) {
    if (e.group === undefined || e.group === 2 || too_new.has(e.hexcode)) continue;
    const o = other.get(e.hexcode);
    const label_words = new Set(words_of([e.label, o?.label ?? '']));
    const words = new Set([...label_words, ...words_of([...(e.tags ?? []), ...(o?.tags ?? [])])]);
    out.push({ unicode: rgi(e), label: e.label, group: e.group, order: e.order ?? 0, words: [...words], label_words: [...label_words] });
  }
  out.sort((a, b) => a.order - b.order);
  return out;
}

/**
 * The entries matching every word of `query` (each the start of one of the emoji's words),
 * recent ones first, then those whose name says it, then the usual reactions (❤️ before 🧡 for
 * « coeur »), then those whose words match exactly, the shorter names first, then in Unicode's
 * order.
 */
export function search(index: Emoji[], query: string, recent: string[] = [], limit = 90): Emoji[] {
  const terms = fold(query).split(SPLIT).filter(Boolean);
  if (!terms.length) return [];
  const rank_recent = new Map(recent.map((u, i) => [u, i]));
  const usual = new Map(DEFAULT_EMOJI.map((u, i) => [u, i]));
  const scored: { e: Emoji; named: number; exact: number }[] = [];
  for (const e of index) {
    let exact = 0;
    let named = 0;
    let ok = true;
    for (const t of terms) {
      if (e.label_words.some((w) => w.startsWith(t))) named += 1;
      if (e.words.includes(t)) exact += 1;
      else if (!e.words.some((w) => w.startsWith(t))) {
        ok = false;
        break;
      }
    }
    if (ok) scored.push({ e, named, exact });
  }
  scored.sort(
    (a, b) =>
      (rank_recent.get(a.e.unicode) ?? Infinity) - (rank_recent.get(b.e.unicode) ?? Infinity) ||
      b.named - a.named ||
      (usual.get(a.e.unicode) ?? Infinity) - (usual.get(b.e.unicode) ?? Infinity) ||
      b.exact - a.exact ||
      a.e.label_words.length - b.e.label_words.length ||
      a.e.order - b.e.order,
  );
  return scored.slice(0, limit).map((s) => s.e);
}

// ---- Recently used, most recent first, per device.

const RECENT_KEY = 'ps_recent_emoji';
const RECENT_MAX = 24;
/** Shown until someone has used emoji of their own. */
export const DEFAULT_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];

export function recent_emoji(): string[] {
  try {
    const raw = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((x) => typeof x === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

export function note_emoji_used(emoji: string) {
  const list = [emoji, ...recent_emoji().filter((e) => e !== emoji)].slice(0, RECENT_MAX);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // not kept: the order resets on reload
  }
}

/** The quick row of the action sheet: recent ones, then the defaults, six in all. */
export function quick_emoji(): string[] {
  return [...new Set([...recent_emoji(), ...DEFAULT_EMOJI])].slice(0, 6);
}
