// Welcome, sign up, log in (password or emailed link), and the /login/<token> landing.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { error_text, locale, log_in_problem, t } from '../i18n';
import { navigate, remember_next, session, take_next } from '../state';
import { check, Field, FormError, Notice, submit, use_form } from '../ui/form';
import { Page } from '../ui/shell';
import { Link } from '../ui/link';
import { signed_in } from './session';

export function Welcome() {
  return (
    <Page>
      <section class="hero">
        <h1>{t('welcome_title')}</h1>
        <p class="lead">{t('welcome_lead')}</p>
        <ul class="points">
          <li>{t('welcome_point_1')}</li>
          <li>{t('welcome_point_2')}</li>
          <li>{t('welcome_point_3')}</li>
        </ul>
        <div class="actions">
          <Link href="/signup" class="btn btn--primary">{t('sign_up')}</Link>
          <Link href="/login" class="btn">{t('log_in')}</Link>
        </div>
      </section>
    </Page>
  );
}

/** The sign-up form; `after` runs once signed in (the invitation page accepts there). */
export function SignUpForm({ after }: { after: () => Promise<void> | void }) {
  const f = use_form({ display_name: '', email: '', password: '' });
  return (
    <form
      class="form"
      noValidate
      ref={f.ref}
      onSubmit={(e) => {
        e.preventDefault();
        const v = f.values;
        void submit(
          f,
          async () => {
            const { account } = await api.sign_up({ ...v, display_name: v.display_name.trim(), email: v.email.trim(), locale: locale() });
            await signed_in(account);
            await after();
          },
          { checks: { display_name: check.required('display_name', v.display_name), email: check.email(v.email), password: check.password('password', v.password) } },
        );
      }}
    >
      <FormError error={f.errors['']} />
      <Field label={t('display_name')} name="display_name" value={f.values.display_name} onInput={f.set('display_name')} hint={t('display_name_hint')} error={f.errors.display_name} required autocomplete="nickname" maxLength={80} />
      <Field label={t('email')} name="email" type="email" value={f.values.email} onInput={f.set('email')} error={f.errors.email} required autocomplete="email" />
      <Field label={t('password')} name="password" type="password" value={f.values.password} onInput={f.set('password')} hint={t('password_hint')} error={f.errors.password} required autocomplete="new-password" />
      <button class="btn btn--primary btn--block" type="submit" disabled={f.busy}>{t('sign_up')}</button>
    </form>
  );
}

export function LogInForm({ after }: { after: () => Promise<void> | void }) {
  const f = use_form({ email: '', password: '' });
  const [link_sent, set_link_sent] = useState('');
  if (link_sent) {
    return (
      <div class="card" role="status">
        <h2>{t('link_sent_title')}</h2>
        <p>{t('link_sent_body', { email: link_sent })}</p>
      </div>
    );
  }
  const ask_link = () =>
    submit(
      f,
      async () => {
        remember_next(location.pathname.startsWith('/i/') ? location.pathname : take_next_peek());
        await api.request_login_link(f.values.email.trim());
        set_link_sent(f.values.email.trim());
      },
      { checks: { email: check.email(f.values.email) } },
    );
  return (
    <form
      class="form"
      noValidate
      ref={f.ref}
      onSubmit={(e) => {
        e.preventDefault();
        void submit(
          f,
          async () => {
            const { account } = await api.log_in({ ...f.values, email: f.values.email.trim() });
            await signed_in(account);
            await after();
          },
          { problem: log_in_problem, checks: { email: check.email(f.values.email), password: check.required('password', f.values.password) } },
        );
      }}
    >
      <FormError error={f.errors['']} />
      <Field label={t('email')} name="email" type="email" value={f.values.email} onInput={f.set('email')} error={f.errors.email} required autocomplete="email" />
      <Field label={t('password')} name="password" type="password" value={f.values.password} onInput={f.set('password')} error={f.errors.password} autocomplete="current-password" />
      <button class="btn btn--primary btn--block" type="submit" disabled={f.busy}>{t('log_in')}</button>
      <p class="or"><span>{t('or')}</span></p>
      <button class="btn btn--block" type="button" disabled={f.busy} onClick={() => void ask_link()}>{t('email_me_link')}</button>
    </form>
  );
}

function take_next_peek(): string {
  return localStorage.getItem('ps_next') ?? '/';
}

export function LogInPage() {
  return (
    <Page narrow>
      <h1>{t('log_in_title')}</h1>
      {session.expired && <Notice>{t('session_expired')}</Notice>}
      <LogInForm after={() => navigate(take_next(), { replace: true })} />
      <p class="switch">{t('no_account')} <Link href="/signup">{t('sign_up')}</Link></p>
    </Page>
  );
}

export function SignUpPage() {
  return (
    <Page narrow>
      <h1>{t('sign_up_title')}</h1>
      <SignUpForm after={() => navigate(take_next(), { replace: true })} />
      <p class="switch">{t('have_account')} <Link href="/login">{t('log_in')}</Link></p>
    </Page>
  );
}

/** A login link is single use: however often the page mounts, it is spent once. */
const link_uses = new Map<string, Promise<void>>();
function use_link_once(token: string): Promise<void> {
  let use = link_uses.get(token);
  if (!use) {
    use = api.use_login_link(token).then(async ({ account }) => {
      await signed_in(account);
      navigate(take_next(), { replace: true });
    });
    link_uses.set(token, use);
  }
  return use;
}

/** The link from the email, PUBLIC_URL/login/<token>: exchange it for a session. */
export function LoginLinkPage({ token }: { token: string }) {
  const [error, set_error] = useState<unknown>(null);
  useEffect(() => {
    use_link_once(token).catch(set_error);
  }, [token]);
  const failed = error instanceof api.ApiError && error.code === 'invalid_credentials';
  return (
    <Page narrow>
      {error ? (
        <div class="card">
          <h1>{failed ? t('login_link_failed') : error_text(error)}</h1>
          <Link href="/login" class="btn btn--primary">{t('login_link_again')}</Link>
        </div>
      ) : (
        <p class="loading" role="status">{t('login_link_checking')}</p>
      )}
    </Page>
  );
}
