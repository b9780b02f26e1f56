// The reactions under a message, a post or a comment: one button per emoji with its count,
// pressed when it is ours; the names of who reacted as its label.
import type { Reaction } from '../api';
import { t } from '../i18n';
import { session } from '../state';

export function ReactionList(p: { reactions: Reaction[]; name_of: (account_id: number) => string; on_click: (emoji: string) => void }) {
  if (p.reactions.length === 0) return null;
  return (
    <div class="reactions">
      {p.reactions.map((r) => {
        const me_too = r.account_ids.includes(session.me?.id ?? -1);
        const names = r.account_ids.map(p.name_of).join(', ');
        return (
          <button
            key={r.emoji}
            type="button"
            class={'reaction' + (me_too ? ' reaction--mine' : '')}
            aria-pressed={me_too}
            aria-label={t('reaction_count', { emoji: r.emoji, count: r.count, names })}
            title={names}
            onClick={() => p.on_click(r.emoji)}
            data-emoji={r.emoji}
          >
            <span aria-hidden="true">{r.emoji}</span> <span class="reaction__count" aria-hidden="true">{r.count}</span>
          </button>
        );
      })}
    </div>
  );
}
