import { fr, type Dict } from './fr';
import { en } from './en';
import type { Locale } from '../api';
import { ApiError } from '../api';

const dicts: Record<Locale, Dict> = { fr, en };
let current: Locale = initial_locale();

function initial_locale(): Locale {
  const saved = localStorage.getItem('ps_locale');
  if (saved === 'fr' || saved === 'en') return saved;
  const nav = (navigator.languages?.[0] ?? navigator.language ?? 'fr').toLowerCase();
  return nav.startsWith('en') ? 'en' : 'fr';
}

export type Key = keyof Dict;

export function locale(): Locale {
  return current;
}

export function set_locale(l: Locale) {
  current = l;
  localStorage.setItem('ps_locale', l);
  document.documentElement.lang = l;
  // Words that the style sheet puts around server-rendered HTML, whose text is the same for
  // every reader (a remote image's link: "Image : alt — touche pour l’ouvrir").
  const style = document.documentElement.style;
  style?.setProperty('--remote-image', css_string(t('remote_image')));
  style?.setProperty('--remote-image-open', css_string(t('remote_image_open')));
}

/** A CSS string literal: content: var(--x) shows it. */
function css_string(s: string): string {
  return `"${s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\a ' : '\\' + c))}"`;
}

/** Translates a key, filling {placeholders} from vars. */
export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = dicts[current][key] ?? fr[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/**
 * A failure kept as data (its code, the field at fault, what to fill in), worded only when
 * shown: a form's errors follow a language switch. Codes are the server's (docs/api.md) plus the
 * app's own: `network`, `required` (an empty field, checked before sending), `generic`.
 */
export interface Problem {
  code: string;
  field?: string;
  retry_after?: number;
  /** The code point a name may not hold (U+202E), read from the server's message. */
  char?: string;
  /** What an unexpected failure said, for `generic`. */
  detail?: string;
  /** The most a file may weigh, read from the server's message (`file_too_large`). */
  limit_bytes?: number;
}

/** The words of each error code, in both languages (tests/unit checks every code of docs/api.md). */
export const ERROR_MESSAGES: Record<string, Key> = {
  network: 'err_network',
  malformed_json: 'err_malformed',
  json_too_deep: 'err_malformed',
  malformed_request: 'err_malformed',
  method_not_allowed: 'err_malformed',
  unsupported_media_type: 'err_malformed',
  unauthenticated: 'err_unauthenticated',
  invalid_credentials: 'err_invalid_credentials',
  forbidden: 'err_forbidden',
  csrf_rejected: 'err_csrf_rejected',
  removed_from_community: 'err_removed_from_community',
  not_found: 'err_not_found',
  email_taken: 'err_email_taken',
  slug_taken: 'err_slug_taken',
  channel_archived: 'err_channel_archived',
  post_locked: 'err_post_locked',
  not_a_board: 'err_not_a_board',
  room_takes_posts: 'err_room_takes_posts',
  direct_messages_off: 'err_direct_messages_off',
  refuses_direct_messages: 'err_refuses_direct_messages',
  direct_is_two: 'err_direct_is_two',
  poll_closed: 'err_poll_closed',
  prompt_closed: 'err_prompt_closed',
  not_a_broadcast: 'err_not_a_broadcast',
  hosts_only_room: 'err_hosts_only_room',
  limit_reached: 'err_limit_reached',
  invitation_expired: 'invite_expired_title',
  invitation_used_up: 'invite_used_up_title',
  invitation_revoked: 'invite_revoked_title',
  payload_too_large: 'err_payload_too_large',
  invalid_field: 'err_invalid_field',
  required: 'err_required',
  rate_limited: 'err_rate_limited',
  rate_limited_log_in: 'err_rate_limited_log_in',
  too_many_connections: 'err_too_many_connections',
  headers_too_large: 'err_headers_too_large',
  internal: 'err_internal',
  database_unavailable: 'err_database_unavailable',
  storage_full: 'err_storage_full',
  file_type_mismatch: 'err_file_type_mismatch',
  image_too_large: 'err_image_too_large',
  image_unreadable: 'err_image_unreadable',
  file_in_use: 'err_file_in_use',
  // The app's own, for an upload (upload_problem).
  file_too_large: 'err_file_too_large',
  file_too_large_plain: 'err_file_too_large_plain',
  aborted: 'err_aborted',
  // Search (issue 13); the last two are the app's own (search/state.ts's search_problem).
  search_needs_words: 'err_search_needs_words',
  mention_not_in_room: 'err_mention_not_in_room',
  search_rate_limited: 'err_search_rate_limited',
  search_room_gone: 'err_search_room_gone',
  // Web Push (issue 13); push_no_worker is the app's own (notifications/push.ts).
  invalid_push_subscription: 'err_invalid_push_subscription',
  push_no_worker: 'err_push_no_worker',
  // The newsletter (issue 15)
  newsletter_not_editable: 'err_newsletter_not_editable',
  invalid_send_time: 'err_invalid_send_time',
  subscription_form_off: 'err_subscription_form_off',
  invalid_form_token: 'err_invalid_form_token',
  invalid_token: 'err_invalid_token',
  newsletter_image_not_allowed: 'err_newsletter_image_not_allowed',
  too_many_newsletter_images: 'err_too_many_newsletter_images',
  // Tiers (issue 14): the app's own codes (tiers/tiers_card.tsx's tier_problem).
  tier_name_needed: 'err_tier_name_needed',
  tier_limit_reached: 'err_tier_limit_reached',
};

/** What the app says of an invalid field, by the field's API name (never shown as such). */
export const FIELD_MESSAGES: Record<string, Key> = {
  email: 'err_field_email',
  password: 'err_field_password',
  new_password: 'err_field_password',
  current_password: 'err_field_current_password',
  display_name: 'err_field_display_name',
  name: 'err_field_name',
  slug: 'err_field_slug',
  description: 'err_field_description',
  locale: 'err_field_locale',
  timezone: 'err_field_timezone',
  max_uses: 'err_field_max_uses',
  expires_in_hours: 'err_field_expires_in_hours',
  note: 'err_field_note',
  member_invite_quota: 'err_field_member_invite_quota',
  body: 'err_field_body',
  emoji: 'err_field_emoji',
  title: 'err_field_title',
  post_body: 'err_field_post_body',
  parent_id: 'err_field_parent_id',
  member_ids: 'err_field_member_ids',
  question: 'err_field_question',
  options: 'err_field_options',
  option_ids: 'err_field_option_ids',
  closes_at: 'err_field_closes_at',
  answer: 'err_field_answer',
  reply: 'err_field_reply',
  file_ids: 'err_field_file_ids',
  file_name: 'err_field_file_name',
  q: 'err_field_q',
  search_dates: 'err_field_search_dates',
  // The notification settings (PUT /me/notifications); its `email` is said `email_digest` (settings_problem).
  email_digest: 'err_field_email_digest',
  push_previews: 'err_field_push_previews',
  quiet_hours: 'err_field_quiet_hours',
  'quiet_hours.start': 'err_field_quiet_hours',
  'quiet_hours.end': 'err_field_quiet_hours',
  time_zone: 'err_field_time_zone',
  // The newsletter (issue 15); `audience`, `send_date` and `csv` are the app's own names.
  audience: 'err_field_audience',
  send_date: 'err_field_send_date',
  at: 'err_field_send_date',
  subject: 'err_field_subject',
  preview_text: 'err_field_preview_text',
  sender_name: 'err_field_sender_name',
  postal_address: 'err_field_postal_address',
  csv: 'err_field_csv',
  // Tiers (issue 14)
  'translations.fr.name': 'err_field_tier_name',
  'translations.en.name': 'err_field_tier_name',
  'translations.fr.description': 'err_field_tier_description',
  'translations.en.description': 'err_field_tier_description',
  price: 'err_field_price_amount',
  'price.amount_cents': 'err_field_price_amount',
  'price.currency': 'err_field_price_currency',
  'price.period': 'err_field_price_period',
  position: 'err_field_position',
  tier_ids: 'err_field_tier_ids',
  tiers: 'err_field_tier_ids',
  ends_at: 'err_field_ends_at',
};

/** Any failure as a Problem: an ApiError by its code, anything else as `generic`. */
export function problem_of(e: unknown): Problem {
  if (e instanceof ApiError) {
    const char = e.code === 'invalid_field' ? /U\+[0-9A-F]{4,6}/.exec(e.message)?.[0] : undefined;
    return { code: e.code, field: e.field, retry_after: e.retry_after, char, detail: e.message };
  }
  if (e && typeof e === 'object' && typeof (e as Problem).code === 'string') return e as Problem;
  return { code: 'generic', detail: String(e) };
}

/** The sentence for a Problem, in the current language. */
export function problem_text(p: Problem): string {
  if (p.code === 'invalid_field') {
    if (p.char) return t('err_field_char', { char: p.char });
    const key = p.field ? FIELD_MESSAGES[p.field] : undefined;
    return t(key ?? 'err_invalid_field');
  }
  const key = ERROR_MESSAGES[p.code];
  if (key) return t(key, { seconds: p.retry_after ?? 60, limit: format_size(p.limit_bytes ?? 0) });
  // A code this app does not know yet (a newer server): still a sentence, never the raw text.
  return t('err_generic', { message: p.code === 'generic' ? p.detail ?? '' : p.code });
}

/** A person-readable sentence for any failure, from the server's error code. */
export function error_text(e: unknown): string {
  return problem_text(problem_of(e));
}

/** A refused log-in: too many attempts also says that an emailed link still works. */
export function log_in_problem(e: unknown): Problem {
  const p = problem_of(e);
  return p.code === 'rate_limited' ? { ...p, code: 'rate_limited_log_in' } : p;
}
export function log_in_error_text(e: unknown): string {
  return problem_text(log_in_problem(e));
}

/**
 * A refused upload, said of the file: too large names the most it may weigh (which only the
 * server's message tells: « … (25 Mio au plus). »), and the invalid `name` is the file's.
 */
export function upload_problem(e: unknown): Problem {
  const p = problem_of(e);
  if (p.code === 'payload_too_large') {
    const limit = size_in(p.detail ?? '');
    return limit ? { ...p, code: 'file_too_large', limit_bytes: limit } : { ...p, code: 'file_too_large_plain' };
  }
  if (p.code === 'invalid_field' && p.field === 'name') return { ...p, field: 'file_name' };
  return p;
}

/** A size as the server writes it in its messages (« 25 Mio », "4 KiB", « 512 octets »), in bytes. */
function size_in(text: string): number | undefined {
  const m = /(\d+)\s*(Gio|GiB|Mio|MiB|Kio|KiB|octets|bytes)/.exec(text);
  if (!m) return undefined;
  const unit = { G: 1024 ** 3, M: 1024 ** 2, K: 1024 }[m[2][0]] ?? 1;
  return Number(m[1]) * unit;
}

/** Which form field an error belongs to, so it can be shown next to it. */
export function error_field(e: unknown): string | undefined {
  const p = problem_of(e);
  if (p.field) return p.field;
  if (p.code === 'email_taken') return 'email';
  if (p.code === 'slug_taken') return 'slug';
  return undefined;
}

// ---- Numbers: plurals and ordinals by the language's own rules (Intl.PluralRules).

type PluralBase = { [K in Key]: K extends `${infer B}_other` ? B : never }[Key];
const plural_rules = new Map<string, Intl.PluralRules>();
function rules(type: Intl.PluralRuleType): Intl.PluralRules {
  const k = current + type;
  let r = plural_rules.get(k);
  if (!r) plural_rules.set(k, (r = new Intl.PluralRules(current === 'fr' ? 'fr-CA' : 'en-CA', { type })));
  return r;
}

/**
 * The form of `base` for `count`: `base_one`, `base_other` (and `_many`, `_two`… when the
 * language has them) chosen by Intl.PluralRules. French counts 0 and 1 as one (« 0 place »),
 * English 1 only. `count` fills {count} unless vars say otherwise.
 */
export function tn(base: PluralBase, count: number, vars: Record<string, string | number> = {}): string {
  const dict = dicts[current] as Record<string, string>;
  const form = `${base}_${rules('cardinal').select(count)}`;
  const key = (form in dict ? form : `${base}_other`) as Key;
  return t(key, { count, ...vars });
}

/** 1er, 2e (French); 1st, 2nd, 3rd, 4th, 11th, 21st (English). */
export function format_ordinal(n: number): string {
  const cat = rules('ordinal').select(n);
  const key = (`ord_${cat}` in dicts[current] ? `ord_${cat}` : 'ord_other') as Key;
  return `${n}${t(key)}`;
}

/**
 * A file's size in the language's words and units, in steps of 1024 as the server counts its
 * limits (so 500 MiB reads « 500 Mo »): « 1,2 Mo », "1.2 MB", « 512 o », "512 bytes". One decimal
 * under 100.
 */
export function format_size(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let i = 0;
  let v = Math.max(0, bytes);
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  // 1023.6 KB would round to « 1 024 ko »: past the step once rounded, say it in the next unit.
  if (i < units.length - 1 && Math.round(v) >= 1024) {
    v /= 1024;
    i += 1;
  }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  return new Intl.NumberFormat(current === 'fr' ? 'fr-CA' : 'en-CA', { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: digits }).format(v);
}

// ---- Time zones

/** The device's time zone. */
export function device_zone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Whether `tz` shows another time than the device's at that instant. */
export function zone_differs(iso: string, tz?: string): boolean {
  if (!tz) return false;
  const probe: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' };
  return fmt(probe, tz).format(new Date(iso)) !== fmt(probe).format(new Date(iso));
}

/** "Toronto time" for America/Toronto: the zone's city, in words. */
export function zone_label(tz: string): string {
  return t('zone_time', { city: (tz.split('/').pop() ?? tz).replace(/_/g, ' ') });
}

/**
 * A date and time in the community's zone, labelled with it when the device is elsewhere, so
 * everyone reads the same instant the same way: « 3 décembre 2026 à 14 h 00 (heure de Toronto) ».
 */
export function format_datetime_zoned(iso: string, tz?: string): string {
  const s = format_datetime(iso, tz);
  return zone_differs(iso, tz) ? `${s} (${zone_label(tz!)})` : s;
}

const date_formats = new Map<string, Intl.DateTimeFormat>();
function fmt(opts: Intl.DateTimeFormatOptions, tz?: string) {
  const k = current + '|' + (tz ?? '') + '|' + JSON.stringify(opts);
  let f = date_formats.get(k);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(current === 'fr' ? 'fr-CA' : 'en-CA', { ...opts, timeZone: tz });
    } catch {
      f = new Intl.DateTimeFormat(current === 'fr' ? 'fr-CA' : 'en-CA', opts);
    }
    date_formats.set(k, f);
  }
  return f;
}

/** Time of day, or day and time when not today, in the community's time zone. */
export function format_time(iso: string, tz?: string): string {
  const d = new Date(iso);
  const today = fmt({ dateStyle: 'medium' }, tz).format(new Date());
  const same_day = fmt({ dateStyle: 'medium' }, tz).format(d) === today;
  const day = with_ordinal_day(fmt({ dateStyle: 'medium' }, tz), d);
  const time = fmt({ timeStyle: 'short' }, tz).format(d);
  return same_day ? time : `${day} ${time}`;
}

/** Time of day only (the chat shows the day in separators). */
export function format_clock(iso: string, tz?: string): string {
  return fmt({ timeStyle: 'short' }, tz).format(new Date(iso));
}

/** A key that is equal for two instants of the same day in the time zone. */
export function day_key(iso: string | Date, tz?: string): string {
  return fmt({ year: 'numeric', month: '2-digit', day: '2-digit' }, tz).format(new Date(iso));
}

/** "Today", "Yesterday", or the date: the label of a day separator. */
export function day_label(iso: string, tz?: string): string {
  const key = day_key(iso, tz);
  if (key === day_key(new Date(), tz)) return t('today');
  if (key === day_key(new Date(Date.now() - 86400000), tz)) return t('yesterday');
  return with_ordinal_day(fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, tz), new Date(iso));
}

/**
 * A formatted date whose day of the month is an ordinal where the language writes one: French
 * says « le 1er décembre » (the first only: « le 2 décembre »). English dates keep the cardinal.
 */
function with_ordinal_day(f: Intl.DateTimeFormat, d: Date): string {
  if (current !== 'fr') return f.format(d);
  return f
    .formatToParts(d)
    .map((p) => (p.type === 'day' && rules('ordinal').select(Number(p.value)) === 'one' ? format_ordinal(Number(p.value)) : p.value))
    .join('');
}

export function format_date(iso: string, tz?: string): string {
  return with_ordinal_day(fmt({ dateStyle: 'long' }, tz), new Date(iso));
}

export function format_datetime(iso: string, tz?: string): string {
  return with_ordinal_day(fmt({ dateStyle: 'long', timeStyle: 'short' }, tz), new Date(iso));
}

/**
 * How long ago, in words, in the person's language: « à l’instant », « il y a 5 minutes »,
 * « hier », "3 days ago". `now` is for the tests.
 */
export function format_relative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 45) return t('just_now');
  const abs = Math.abs(seconds);
  const day = 86400;
  const [unit, size]: [Intl.RelativeTimeFormatUnit, number] =
    abs < 3600 ? ['minute', 60] : abs < day ? ['hour', 3600] : abs < 30 * day ? ['day', day] : abs < 365 * day ? ['month', 30 * day] : ['year', 365 * day];
  const rtf = new Intl.RelativeTimeFormat(current === 'fr' ? 'fr-CA' : 'en-CA', { numeric: 'auto' });
  return rtf.format(Math.round(seconds / size), unit);
}
