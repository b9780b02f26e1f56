// The bell in a community's top bar: how many notifications are unread (all communities: the
// list is the account's), and the sheet it opens, the whole screen on a phone and a panel under
// the bar on a laptop: each notification says who did what where, its excerpt, when; unread ones
// stand out. A tap marks it read and opens it where it happened (the URLs search uses); « Tout
// marquer comme lu » reads them all. The settings are on the account page.
import { useEffect, useState } from 'preact/hooks';
import type { AppNotification } from '../api';
import { format_datetime, format_relative, t, tn } from '../i18n';
import { session } from '../state';
import { FormError } from '../ui/form';
import { Icon } from '../ui/icons';
import { Link } from '../ui/link';
import { Sheet } from '../ui/sheet';
import { hue, initials } from '../ui/shell';
import { bell, ensure_bell, load_more_notifications, notification_href, read_all, read_one } from './state';
import './notifications.css';

/** The badge's text: the count, « 99+ » past 99. */
export function badge_text(count: number): string {
  return count > 99 ? '99+' : String(count);
}

/** How the room of a notification is named in its sentence. */
function room_words(c: AppNotification['channel']): string {
  if (c.kind === 'direct' || c.kind === 'group') return c.name || t('notif_a_conversation');
  return c.kind === 'chat' ? `#${c.name}` : c.name;
}

/** « Béa t’a mentionné·e dans #jasette », "A poll closed in news: see the results" … */
export function sentence_of(n: AppNotification): string {
  const vars = { actor: n.actor?.display_name ?? t('notif_someone'), room: room_words(n.channel) };
  switch (n.kind) {
    case 'mention': return t('notif_mention', vars);
    case 'reply': return t('notif_reply', vars);
    case 'comment': return t('notif_comment', vars);
    case 'broadcast': return t('notif_broadcast', vars);
    case 'direct': return t('notif_direct', vars);
    case 'poll_closed': return t('notif_poll_closed', vars);
    default: return t('notif_message', vars);
  }
}

export function BellButton() {
  const [open, set_open] = useState(false);
  const online = session.connection === 'online';
  useEffect(() => ensure_bell(), [online]);
  const count = bell.unread;
  return (
    <>
      <button type="button" class="bell-btn" aria-haspopup="dialog" aria-label={count ? tn('bell_label', count) : t('notifications')} onClick={() => set_open(true)} data-testid="bell-open">
        <Icon name="bell" />
        {count > 0 && <span class="bell-btn__badge" aria-hidden="true" data-testid="bell-count">{badge_text(count)}</span>}
      </button>
      <BellSheet open={open} on_close={() => set_open(false)} />
    </>
  );
}

export function BellSheet({ open, on_close }: { open: boolean; on_close: () => void }) {
  const [error, set_error] = useState<unknown>(null);
  useEffect(() => {
    if (open) ensure_bell();
  }, [open]);
  const several = session.memberships.length > 1;
  const mark_all = () => {
    set_error(null);
    read_all().catch(set_error);
  };
  return (
    <Sheet open={open} title={t('notifications')} on_close={on_close} testid="bell" variant="bell">
      <div class="bell">
        <div class="bell__bar">
          <button type="button" class="btn btn--small" disabled={bell.unread === 0} onClick={mark_all} data-autofocus={bell.unread > 0 ? true : undefined}>
            <Icon name="check" size={18} /> {t('bell_mark_all')}
          </button>
          <Link href="/account#notifications" class="btn btn--small btn--ghost" onClick={on_close}>
            <Icon name="settings" size={18} /> {t('bell_settings')}
          </Link>
        </div>
        <FormError error={error ?? bell.error} />
        {!bell.loaded && !bell.error && <p class="loading" role="status">{t('loading')}</p>}
        {bell.loaded && bell.items.length === 0 && (
          <div class="bell__empty" data-testid="bell-empty">
            <Icon name="bell" size={32} />
            <p>{t('bell_empty')}</p>
          </div>
        )}
        {bell.items.length > 0 && (
          <ol class="bell__list" aria-label={t('notifications')} data-testid="bell-list">
            {bell.items.map((n) => (
              <li key={n.id}><BellItem n={n} several={several} on_pick={on_close} /></li>
            ))}
          </ol>
        )}
        {bell.next_before !== undefined && (
          <button type="button" class="btn bell__more" disabled={bell.loading_more} onClick={() => void load_more_notifications()}>
            {bell.loading_more ? t('loading') : t('bell_more')}
          </button>
        )}
      </div>
    </Sheet>
  );
}

function BellItem({ n, several, on_pick }: { n: AppNotification; several: boolean; on_pick: () => void }) {
  const actor = n.actor;
  return (
    <Link href={notification_href(n)} class={'notif' + (n.read ? '' : ' notif--unread')} onClick={() => {
      read_one(n);
      on_pick();
    }}>
      <span class="notif__face" aria-hidden="true" style={actor ? ({ '--h': hue(actor.id) } as any) : undefined}>
        {actor ? initials(actor.display_name) : <Icon name="bell" />}
      </span>
      <span class="notif__main">
        {!n.read && <span class="visually-hidden">{t('bell_unread')}, </span>}
        <span class="notif__what">{sentence_of(n)}</span>
        {n.excerpt && <span class="notif__excerpt">{n.excerpt}</span>}
        <span class="notif__meta">
          {several && <span class="notif__community">{t('bell_in_community', { community: n.community.name })}</span>}
          <time dateTime={n.created_at} title={format_datetime(n.created_at)}>{format_relative(n.created_at)}</time>
        </span>
      </span>
      {!n.read && <span class="notif__dot" aria-hidden="true" />}
    </Link>
  );
}
