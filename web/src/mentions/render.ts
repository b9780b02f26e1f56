// Mentions in what the server rendered. Its HTML writes each as
// `<span class="mention" data-account-id="42">@Béa</span>`, with the name as it was when written,
// and `@everyone`/`@here` of a host as `<span class="mention" data-mention="everyone">`. The app
// shows the current name (a member renamed since) and marks the ones that call the reader; a
// search snippet, escaped text with `<mark>`, still holds the raw `&lt;@42&gt;` token.
import type { Member } from '../api';
import { escape_html } from './draft';

/** A member's current name from a community's list (null-safe); the reader's own from the session. */
export function member_name(members: Member[] | undefined, id: number, me?: { id: number; display_name: string } | null): string | undefined {
  if (me && me.id === id) return me.display_name;
  return members?.find((m) => m.account_id === id)?.display_name;
}

/**
 * The server's HTML with each mention's current name (escaped: it is inserted as HTML), and
 * `mention--me` on those that call the reader (their id, or @everyone/@here). Nothing else changes.
 */
export function present_mentions(html: string, name_of: (id: number) => string | undefined, me_id: number | undefined): string {
  if (!html.includes('class="mention"')) return html;
  return html
    .replace(/<span class="mention" data-account-id="(\d+)">@([^<]*)<\/span>/g, (_all, id: string, written: string) => {
      const name = name_of(Number(id));
      const cls = Number(id) === me_id ? 'mention mention--me' : 'mention';
      return `<span class="${cls}" data-account-id="${id}">@${name === undefined ? written : escape_html(name)}</span>`;
    })
    .replace(/<span class="mention" data-mention="(everyone|here)">/g, '<span class="mention mention--me" data-mention="$1">');
}

/**
 * A search snippet with `&lt;@42&gt;` as `@Name` (escaped), or `@` and `fallback` (« membre »)
 * for someone no list here knows. A `<mark>` the server put around the id stays, around the name.
 */
export function snippet_names(snippet: string, name_of: (id: number) => string | undefined, fallback: string): string {
  return snippet.replace(/&lt;@(<mark>)?(\d+)(<\/mark>)?&gt;/g, (_all, open: string | undefined, id: string, close: string | undefined) =>
    `${open ?? ''}@${escape_html(name_of(Number(id)) ?? fallback)}${close ?? ''}`,
  );
}
