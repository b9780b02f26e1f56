// /c/{slug}/newsletters/{id}: a sent issue as its archive page, with its comments. Hosts also see
// what became of its emails (queued, sent, failed, unsubscribed, comments) and the failures.
import { useEffect, useId, useState } from 'preact/hooks';
import * as api from '../api';
import { ApiError, type Newsletter, type NewsletterComment } from '../api';
import { format_datetime_zoned, t, tn } from '../i18n';
import { communities, is_host } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { Byline } from '../board/parts';
import { FormError } from '../ui/form';
import { Link } from '../ui/link';
import { editable } from './state';
import { scheduled_line } from './list_view';
import '../board/board.css';
import './newsletter.css';

export function IssuePage({ slug, id }: { slug: string; id: number }) {
  const [issue, set_issue] = useState<Newsletter | null>(null);
  const [comments, set_comments] = useState<NewsletterComment[] | null>(null);
  const [error, set_error] = useState<unknown>(null);
  const host = is_host(slug);
  useEffect(() => {
    set_issue(null);
    set_error(null);
    api.get_newsletter(id).then((r) => set_issue(r.newsletter), set_error);
    api.list_newsletter_comments(id).then((r) => set_comments(r.comments), () => set_comments([]));
  }, [id]);
  const tz = communities.get(slug)?.timezone;
  const back = <Link href={`/c/${slug}/newsletters`}>{host ? t('nl_back_to_list') : t('nl_back_to_archive')}</Link>;
  if (!issue) {
    const gone = error instanceof ApiError && error.status === 404;
    return (
      <section class="scroll-pane">
        <PaneHead slug={slug} title={t('nl_title')} sub={back} />
        <div class="pane__body">
          {gone ? <p class="notice" role="alert">{t('nl_gone')}</p> : <FormError error={error} />}
          {!error && <p class="loading" role="status">{t('loading')}</p>}
        </div>
      </section>
    );
  }
  return (
    <section class="scroll-pane" data-testid="nl-issue">
      <PaneHead slug={slug} title={t('nl_title')} sub={back} />
      <div class="pane__body">
        {host && <HostFacts slug={slug} issue={issue} tz={tz} />}
        <article class="card nl-article" aria-labelledby="nl-subject">
          <h2 id="nl-subject" class="nl-article__subject">{issue.subject || t('nl_no_subject')}</h2>
          <p class="muted small">
            {issue.author.display_name}
            {issue.sent_at && <> · <time dateTime={issue.sent_at}>{format_datetime_zoned(issue.sent_at, tz)}</time></>}
          </p>
          {/* The body as the server renders it (safe HTML, sanitised as a message's is). */}
          <div class="md nl-page" dangerouslySetInnerHTML={{ __html: issue.html }} />
        </article>
        {issue.status === 'sent' && <Comments issue={issue} comments={comments} tz={tz} added={(c) => set_comments([...(comments ?? []), c])} />}
      </div>
    </section>
  );
}

/** What hosts see above a sent issue: its numbers and the addresses that failed. */
function HostFacts({ slug, issue, tz }: { slug: string; issue: Newsletter; tz?: string }) {
  if (editable(issue)) {
    return (
      <div class="notice nl-scheduled" role="status">
        <span>{issue.status === 'scheduled' ? scheduled_line(issue.scheduled_at!, tz) : t('nl_draft_note')}</span>
        <Link href={`/c/${slug}/newsletters/${issue.id}/edit`} class="btn btn--small">{t('nl_edit')}</Link>
      </div>
    );
  }
  const c = issue.counts;
  const facts: [string, number][] = c ? [[t('nl_fact_queued'), c.queued], [t('nl_fact_sent'), c.sent], [t('nl_fact_failed'), c.failed], [t('nl_fact_unsubscribed'), c.unsubscribed], [t('nl_fact_comments'), c.comments]] : [];
  if (c?.tracked) facts.push([t('nl_fact_opened'), c.opened], [t('nl_fact_clicked'), c.clicked]);
  const audience = [issue.audience.members && t('nl_to_members'), issue.audience.subscribers && t('nl_to_subscribers')].filter(Boolean).join(' · ');
  return (
    <section class="card nl-facts" aria-labelledby="nl-facts-h" data-testid="nl-facts">
      <h2 id="nl-facts-h">{issue.status === 'sending' ? t('nl_sending') : t('nl_facts_title')}</h2>
      <p class="muted small">{audience}</p>
      {c && (
        <dl class="nl-facts__list">
          {facts.map(([label, n]) => <div key={label} class="nl-fact"><dt>{label}</dt><dd>{n}</dd></div>)}
        </dl>
      )}
      {c?.tracked && issue.links && issue.links.length > 0 && (
        <>
          <h3>{t('nl_links')}</h3>
          <ul class="rows" data-testid="nl-links">
            {issue.links.map((l) => <li class="row" key={l.url}><span class="row__main nl-link-url">{l.url}</span><span class="muted small">{tn('nl_link_people', l.clicked)}</span></li>)}
          </ul>
        </>
      )}
      {issue.failures && issue.failures.length > 0 && (
        <>
          <h3>{t('nl_failures')}</h3>
          <ul class="rows" data-testid="nl-failures">
            {issue.failures.map((f, i) => <li class="row" key={i}><span class="row__main"><strong>{f.email}</strong></span><span class="muted small">{f.reason}</span></li>)}
          </ul>
        </>
      )}
    </section>
  );
}

/** The issue's comments, in the board's comment cards, and the box to add one. */
function Comments(p: { issue: Newsletter; comments: NewsletterComment[] | null; tz?: string; added: (c: NewsletterComment) => void }) {
  const [body, set_body] = useState('');
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const id = useId();
  const send = async (e: Event) => {
    e.preventDefault();
    if (!body.trim() || busy) return;
    set_busy(true);
    set_error(null);
    try {
      p.added((await api.comment_newsletter(p.issue.id, body.trim())).comment);
      set_body('');
    } catch (err) {
      set_error(err); // what was typed stays
    } finally {
      set_busy(false);
    }
  };
  const list = p.comments ?? [];
  return (
    <section class="nl-comments" aria-labelledby="nl-comments-h">
      <h2 id="nl-comments-h" class="comments__title">{t('comments')} <span class="muted small">{tn('comment_count', list.length)}</span></h2>
      {p.comments && list.length === 0 && <p class="muted">{t('no_comments')}</p>}
      <ol class="comments" data-testid="nl-comment-list">
        {list.map((c) => (
          <li key={c.id}>
            <article class="comment" data-comment={c.id}>
              <Byline author={c.author} at={c.created_at} edited={false} tz={p.tz} />
              <p class="comment__body nl-comment__body">{c.body}</p>
            </article>
          </li>
        ))}
      </ol>
      <form class="comment-form" onSubmit={send}>
        <FormError error={error} />
        <label for={id} class="visually-hidden">{t('comment_label')}</label>
        <textarea id={id} rows={2} value={body} placeholder={t('comment_label')} maxLength={4000} onInput={(e) => set_body((e.currentTarget as HTMLTextAreaElement).value)} />
        <button class="btn btn--primary" type="submit" disabled={busy || !body.trim()}>{t('comment_send')}</button>
      </form>
    </section>
  );
}
