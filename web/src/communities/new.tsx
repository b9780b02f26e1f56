// Creating a community (anyone signed in), and the home for someone with none yet.
import * as api from '../api';
import { locale, t } from '../i18n';
import { navigate } from '../state';
import { check, Field, FormError, Select, submit, use_form } from '../ui/form';
import { Page } from '../ui/shell';
import { Link } from '../ui/link';
import { load_me } from '../accounts/session';

export function NoCommunity() {
  return (
    <Page narrow>
      <section class="card empty">
        <h1>{t('no_community_title')}</h1>
        <p>{t('no_community_body')}</p>
        <Link href="/new" class="btn btn--primary">{t('create_community')}</Link>
      </section>
    </Page>
  );
}

const ZONES = ['America/Toronto', 'America/Montreal', 'America/Halifax', 'America/Moncton', 'America/St_Johns', 'America/Winnipeg', 'America/Regina', 'America/Edmonton', 'America/Vancouver', 'Europe/Paris', 'UTC'];

export function NewCommunityPage() {
  const f = use_form({ name: '', slug: '', description: '', locale: locale() as string, timezone: 'America/Toronto' });
  return (
    <Page narrow>
      <h1>{t('create_community')}</h1>
      <form
        class="form"
        noValidate
        ref={f.ref}
        onSubmit={(e) => {
          e.preventDefault();
          const v = f.values;
          void submit(f, async () => {
            const { community } = await api.create_community({
              name: v.name.trim(),
              ...(v.slug.trim() ? { slug: v.slug.trim() } : {}),
              ...(v.description.trim() ? { description: v.description } : {}),
              locale: v.locale as 'fr' | 'en',
              timezone: v.timezone,
            });
            await load_me();
            navigate(`/c/${community.slug}/host`);
          }, { checks: { name: check.required('name', v.name) } });
        }}
      >
        <FormError error={f.errors['']} />
        <Field label={t('community_name')} name="name" value={f.values.name} onInput={f.set('name')} error={f.errors.name} required maxLength={80} />
        <Field label={t('community_slug')} name="slug" value={f.values.slug} onInput={f.set('slug')} hint={t('community_slug_hint')} error={f.errors.slug} optional maxLength={40} />
        <Field label={t('community_description')} name="description" value={f.values.description} onInput={f.set('description')} error={f.errors.description} optional multiline maxLength={2000} />
        <Select label={t('community_locale')} name="locale" value={f.values.locale} options={[['fr', t('lang_fr')], ['en', t('lang_en')]]} onChange={f.set('locale')} error={f.errors.locale} />
        <Select label={t('community_timezone')} name="timezone" value={f.values.timezone} options={ZONES.map((z) => [z, z.replace('_', ' ')])} onChange={f.set('timezone')} error={f.errors.timezone} />
        <button class="btn btn--primary btn--block" type="submit" disabled={f.busy}>{t('create')}</button>
      </form>
    </Page>
  );
}
