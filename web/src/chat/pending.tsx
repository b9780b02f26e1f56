// Messages written but not yet acknowledged by the server.
import { t } from '../i18n';
import { session } from '../state';
import { hue, initials } from '../ui/shell';
import { FileList } from '../files/file_view';
import { discard_pending, pending_for, retry_pending } from './state';
import { channels_by_id, members_by_slug, slug_of_community } from '../communities/state';
import { from_body } from '../mentions/draft';
import { member_name } from '../mentions/render';

/** A pending body as it was typed: `@Name` where it holds `<@id>`. */
function as_typed(channel_id: number, body: string): string {
  const community = channels_by_id.get(channel_id)?.community_id;
  const members = members_by_slug.get(community === undefined ? '' : slug_of_community(community) ?? '');
  return from_body(body, (id) => member_name(members, id, session.me)).text;
}

export function PendingList({ channel_id, parent_id }: { channel_id: number; parent_id: number | null }) {
  const list = pending_for(channel_id, parent_id);
  if (!list.length || !session.me) return null;
  return (
    <>
      {list.map((p) => (
        <div class="msg msg--pending" key={p.client_id} data-testid="pending">
          <div class="msg__gutter">
            <span class="avatar" style={{ '--h': hue(session.me!.id) } as any} aria-hidden="true">{initials(session.me!.display_name)}</span>
          </div>
          <div class="msg__content">
            {p.body && <p class="msg__body msg__body--plain">{as_typed(p.channel_id, p.body)}</p>}
            {p.files && <FileList files={p.files} />}
            {p.failed ? (
              <p class="form-error small" role="alert">
                {t('send_failed', { message: p.failed })}{' '}
                <button type="button" class="btn btn--small" onClick={() => retry_pending(p.client_id)}>{t('retry')}</button>{' '}
                <button type="button" class="btn btn--small btn--ghost" onClick={() => discard_pending(p.client_id)}>{t('delete')}</button>
              </p>
            ) : (
              <p class="muted small" role="status">{t('pending')}</p>
            )}
          </div>
        </div>
      ))}
    </>
  );
}
