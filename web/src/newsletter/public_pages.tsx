// The pages a visitor reaches without an account: the community's subscription form
// (/c/{slug}/subscribe), the confirmation link of its email (/subscribe/confirm?token=…), and the
// unsubscribe link of every issue (/unsubscribe/{token}), and a subscriber's archive page of an
// issue (/newsletter/{token}, the emails' « read on the web » link). The last two act with a POST once the
// page has opened, so a mail scanner that only fetches the link changes nothing.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { ApiError, type Locale, type PublicNewsletter, type SubscriptionAnswer } from '../api';
import { format_date, locale, t } from '../i18n';
import { Page } from '../ui/shell';
import { Field, FormError, Select, check, submit, use_form } from '../ui/form';
import { Icon } from '../ui/icons';
import './newsletter.css';

/** The server refuses a form token younger than two seconds: a post waits until it is older. */
const TOKEN_AGE_MS = 2100;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

type Form = { community: { slug: string; name: string; description: string }; form_token: string };

export function SubscribePage({ slug }: { slug: string }) {
  const [form, set_form] = useState<Form | null>(null);
  const [off, set_off] = useState(false);
  const [error, set_error] = useState<unknown>(null);
  const [sent, set_sent] = useState('');
  const f = use_form({ name: '', email: '', locale: locale() as string, website: '' });
  // When the token came: the server refuses a post less than two seconds after it.
  const got_at = useRef(0);
  const load = () => api.get_subscribe_form(slug).then((x) => { got_at.current = Date.now(); set_form(x); return x; }, (e) => {
    if (e instanceof ApiError && e.status === 404) set_off(true);
    else set_error(e);
    return null;
  });
  useEffect(() => void load(), [slug]);

  if (off) return <PublicNote icon="warning" title={t('nl_form_off_title')} body={t('nl_form_off_body')} />;
  if (!form) return <Page narrow><FormError error={error} />{!error && <p class="loading" role="status">{t('loading')}</p>}</Page>;
  if (sent) return <PublicNote icon="check" title={t('nl_check_inbox_title')} body={t('nl_check_inbox_body', { email: sent, community: form.community.name })} />;
  const v = f.values;
  return (
    <Page narrow>
      <section class="card nl-public" aria-labelledby="nl-sub-h" data-testid="nl-subscribe">
        <p class="invite__from">{t('nl_subscribe_kicker')}</p>
        <h1 id="nl-sub-h">{form.community.name}</h1>
        {form.community.description && <p class="invite__desc">{form.community.description}</p>}
        <p>{t('nl_subscribe_intro')}</p>
        <form class="form" noValidate ref={f.ref} onSubmit={(e) => {
          e.preventDefault();
          void submit(f, async () => {
            const post = async (token: string, got: number) => {
              await sleep(TOKEN_AGE_MS - (Date.now() - got));
              await api.subscribe(slug, { email: v.email.trim(), ...(v.name.trim() ? { name: v.name.trim() } : {}), locale: v.locale as Locale, form_token: token, website: v.website });
            };
            try {
              await post(form.form_token, got_at.current);
            } catch (err) {
              if (!(err instanceof ApiError && err.code === 'invalid_form_token')) throw err;
              // Too soon or too late after the token (a page left open a day): once more, with a
              // fresh token, when it is old enough.
              const fresh = await load();
              if (!fresh) throw err;
              await post(fresh.form_token, got_at.current);
            }
            set_sent(v.email.trim());
          }, { checks: { email: check.email(v.email) } });
        }}>
          <FormError error={f.errors['']} />
          <Field label={t('nl_sub_name')} name="name" value={v.name} onInput={f.set('name')} autocomplete="name" maxLength={100} optional error={f.errors.name} />
          <Field label={t('email')} name="email" type="email" value={v.email} onInput={f.set('email')} autocomplete="email" required error={f.errors.email} />
          <Select label={t('nl_sub_locale')} name="locale" value={v.locale} onChange={f.set('locale')} options={[['fr', 'Français'], ['en', 'English']]} error={f.errors.locale} />
          {/* The honeypot: off-screen (not display:none, which some bots skip), out of the tab
              order and hidden from screen readers; a person leaves it empty, a bot fills it in. */}
          <div class="nl-honeypot" aria-hidden="true">
            <label for="nl-website">{t('nl_hp_label')}</label>
            <input id="nl-website" name="website" type="text" tabIndex={-1} autoComplete="off" value={v.website} onInput={(e) => f.set('website')((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <p class="muted small">{t('nl_sub_consent')}</p>
          <button class="btn btn--primary btn--block" type="submit" disabled={f.busy}>{t('nl_subscribe')}</button>
        </form>
      </section>
    </Page>
  );
}

/** Runs `act` once when the page opens (never twice for one token), and keeps its answer. */
function use_once(token: string, act: (token: string) => Promise<SubscriptionAnswer>) {
  const [answer, set_answer] = useState<SubscriptionAnswer | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const done = useRef('');
  useEffect(() => {
    if (done.current === token) return;
    done.current = token;
    act(token).then(set_answer, set_error);
  }, [token]);
  return { answer, error, set_answer, set_error };
}

export function ConfirmPage({ token }: { token: string }) {
  const { answer, error } = use_once(token, api.confirm_subscription);
  if (!token || (error instanceof ApiError && error.status === 404)) return <PublicNote icon="warning" title={t('nl_bad_link_title')} body={t('nl_confirm_bad_body')} />;
  if (answer) return <PublicNote icon="check" title={t('nl_confirmed_title')} body={t('nl_confirmed_body', { email: answer.email, community: answer.community.name })} />;
  return <Page narrow><FormError error={error} />{!error && <p class="loading" role="status">{t('nl_confirming')}</p>}</Page>;
}

export function UnsubscribePage({ token }: { token: string }) {
  const { answer, error, set_answer, set_error } = use_once(token, api.unsubscribe);
  const [back, set_back] = useState(false);
  const [busy, set_busy] = useState(false);
  if (error instanceof ApiError && error.status === 404) return <PublicNote icon="warning" title={t('nl_bad_link_title')} body={t('nl_unsub_bad_body')} />;
  if (!answer) return <Page narrow><FormError error={error} />{!error && <p class="loading" role="status">{t('nl_unsubscribing')}</p>}</Page>;
  const vars = { email: answer.email, community: answer.community.name };
  if (back) return <PublicNote icon="check" title={t('nl_resubscribed_title')} body={t('nl_resubscribed_body', vars)} />;
  return (
    <PublicNote icon="check" title={t('nl_unsubscribed_title')} body={t('nl_unsubscribed_body', vars)}>
      <FormError error={error} />
      <p class="muted">{t('nl_resubscribe_offer')}</p>
      <button type="button" class="btn" disabled={busy} onClick={async () => {
        set_busy(true);
        set_error(null);
        try {
          set_answer(await api.resubscribe(token));
          set_back(true);
        } catch (e) {
          set_error(e);
        } finally {
          set_busy(false);
        }
      }}>{t('nl_resubscribe')}</button>
    </PublicNote>
  );
}

/** An issue as a subscriber reads it from their email's « read on the web » link (a signed token). */
export function PublicIssuePage({ token }: { token: string }) {
  const [issue, set_issue] = useState<PublicNewsletter | null>(null);
  const [error, set_error] = useState<unknown>(null);
  useEffect(() => {
    set_issue(null);
    set_error(null);
    api.public_newsletter(token).then((x) => set_issue(x.newsletter), set_error);
  }, [token]);
  if (error instanceof ApiError && error.status === 404) return <PublicNote icon="warning" title={t('nl_bad_link_title')} body={t('nl_archive_bad_body')} />;
  if (!issue) return <Page narrow><FormError error={error} />{!error && <p class="loading" role="status">{t('loading')}</p>}</Page>;
  return (
    <Page narrow>
      <article class="card nl-article nl-public-issue" aria-labelledby="nl-subject" data-testid="nl-public-issue">
        <p class="muted small nl-kicker">{issue.community.name} · {t('nl_subscribe_kicker')}</p>
        <h1 id="nl-subject" class="nl-article__subject">{issue.subject}</h1>
        {issue.sent_at && <p class="muted small"><time dateTime={issue.sent_at}>{format_date(issue.sent_at)}</time></p>}
        {/* The body as the server renders it for the emails (safe HTML, images by signed links). */}
        <div class="md nl-page" dangerouslySetInnerHTML={{ __html: issue.html }} />
      </article>
    </Page>
  );
}

function PublicNote(p: { icon: 'check' | 'warning'; title: string; body: string; children?: ComponentChildren }) {
  return (
    <Page narrow>
      <section class="card dead nl-public" data-testid="nl-public-note">
        <div class="dead__icon"><Icon name={p.icon} size={44} /></div>
        <h1>{p.title}</h1>
        <p>{p.body}</p>
        {p.children}
      </section>
    </Page>
  );
}
