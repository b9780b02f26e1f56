// Mentions in what someone writes. The server reads a mention as `<@42>` (the account's id, so a
// renamed member's mentions still point at them), but nobody wants to read ids in their own box:
// the box shows `@Béa`, and the draft keeps which name stands for which id (`Picks`, filled when a
// name is picked from the list). At send, each `@Name` of a picked name becomes `<@id>`; editing
// a text whose body holds `<@id>` turns them back into names. Nothing changes inside code (a
// `` `span` `` or a fenced block), where the server reads no mention either.
//
// Two members with the same name cannot both be told apart in the box: the one picked last wins,
// and a body with both keeps the second one's `<@id>` as it is (it still mentions the right person).

/** Which name in the box stands for which account: `{"Béa Gagnon": 2}`. */
export type Picks = Record<string, number>;

/** The pieces of a text outside code, where mentions live (odd indices are code, left alone). */
function split_code(text: string): string[] {
  return text.split(/(```[\s\S]*?(?:```|$)|`[^`\n]*`)/);
}

function outside_code(text: string, fn: (plain: string) => string): string {
  return split_code(text).map((piece, i) => (i % 2 ? piece : fn(piece))).join('');
}

const WORD = '\\p{L}\\p{M}\\p{N}_';
const escape_re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What is being typed after an `@` right before the caret, when it is the start of a mention: an
 * `@` that starts a word (not the one of an email address), then at least one letter or digit.
 * Null otherwise, and inside code.
 */
export function mention_query(text: string, caret: number): { start: number; q: string } | null {
  const before = text.slice(0, caret);
  const m = new RegExp(`(?<![${WORD}@])@([${WORD}][${WORD}.'’-]{0,39})$`, 'u').exec(before);
  if (!m) return null;
  // In code: a fence left open runs to the caret (the text then ends with a code piece), or an
  // odd number of backticks opens a span not closed yet.
  const pieces = split_code(before);
  const last = pieces[pieces.length - 1];
  if ((pieces.length > 1 && last === '') || (last.match(/`/g)?.length ?? 0) % 2 === 1) return null;
  return { start: caret - m[1].length - 1, q: m[1] };
}

/** The box once a name is picked: `@que` replaced by `@Name ` (a space after, to go on typing). */
export function insert_mention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const after = text.slice(caret).replace(/^[\p{L}\p{M}\p{N}_.'’-]*/u, ''); // the rest of the word typed
  const inserted = `@${name}` + (after.startsWith(' ') ? '' : ' ');
  return { text: text.slice(0, start) + inserted + after, caret: start + inserted.length + (after.startsWith(' ') ? 1 : 0) };
}

/** The body to send: each `@Name` of a picked name, standing as a word, becomes `<@id>`. */
export function to_body(text: string, picks: Picks): string {
  const names = Object.keys(picks).filter(Boolean).sort((a, b) => b.length - a.length);
  if (!names.length) return text;
  const re = new RegExp(`(?<![${WORD}])@(${names.map(escape_re).join('|')})(?![${WORD}])`, 'gu');
  return outside_code(text, (plain) => plain.replace(re, (_all, name: string) => `<@${picks[name]}>`));
}

/**
 * A body as the box shows it: `<@id>` as `@Name` for each id whose name is known (others stay
 * as they are: sent back unchanged, they still mention the same person), and the picks that
 * turn them back at send.
 */
export function from_body(body: string, name_of: (id: number) => string | undefined): { text: string; picks: Picks } {
  const picks: Picks = {};
  const text = outside_code(body, (plain) =>
    plain.replace(/<@(\d+)>/g, (all, digits: string) => {
      const id = Number(digits);
      const name = name_of(id)?.trim();
      if (!name || (picks[name] !== undefined && picks[name] !== id)) return all;
      picks[name] = id;
      return `@${name}`;
    }),
  );
  return { text, picks };
}

/** Only the picks whose name is still in the text (a name removed from the box is forgotten). */
export function picks_in(text: string, picks: Picks): Picks {
  return Object.fromEntries(Object.entries(picks).filter(([name]) => text.includes(`@${name}`)));
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
export const unescape_html = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
export const escape_html = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The names the server wrote into a text's HTML, by id: what to show for an id no list knows. */
export function names_in_html(html: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of html.matchAll(/<span class="mention" data-account-id="(\d+)">@([^<]*)<\/span>/g)) out.set(Number(m[1]), unescape_html(m[2]));
  return out;
}
