// The sheet before an issue goes: who gets it (the members, the subscribers, or both) and, to
// schedule it, a date and a time on the community's clock, read back as the instant it will
// leave (« Partira le 5 décembre 2026 à 8 h 00 (heure de Toronto) »).
import { useState } from 'preact/hooks';
import * as api from '../api';
import type { Audience, Newsletter } from '../api';
import { device_zone, problem_of, problem_text, t, tn, zone_label, type Problem } from '../i18n';
import { communities } from '../communities/state';
import { Sheet } from '../ui/sheet';
import { Checkbox, Field, FormError } from '../ui/form';
import { audience_problem, default_schedule, schedule_problem, send_body } from './state';
import { utc_to_zoned, zoned_to_utc } from './zone';
import { scheduled_line } from './list_view';

export function SendSheet(p: { slug: string; issue: Newsletter; mode: 'now' | 'schedule'; on_close: () => void; on_done: (n: Newsletter) => void }) {
  const community = communities.get(p.slug);
  const tz = community?.timezone ?? device_zone();
  const [audience, set_audience] = useState<Audience>(p.issue.audience ?? { members: true, subscribers: true });
  const [when, set_when] = useState(() => (p.issue.scheduled_at ? utc_to_zoned(p.issue.scheduled_at, tz) : default_schedule(Date.now(), tz)));
  const [errors, set_errors] = useState<Record<string, Problem>>({});
  const [busy, set_busy] = useState(false);
  const schedule = p.mode === 'schedule';
  const at = schedule ? zoned_to_utc(when.date, when.time, tz) : null;

  const go = async (e: Event) => {
    e.preventDefault();
    const found = Object.entries({ audience: audience_problem(audience), send_date: schedule && schedule_problem(at, Date.now()) }).filter((x): x is [string, Problem] => !!x[1]);
    set_errors(Object.fromEntries(found));
    if (found.length) return;
    set_busy(true);
    try {
      p.on_done((await api.send_newsletter(p.issue.id, send_body(audience, at))).newsletter);
    } catch (err) {
      const pr = problem_of(err);
      set_errors(pr.code === 'invalid_send_time' ? { send_date: { ...pr, field: 'send_date' } } : pr.field === 'audience' ? { audience: pr } : { '': pr });
    } finally {
      set_busy(false);
    }
  };

  return (
    <Sheet open title={schedule ? t('nl_schedule_title') : t('nl_send_now_title')} on_close={p.on_close} testid="nl-send">
      <form class="form" noValidate onSubmit={go}>
        <FormError error={errors['']} />
        <fieldset class="nl-audience" aria-describedby={errors.audience ? 'nl-audience-err' : undefined}>
          <legend>{t('nl_audience')}</legend>
          <Checkbox name="members" label={community ? tn('nl_audience_members', community.member_count) : t('nl_audience_members_plain')} checked={audience.members} onChange={(v) => set_audience({ ...audience, members: v })} />
          <Checkbox name="subscribers" label={t('nl_audience_subscribers')} checked={audience.subscribers} onChange={(v) => set_audience({ ...audience, subscribers: v })} />
          {errors.audience && <p class="field__error" id="nl-audience-err" role="alert">{problem_text(errors.audience)}</p>}
        </fieldset>
        {schedule ? (
          <>
            <div class="grid2">
              <Field label={t('nl_send_date')} name="send_date" type="date" value={when.date} onInput={(date) => set_when({ ...when, date })} error={errors.send_date} />
              <Field label={t('nl_send_time')} name="send_time" type="time" value={when.time} onInput={(time) => set_when({ ...when, time })} hint={zone_label(tz)} />
            </div>
            {at && <p class="muted" data-testid="nl-leaves-at">{scheduled_line(at, tz)}</p>}
          </>
        ) : (
          <p>{t('nl_send_now_body')}</p>
        )}
        <div class="confirm__actions">
          <button type="button" class="btn" onClick={p.on_close}>{t('cancel')}</button>
          <button type="submit" class="btn btn--primary" disabled={busy}>{schedule ? t('nl_schedule_confirm') : t('nl_send_now_confirm')}</button>
        </div>
      </form>
    </Sheet>
  );
}
