// The search of a community (issue 13): the button in the top bar (with Ctrl+K or ⌘K, and « / »
// outside a text box, on a keyboard) and the sheet it opens, full screen on a phone and a dialog
// near the top on a laptop: the box, the filters (room, author, dates, sort), the results with
// their room, author, date and snippet, more of them on demand. A result opens where it was
// written (state.ts's result_href), and the sheet closes.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Channel, SearchResult } from '../api';
import { format_time, t, tn } from '../i18n';
import { changed, session } from '../state';
import { member_name, snippet_names } from '../mentions/render';
import { channels_by_id, channels_by_slug, communities, load_members, members_by_slug, membership_of } from '../communities/state';
import { conversations_by_slug, is_conversation, load_conversations, room_label } from '../conversations/state';
import { Field, FormError, Select } from '../ui/form';
import { Icon, type IconName } from '../ui/icons';
import { Link } from '../ui/link';
import { Sheet } from '../ui/sheet';
import { NO_FILTERS, filters_set, params_of, result_href, result_title, search_of, type Filters } from './state';
import './search.css';

const is_mac = () => /Mac|iPhone|iPad/.test(navigator.platform ?? '');

/** Whether a key press is typing (a text box, a select, an editable area): « / » is then a character. */
function typing_in(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

/** The top bar's search button, and the sheet it opens. */
export function SearchButton({ slug }: { slug: string }) {
  const [open, set_open] = useState(false);
  useEffect(() => {
    const on_key = (e: KeyboardEvent) => {
      const shortcut = (e.key === 'k' || e.key === 'K') && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;
      const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing_in(e.target);
      // Not over another sheet: one dialog at a time.
      if (!(shortcut || slash) || document.querySelector('.sheet')) return;
      e.preventDefault();
      set_open(true);
    };
    document.addEventListener('keydown', on_key);
    return () => document.removeEventListener('keydown', on_key);
  }, []);
  // Named by its word alone, shown on a laptop and only read out on a phone: a name that held
  // more than the word seen would not be the one a voice user says.
  return (
    <>
      <button type="button" class="search-btn" aria-keyshortcuts={is_mac() ? 'Meta+K /' : 'Control+K /'} aria-haspopup="dialog" onClick={() => set_open(true)} data-testid="search-open">
        <Icon name="search" />
        <span class="search-btn__label">{t('search')}</span>
        <kbd class="search-btn__keys" aria-hidden="true">{is_mac() ? '⌘K' : 'Ctrl K'}</kbd>
      </button>
      <SearchSheet slug={slug} open={open} on_close={() => set_open(false)} />
    </>
  );
}

/**
 * How a room is named in a result: « # jasette », a board or a broadcast by its name (the result's
 * icon says post or comment), the people of a conversation. `with_kind` adds the kind, for the
 * room filter's list, where nothing else tells a board from a chat.
 */
function room_name(c: Pick<Channel, 'kind' | 'name'>, with_kind = false): string {
  // A conversation of the app's state knows its people; the server's room list only its name.
  if (is_conversation(c)) return 'participants' in c || c.name ? room_label(c as Channel) : t('private_room');
  if (c.kind === 'board') return with_kind ? `${c.name} (${t('board_label')})` : c.name;
  if (c.kind === 'broadcast') return with_kind ? `${c.name} (${t('broadcast_label')})` : c.name;
  return `# ${c.name}`;
}

export function SearchSheet({ slug, open, on_close }: { slug: string; open: boolean; on_close: () => void }) {
  const s = search_of(slug);
  const { filters: f, searcher } = s;
  const [filters_open, set_filters_open] = useState(filters_set(f) > 0);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (!open) return searcher.stop_timer();
    if (!members_by_slug.has(slug)) load_members(slug).catch(() => {});
    if (!conversations_by_slug.has(slug)) load_conversations(slug).catch(() => {});
  }, [open, slug]);

  const set = (next: Partial<Filters>, now = false) => {
    s.filters = { ...s.filters, ...next };
    searcher.ask(params_of(s.filters), now);
    changed();
  };
  const error = searcher.error;
  const dates_error = error?.field === 'search_dates' ? error : undefined;
  useEffect(() => {
    if (dates_error) set_filters_open(true);
  }, [dates_error]);

  const rooms = [...(channels_by_slug.get(slug) ?? []), ...(conversations_by_slug.get(slug) ?? [])];
  const members = [...(members_by_slug.get(slug) ?? [])].sort((a, b) => a.display_name.localeCompare(b.display_name));
  const set_count = filters_set(f);
  const { phase, results, next_offset, shown } = searcher;
  const status =
    phase === 'waiting' ? t('search_searching') : phase === 'done' && !error && results.length ? (next_offset !== undefined ? t('search_count_more', { count: results.length }) : tn('search_count', results.length)) : '';
  // Arrow keys from the box to the results and between them, as in a list of suggestions.
  const on_list_key = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const hits = [...(list.current?.querySelectorAll<HTMLElement>('.hit') ?? [])];
    if (!hits.length) return;
    const at = hits.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? Math.min(at + 1, hits.length - 1) : at - 1;
    e.preventDefault();
    if (next < 0) document.getElementById('search-q')?.focus();
    else hits[next].focus();
  };

  return (
    <Sheet open={open} title={t('search_in', { community: communities.get(slug)?.name ?? membership_of(slug)?.community.name ?? slug })} on_close={on_close} testid="search" variant="search">
      <div class="search" onKeyDown={on_list_key} data-phase={phase}>
        <form class="search__form" role="search" onSubmit={(e) => { e.preventDefault(); set({}, true); }}>
          <label class="visually-hidden" for="search-q">{t('search_field')}</label>
          <span class="search__glass" aria-hidden="true"><Icon name="search" /></span>
          <input id="search-q" type="search" data-autofocus value={f.q} placeholder={t('search_placeholder')} enterKeyHint="search" autoComplete="off" maxLength={200}
            aria-invalid={error?.field === 'q' ? true : undefined}
            onInput={(e) => set({ q: (e.currentTarget as HTMLInputElement).value })} />
        </form>
        <div class="search__bar">
          <button type="button" class="btn btn--small" aria-expanded={filters_open} aria-controls="search-filters" onClick={() => set_filters_open(!filters_open)}>
            {set_count ? t('search_filters_count', { count: set_count }) : t('search_filters')}
          </button>
          <div class="search__sort">
            <Select label={t('search_sort')} name="sort" value={f.sort} onChange={(v) => set({ sort: v === 'newest' ? 'newest' : 'relevance' })}
              options={[['relevance', t('search_sort_relevance')], ['newest', t('search_sort_newest')]]} />
          </div>
        </div>
        {filters_open && (
          <div class="search__filters" id="search-filters">
            <Select label={t('search_room')} name="channel" value={String(f.channel_id ?? '')} onChange={(v) => set({ channel_id: Number(v) || null })}
              options={[['', t('search_room_any')], ...rooms.map((c): [string, string] => [String(c.id), room_name(c, true)])]} />
            <Select label={t('search_author')} name="author" value={String(f.author_id ?? '')} onChange={(v) => set({ author_id: Number(v) || null })}
              options={[['', t('search_author_any')], ...members.map((m): [string, string] => [String(m.account_id), m.display_name])]} />
            <Field label={t('search_from')} name="from" type="date" value={f.from} onInput={(v) => set({ from: v })} error={dates_error} />
            <Field label={t('search_to')} name="to" type="date" value={f.to} onInput={(v) => set({ to: v })} error={dates_error} />
            {set_count > 0 && <button type="button" class="btn btn--small btn--ghost search__clear" onClick={() => set({ ...NO_FILTERS, sort: f.sort })}>{t('search_clear_filters')}</button>}
          </div>
        )}
        <p class="search__status muted small" role="status" data-testid="search-status">{status}</p>
        {error && !dates_error && <FormError error={error} />}
        {phase === 'empty' && (
          <div class="search__empty" data-testid="search-empty">
            <Icon name="search" size={32} />
            <p>{t('search_hint')}</p>
            <p class="muted small">{t('search_hint_accents')}</p>
          </div>
        )}
        {phase === 'done' && !error && results.length === 0 && shown && (
          <div class="search__empty" data-testid="search-none">
            <p>{t('search_none', { q: shown.q.trim() })}</p>
            <p class="muted small">{t('search_none_hint')}</p>
            {set_count > 0 && <button type="button" class="btn btn--small" onClick={() => set({ ...NO_FILTERS, sort: f.sort })}>{t('search_clear_filters')}</button>}
          </div>
        )}
        {results.length > 0 && (
          <ol class={'search__list' + (phase === 'waiting' ? ' search__list--stale' : '')} ref={list} aria-label={t('search')} data-testid="search-results">
            {results.map((r) => (
              <li key={`${r.kind}:${r.id}`}>
                <Hit slug={slug} r={r} tz={communities.get(slug)?.timezone} room={channels_by_id.get(r.channel_id) ?? searcher.rooms.get(r.channel_id)} on_pick={on_close} />
              </li>
            ))}
          </ol>
        )}
        {phase === 'done' && next_offset !== undefined && results.length > 0 && (
          <button type="button" class="btn search__more" disabled={searcher.loading_more} onClick={() => void searcher.more()}>
            {searcher.loading_more ? t('loading') : t('search_more')}
          </button>
        )}
      </div>
    </Sheet>
  );
}

const KIND_ICONS: Record<SearchResult['kind'], IconName> = { message: 'thread', post: 'post', comment: 'reply', file: 'file' };

/** One result: what it is, where and by whom, when, and its words with the matches marked. */
function Hit({ slug, r, tz, room, on_pick }: { slug: string; r: SearchResult; tz?: string; room?: Pick<Channel, 'kind' | 'name'>; on_pick: () => void }) {
  const kind = r.kind === 'message' && r.parent_id ? t('search_kind_reply') : t(`search_kind_${r.kind}`);
  const thumb = r.kind === 'file' ? r.file?.thumbnail_url : undefined;
  const title = result_title(r, (title) => t('search_comment_on', { title }));
  return (
    <Link href={result_href(slug, r)} class={`hit hit--${r.kind}`} onClick={on_pick}>
      <span class="hit__icon" aria-hidden="true">
        {thumb ? <img src={thumb} alt="" width={40} height={40} loading="lazy" /> : <Icon name={KIND_ICONS[r.kind]} />}
      </span>
      <span class="hit__main">
        <span class="hit__where">
          <span class="visually-hidden">{kind}, </span>
          <span class="hit__room">{room ? room_name(room) : t('private_room')}</span>
          <span class="hit__author">{r.author.name}</span>
          {/* In the community's zone, as the room shows it once opened. (The date filters count
              the device's days: the two differ only on a device set to another zone.) */}
          <time class="hit__time" dateTime={r.created_at}>{format_time(r.created_at, tz)}</time>
        </span>
        {title && <span class="hit__title">{title}</span>}
        {/* The one HTML of a result: the server escapes every character of the snippet (a file's is
            its name) and adds only <mark> around the words matched. Nothing else is inserted. */}
        {/* Its mentions are still the server's raw tokens (&lt;@12&gt;): shown as @Name (escaped). */}
        <span class="hit__snippet" dangerouslySetInnerHTML={{ __html: snippet_names(r.snippet, (id) => member_name(members_by_slug.get(slug), id, session.me), t('mention_fallback')) }} />
      </span>
    </Link>
  );
}
