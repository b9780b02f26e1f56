// What the board's list and a post's page share: who wrote it and when, its reactions with a
// quick picker, and the toggling of our own reaction.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Member, Reaction } from '../api';
import { format_time, t } from '../i18n';
import { session } from '../state';
import { hue, initials } from '../ui/shell';
import { Icon } from '../ui/icons';
import { ReactionList } from '../chat/reaction_list';
import { note_emoji_used, quick_emoji } from '../chat/emoji';

export function Byline(p: { author: { id: number; display_name: string }; at: string; edited: boolean; tz?: string }) {
  return (
    <header class="byline">
      <span class="avatar" style={{ '--h': hue(p.author.id) } as any} aria-hidden="true">{initials(p.author.display_name)}</span>
      <span class="byline__name">{p.author.display_name}</span>
      <time class="byline__time muted small" dateTime={p.at}>{format_time(p.at, p.tz)}</time>
      {p.edited && <span class="muted small">{t('edited')}</span>}
    </header>
  );
}

/** Whether the reader put `emoji` there: a click then takes it back. */
export function has_mine(reactions: Reaction[], emoji: string): boolean {
  return !!reactions.find((r) => r.emoji === emoji)?.account_ids.includes(session.me?.id ?? -1);
}

/** The reactions and the button that opens the quick picker; `toggle(emoji, add)` asks the server. */
export function Reactions(p: { reactions: Reaction[]; members?: Member[]; toggle: (emoji: string, add: boolean) => Promise<void>; on_error: (e: unknown) => void }) {
  const [picker, set_picker] = useState(false);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (picker) first.current?.focus();
  }, [picker]);
  const name_of = (id: number) => (id === session.me?.id ? t('you') : p.members?.find((x) => x.account_id === id)?.display_name ?? '…');
  const toggle = async (emoji: string) => {
    set_picker(false);
    const add = !has_mine(p.reactions, emoji);
    if (add) note_emoji_used(emoji);
    try {
      await p.toggle(emoji, add);
    } catch (e) {
      p.on_error(e);
    }
  };
  return (
    <div class="board-reactions" onKeyDown={(e) => e.key === 'Escape' && set_picker(false)}>
      <ReactionList reactions={p.reactions} name_of={name_of} on_click={(emoji) => void toggle(emoji)} />
      <button type="button" class="icon-btn" aria-label={t('react')} aria-expanded={picker} onClick={() => set_picker(!picker)}><Icon name="smile" /></button>
      {picker && (
        <div class="picker" role="group" aria-label={t('react')}>
          {quick_emoji().map((e, i) => (
            <button key={e} ref={i === 0 ? first : undefined} type="button" class="icon-btn" aria-label={t('react_with', { emoji: e })} onClick={() => void toggle(e)}>{e}</button>
          ))}
        </div>
      )}
    </div>
  );
}
