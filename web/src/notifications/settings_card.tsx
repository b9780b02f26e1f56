// The account page's « Notifications » (the bell's settings link opens it, /account#notifications):
// when to get emails of what was not seen (never, after 15 minutes, a daily summary), the digest
// of what was missed while away (weekly, daily or never), whether a
// phone's lock screen shows the text, quiet hours (two times on the device's clock, sent with its
// time zone), and Web Push on this device (push.ts): a switch, and in words what stops it when
// something does (a browser without push, a refusal, an iPhone whose app is not on the home screen).
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { NotificationSettings } from '../api';
import { device_zone, problem_of, t, type Problem } from '../i18n';
import { Checkbox, Field, FormError, Notice, Select, submit, use_form } from '../ui/form';
import { disable_push, enable_push, push_status, type PushState } from './push';

type Values = { email_digest: string; digest: string; push_previews: string; quiet: string; 'quiet_hours.start': string; 'quiet_hours.end': string };

function values_of(s: NotificationSettings): Values {
  return {
    email_digest: s.email,
    digest: s.digest ?? 'weekly',
    push_previews: s.push_previews,
    quiet: s.quiet_hours ? 'on' : '',
    'quiet_hours.start': s.quiet_hours?.start ?? '22:00',
    'quiet_hours.end': s.quiet_hours?.end ?? '07:00',
  };
}

/** The server names the digest's field `email`: here it is said as the digest, next to its select. */
export function settings_problem(e: unknown): Problem {
  const p = problem_of(e);
  if (p.code === 'invalid_field' && p.field === 'email') return { ...p, field: 'email_digest' };
  if (p.code === 'invalid_field' && p.field === 'quiet_hours') return { ...p, field: 'quiet_hours.end' };
  return p;
}

/** What PUT /me/notifications is sent: quiet hours with the device's zone, so « 22:00 » means its 22:00. */
export function settings_body(v: Values, zone: string): Partial<NotificationSettings> {
  const body: Partial<NotificationSettings> = {
    email: v.email_digest as NotificationSettings['email'],
    digest: v.digest as NotificationSettings['digest'],
    push_previews: v.push_previews === 'private' ? 'private' : 'full',
    quiet_hours: v.quiet ? { start: v['quiet_hours.start'], end: v['quiet_hours.end'] } : null,
  };
  if (v.quiet) body.time_zone = zone;
  return body;
}

export function NotificationSettingsCard() {
  const form = use_form<Values>(values_of({ email: '15min', digest: 'weekly', push_previews: 'full', quiet_hours: null, time_zone: device_zone() }));
  const [loaded, set_loaded] = useState(false);
  const [load_error, set_load_error] = useState<unknown>(null);
  const [saved, set_saved] = useState(false);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    api.get_notification_settings().then(({ settings }) => {
      form.set_values(values_of(settings));
      set_loaded(true);
    }, set_load_error);
    // Opened from the bell's link: this section, not the top of the page.
    if (location.hash === '#notifications') setTimeout(() => section.current?.scrollIntoView({ block: 'start' }), 0);
  }, []);
  const v = form.values;
  const save = (e: Event) => {
    e.preventDefault();
    set_saved(false);
    void submit(form, async () => {
      const { settings } = await api.update_notification_settings(settings_body(v, device_zone()));
      form.set_values(values_of(settings));
      set_saved(true);
    }, {
      checks: { 'quiet_hours.end': !!v.quiet && v['quiet_hours.start'] === v['quiet_hours.end'] && { code: 'invalid_field', field: 'quiet_hours.end' } },
      problem: settings_problem,
    });
  };
  return (
    <section class="card" id="notifications" aria-labelledby="notif-h" ref={section} data-testid="notification-settings">
      <h2 id="notif-h">{t('notif_settings')}</h2>
      <FormError error={load_error} />
      <form class="form" noValidate ref={form.ref} onSubmit={save}>
        <FormError error={form.errors['']} />
        <div>
          <Select label={t('notif_email')} name="email_digest" value={v.email_digest} onChange={form.set('email_digest')} error={form.errors.email_digest}
            options={[['never', t('email_never')], ['15min', t('email_15min')], ['daily', t('email_daily')]]} />
          <p class="field__hint">{t('notif_email_hint')}</p>
        </div>
        <div>
          <Select label={t('notif_digest')} name="digest" value={v.digest} onChange={form.set('digest')} error={form.errors.digest}
            options={[['weekly', t('digest_weekly')], ['daily', t('digest_daily')], ['off', t('digest_off')]]} />
          <p class="field__hint">{t('notif_digest_hint')}</p>
        </div>
        <div>
          <Checkbox name="push_previews" label={t('push_previews_private')} checked={v.push_previews === 'private'} onChange={(on) => form.set('push_previews')(on ? 'private' : 'full')} />
          <p class="field__hint">{t('push_previews_hint')}</p>
        </div>
        <fieldset class="quiet">
          <legend>{t('quiet_hours')}</legend>
          <Checkbox name="quiet" label={t('quiet_hours_on')} checked={!!v.quiet} onChange={(on) => form.set('quiet')(on ? 'on' : '')} />
          {v.quiet && (
            <div class="grid2">
              <Field label={t('quiet_from')} name="quiet_hours.start" type="time" value={v['quiet_hours.start']} onInput={form.set('quiet_hours.start')} error={form.errors['quiet_hours.start']} />
              <Field label={t('quiet_to')} name="quiet_hours.end" type="time" value={v['quiet_hours.end']} onInput={form.set('quiet_hours.end')} error={form.errors['quiet_hours.end']} />
            </div>
          )}
          <p class="field__hint">{t('quiet_hint', { zone: device_zone() })}</p>
        </fieldset>
        <button class="btn btn--primary" type="submit" disabled={form.busy || !loaded}>{t('save')}</button>
        {saved && <Notice>{t('saved')}</Notice>}
      </form>
      <DevicePush />
    </section>
  );
}

const PUSH_WORDS: Record<Exclude<PushState, 'on' | 'off'>, 'push_unsupported' | 'push_denied' | 'push_needs_install' | 'push_unavailable'> = {
  unsupported: 'push_unsupported',
  denied: 'push_denied',
  needs_install: 'push_needs_install',
  unavailable: 'push_unavailable',
};

/** « Notifications sur cet appareil »: a switch when the browser can, else what stops it, in words. */
function DevicePush() {
  const [state, set_state] = useState<PushState | null>(null);
  const [busy, set_busy] = useState(false);
  const [error, set_error] = useState<unknown>(null);
  const status_id = useId();
  useEffect(() => {
    push_status().then(set_state, () => set_state('unsupported'));
  }, []);
  const flip = async () => {
    set_busy(true);
    set_error(null);
    try {
      // The permission prompt comes from this tap, never from a page load.
      set_state(state === 'on' ? await disable_push() : await enable_push());
    } catch (e) {
      set_error(e);
    } finally {
      set_busy(false);
    }
  };
  const switchable = state === 'on' || state === 'off';
  return (
    <div class="device-push" data-testid="device-push" data-state={state ?? 'checking'}>
      {switchable ? (
        <button type="button" class="switch-btn" role="switch" aria-checked={state === 'on'} aria-describedby={status_id} disabled={busy} onClick={() => void flip()}>
          <span class="switch-btn__track" aria-hidden="true"><span class="switch-btn__thumb" /></span>
          <span class="switch-btn__label">{t('push_device')}</span>
        </button>
      ) : (
        <p class="device-push__title">{t('push_device')}</p>
      )}
      <p id={status_id} class={switchable ? 'muted small' : 'notice'} role="status">
        {state === null || busy ? t('push_asking') : state === 'on' ? t('push_status_on') : state === 'off' ? t('push_status_off') : t(PUSH_WORDS[state])}
      </p>
      <FormError error={error} />
    </div>
  );
}
