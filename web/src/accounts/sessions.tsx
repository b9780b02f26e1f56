// « Sessions actives » on the account page: where the account is signed in, when each device was
// last active, and ending one of them or all the others. An ended session's open streams close
// at once (code 4401) and that device goes back to its log-in screen.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { SessionInfo } from '../api';
import { error_text, format_datetime, format_relative, t } from '../i18n';
import { FormError, Notice } from '../ui/form';
import { ask_confirm } from '../ui/confirm';

/** What a session row says under its device: the last use, or when it was opened. */
export function session_when(s: SessionInfo, now = Date.now()): string {
  return s.last_used_at ? t('session_last_used', { when: format_relative(s.last_used_at, now) }) : t('session_opened', { when: format_relative(s.created_at, now) });
}

/** The notice after « Fermer toutes les autres sessions ». */
export function ended_text(ended: number): string {
  if (ended === 0) return t('no_other_sessions');
  return ended === 1 ? t('other_session_ended') : t('other_sessions_ended', { count: ended });
}

/** `reload` changes when something else ended sessions (a password change): the list is fetched again. */
export function SessionsCard({ reload = 0 }: { reload?: number }) {
  const [sessions, set_sessions] = useState<SessionInfo[] | null>(null);
  const [error, set_error] = useState('');
  const [done, set_done] = useState('');
  const [busy, set_busy] = useState(false);

  useEffect(() => {
    api.list_sessions().then((r) => set_sessions(r.sessions), (e) => set_error(error_text(e)));
  }, [reload]);

  const end = async (s: SessionInfo) => {
    set_error('');
    set_done('');
    set_busy(true);
    try {
      await api.end_session(s.id);
      set_done(t('end_session_done', { device: s.device }));
      set_sessions((list) => list!.filter((x) => x.id !== s.id));
    } catch (e) {
      // Not found: it ended meanwhile (expired, or from another device). What was asked is done.
      if (e instanceof api.ApiError && e.status === 404) {
        set_done(t('session_already_ended'));
        set_sessions((list) => list!.filter((x) => x.id !== s.id));
      } else set_error(error_text(e));
    } finally {
      set_busy(false);
    }
  };
  const end_others = async () => {
    if (!(await ask_confirm({ title: t('end_other_sessions_title'), body: t('end_other_sessions_confirm'), confirm: t('end_other_sessions'), danger: true }))) return;
    set_error('');
    set_done('');
    set_busy(true);
    try {
      const { ended } = await api.end_other_sessions();
      set_done(ended_text(ended));
      set_sessions((list) => list!.filter((x) => x.current));
    } catch (e) {
      set_error(error_text(e));
    } finally {
      set_busy(false);
    }
  };
  const others = sessions?.filter((s) => !s.current).length ?? 0;

  return (
    <section class="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t('sessions')}</h2>
      <p class="muted">{t('sessions_hint')}</p>
      <FormError error={error} />
      {done && <Notice>{done}</Notice>}
      {!sessions && !error && <p class="muted" role="status">{t('loading')}</p>}
      {sessions && (
        <ul class="rows" data-testid="sessions">
          {sessions.map((s) => (
            <li class="row" key={s.id} data-current={s.current ? 'true' : undefined}>
              <div class="row__main">
                <strong>
                  {s.device}
                  {s.current && <> <span class="tag tag--accent">{t('this_device')}</span></>}
                </strong>
                <span class="muted small" title={format_datetime(s.last_used_at ?? s.created_at)}>{session_when(s)}</span>
              </div>
              {!s.current && (
                <button class="btn btn--small btn--danger" type="button" disabled={busy} aria-label={t('end_session_label', { device: s.device })} onClick={() => void end(s)}>
                  {t('end_session')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {sessions && others === 0 && !done && <p class="muted small">{t('no_other_sessions')}</p>}
      {others > 0 && (
        <button class="btn btn--block btn--danger" type="button" disabled={busy} onClick={() => void end_others()}>
          {t('end_other_sessions')}
        </button>
      )}
    </section>
  );
}
