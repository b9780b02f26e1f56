// A room's notification level for the member (GET/PUT /channels/{id}/notifications): everything,
// mentions only, nothing, or the room kind's default (conversations and broadcasts tell all, chat
// rooms and boards mentions). The room's header has the button; the choice is a sheet of four
// radios, saved as soon as one is chosen.
import { useEffect, useId, useState } from 'preact/hooks';
import * as api from '../api';
import type { Level, RoomLevel } from '../api';
import { t } from '../i18n';
import { changed } from '../state';
import { FormError } from '../ui/form';
import { Icon } from '../ui/icons';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { room_levels } from './state';

const levels = room_levels;

const LEVEL_WORDS: Record<Level, 'level_all' | 'level_mentions' | 'level_nothing'> = { all: 'level_all', mentions: 'level_mentions', nothing: 'level_nothing' };
const LEVEL_HINTS: Record<Level, 'level_all_hint' | 'level_mentions_hint' | 'level_nothing_hint'> = { all: 'level_all_hint', mentions: 'level_mentions_hint', nothing: 'level_nothing_hint' };

/** « Mentions seulement », or « Par défaut (Mentions seulement) » when it is the room kind's. */
export function level_words(l: RoomLevel): string {
  return l.is_default ? t('level_default', { level: t(LEVEL_WORDS[l.default]) }) : t(LEVEL_WORDS[l.level]);
}

export function RoomLevelButton({ channel_id }: { channel_id: number }) {
  const [open, set_open] = useState(false);
  const known = levels.get(channel_id);
  return (
    <>
      <button type="button" class="icon-btn room-level-btn" aria-haspopup="dialog" aria-label={known ? t('room_notify_button', { level: level_words(known) }) : t('room_notify')}
        onClick={() => set_open(true)} data-testid="room-level">
        {/* A bell and a caret: a menu of this room's choices, not the top bar's list. */}
        <span class="room-level-btn__bell">
          <Icon name="bell" size={18} />
          {known && !known.is_default && known.level === 'nothing' && <span class="room-level-btn__off" aria-hidden="true" />}
        </span>
        <Icon name="down" size={14} />
      </button>
      <RoomLevelSheet channel_id={channel_id} open={open} on_close={() => set_open(false)} />
    </>
  );
}

function RoomLevelSheet({ channel_id, open, on_close }: { channel_id: number; open: boolean; on_close: () => void }) {
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  // The choice shows at once, until the server answers (a render in between must not undo it).
  const [picked, set_picked] = useState<Level | 'default' | null>(null);
  const name = useId();
  const current = levels.get(channel_id);
  useEffect(() => {
    if (!open) return;
    set_error(null);
    set_picked(null);
    api.get_room_level(channel_id).then((l) => {
      levels.set(channel_id, l);
      changed();
    }, set_error);
  }, [open, channel_id]);
  const choose = async (choice: Level | 'default') => {
    set_picked(choice);
    set_busy(true);
    set_error(null);
    try {
      const l = await api.set_room_level(channel_id, choice);
      levels.set(channel_id, l);
      changed();
      show_toast(t('level_saved', { level: level_words(l) }));
      on_close();
    } catch (e) {
      set_error(e);
      set_picked(null);
    } finally {
      set_busy(false);
    }
  };
  const chosen = picked ?? (current ? (current.is_default ? 'default' : current.level) : undefined);
  const choices: [Level | 'default', string, string | undefined][] = [
    ['default', current ? t('level_default', { level: t(LEVEL_WORDS[current.default]) }) : t('level_default', { level: '…' }), current ? t(LEVEL_HINTS[current.default]) : undefined],
    ...(['all', 'mentions', 'nothing'] as const).map((l): [Level, string, string] => [l, t(LEVEL_WORDS[l]), t(LEVEL_HINTS[l])]),
  ];
  return (
    <Sheet open={open} title={t('room_notify')} on_close={on_close} testid="room-level-sheet">
      <FormError error={error} />
      {!current && !error && <p class="loading" role="status">{t('loading')}</p>}
      {current && (
        <fieldset class="level-choices" disabled={busy}>
          <legend class="visually-hidden">{t('room_notify')}</legend>
          {choices.map(([value, label, hint]) => (
            <label class={'level-choice' + (chosen === value ? ' level-choice--on' : '')} key={value}>
              <input type="radio" name={name} value={value} checked={chosen === value} onChange={() => void choose(value)} />
              <span class="level-choice__text">
                <span class="level-choice__label">{label}</span>
                {hint && <span class="level-choice__hint">{hint}</span>}
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </Sheet>
  );
}
