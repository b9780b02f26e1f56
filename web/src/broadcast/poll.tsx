// A poll under its message: the options to choose (one, or several), the results once one has
// voted (hosts always), who voted what for hosts of a named poll, and when it closes. And the
// hosts' sheet to ask one.
import { useState } from 'preact/hooks';
import * as api from '../api';
import type { Member, Poll } from '../api';
import { format_time, t, tn } from '../i18n';
import { Checkbox, Field, FormError } from '../ui/form';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { replace_poll } from './state';
import './broadcast.css';

export function PollCard({ poll, tz, members }: { poll: Poll; tz?: string; members?: Member[] }) {
  const [chosen, set_chosen] = useState<number[]>(poll.my_option_ids);
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const total = poll.options.reduce((n, o) => n + (o.count ?? 0), 0);
  const send = async (ids: number[]) => {
    set_busy(true);
    set_error(null);
    try {
      replace_poll((await api.vote(poll.id, ids)).poll);
    } catch (e) {
      set_error(e);
    } finally {
      set_busy(false);
    }
  };
  const name_of = (id: number) => members?.find((m) => m.account_id === id)?.display_name ?? '…';
  return (
    <section class={'poll' + (poll.closed ? ' poll--closed' : '')} aria-label={t('poll_label', { question: poll.question })} data-poll={poll.id}>
      <p class="poll__meta small muted">
        {poll.multiple ? t('poll_multiple') : t('poll_single')} · {poll.anonymous ? t('poll_anonymous') : t('poll_named')}
        {poll.closes_at && <> · {poll.closed ? t('poll_closed_at', { when: format_time(poll.closes_at, tz) }) : t('poll_closes_at', { when: format_time(poll.closes_at, tz) })}</>}
      </p>
      <FormError error={error} />
      <ul class="poll__options">
        {poll.options.map((o) => {
          const mine = poll.my_option_ids.includes(o.id);
          const share = poll.results_visible && total > 0 ? Math.round(((o.count ?? 0) * 100) / total) : 0;
          return (
            <li key={o.id}>
              {poll.closed ? (
                <span class="poll__option poll__option--static">{o.text}{mine && <span class="visually-hidden"> ({t('poll_your_choice')})</span>}</span>
              ) : poll.multiple ? (
                <Checkbox name={`poll-${poll.id}`} label={o.text} checked={chosen.includes(o.id)} onChange={(on) => set_chosen((old) => (on ? [...old, o.id] : old.filter((x) => x !== o.id)))} />
              ) : (
                <button type="button" class={'poll__option' + (mine ? ' poll__option--mine' : '')} aria-pressed={mine} disabled={busy} onClick={() => void send([o.id])}>{o.text}</button>
              )}
              {poll.results_visible && (
                <div class="poll__result" data-testid="poll-result">
                  <span class="poll__bar" style={{ width: `${share}%` }} aria-hidden="true" />
                  <span class="small">{tn('poll_votes', o.count ?? 0, { share })}</span>
                  {o.voter_ids && o.voter_ids.length > 0 && <span class="small muted"> — {o.voter_ids.map(name_of).join(', ')}</span>}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {!poll.closed && poll.multiple && (
        <button type="button" class="btn btn--small btn--primary" disabled={busy || chosen.length === 0} onClick={() => void send(chosen)}>{t('poll_vote')}</button>
      )}
      {poll.results_visible ? <p class="small muted">{tn('poll_voters', poll.voters ?? 0)}</p> : !poll.closed && <p class="small muted">{t('poll_results_after_vote')}</p>}
    </section>
  );
}

export function NewPollSheet({ channel_id, open, on_close }: { channel_id: number; open: boolean; on_close: () => void }) {
  const [question, set_question] = useState('');
  const [options, set_options] = useState(['', '']);
  const [multiple, set_multiple] = useState(false);
  const [anonymous, set_anonymous] = useState(true);
  const [closes, set_closes] = useState('');
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const submit = async () => {
    set_busy(true);
    set_error(null);
    try {
      const { poll } = await api.create_poll(channel_id, { question, options: options.filter((o) => o.trim()), multiple, anonymous, ...(closes ? { closes_at: closes } : {}) });
      replace_poll(poll);
      set_question('');
      set_options(['', '']);
      set_closes('');
      show_toast(t('poll_created'));
      on_close();
    } catch (e) {
      set_error(e);
    } finally {
      set_busy(false);
    }
  };
  return (
    <Sheet open={open} title={t('new_poll')} on_close={on_close} testid="sheet-poll">
      <form class="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <FormError error={error} />
        <Field label={t('poll_question')} name="question" value={question} onInput={set_question} maxLength={300} />
        {options.map((o, i) => (
          <Field key={i} label={t('poll_option', { n: i + 1 })} name={`option-${i}`} value={o} onInput={(v) => set_options((old) => old.map((x, k) => (k === i ? v : x)))} maxLength={100} />
        ))}
        {options.length < 10 && <button type="button" class="btn btn--small" onClick={() => set_options((old) => [...old, ''])}>{t('poll_add_option')}</button>}
        <Checkbox name="multiple" label={t('poll_allow_multiple')} checked={multiple} onChange={set_multiple} />
        <Checkbox name="anonymous" label={t('poll_keep_anonymous')} checked={anonymous} onChange={set_anonymous} />
        <div class="field">
          <label for="poll-closes">{t('poll_closes_label')} <span class="field__optional">({t('optional')})</span></label>
          <input id="poll-closes" type="datetime-local" value={closes} onInput={(e) => set_closes((e.currentTarget as HTMLInputElement).value)} />
          <p class="field__hint">{t('poll_closes_hint')}</p>
        </div>
        <button class="btn btn--primary" type="submit" disabled={busy}>{t('poll_publish')}</button>
      </form>
    </Sheet>
  );
}
