// What someone started writing in a channel or a thread and has not sent: kept per account,
// channel and thread in localStorage, so it survives a reload, a change of screen and a
// closed tab. Sent or emptied, it is gone; logging out forgets the drafts of who leaves (a
// shared device must not show them to the next person).
const PREFIX = 'ps_draft:';
/** Beside each draft, which `@Name` in it stands for which account (mentions/draft.ts). */
const PICKS = 'ps_mentions:';

/** The place a draft belongs to: whose, which channel, which thread (0 for the channel itself). */
export function draft_key(account_id: number, channel_id: number, parent_id: number | null | undefined): string {
  return `${PREFIX}${account_id}:${channel_id}:${parent_id ?? 0}`;
}

// The exact text of the drafts touched since the page loaded (a blank one included, which
// localStorage does not keep): what the box shows.
const held = new Map<string, string>();

export function get_draft(key: string): string {
  const h = held.get(key);
  if (h !== undefined) return h;
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** Kept as typed; a blank draft is no draft across reloads (the key goes). */
export function set_draft(key: string, text: string) {
  held.set(key, text);
  try {
    if (text.trim()) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  } catch {
    // A full or refused storage loses the draft across reloads only; the box keeps the text.
  }
}

/** The mentions picked in a draft: `{"Béa": 2}`. */
export function get_draft_picks(key: string): Record<string, number> {
  try {
    const raw = localStorage.getItem(PICKS + key.slice(PREFIX.length));
    const picks = raw ? JSON.parse(raw) : {};
    return picks && typeof picks === 'object' ? picks : {};
  } catch {
    return {};
  }
}

export function set_draft_picks(key: string, picks: Record<string, number>) {
  try {
    const k = PICKS + key.slice(PREFIX.length);
    if (Object.keys(picks).length) localStorage.setItem(k, JSON.stringify(picks));
    else localStorage.removeItem(k);
  } catch {
    // Not kept across reloads; the names then go as typed.
  }
}

/** Adds a Markdown quote of `body` (each line prefixed with "> ") before what is in the draft. */
export function quote_into(key: string, body: string): string {
  const quote = body.split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n');
  const now = get_draft(key);
  const text = `${quote}\n\n${now.replace(/^\n+/, '')}`;
  set_draft(key, text);
  return text;
}

/** On log out: the drafts of that account go. */
export function forget_drafts(account_id: number) {
  try {
    const mine = `${PREFIX}${account_id}:`;
    const my_picks = `${PICKS}${account_id}:`;
    for (const k of [...held.keys()]) if (k.startsWith(mine)) held.delete(k);
    const keys: string[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && (k.startsWith(mine) || k.startsWith(my_picks))) keys.push(k);
    }
    for (const k of keys) localStorage.removeItem(k);
  } catch {
    // nothing kept, nothing to forget
  }
}
