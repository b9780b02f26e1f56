// Words: every server error has a sentence in both languages, plurals and ordinals follow each
// language's rules (Intl.PluralRules), times say their zone when it is not the device's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import './dom-stubs.mjs';

const { api, i18n, fr, en } = await import(process.env.PS_WEB_UNIT_BUNDLE);
const here = path.dirname(new URL(import.meta.url).pathname);

/** The error codes of docs/api.md's table of errors: `| 409 | `slug_taken` | … |`. */
function documented_codes() {
  const doc = fs.readFileSync(path.join(here, '../../../docs/api.md'), 'utf8');
  const codes = new Set();
  for (const line of doc.split('\n')) {
    const m = /^\|\s*\d{3}\s*\|([^|]+)\|/.exec(line);
    if (m) for (const c of m[1].matchAll(/`([a-z_]+)`/g)) codes.add(c[1]);
  }
  return [...codes];
}

function in_both(fn) {
  const out = {};
  for (const l of ['fr', 'en']) {
    i18n.set_locale(l);
    out[l] = fn();
  }
  i18n.set_locale('fr');
  return out;
}

test('errors: every error code of docs/api.md has its own sentence in French and in English', () => {
  const codes = documented_codes();
  assert.ok(codes.length >= 20, `only ${codes.length} codes read from docs/api.md`);
  for (const code of codes) {
    const key = i18n.ERROR_MESSAGES[code];
    assert.ok(key, `no message for the server's error code ${code}`);
    assert.ok(fr[key]?.trim() && en[key]?.trim(), `${code}: ${key} is missing in fr or en`);
    const text = in_both(() => i18n.error_text(new api.ApiError(400, code, 'the server’s own words', undefined, 30)));
    for (const [l, s] of Object.entries(text)) {
      assert.ok(!s.includes(code) && !s.includes('the server’s own words'), `${l} ${code}: « ${s} » shows the code or the server’s text`);
      assert.notEqual(s, l === 'fr' ? fr.err_generic : en.err_generic);
    }
    assert.notEqual(text.fr, text.en, `${code}: the same words in both languages`);
  }
});

test('errors: an invalid field is said in words, never by its API name', () => {
  const fields = ['email', 'password', 'new_password', 'current_password', 'display_name', 'name', 'slug', 'description', 'locale', 'timezone', 'max_uses', 'expires_in_hours', 'note', 'member_invite_quota', 'body', 'emoji', 'role', 'anything_new'];
  for (const field of fields) {
    const e = new api.ApiError(422, 'invalid_field', `Le champ « ${field} » est invalide.`, field);
    const text = in_both(() => i18n.error_text(e));
    for (const [l, s] of Object.entries(text)) {
      // « email » in quotes is the API's name; the word email in a sentence is English.
      const named = s.includes(`« ${field} »`) || s.includes(`"${field}"`) || (field.includes('_') && s.includes(field));
      assert.ok(!named, `${l}: « ${s} » names the field ${field}`);
      assert.ok(!s.includes('Le champ'), `${l}: « ${s} » is the server’s text`);
      assert.ok(s.trim().length > 10, `${l}: no sentence for ${field}`);
    }
  }
  // A character a name may not hold: its code point is kept, the field's name is not.
  const bidi = new api.ApiError(422, 'invalid_field', 'Le champ « display_name » contient un caractère invisible qui change le sens d’écriture du texte (U+202E), qui n’est pas permis ici.', 'display_name');
  const text = in_both(() => i18n.error_text(bidi));
  assert.match(text.fr, /U\+202E/);
  assert.match(text.en, /U\+202E/);
  assert.doesNotMatch(text.fr + text.en, /display_name/);
});

test('errors: a Problem is worded when shown, in the language of that moment', () => {
  const p = i18n.problem_of(new api.ApiError(409, 'email_taken', 'Ce courriel a déjà un compte.'));
  i18n.set_locale('fr');
  assert.equal(i18n.problem_text(p), fr.err_email_taken);
  i18n.set_locale('en');
  assert.equal(i18n.problem_text(p), en.err_email_taken);
  assert.equal(i18n.problem_text({ code: 'required', field: 'email' }), en.err_required);
  assert.match(i18n.problem_text(i18n.log_in_problem(new api.ApiError(429, 'rate_limited', 'x', undefined, 12))), /12 seconds.*link by email/);
  i18n.set_locale('fr');
});

test('plurals: Intl.PluralRules of each language (French 0 and 1 are singular, English 1 only)', () => {
  i18n.set_locale('fr');
  assert.equal(i18n.tn('invite_uses', 0, { max: 1 }), '0 place prise sur 1');
  assert.equal(i18n.tn('invite_uses', 1, { max: 5 }), '1 place prise sur 5');
  assert.equal(i18n.tn('invite_uses', 2, { max: 5 }), '2 places prises sur 5');
  assert.equal(i18n.tn('members_count', 1), '1 membre');
  assert.equal(i18n.tn('members_count', 0), '0 membre');
  assert.equal(i18n.tn('members_count', 12), '12 membres');
  assert.equal(i18n.tn('members_count', 1000000), '1000000 membres', 'French « many » falls back to the plural');
  i18n.set_locale('en');
  assert.equal(i18n.tn('invite_uses', 0, { max: 1 }), '0 spots taken out of 1');
  assert.equal(i18n.tn('invite_uses', 1, { max: 5 }), '1 spot taken out of 5');
  assert.equal(i18n.tn('members_count', 0), '0 members');
  assert.equal(i18n.tn('members_count', 1), '1 member');
  i18n.set_locale('fr');
});

test('ordinals: 1er (French), and English’s 1st 2nd 3rd 4th 11th 12th 13th 21st 22nd 23rd 101st 111th', () => {
  i18n.set_locale('fr');
  assert.deepEqual([1, 2, 3, 10].map(i18n.format_ordinal), ['1er', '2e', '3e', '10e']);
  i18n.set_locale('en');
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(i18n.format_ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th']);
  i18n.set_locale('fr');
});

test('dates: « le 1er décembre » in French, the 2nd stays « 2 décembre »; English keeps December 1', () => {
  const tz = 'America/Toronto';
  i18n.set_locale('fr');
  assert.equal(i18n.format_date('2026-12-01T17:00:00.000Z', tz), '1er décembre 2026');
  assert.equal(i18n.format_date('2026-12-02T17:00:00.000Z', tz), '2 décembre 2026');
  assert.equal(i18n.format_datetime('2026-12-01T19:00:00.000Z', tz), '1er décembre 2026 à 14 h 00');
  assert.equal(i18n.day_label('2025-12-01T17:00:00.000Z', tz), 'lundi 1er décembre 2025');
  assert.equal(i18n.t('joined_on', { date: i18n.format_date('2026-12-01T17:00:00.000Z', tz) }), 'membre depuis le 1er décembre 2026');
  i18n.set_locale('en');
  assert.equal(i18n.format_date('2026-12-01T17:00:00.000Z', tz), 'December 1, 2026');
  i18n.set_locale('fr');
});

test('time zones: a time is labelled with its zone only when the device shows another time', () => {
  const at = '2026-12-03T19:00:00.000Z';
  const device = i18n.device_zone();
  i18n.set_locale('fr');
  assert.equal(i18n.format_datetime_zoned(at, device), i18n.format_datetime(at, device));
  const other = device === 'America/Toronto' ? 'Europe/Paris' : 'America/Toronto';
  const city = other.split('/')[1];
  assert.equal(i18n.format_datetime_zoned(at, other), `${i18n.format_datetime(at, other)} (heure de ${city})`);
  i18n.set_locale('en');
  assert.equal(i18n.format_datetime_zoned(at, other), `${i18n.format_datetime(at, other)} (${city} time)`);
  i18n.set_locale('fr');
});

test('plurals: every plural key has its singular, in both languages', () => {
  for (const dict of [fr, en]) {
    for (const k of Object.keys(dict).filter((k) => k.endsWith('_other'))) assert.ok(k.replace(/_other$/, '_one') in dict, `${k} has no _one`);
  }
});
