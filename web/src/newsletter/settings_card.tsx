// The host tools' « Infolettre » card: the public form on or off (with its address to copy), the
// sender's name, the postal address every email carries (the law asks for it), open and click
// tracking (off unless turned on; each email then says so), then the subscribers
// (subscribers.tsx): a CSV import and the list.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { ApiError, type SubscriptionSettings } from '../api';
import { t } from '../i18n';
import { Checkbox, CopyButton, Field, FormError, Notice, submit, use_form } from '../ui/form';
import { Link } from '../ui/link';
import { public_form_url } from './state';
import { ImportBox, SubscriberList } from './subscribers';
import './newsletter.css';

type Values = { sender_name: string; postal_address: string };

export function NewsletterCard({ slug }: { slug: string }) {
  const [settings, set_settings] = useState<SubscriptionSettings | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const [saved, set_saved] = useState(false);
  // The list again after an import.
  const [generation, set_generation] = useState(0);
  const f = use_form<Values>({ sender_name: '', postal_address: '' });
  useEffect(() => {
    set_settings(null);
    api.get_subscription_settings(slug).then(({ settings }) => {
      set_settings(settings);
      f.set_values({ sender_name: settings.sender_name ?? '', postal_address: settings.postal_address ?? '' });
    }, set_error);
  }, [slug]);
  /** A switch saves at once; the box shows the choice until the answer, then the server's. */
  const toggle = async (b: Partial<SubscriptionSettings>) => {
    if (!settings) return;
    set_error(null);
    set_saved(false);
    const before = settings;
    set_settings({ ...settings, ...b });
    try {
      set_settings((await api.update_subscription_settings(slug, b)).settings);
      set_saved(true);
    } catch (e) {
      set_settings(before);
      set_error(e);
    }
  };
  // A server without the newsletter (404 for the route) has nothing to show here.
  if (!settings && error instanceof ApiError && error.status === 404) return null;
  const url = public_form_url(location.origin, slug);
  return (
    <section class="card" aria-labelledby="h-newsletter" data-testid="nl-card">
      <h2 id="h-newsletter">{t('nl_title')}</h2>
      <p><Link href={`/c/${slug}/newsletters`} class="btn btn--small">{t('nl_open_list')}</Link></p>
      <FormError error={error} />
      {!settings && !error && <p class="loading" role="status">{t('loading')}</p>}
      {settings && (
        <>
          <Checkbox name="public_form" label={t('nl_public_form')} checked={settings.public_form} onChange={(v) => void toggle({ public_form: v })} />
          {settings.public_form && (
            <div class="invitation__url nl-public-link">
              <label class="visually-hidden" for="nl-form-url">{t('nl_public_link')}</label>
              <input id="nl-form-url" readOnly value={url} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} data-testid="nl-form-url" />
              <CopyButton text={url} label={`${t('copy')} — ${t('nl_public_link')}`} />
            </div>
          )}
          <div data-testid="nl-tracking">
            <Checkbox name="tracking" label={t('nl_tracking')} checked={settings.tracking} onChange={(v) => void toggle({ tracking: v })} />
            <p class="muted small">{t('nl_tracking_hint')}</p>
          </div>
          <form class="form" noValidate ref={f.ref} onSubmit={(e) => {
            e.preventDefault();
            set_saved(false);
            void submit(f, async () => {
              set_settings((await api.update_subscription_settings(slug, { sender_name: f.values.sender_name.trim(), postal_address: f.values.postal_address.trim() })).settings);
              set_saved(true);
            });
          }}>
            <FormError error={f.errors['']} />
            <Field label={t('nl_sender_name')} name="sender_name" value={f.values.sender_name} onInput={f.set('sender_name')} hint={t('nl_sender_name_hint')} error={f.errors.sender_name} />
            <Field label={t('nl_postal_address')} name="postal_address" value={f.values.postal_address} onInput={f.set('postal_address')} hint={t('nl_postal_address_hint')} multiline error={f.errors.postal_address} />
            <button class="btn" type="submit" disabled={f.busy}>{t('save')}</button>
          </form>
          {saved && <Notice>{t('saved')}</Notice>}
          <ImportBox slug={slug} imported={() => set_generation((n) => n + 1)} />
          <SubscriberList key={generation} slug={slug} />
        </>
      )}
    </section>
  );
}
