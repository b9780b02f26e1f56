// The subscribers, in the « Infolettre » card: a CSV import (the file's text sent as `text/csv`)
// with its report — how many came in, how many merged with a known address, each row refused and
// why — and the list, 100 at a time, by status, each one removable (the address is forgotten).
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { ImportReport, Subscriber } from '../api';
import { format_date, problem_text, t, tn, type Problem } from '../i18n';
import { communities } from '../communities/state';
import { FormError, Select } from '../ui/form';
import { ask_confirm } from '../ui/confirm';
import { show_toast } from '../ui/toast';
import { append_page, import_file_problem } from './state';

export function ImportBox({ slug, imported }: { slug: string; imported: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const [report, set_report] = useState<ImportReport | null>(null);
  const [problem, set_problem] = useState<Problem | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const run = async (file: File | undefined) => {
    if (!file) return;
    set_report(null);
    set_error(null);
    const pr = import_file_problem(file);
    set_problem(pr);
    if (pr) return;
    set_busy(true);
    try {
      set_report(await api.import_subscribers(slug, await file.text()));
      imported();
    } catch (e) {
      set_error(e);
    } finally {
      set_busy(false);
    }
  };
  return (
    <div class="nl-import" data-testid="nl-import">
      <h3>{t('nl_import_title')}</h3>
      <p class="field__hint" id={id + '-hint'}>{t('nl_import_hint')}</p>
      <div class="field">
        <label for={id}>{t('nl_import_file')}</label>
        <input ref={input} id={id} type="file" accept=".csv,text/csv" aria-describedby={id + '-hint'} disabled={busy}
          onChange={(e) => { const el = e.currentTarget as HTMLInputElement; void run(el.files?.[0]); el.value = ''; }} />
      </div>
      {busy && <p class="loading" role="status">{t('nl_importing')}</p>}
      {problem && <p class="field__error" role="alert">{problem_text(problem)}</p>}
      <FormError error={error} />
      {report && (
        <div class="nl-report" role="status" data-testid="nl-import-report">
          <p><strong>{tn('nl_imported', report.imported)}</strong> · {tn('nl_merged', report.merged)} · {tn('nl_rejected', report.rejected.length)}</p>
          {report.rejected.length > 0 && (
            <ul class="rows">
              {report.rejected.map((r) => <li class="row" key={r.row}><span class="row__main">{t('nl_row', { row: r.row })}</span><span class="muted small">{r.reason}</span></li>)}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

type Status = '' | Subscriber['status'];

export function SubscriberList({ slug }: { slug: string }) {
  const [status, set_status] = useState<Status>('');
  const [list, set_list] = useState<Subscriber[] | null>(null);
  const [next, set_next] = useState<number | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const tz = communities.get(slug)?.timezone;
  const fetch_page = async (before?: number) => {
    set_busy(true);
    set_error(null);
    try {
      const r = await api.list_subscribers(slug, { ...(status ? { status } : {}), ...(before ? { before } : {}) });
      set_list((held) => append_page(before ? held ?? [] : [], r.subscribers));
      set_next(r.next_before);
    } catch (e) {
      set_error(e);
    } finally {
      set_busy(false);
    }
  };
  useEffect(() => {
    set_list(null);
    void fetch_page();
  }, [slug, status]);
  const label = (s: Subscriber['status']) => t(s === 'pending' ? 'nl_status_pending' : s === 'confirmed' ? 'nl_status_confirmed' : 'nl_status_unsubscribed');
  return (
    <div class="nl-subscribers" data-testid="nl-subscribers">
      <h3>{t('nl_subscribers')}</h3>
      <Select label={t('nl_filter_status')} name="status" value={status} onChange={(v) => set_status(v as Status)}
        options={[['', t('nl_status_all')], ['confirmed', t('nl_status_confirmed')], ['pending', t('nl_status_pending')], ['unsubscribed', t('nl_status_unsubscribed')]]} />
      <FormError error={error} />
      {list && list.length === 0 && <p class="muted">{t('nl_no_subscribers')}</p>}
      <ul class="rows">
        {(list ?? []).map((s) => (
          <li class="row" key={s.id} data-subscriber={s.id}>
            <div class="row__main">
              <strong>{s.email}</strong>{s.name && <span> · {s.name}</span>}
              <p class="muted small">
                {label(s.status)} · {s.consent.kind === 'express' ? t('nl_consent_express') : t('nl_consent_implied')}
                {s.consent.lapses_at && <> · {t('nl_consent_lapses', { date: format_date(s.consent.lapses_at, tz) })}</>}
              </p>
            </div>
            <button type="button" class="btn btn--small btn--danger" aria-label={`${t('nl_forget')} ${s.email}`} onClick={async () => {
              if (!(await ask_confirm({ title: t('nl_forget_title'), body: t('nl_forget_body', { email: s.email }), confirm: t('nl_forget'), danger: true }))) return;
              try {
                await api.delete_subscriber(s.id);
                set_list((held) => (held ?? []).filter((x) => x.id !== s.id));
                show_toast(t('nl_forgotten', { email: s.email }));
              } catch (e) {
                set_error(e);
              }
            }}>{t('nl_forget')}</button>
          </li>
        ))}
      </ul>
      {busy && <p class="loading" role="status">{t('loading')}</p>}
      {next !== null && !busy && <button type="button" class="btn" onClick={() => void fetch_page(next)}>{t('nl_more')}</button>}
    </div>
  );
}
