// /c/{slug}/newsletters: for hosts, every issue in three groups (drafts, scheduled, sent with what
// became of its emails); for members, the archive (the sent issues that went to members).
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Newsletter } from '../api';
import { format_datetime, format_datetime_zoned, t, tn, zone_label } from '../i18n';
import { communities, is_host } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { FormError } from '../ui/form';
import { Icon } from '../ui/icons';
import { Link } from '../ui/link';
import { group_issues } from './state';
import './newsletter.css';

export function NewslettersPage({ slug }: { slug: string }) {
  const [list, set_list] = useState<Newsletter[] | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const host = is_host(slug);
  useEffect(() => {
    set_list(null);
    set_error(null);
    api.list_newsletters(slug).then((r) => set_list(r.newsletters), set_error);
  }, [slug, host]);
  const community = communities.get(slug);
  return (
    <section class="scroll-pane" data-testid="newsletters">
      <PaneHead slug={slug} title={host ? t('nl_title') : t('nl_archive_title')} sub={community?.name}>
        {host && <Link href={`/c/${slug}/newsletters/new`} class="btn btn--primary btn--small"><Icon name="plus" size={18} /> {t('nl_new')}</Link>}
      </PaneHead>
      <div class="pane__body">
        <FormError error={error} />
        {!list && !error && <p class="loading" role="status">{t('loading')}</p>}
        {list && (host ? <HostList slug={slug} list={list} tz={community?.timezone} /> : <Archive slug={slug} list={list} tz={community?.timezone} />)}
      </div>
    </section>
  );
}

function HostList({ slug, list, tz }: { slug: string; list: Newsletter[]; tz?: string }) {
  const g = group_issues(list);
  if (!list.length) return <p class="muted" data-testid="nl-empty">{t('nl_empty_host')}</p>;
  const group = (id: string, title: string, items: Newsletter[], line: (n: Newsletter) => string) => (
    <section class="card nl-group" aria-labelledby={id} data-testid={id}>
      <h2 id={id}>{title} <span class="nl-count" aria-label={tn('nl_issue_count', items.length)}>{items.length}</span></h2>
      {items.length === 0 ? <p class="muted small">{t('nl_group_none')}</p> : (
        <ul class="rows">
          {items.map((n) => (
            <li class="row nl-row" key={n.id} data-issue={n.id}>
              <div class="row__main">
                <Link href={`/c/${slug}/newsletters/${n.id}${n.status === 'draft' || n.status === 'scheduled' ? '/edit' : ''}`} class="nl-row__subject">{n.subject || t('nl_no_subject')}</Link>
                <p class="muted small">{line(n)}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
  return (
    <>
      {group('nl-drafts', t('nl_group_drafts'), g.drafts, (n) => t('nl_updated_on', { date: format_datetime_zoned(n.updated_at, tz) }))}
      {group('nl-scheduled', t('nl_group_scheduled'), g.scheduled, (n) => scheduled_line(n.scheduled_at!, tz))}
      {group('nl-sent', t('nl_group_sent'), g.sent, (n) => [n.status === 'sending' ? t('nl_sending') : t('nl_sent_on', { date: format_datetime_zoned(n.sent_at ?? n.updated_at, tz) }), counts_line(n)].filter(Boolean).join(' · '))}
    </>
  );
}

/** « Prévue le 5 décembre 2026 à 8 h 00 (heure de Toronto) »: always with the community's zone. */
export function scheduled_line(iso: string, tz?: string): string {
  return t('nl_scheduled_for', { date: tz ? `${format_datetime(iso, tz)} (${zone_label(tz)})` : format_datetime(iso) });
}

/** What became of an issue's emails, in a line (hosts). */
export function counts_line(n: Newsletter): string {
  const c = n.counts;
  if (!c) return '';
  return [
    tn('nl_count_sent', c.sent),
    c.queued ? tn('nl_count_queued', c.queued) : '',
    c.failed ? tn('nl_count_failed', c.failed) : '',
    c.unsubscribed ? tn('nl_count_unsubscribed', c.unsubscribed) : '',
    tn('nl_count_comments', c.comments),
  ].filter(Boolean).join(' · ');
}

function Archive({ slug, list, tz }: { slug: string; list: Newsletter[]; tz?: string }) {
  if (!list.length) return <p class="muted" data-testid="nl-empty">{t('nl_empty_member')}</p>;
  return (
    <ul class="nl-archive" data-testid="nl-archive">
      {list.map((n) => (
        <li key={n.id} class="card nl-archive__item">
          <Link href={`/c/${slug}/newsletters/${n.id}`} class="nl-row__subject">{n.subject || t('nl_no_subject')}</Link>
          {n.sent_at && <p class="muted small"><time dateTime={n.sent_at}>{format_datetime_zoned(n.sent_at, tz)}</time></p>}
          {n.preview_text && <p>{n.preview_text}</p>}
        </li>
      ))}
    </ul>
  );
}
