// The sheets of a message, opened by a long press or its "…" button: the action sheet (quick
// reactions, reply in thread, quote, copy, edit, delete), the full emoji picker, and who
// reacted. One set per chat view, over the channel and its thread alike. Every target is at
// least 44 px.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Member, Message } from '../api';
import { locale, t, type Key } from '../i18n';
import { changed, session } from '../state';
import { is_host } from '../communities/state';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { ask_confirm } from '../ui/confirm';
import { Icon, type IconName } from '../ui/icons';
import { draft_key, get_draft_picks, quote_into, set_draft_picks } from './drafts';
import { editable } from './message';
import { quick_emoji, recent_emoji, search, type Emoji } from './emoji';
import { load_emoji } from './emoji_data';
import { toggle_reaction } from './message';
import { UNDO_MS, delete_later } from './state';

export type SheetState =
  | null
  | { kind: 'actions'; m: Message }
  | { kind: 'picker'; m: Message }
  | { kind: 'reactions'; m: Message; emoji: string };

interface Props {
  slug: string;
  state: SheetState;
  members?: Member[];
  on_close: () => void;
  on_open: (s: SheetState) => void;
  on_thread: (parent_id: number) => void;
  on_edit: (m: Message) => void;
  on_error: (e: unknown) => void;
}

export function MessageSheets(p: Props) {
  const s = p.state;
  const name_of = (id: number) => (id === session.me?.id ? t('you') : p.members?.find((x) => x.account_id === id)?.display_name ?? '…');
  const react = async (m: Message, emoji: string) => {
    p.on_close();
    try {
      await toggle_reaction(m, emoji);
    } catch (e) {
      p.on_error(e);
    }
  };
  return (
    <>
      <Sheet open={s?.kind === 'actions'} title={s ? t('message_sheet_title', { name: s.m.author.display_name }) : ''} on_close={p.on_close} testid="message-sheet">
        {s?.kind === 'actions' && <ActionList {...p} m={s.m} react={react} />}
      </Sheet>
      <Sheet open={s?.kind === 'picker'} title={t('react')} on_close={p.on_close} testid="emoji-sheet">
        {s?.kind === 'picker' && <EmojiPicker on_pick={(e) => void react(s.m, e)} />}
      </Sheet>
      <Sheet open={s?.kind === 'reactions'} title={t('reactions_title')} on_close={p.on_close} testid="reactions-sheet">
        {s?.kind === 'reactions' && <WhoReacted m={s.m} emoji={s.emoji} name_of={name_of} react={react} />}
      </Sheet>
    </>
  );
}

function Row({ icon, label, onClick, danger }: { icon: IconName; label: string; onClick: () => void; danger?: boolean }) {
  return (
    <li>
      <button type="button" class={'sheet-action' + (danger ? ' sheet-action--danger' : '')} onClick={onClick}>
        <Icon name={icon} />
        <span>{label}</span>
      </button>
    </li>
  );
}

function ActionList(p: Props & { m: Message; react: (m: Message, emoji: string) => Promise<void> }) {
  const { m } = p;
  const mine = m.author.id === session.me?.id;
  const may_delete = mine || is_host(p.slug);
  const quote = () => {
    p.on_close();
    const key = draft_key(session.me?.id ?? 0, m.channel_id, m.parent_id);
    // Quoted as the box shows names (@Béa), the mentions kept with the draft's own.
    const shown = editable(m, p.members);
    quote_into(key, shown.text);
    set_draft_picks(key, { ...get_draft_picks(key), ...shown.picks });
    changed();
    // After the sheet has given the focus back to what opened it: to the box, at the end.
    setTimeout(() => {
      const box = document.getElementById(`composer-${m.channel_id}-${m.parent_id ?? 0}`) as HTMLTextAreaElement | null;
      if (!box) return;
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }, 30);
  };
  const copy = async () => {
    p.on_close();
    try {
      await navigator.clipboard.writeText(editable(m, p.members).text);
    } catch {
      // No clipboard API (an insecure origin): the old way, through a selected field.
      const ta = document.createElement('textarea');
      ta.value = editable(m, p.members).text;
      document.body.appendChild(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    show_toast(t('text_copied'));
  };
  const remove = async () => {
    p.on_close();
    const ok = await ask_confirm({ title: t('delete_confirm_title'), body: t('delete_confirm_body'), confirm: t('delete'), danger: true });
    if (!ok) return;
    const undo = delete_later(m.id, (e) => e && p.on_error(e));
    // A toast held open (pointer or focus on it) can outlive the delay: then it is too late.
    show_toast(t('message_deleted_toast'), { action: { label: t('undo'), run: () => void (undo() || show_toast(t('delete_too_late'))) }, timeout_ms: UNDO_MS });
  };
  return (
    <>
      <div class="quick-react" role="group" aria-label={t('react')}>
        {quick_emoji().map((e) => (
          <button key={e} type="button" class="emoji-btn" aria-label={t('react_with', { emoji: e })} onClick={() => void p.react(m, e)}>{e}</button>
        ))}
        <button type="button" class="emoji-btn emoji-btn--more" aria-label={t('all_emoji')} onClick={() => p.on_open({ kind: 'picker', m })}>
          <Icon name="plus" />
        </button>
      </div>
      <ul class="sheet-actions">
        {!m.parent_id && <Row icon="thread" label={t('reply_in_thread')} onClick={() => { p.on_close(); p.on_thread(m.id); }} />}
        <Row icon="quote" label={t('quote')} onClick={quote} />
        <Row icon="copy" label={t('copy_text')} onClick={() => void copy()} />
        {mine && <Row icon="edit" label={t('edit_message')} onClick={() => { p.on_close(); p.on_edit(m); }} />}
        {may_delete && <Row icon="trash" label={t('delete_message')} danger onClick={() => void remove()} />}
      </ul>
    </>
  );
}

const GROUPS: [number, Key][] = [
  [0, 'emoji_group_0'], [1, 'emoji_group_1'], [3, 'emoji_group_3'], [4, 'emoji_group_4'], [5, 'emoji_group_5'],
  [6, 'emoji_group_6'], [7, 'emoji_group_7'], [8, 'emoji_group_8'], [9, 'emoji_group_9'],
];

/** The full picker: search in French and English, recent ones first, then by group. */
export function EmojiPicker({ on_pick }: { on_pick: (emoji: string) => void }) {
  const [index, set_index] = useState<Emoji[] | null>(null);
  const [failed, set_failed] = useState(false);
  const [query, set_query] = useState('');
  const [group, set_group] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const lang = locale();
  useEffect(() => {
    let live = true;
    load_emoji(lang).then((x) => live && set_index(x), () => live && set_failed(true));
    return () => void (live = false);
  }, [lang]);
  const recent = recent_emoji();
  const by_unicode = useMemo(() => new Map((index ?? []).map((e) => [e.unicode, e])), [index]);
  const found = useMemo(() => (index && query.trim() ? search(index, query, recent) : null), [index, query]);
  const in_group = useMemo(() => (index ?? []).filter((e) => e.group === group), [index, group]);
  const button = (e: Emoji | string) => {
    const u = typeof e === 'string' ? e : e.unicode;
    const label = typeof e === 'string' ? by_unicode.get(e)?.label ?? e : e.label;
    return <button key={u} type="button" class="emoji-btn" aria-label={label} title={label} onClick={() => on_pick(u)}>{u}</button>;
  };
  return (
    <div class="emoji-picker">
      <label class="visually-hidden" for="emoji-search">{t('emoji_search')}</label>
      <input ref={input} id="emoji-search" type="search" class="emoji-picker__search" value={query} placeholder={t('emoji_search_hint')} autoComplete="off" data-autofocus onInput={(e) => set_query((e.currentTarget as HTMLInputElement).value)} />
      {failed && <p class="form-error" role="alert">{t('err_network')}</p>}
      {!index && !failed && <p class="muted" role="status">{t('emoji_loading')}</p>}
      {found && (
        <div class="emoji-grid" role="group" aria-label={t('emoji_results')} data-testid="emoji-results">
          {found.length ? found.map(button) : <p class="muted">{t('emoji_none', { query })}</p>}
        </div>
      )}
      {index && !found && (
        <>
          {recent.length > 0 && (
            <>
              <h3 class="emoji-picker__label">{t('emoji_recent')}</h3>
              <div class="emoji-grid" role="group" aria-label={t('emoji_recent')}>{recent.map(button)}</div>
            </>
          )}
          <div class="emoji-groups" role="group" aria-label={t('emoji_groups')}>
            {GROUPS.map(([g, key]) => (
              <button key={g} type="button" class="emoji-btn emoji-group" aria-pressed={g === group} aria-label={t(key)} title={t(key)} onClick={() => set_group(g)}>
                {index.find((e) => e.group === g)?.unicode}
              </button>
            ))}
          </div>
          <h3 class="emoji-picker__label">{t(GROUPS.find(([g]) => g === group)![1])}</h3>
          <div class="emoji-grid" role="group" aria-label={t(GROUPS.find(([g]) => g === group)![1])}>{in_group.map(button)}</div>
        </>
      )}
    </div>
  );
}

/** Who put which reaction; the one tapped first, with our own toggle for it. */
function WhoReacted({ m, emoji, name_of, react }: { m: Message; emoji: string; name_of: (id: number) => string; react: (m: Message, emoji: string) => Promise<void> }) {
  const list = [...m.reactions].sort((a, b) => Number(b.emoji === emoji) - Number(a.emoji === emoji));
  const mine = m.reactions.find((r) => r.emoji === emoji)?.account_ids.includes(session.me?.id ?? -1);
  return (
    <>
      <ul class="who-reacted">
        {list.map((r) => (
          <li key={r.emoji} class={r.emoji === emoji ? 'who-reacted--current' : ''}>
            <span class="who-reacted__emoji" aria-hidden="true">{r.emoji}</span>
            <span class="visually-hidden">{r.emoji}</span>
            <span>{r.account_ids.map(name_of).join(', ')}</span>
          </li>
        ))}
      </ul>
      <button type="button" class="btn btn--block" onClick={() => void react(m, emoji)}>
        {mine ? t('remove_my_reaction', { emoji }) : t('react_with', { emoji })}
      </button>
    </>
  );
}
