// The host tools' « Niveaux » card: the community's tiers in their order (name, price, description,
// how many hold each), a form to add one (names and descriptions in French and English, a price
// to show), each edited in a sheet and removed after a confirmation.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { ApiError, type Tier, type TierInput, type TierPeriod } from '../api';
import { problem_of, t, tn, type Problem } from '../i18n';
import { ask_confirm } from '../ui/confirm';
import { Field, FormError, Select, submit, use_form, type Checks } from '../ui/form';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { amount_text, cents_of, format_price, load_tiers, remove_tier, tier_description, tier_name, tiers_by_slug, upsert_tier } from './state';
import './tiers.css';

/** The period's words after a price: « / mois », « une fois ». */
export function price_words() {
  return { month: t('tier_per_month'), year: t('tier_per_year'), once: t('tier_once') };
}

export function price_text(tier: Tier): string {
  return tier.price ? format_price(tier.price, price_words()) : '';
}

export function TiersCard({ slug }: { slug: string }) {
  const [error, set_error] = useState<unknown>(null);
  const [editing, set_editing] = useState<Tier | null>(null);
  useEffect(() => {
    set_error(null);
    load_tiers(slug).catch(set_error);
  }, [slug]);
  const tiers = tiers_by_slug.get(slug);
  // A server without tiers (404 for the route) has nothing to show here.
  if (!tiers && error instanceof ApiError && error.status === 404) return null;

  const remove = async (tier: Tier) => {
    const name = tier_name(tier);
    if (!(await ask_confirm({ title: t('tier_remove_title', { name }), body: tier.members ? tn('tier_remove_held', tier.members) : t('tier_remove_body'), confirm: t('tier_remove_confirm'), danger: true }))) return;
    set_error(null);
    try {
      await api.delete_tier(tier.id);
      remove_tier(slug, tier.id);
      show_toast(t('tier_removed_done', { name }));
    } catch (e) {
      set_error(e);
    }
  };

  return (
    <section class="card" aria-labelledby="h-tiers" data-testid="tiers-card">
      <h2 id="h-tiers">{t('tiers_title')}</h2>
      <p class="muted small">{t('tiers_intro')}</p>
      <FormError error={error} />
      {!tiers && !error && <p class="loading" role="status">{t('loading')}</p>}
      {tiers && tiers.length === 0 && <p class="muted">{t('tiers_empty_host')}</p>}
      {tiers && tiers.length > 0 && (
        <ul class="rows tiers" data-testid="tiers-list">
          {tiers.map((tier) => {
            const name = tier_name(tier);
            const description = tier_description(tier);
            return (
              <li class="row tier" key={tier.id} data-tier={tier.id}>
                <div class="row__main">
                  <div class="tier__line">
                    <strong class="tier__name">{name}</strong>
                    {tier.price && <span class="tier__price" data-testid="tier-price">{price_text(tier)}</span>}
                  </div>
                  {description && <p class="tier__description small">{description}</p>}
                  {tier.members !== undefined && <p class="muted small" data-testid="tier-members">{tn('tier_members', tier.members)}</p>}
                </div>
                <div class="row__actions">
                  <button type="button" class="btn btn--small" aria-label={t('tier_edit_label', { name })} onClick={() => set_editing(tier)}>{t('tier_edit')}</button>
                  <button type="button" class="btn btn--small btn--danger" aria-label={t('tier_remove_label', { name })} onClick={() => void remove(tier)}>{t('tier_remove')}</button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {tiers && <TierForm slug={slug} />}
      <Sheet open={!!editing} title={editing ? t('tier_edit_title', { name: tier_name(editing) }) : ''} on_close={() => set_editing(null)} testid="tier-sheet">
        {editing && <TierForm slug={slug} tier={editing} done={() => set_editing(null)} />}
      </Sheet>
    </section>
  );
}

type Values = {
  'translations.fr.name': string;
  'translations.fr.description': string;
  'translations.en.name': string;
  'translations.en.description': string;
  'price.amount_cents': string;
  'price.currency': string;
  'price.period': string;
};

function values_of(tier?: Tier): Values {
  return {
    'translations.fr.name': tier?.translations.fr.name ?? '',
    'translations.fr.description': tier?.translations.fr.description ?? '',
    'translations.en.name': tier?.translations.en.name ?? '',
    'translations.en.description': tier?.translations.en.description ?? '',
    'price.amount_cents': tier?.price ? amount_text(tier.price.amount_cents) : '',
    'price.currency': tier?.price?.currency ?? 'CAD',
    'price.period': tier?.price?.period ?? 'month',
  };
}

/** The checks before sending: a name in one language at least, an amount, a currency. */
export function tier_checks(v: Values): Checks {
  const cents = cents_of(v['price.amount_cents']);
  return {
    'translations.fr.name': !v['translations.fr.name'].trim() && !v['translations.en.name'].trim() && { code: 'tier_name_needed', field: 'translations.fr.name' },
    'price.amount_cents': cents !== null && (Number.isNaN(cents) || cents > 100_000_000) && { code: 'invalid_field', field: 'price.amount_cents' },
    'price.currency': cents !== null && !/^[A-Za-z]{3}$/.test(v['price.currency'].trim()) && { code: 'invalid_field', field: 'price.currency' },
  };
}

/** What is sent: both languages always (an emptied field empties it), the price or none. */
export function tier_body(v: Values, editing: boolean): TierInput {
  const cents = cents_of(v['price.amount_cents']);
  const text = (k: keyof Values) => v[k].trim();
  return {
    translations: {
      fr: { name: text('translations.fr.name'), description: text('translations.fr.description') },
      en: { name: text('translations.en.name'), description: text('translations.en.description') },
    },
    ...(cents !== null ? { price: { amount_cents: cents, currency: text('price.currency').toUpperCase(), period: v['price.period'] as TierPeriod } } : editing ? { price: null } : {}),
  };
}

/** The server's refusals said of this form's fields. */
export function tier_problem(e: unknown): Problem {
  const p = problem_of(e);
  if (p.field === 'name' && (p.code === 'invalid_field' || p.code === 'required')) return { code: 'tier_name_needed', field: 'translations.fr.name' };
  if (p.field === 'description') return { ...p, field: 'translations.fr.description' };
  if (p.code === 'limit_reached') return { ...p, code: 'tier_limit_reached' };
  return p;
}

function TierForm({ slug, tier, done }: { slug: string; tier?: Tier; done?: () => void }) {
  const f = use_form<Values>(values_of(tier));
  const v = f.values;
  const has_price = cents_of(v['price.amount_cents']) !== null;
  return (
    <form class="form tier-form" noValidate ref={f.ref} data-testid={tier ? 'tier-edit-form' : 'tier-new-form'} onSubmit={(e) => {
      e.preventDefault();
      void submit(f, async () => {
        const body = tier_body(f.values, !!tier);
        const r = tier ? await api.update_tier(tier.id, body) : await api.create_tier(slug, body);
        upsert_tier(slug, r.tier);
        show_toast(t(tier ? 'tier_saved_done' : 'tier_created_done', { name: tier_name(r.tier) }));
        if (done) done();
        else f.set_values(values_of());
      }, { checks: tier_checks(f.values), problem: tier_problem });
    }}>
      {!tier && <h3>{t('tier_new')}</h3>}
      <FormError error={f.errors['']} />
      <p class="muted small">{t('tier_names_hint')}</p>
      <div class="grid2 tier-form__langs">
        <Field label={t('tier_name_fr')} name="name_fr" value={v['translations.fr.name']} onInput={f.set('translations.fr.name')} error={f.errors['translations.fr.name']} maxLength={60} />
        <Field label={t('tier_name_en')} name="name_en" value={v['translations.en.name']} onInput={f.set('translations.en.name')} error={f.errors['translations.en.name']} maxLength={60} />
        <Field label={t('tier_description_fr')} name="description_fr" value={v['translations.fr.description']} onInput={f.set('translations.fr.description')} error={f.errors['translations.fr.description']} multiline optional maxLength={1000} />
        <Field label={t('tier_description_en')} name="description_en" value={v['translations.en.description']} onInput={f.set('translations.en.description')} error={f.errors['translations.en.description']} multiline optional maxLength={1000} />
      </div>
      <div class="tier-form__price">
        <Field label={t('tier_price')} name="amount" value={v['price.amount_cents']} onInput={f.set('price.amount_cents')} hint={t('tier_price_hint')} error={f.errors['price.amount_cents'] ?? f.errors['price']} optional />
        {has_price && (
          <>
            <Field label={t('tier_currency')} name="currency" value={v['price.currency']} onInput={f.set('price.currency')} error={f.errors['price.currency']} maxLength={3} />
            <Select label={t('tier_period')} name="period" value={v['price.period']} onChange={f.set('price.period')} error={f.errors['price.period']}
              options={[['month', t('tier_period_month')], ['year', t('tier_period_year')], ['once', t('tier_period_once')]]} />
          </>
        )}
      </div>
      <div class="tier-form__actions">
        {done && <button class="btn" type="button" onClick={done}>{t('cancel')}</button>}
        <button class="btn btn--primary" type="submit" disabled={f.busy}>{tier ? t('save') : t('tier_create')}</button>
      </div>
    </form>
  );
}
