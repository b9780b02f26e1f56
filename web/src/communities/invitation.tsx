// The invitation page /i/{code}: who invites you where, and accepting (signing up on the way).
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { InvitationPreview } from '../api';
import { error_text, format_datetime, t } from '../i18n';
import { navigate, session } from '../state';
import { FormError } from '../ui/form';
import { Page } from '../ui/shell';
import { Link } from '../ui/link';
import { Icon } from '../ui/icons';
import { LogInForm, SignUpForm } from '../accounts/auth';
import { load_me } from '../accounts/session';

type Dead = 'invitation_expired' | 'invitation_used_up' | 'invitation_revoked' | 'removed_from_community' | 'not_found';

/** The refusals that end the visit: a dead link, or a person removed from the community. */
function dead_reason(e: unknown): Dead | null {
  if (!(e instanceof api.ApiError)) return null;
  if (e.status === 404) return 'not_found';
  if (e.status === 410 || e.code === 'removed_from_community') return e.code as Dead;
  return null;
}

export function InvitationPage({ code }: { code: string }) {
  const [preview, set_preview] = useState<InvitationPreview | null>(null);
  const [dead, set_dead] = useState<Dead | null>(null);
  const [error, set_error] = useState('');
  const [busy, set_busy] = useState(false);
  const [mode, set_mode] = useState<'signup' | 'login'>('signup');

  useEffect(() => {
    api.get_invitation(code).then(set_preview, (e) => {
      const reason = dead_reason(e);
      if (reason) set_dead(reason);
      else set_error(error_text(e));
    });
  }, [code]);

  const accept = async () => {
    set_busy(true);
    set_error('');
    try {
      const { membership } = await api.accept_invitation(code);
      await load_me();
      sessionStorage.setItem('ps_welcome', `${membership.community.slug}:${membership.member_number}`);
      navigate(`/c/${membership.community.slug}`, { replace: true });
    } catch (e) {
      const reason = e instanceof api.ApiError && e.status !== 404 ? dead_reason(e) : null;
      if (reason) set_dead(reason);
      else set_error(error_text(e));
    } finally {
      set_busy(false);
    }
  };

  if (dead) return <DeadInvitation reason={dead} />;
  if (!preview) {
    return (
      <Page narrow>
        <FormError error={error} />
        {!error && <p class="loading" role="status">{t('loading')}</p>}
      </Page>
    );
  }
  const { community, inviter, invitation } = preview;
  return (
    <Page narrow>
      <section class="invite card">
        <p class="invite__from">{t('invite_title', { name: inviter.display_name })}</p>
        <h1>{community.name}</h1>
        {community.description && <p class="invite__desc">{community.description}</p>}
        <ul class="invite__facts">
          {invitation.max_uses != null && <li>{t('invite_uses', { uses: invitation.uses, max: invitation.max_uses })}</li>}
          {invitation.expires_at && <li>{t('invite_expires', { date: format_datetime(invitation.expires_at) })}</li>}
        </ul>
        <FormError error={error} />
        {session.me ? (
          <button class="btn btn--primary btn--block" type="button" disabled={busy} onClick={() => void accept()}>
            {t('invite_accept', { community: community.name })}
          </button>
        ) : (
          <div>
            <h2>{mode === 'signup' ? t('invite_accept_signup') : t('log_in')}</h2>
            {mode === 'signup' ? <SignUpForm after={accept} /> : <LogInForm after={accept} />}
            <button class="btn btn--link" type="button" onClick={() => set_mode(mode === 'signup' ? 'login' : 'signup')}>
              {mode === 'signup' ? t('invite_login_instead') : t('invite_signup_instead')}
            </button>
          </div>
        )}
      </section>
    </Page>
  );
}

function DeadInvitation({ reason }: { reason: Dead }) {
  const [title, body] =
    reason === 'invitation_expired' ? [t('invite_expired_title'), t('invite_expired_body')]
    : reason === 'invitation_used_up' ? [t('invite_used_up_title'), t('invite_used_up_body')]
    : reason === 'invitation_revoked' ? [t('invite_revoked_title'), t('invite_revoked_body')]
    : reason === 'removed_from_community' ? [t('invite_removed_title'), t('invite_removed_body')]
    : [t('invite_not_found_title'), t('invite_not_found_body')];
  return (
    <Page narrow>
      <section class="card dead" data-reason={reason}>
        <div class="dead__icon"><Icon name="ticket" size={44} /></div>
        <h1>{title}</h1>
        <p>{body}</p>
        <Link href="/" class="btn">{t('go_home')}</Link>
      </section>
    </Page>
  );
}
