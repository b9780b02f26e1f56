// A member's tiers: the sheet where a host gives them (a box per tier of the community, an
// optional end date for each), the small badges next to a name in the directory, and the
// members page's read-only « Niveaux » section (the community's tiers and mine).
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Member, Tier, TierGrant } from '../api';
import { format_date, t, tn, type Problem } from '../i18n';
import { communities } from '../communities/state';
import { Checkbox, Field, FormError, submit, use_form } from '../ui/form';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { price_text } from './tiers_card';
import { date_input_of, end_of_day, load_member_tiers, load_my_tiers, load_tiers, member_grants, my_tiers_by_slug, put_member_grants, tier_description, tier_name, tiers_by_slug } from './state';
import './tiers.css';

/** The grants still held at `now` (the stream's list may carry some past their end). */
export function current(grants: TierGrant[], now = Date.now()): TierGrant[] {
  return grants.filter((g) => !g.ends_at || Date.parse(g.ends_at) > now);
}

/** The tiers a member holds, as small badges (when the app knows them: nothing is fetched here). */
export function TierBadges({ slug, grants }: { slug: string; grants: TierGrant[] | undefined }) {
  const tiers = tiers_by_slug.get(slug);
  if (!grants || !tiers) return null;
  const held = current(grants).map((g) => tiers.find((x) => x.id === g.tier_id)).filter((x): x is Tier => !!x);
  if (!held.length) return null;
  return (
    <span class="tier-badges" data-testid="tier-badges">
      {held.map((x) => <span class="tag tag--accent" key={x.id}>{tier_name(x)}</span>)}
    </span>
  );
}

/** The host's sheet for one member's tiers; its body is remade for each member. */
export function MemberTiersSheet({ slug, member, on_close }: { slug: string; member: Member | null; on_close: () => void }) {
  return (
    <Sheet open={!!member} title={member ? t('member_tiers_title', { name: member.display_name }) : ''} on_close={on_close} testid="member-tiers-sheet">
      {member && <MemberTiersForm key={member.account_id} slug={slug} member={member} done={on_close} />}
    </Sheet>
  );
}

function MemberTiersForm({ slug, member, done }: { slug: string; member: Member; done: () => void }) {
  const [error, set_error] = useState<unknown>(null);
  // Per tier id, its box ticked and its end date (« 2027-01-31 », or empty for no end).
  const [chosen, set_chosen] = useState<Map<number, string> | null>(null);
  const f = use_form({});
  const [date_errors, set_date_errors] = useState<Record<number, Problem>>({});
  useEffect(() => {
    const loads: Promise<unknown>[] = [load_member_tiers(slug, member.account_id)];
    if (!tiers_by_slug.has(slug)) loads.push(load_tiers(slug));
    Promise.all(loads).catch(set_error);
  }, [slug, member.account_id]);
  const tiers = tiers_by_slug.get(slug);
  const grants = member_grants(slug, member.account_id);
  // The boxes start as the member's tiers once known; afterwards they are the host's choice.
  useEffect(() => {
    if (grants && !chosen) set_chosen(new Map(current(grants).map((g) => [g.tier_id, date_input_of(g.ends_at)])));
  }, [grants]);

  if (error && !chosen) return <FormError error={error} />;
  if (!tiers || !chosen) return <p class="loading" role="status">{t('loading')}</p>;
  if (tiers.length === 0) return <p class="muted">{t('member_tiers_none_defined')}</p>;

  const toggle = (id: number, on: boolean) => {
    const next = new Map(chosen);
    if (on) next.set(id, chosen.get(id) ?? '');
    else next.delete(id);
    set_chosen(next);
  };
  const set_date = (id: number, date: string) => set_chosen(new Map(chosen).set(id, date));
  const today = date_input_of(new Date().toISOString());

  return (
    <form class="form" noValidate ref={f.ref} data-testid="member-tiers-form" onSubmit={(e) => {
      e.preventDefault();
      set_error(null);
      // A past day ends the tier before it starts: said next to its date.
      const past = Object.fromEntries([...chosen].filter(([, d]) => d && d < today).map(([id]) => [id, { code: 'invalid_field', field: 'ends_at' } as Problem]));
      set_date_errors(past);
      if (Object.keys(past).length) return;
      void submit(f, async () => {
        const list = tiers.filter((x) => chosen.has(x.id)).map((x) => {
          const d = chosen.get(x.id);
          return d ? { tier_id: x.id, ends_at: end_of_day(d) } : { tier_id: x.id };
        });
        const r = await api.set_member_tiers(slug, member.account_id, { tiers: list });
        put_member_grants(slug, member.account_id, r.tiers);
        show_toast(t('member_tiers_saved', { name: member.display_name }));
        done();
      });
    }}>
      <p class="muted small">{t('member_tiers_intro', { name: member.display_name })}</p>
      <FormError error={f.errors[''] ?? error} />
      <ul class="grants">
        {tiers.map((x) => {
          const name = tier_name(x);
          const on = chosen.has(x.id);
          return (
            <li class="grant" key={x.id} data-tier={x.id}>
              <Checkbox name={`tier-${x.id}`} label={x.price ? `${name} · ${price_text(x)}` : name} checked={on} onChange={(v) => toggle(x.id, v)} />
              {on && (
                <Field label={t('member_tier_end', { name })} name={`ends-${x.id}`} type="date" value={chosen.get(x.id) ?? ''} onInput={(d) => set_date(x.id, d)} error={date_errors[x.id]} optional />
              )}
            </li>
          );
        })}
      </ul>
      <div class="tier-form__actions">
        <button class="btn" type="button" onClick={done}>{t('cancel')}</button>
        <button class="btn btn--primary" type="submit" disabled={f.busy}>{t('save')}</button>
      </div>
    </form>
  );
}

/** The members page's « Niveaux »: what the community offers, and what I hold (every member). */
export function CommunityTiers({ slug }: { slug: string }) {
  useEffect(() => {
    load_tiers(slug).catch(() => {});
    load_my_tiers(slug).catch(() => {});
  }, [slug]);
  const tiers = tiers_by_slug.get(slug);
  if (!tiers || tiers.length === 0) return null;
  const tz = communities.get(slug)?.timezone;
  const mine = current(my_tiers_by_slug.get(slug) ?? []);
  const held = mine.map((g) => ({ g, tier: tiers.find((x) => x.id === g.tier_id) })).filter((x) => x.tier);
  return (
    <section class="card community-tiers" aria-labelledby="h-community-tiers" data-testid="community-tiers">
      <h2 id="h-community-tiers">{t('community_tiers_title')}</h2>
      <ul class="rows">
        {tiers.map((x) => {
          const description = tier_description(x);
          return (
            <li class="row" key={x.id} data-tier={x.id}>
              <div class="row__main">
                <div class="tier__line">
                  <strong>{tier_name(x)}</strong>
                  {x.price && <span class="tier__price">{price_text(x)}</span>}
                  {x.members !== undefined && <span class="muted small">{tn('tier_members', x.members)}</span>}
                </div>
                {description && <p class="tier__description small">{description}</p>}
              </div>
            </li>
          );
        })}
      </ul>
      <p class="small" data-testid="my-tiers">
        {held.length
          ? t('my_tiers', { names: held.map(({ g, tier }) => (g.ends_at ? `${tier_name(tier!)} (${t('tier_until', { date: format_date(g.ends_at, tz) })})` : tier_name(tier!))).join(', ') })
          : t('my_tiers_none')}
      </p>
    </section>
  );
}
