// The account page: display name, language, notifications (emails, quiet hours, this device), password, active sessions, the communities (and
// leaving one), personal access tokens under « Avancé », log out.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { PersonalToken } from '../api';
import { format_datetime, locale, problem_of, t } from '../i18n';
import { changed, session } from '../state';
import { forget_community } from '../communities/state';
import { ask_confirm } from '../ui/confirm';
import { show_toast } from '../ui/toast';
import { Link } from '../ui/link';
import { check, CopyButton, Field, FormError, Notice, Select, submit, use_form } from '../ui/form';
import { Page } from '../ui/shell';
import { change_locale, log_out } from './session';
import { SessionsCard } from './sessions';
import { NotificationSettingsCard } from '../notifications/settings_card';

export function AccountPage() {
  const me = session.me!;
  const profile = use_form({ display_name: me.display_name });
  const [profile_saved, set_profile_saved] = useState(false);
  const pw = use_form({ current_password: '', new_password: '' });
  const [pw_done, set_pw_done] = useState(false);
  // A password change ends the other sessions: the list is fetched again.
  const [pw_changes, set_pw_changes] = useState(0);
  const tok = use_form({ name: '' });
  const [tokens, set_tokens] = useState<PersonalToken[] | null>(null);
  const [secret, set_secret] = useState('');
  const [tok_error, set_tok_error] = useState<unknown>(null);

  useEffect(() => {
    api.list_tokens().then((r) => set_tokens(r.tokens), set_tok_error);
  }, []);

  return (
    <Page narrow>
      <h1>{t('account_title')}</h1>

      <section class="card" aria-labelledby="profile-h">
        <h2 id="profile-h">{t('profile')}</h2>
        <form
          class="form"
          noValidate
          ref={profile.ref}
          onSubmit={(e) => {
            e.preventDefault();
            set_profile_saved(false);
            void submit(
              profile,
              async () => {
                const { account } = await api.update_me({ display_name: profile.values.display_name.trim() });
                session.me = account;
                changed();
                set_profile_saved(true);
              },
              { checks: { display_name: check.required('display_name', profile.values.display_name) } },
            );
          }}
        >
          <FormError error={profile.errors['']} />
          <p class="muted">{me.email}</p>
          <Field label={t('display_name')} name="display_name" value={profile.values.display_name} onInput={profile.set('display_name')} error={profile.errors.display_name} maxLength={80} required />
          <button class="btn btn--primary" type="submit" disabled={profile.busy}>{t('save')}</button>
          {profile_saved && <Notice>{t('saved')}</Notice>}
        </form>
        <Select label={t('language')} name="locale" value={locale()} options={[['fr', t('lang_fr')], ['en', t('lang_en')]]} onChange={(v) => void change_locale(v as 'fr' | 'en')} />
      </section>

      <NotificationSettingsCard />

      <section class="card" aria-labelledby="pw-h">
        <h2 id="pw-h">{t('change_password')}</h2>
        <form
          class="form"
          noValidate
          ref={pw.ref}
          onSubmit={(e) => {
            e.preventDefault();
            set_pw_done(false);
            void submit(
              pw,
              async () => {
                await api.change_password(pw.values);
                pw.set_values({ current_password: '', new_password: '' });
                set_pw_done(true);
                set_pw_changes((n) => n + 1);
              },
              {
                checks: { current_password: check.required('current_password', pw.values.current_password), new_password: check.password('new_password', pw.values.new_password) },
                // The server says invalid_credentials for a wrong current password: it belongs to that field.
                problem: (e) => {
                  const p = problem_of(e);
                  return p.code === 'invalid_credentials' ? { code: 'invalid_field', field: 'current_password' } : p;
                },
              },
            );
          }}
        >
          <FormError error={pw.errors['']} />
          <input type="text" name="username" autoComplete="username" value={me.email} hidden readOnly />
          <Field label={t('current_password')} name="current_password" type="password" value={pw.values.current_password} onInput={pw.set('current_password')} error={pw.errors.current_password} autocomplete="current-password" />
          <Field label={t('new_password')} name="new_password" type="password" value={pw.values.new_password} onInput={pw.set('new_password')} hint={t('password_hint')} error={pw.errors.new_password} autocomplete="new-password" />
          <button class="btn btn--primary" type="submit" disabled={pw.busy}>{t('change_password')}</button>
          {pw_done && <Notice>{t('password_changed')}</Notice>}
        </form>
      </section>

      <SessionsCard reload={pw_changes} />

      <CommunitiesCard />

      {/* For developers only: folded away, so that nobody else wonders what a token is. */}
      <details class="card advanced" data-testid="advanced">
        <summary><h2>{t('advanced')}</h2></summary>
      <section aria-labelledby="tok-h">
        <h2 id="tok-h" class="h3">{t('tokens')}</h2>
        <p class="muted">{t('tokens_hint')}</p>
        <FormError error={tok_error} />
        {secret && (
          <div class="secret" role="status">
            <p>{t('token_created')}</p>
            <code class="secret__value">{secret}</code>
            <CopyButton text={secret} />
          </div>
        )}
        {tokens && tokens.length === 0 && <p class="muted">{t('no_tokens')}</p>}
        {tokens && tokens.length > 0 && (
          <ul class="rows">
            {tokens.map((k) => (
              <li class="row" key={k.id}>
                <div class="row__main">
                  <strong>{k.name}</strong>
                  <span class="muted">{k.last_used_at ? t('last_used', { date: format_datetime(k.last_used_at) }) : t('never_used')}</span>
                </div>
                <button
                  class="btn btn--small btn--danger"
                  type="button"
                  aria-label={`${t('delete')} ${k.name}`}
                  onClick={async () => {
                    try {
                      await api.delete_token(k.id);
                      set_tokens((ts) => ts!.filter((x) => x.id !== k.id));
                    } catch (e) {
                      set_tok_error(e);
                    }
                  }}
                >
                  {t('delete')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          class="form form--inline"
          noValidate
          ref={tok.ref}
          onSubmit={(e) => {
            e.preventDefault();
            void submit(
              tok,
              async () => {
                const r = await api.create_token(tok.values.name.trim());
                set_secret(r.token);
                set_tokens((ts) => [...(ts ?? []), r.personal_token]);
                tok.set_values({ name: '' });
              },
              { checks: { name: check.required('name', tok.values.name) } },
            );
          }}
        >
          <FormError error={tok.errors['']} />
          <Field label={t('token_name')} name="name" value={tok.values.name} onInput={tok.set('name')} error={tok.errors.name} maxLength={80} />
          <button class="btn" type="submit" disabled={tok.busy}>{t('create_token')}</button>
        </form>
      </section>
      </details>

      <button class="btn btn--block" type="button" onClick={() => void log_out()}>{t('log_out')}</button>
    </Page>
  );
}

/** The communities the person belongs to, and leaving one (DELETE of one's own membership). */
function CommunitiesCard() {
  const [error, set_error] = useState<unknown>(null);
  const me = session.me!;
  const leave = async (slug: string, name: string, id: number) => {
    if (!(await ask_confirm({ title: t('leave_confirm_title', { community: name }), body: t('leave_confirm'), confirm: t('leave_short'), danger: true }))) return;
    set_error(null);
    try {
      await api.remove_member(slug, me.id);
      forget_community(id);
      show_toast(t('left_done', { community: name }));
    } catch (e) {
      set_error(e);
    }
  };
  if (session.memberships.length === 0) return null;
  return (
    <section class="card" aria-labelledby="communities-h" data-testid="my-communities">
      <h2 id="communities-h">{t('my_communities')}</h2>
      <FormError error={error} />
      <ul class="rows">
        {session.memberships.map((m) => (
          <li class="row" key={m.community.id} data-slug={m.community.slug}>
            <div class="row__main">
              <Link href={`/c/${m.community.slug}`}><strong>{m.community.name}</strong></Link>
              <span class="muted small">{t('member_number', { number: m.member_number })}{m.role === 'owner' ? ` · ${t('role_owner')}` : m.role === 'host' ? ` · ${t('role_host')}` : ''}</span>
            </div>
            {m.role === 'owner' ? (
              <span class="muted small">{t('owner_cannot_leave')}</span>
            ) : (
              <button type="button" class="btn btn--danger" onClick={() => void leave(m.community.slug, m.community.name, m.community.id)}>
                {t('leave_this')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
