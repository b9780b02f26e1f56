// A community's tiers as the app holds them, kept current by the stream (tier.changed,
// member.tiers.changed), and the plain functions their screens use: a tier's words in the
// reader's language, its price in their locale, an end date to send.
import * as api from '../api';
import type { Locale, Tier, TierGrant, TierPrice } from '../api';
import { in_step, is_replaying } from '../journal';
import { locale } from '../i18n';
import { changed, session } from '../state';
import { communities, slug_of_community } from '../communities/state';

/** Per community slug, its tiers in their order (hosts' copies carry `members`). */
export const tiers_by_slug = new Map<string, Tier[]>();
/** Per community slug, my own current tiers. */
export const my_tiers_by_slug = new Map<string, TierGrant[]>();
/** Per "slug:account", a member's grants as last fetched or sent by the stream (hosts' sheet). */
export const grants_of_member = new Map<string, TierGrant[]>();

const member_key = (slug: string, account_id: number) => `${slug}:${account_id}`;

function sorted(list: Tier[]): Tier[] {
  return [...list].sort((a, b) => a.position - b.position || a.id - b.id);
}

export function load_tiers(slug: string) {
  return in_step(`tiers:${slug}`, communities.get(slug)?.id, () => api.list_tiers(slug), ({ tiers }) => {
    tiers_by_slug.set(slug, sorted(tiers));
    changed();
  });
}

export function load_my_tiers(slug: string) {
  const me = session.me?.id;
  if (!me) return Promise.resolve();
  return in_step(`my_tiers:${slug}`, communities.get(slug)?.id, () => api.member_tiers(slug, me), ({ tiers }) => {
    my_tiers_by_slug.set(slug, tiers);
    changed();
  });
}

export function load_member_tiers(slug: string, account_id: number) {
  return in_step(`member_tiers:${member_key(slug, account_id)}`, communities.get(slug)?.id, () => api.member_tiers(slug, account_id), ({ tiers }) => {
    grants_of_member.set(member_key(slug, account_id), tiers);
    changed();
  });
}

export function member_grants(slug: string, account_id: number): TierGrant[] | undefined {
  return grants_of_member.get(member_key(slug, account_id));
}

/** After a write of ours: its answer is what is held now. */
export function put_member_grants(slug: string, account_id: number, tiers: TierGrant[]) {
  grants_of_member.set(member_key(slug, account_id), tiers);
  if (account_id === session.me?.id) my_tiers_by_slug.set(slug, tiers);
  changed();
}

/** A tier made or changed (by us, or the stream): put in its place, keeping the hosts' count. */
export function upsert_tier(slug: string, tier: Tier) {
  const list = tiers_by_slug.get(slug);
  if (!list) return;
  const old = list.find((x) => x.id === tier.id);
  const members = tier.members ?? old?.members;
  const next = { ...tier, ...(members === undefined ? {} : { members }) };
  tiers_by_slug.set(slug, sorted([...list.filter((x) => x.id !== tier.id), next]));
  changed();
}

export function remove_tier(slug: string, tier_id: number) {
  const list = tiers_by_slug.get(slug);
  if (list) tiers_by_slug.set(slug, list.filter((x) => x.id !== tier_id));
  // Nobody holds it any more.
  const drop = (g: TierGrant[]) => g.filter((x) => x.tier_id !== tier_id);
  for (const [k, g] of grants_of_member) if (k.startsWith(slug + ':')) grants_of_member.set(k, drop(g));
  const mine = my_tiers_by_slug.get(slug);
  if (mine) my_tiers_by_slug.set(slug, drop(mine));
  changed();
}

// ---- The stream's events.

/** `tier.changed`: `{tier}`, or `{tier_id, deleted: true}`. Idempotent. */
export function tier_event(community_id: number, e: { tier?: Tier; tier_id?: number; deleted?: boolean }) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  if (e.deleted) remove_tier(slug, e.tier?.id ?? e.tier_id ?? 0);
  else if (e.tier) upsert_tier(slug, e.tier);
}

/** Debounced per community: several grants at once ask for one list (the hosts' counts). */
const recount_timers = new Map<string, ReturnType<typeof setTimeout>>();

/** `member.tiers.changed`: that member's current tiers (sent to them and to the hosts). */
export function member_tiers_event(community_id: number, account_id: number, tiers: TierGrant[]) {
  const slug = slug_of_community(community_id);
  if (!slug) return;
  grants_of_member.set(member_key(slug, account_id), tiers);
  if (account_id === session.me?.id) my_tiers_by_slug.set(slug, tiers);
  changed();
  // How many hold each tier is only in the list: a host's held list is fetched again. Not while
  // replaying over a fresh list (it holds the counts already).
  if (tiers_by_slug.has(slug) && tiers_by_slug.get(slug)!.some((x) => x.members !== undefined) && !is_replaying()) {
    clearTimeout(recount_timers.get(slug));
    recount_timers.set(slug, setTimeout(() => void load_tiers(slug).catch(() => {}), 150));
  }
}

/** A resync of one community: fetch again the tiers the app shows of it. */
export function resync_tiers(community_id: number): Promise<unknown>[] {
  const slug = slug_of_community(community_id);
  if (!slug) return [];
  const out: Promise<unknown>[] = [];
  if (tiers_by_slug.has(slug)) out.push(load_tiers(slug));
  if (my_tiers_by_slug.has(slug)) out.push(load_my_tiers(slug));
  for (const k of grants_of_member.keys()) if (k.startsWith(slug + ':')) out.push(load_member_tiers(slug, Number(k.slice(slug.length + 1))));
  return out;
}

export function forget_tiers(slug: string | undefined) {
  if (!slug) return;
  tiers_by_slug.delete(slug);
  my_tiers_by_slug.delete(slug);
  for (const k of [...grants_of_member.keys()]) if (k.startsWith(slug + ':')) grants_of_member.delete(k);
}

export function forget_all() {
  tiers_by_slug.clear();
  my_tiers_by_slug.clear();
  grants_of_member.clear();
}

// ---- Words and numbers.

/** A tier's name in `lang` (the reader's), else the other language's, else the server's. */
export function tier_name(t: Tier, lang: Locale = locale()): string {
  const other = lang === 'fr' ? 'en' : 'fr';
  return t.translations?.[lang]?.name || t.translations?.[other]?.name || t.name;
}

export function tier_description(t: Tier, lang: Locale = locale()): string {
  const other = lang === 'fr' ? 'en' : 'fr';
  // The description follows the name's language when the reader's has no description.
  return t.translations?.[lang]?.description || t.translations?.[other]?.description || t.description || '';
}

/**
 * The price in the reader's locale, and its period: « 5,00 $ / mois », "$5.00 / month",
 * « 50,00 $ une fois ». `words` gives the period's words (the i18n's, passed in for the tests).
 */
export function format_price(p: TierPrice, words: { month: string; year: string; once: string }, lang: Locale = locale()): string {
  let amount: string;
  try {
    amount = new Intl.NumberFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { style: 'currency', currency: p.currency || 'CAD' }).format(p.amount_cents / 100);
  } catch {
    amount = `${(p.amount_cents / 100).toFixed(2)} ${p.currency}`;
  }
  return p.period === 'once' ? `${amount} ${words.once}` : `${amount} / ${words[p.period] ?? p.period}`;
}

/**
 * What a host types as a price (« 5 », « 5,50 », "12.5") in cents; null for nothing typed,
 * NaN for what is not an amount.
 */
export function cents_of(typed: string): number | null {
  const s = typed.trim().replace(/\s|\u00a0|\u202f|\$/g, '');
  if (!s) return null;
  if (!/^\d+([.,]\d{1,2})?$/.test(s)) return NaN;
  return Math.round(Number(s.replace(',', '.')) * 100);
}

/** Cents as an amount to edit: 500 → « 5,00 » (fr) or "5.00" (en). */
export function amount_text(cents: number, lang: Locale = locale()): string {
  const s = (cents / 100).toFixed(2);
  return lang === 'fr' ? s.replace('.', ',') : s;
}

/**
 * The last second of a day picked in a date input (« 2027-01-31 »), on the device's clock, as
 * ISO 8601 with the device's offset: the server reads a time without offset as UTC, which
 * would end the grant hours early (or late) for the person who picked the day.
 */
export function end_of_day(date: string, now: Date = new Date(date + 'T23:59:59')): string {
  const offset = -now.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${date}T23:59:59${sign}${hh}:${mm}`;
}

/** An end date as the date input shows it: the day on the device's clock. */
export function date_input_of(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
