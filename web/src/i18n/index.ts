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

/** A person-readable sentence for any failure, from the server's error code. */
export function error_text(e: unknown): string {
  if (!(e instanceof ApiError)) return t('err_generic', { message: String(e) });
  switch (e.code) {
    case 'network': return t('err_network');
    case 'invalid_credentials': return t('err_invalid_credentials');
    case 'email_taken': return t('err_email_taken');
    case 'slug_taken': return t('err_slug_taken');
    case 'rate_limited': return t('err_rate_limited', { seconds: e.retry_after ?? 60 });
    case 'forbidden': return t('err_forbidden');
    case 'removed_from_community': return t('err_removed_from_community');
    case 'not_found': return t('err_not_found');
    case 'channel_archived': return t('err_channel_archived');
    case 'payload_too_large': return t('err_payload_too_large');
    case 'internal': return t('err_internal');
    // The server writes invalid_field messages in the caller's language and names the rule broken.
    case 'invalid_field': return e.message || t('err_invalid_field');
    default: return e.message || t('err_generic', { message: e.code });
  }
}

/** A refused log-in: too many attempts also says that an emailed link still works. */
export function log_in_error_text(e: unknown): string {
  if (e instanceof ApiError && e.code === 'rate_limited') return t('err_rate_limited_log_in', { seconds: e.retry_after ?? 60 });
  return error_text(e);
}

/** Which form field an error belongs to, so it can be shown next to it. */
export function error_field(e: unknown): string | undefined {
  if (!(e instanceof ApiError)) return undefined;
  if (e.field) return e.field;
  if (e.code === 'email_taken') return 'email';
  if (e.code === 'slug_taken') return 'slug';
  return undefined;
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
  const day = fmt({ dateStyle: 'medium' }, tz).format(d);
  const time = fmt({ timeStyle: 'short' }, tz).format(d);
  return day === today ? time : `${day} ${time}`;
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
  return fmt({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }, tz).format(new Date(iso));
}

export function format_date(iso: string, tz?: string): string {
  return fmt({ dateStyle: 'long' }, tz).format(new Date(iso));
}

export function format_datetime(iso: string, tz?: string): string {
  return fmt({ dateStyle: 'long', timeStyle: 'short' }, tz).format(new Date(iso));
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
