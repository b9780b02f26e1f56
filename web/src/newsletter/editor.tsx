// /c/{slug}/newsletters/new and /c/{slug}/newsletters/{id}/edit: the host writes an issue (subject,
// preview text, Markdown body with images by link), sees it as an email and as the archive page while
// typing (preview.tsx), sends a test to themselves, then sends it now or schedules it (send_sheet.tsx).
// The first action that needs the issue saved saves it; a new one then has its own address.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Newsletter } from '../api';
import { t, problem_text } from '../i18n';
import { navigate, session } from '../state';
import { PaneHead } from '../communities/layout';
import { communities } from '../communities/state';
import { Field, FormError, check, submit, use_form } from '../ui/form';
import { Link } from '../ui/link';
import { Icon } from '../ui/icons';
import { show_toast } from '../ui/toast';
import { ask_confirm } from '../ui/confirm';
import { editable, image_markdown, insert_block } from './state';
import { PreviewPane } from './preview';
import { SendSheet } from './send_sheet';
import { scheduled_line } from './list_view';
import './newsletter.css';

type Values = { subject: string; preview_text: string; body: string };
const values_of = (n: Newsletter): Values => ({ subject: n.subject, preview_text: n.preview_text ?? '', body: n.body });
const key_of = (v: Values) => JSON.stringify([v.subject.trim(), v.preview_text.trim(), v.body]);

export function EditorPage({ slug, id }: { slug: string; id?: number }) {
  const form = use_form<Values>({ subject: '', preview_text: '', body: '' });
  const [issue, set_issue] = useState<Newsletter | null>(null);
  const [load_error, set_load_error] = useState<unknown>(null);
  const [sheet, set_sheet] = useState<'now' | 'schedule' | null>(null);
  // What the server holds, so a save that changes nothing sends nothing.
  const saved = useRef<{ issue: Newsletter | null; key: string }>({ issue: null, key: '' });
  const body_ref = useRef<HTMLTextAreaElement>(null);
  const body_id = useId();
  useEffect(() => {
    // The first save of a new issue moves here: what is on screen is already that issue.
    if (!id || saved.current.issue?.id === id) return;
    set_load_error(null);
    api.get_newsletter(id).then(({ newsletter }) => {
      if (!editable(newsletter)) return navigate(`/c/${slug}/newsletters/${id}`, { replace: true });
      saved.current = { issue: newsletter, key: key_of(values_of(newsletter)) };
      set_issue(newsletter);
      form.set_values(values_of(newsletter));
    }, set_load_error);
  }, [id]);

  const v = form.values;
  const tz = communities.get(slug)?.timezone;
  const checks = { subject: check.required('subject', v.subject), body: check.required('body', v.body) };

  /** Saves what is typed when it differs from what the server holds; a new issue gets its address. */
  const save = async (): Promise<Newsletter> => {
    const held = saved.current;
    const key = key_of(v);
    if (held.issue && held.key === key) return held.issue;
    const d = { subject: v.subject.trim(), body: v.body, preview_text: v.preview_text.trim() };
    const { newsletter } = held.issue ? await api.edit_newsletter(held.issue.id, d) : await api.create_newsletter(slug, d);
    saved.current = { issue: newsletter, key };
    set_issue(newsletter);
    if (!held.issue) navigate(`/c/${slug}/newsletters/${newsletter.id}/edit`, { replace: true });
    return newsletter;
  };
  const act = (fn: (n: Newsletter) => Promise<void>) => (e?: Event) => {
    e?.preventDefault();
    void submit(form, async () => fn(await save()), { checks });
  };
  const done = (n: Newsletter) => {
    saved.current = { ...saved.current, issue: n };
    set_issue(n);
  };

  if (load_error) return <section class="scroll-pane"><PaneHead slug={slug} title={t('nl_title')} /><div class="pane__body"><FormError error={load_error} /></div></section>;
  if (id && !issue) return <section class="scroll-pane"><PaneHead slug={slug} title={t('nl_title')} /><div class="pane__body"><p class="loading" role="status">{t('loading')}</p></div></section>;
  const scheduled = issue?.status === 'scheduled' ? issue : null;

  return (
    <section class="scroll-pane" data-testid="nl-editor">
      <PaneHead slug={slug} title={issue ? t('nl_edit_title') : t('nl_new_title')} sub={<Link href={`/c/${slug}/newsletters`}>{t('nl_back_to_list')}</Link>} />
      <div class="pane__body nl-editor">
        <form class="form nl-editor__form" noValidate ref={form.ref} onSubmit={act(async () => show_toast(t('nl_saved')))}>
          <FormError error={form.errors['']} />
          {scheduled && (
            <div class="notice nl-scheduled" role="status" data-testid="nl-scheduled">
              <span>{scheduled_line(scheduled.scheduled_at!, tz)}</span>
              <button type="button" class="btn btn--small" disabled={form.busy} onClick={() => void submit(form, async () => {
                done((await api.unschedule_newsletter(scheduled.id)).newsletter);
                show_toast(t('nl_unscheduled'));
              })}>{t('nl_unschedule')}</button>
            </div>
          )}
          <Field label={t('nl_subject')} name="subject" value={v.subject} onInput={form.set('subject')} error={form.errors.subject} required />
          <Field label={t('nl_preview_text')} name="preview_text" value={v.preview_text} onInput={form.set('preview_text')} hint={t('nl_preview_text_hint')} error={form.errors.preview_text} optional />
          <div class={'field' + (form.errors.body ? ' field--error' : '')}>
            <label for={body_id}>{t('nl_body')}</label>
            <div class="nl-toolbar">
              <ImageButton hint_id={body_id + '-img'} on_insert={() => {
                const el = body_ref.current;
                const at = el ? [el.selectionStart, el.selectionEnd] : [v.body.length, v.body.length];
                const snippet = image_markdown('https://');
                const r = insert_block(v.body, at[0], at[1], snippet);
                const caret = r.text.lastIndexOf(snippet, r.caret) + snippet.length - 1;
                form.set('body')(r.text);
                setTimeout(() => { el?.focus(); el?.setSelectionRange(caret, caret); }, 0);
              }} />
              <span class="muted small" id={body_id + '-hint'}>{t('nl_markdown_hint')}</span>
            </div>
            <p class="field__hint" id={body_id + '-img'}>{t('nl_image_hint')}</p>
            <textarea id={body_id} ref={body_ref} name="body" rows={14} value={v.body} required aria-invalid={form.errors.body ? true : undefined}
              aria-describedby={body_id + '-hint ' + body_id + '-img' + (form.errors.body ? ` ${body_id}-err` : '')}
              onInput={(e) => form.set('body')((e.currentTarget as HTMLTextAreaElement).value)} />
            {form.errors.body && <p class="field__error" id={body_id + '-err'}>{problem_text(form.errors.body)}</p>}
          </div>
          <div class="nl-actions">
            <button class="btn" type="submit" disabled={form.busy}>{t('nl_save')}</button>
            <button class="btn" type="button" disabled={form.busy} onClick={act(async () => {
              await api.test_newsletter((await save()).id);
              show_toast(session.me?.email ? t('nl_test_sent_to', { email: session.me.email }) : t('nl_test_sent'));
            })}>{t('nl_send_test')}</button>
            {!scheduled && <button class="btn" type="button" disabled={form.busy} onClick={act(async () => set_sheet('schedule'))}>{t('nl_schedule')}</button>}
            {!scheduled && <button class="btn btn--primary" type="button" disabled={form.busy} onClick={act(async () => set_sheet('now'))}><Icon name="send" size={18} /> {t('nl_send_now')}</button>}
            {issue && (
              <button class="btn btn--danger" type="button" disabled={form.busy} onClick={() => void submit(form, async () => {
                if (!(await ask_confirm({ title: t('nl_delete_title'), body: t('nl_delete_body'), confirm: t('delete'), danger: true }))) return;
                await api.delete_newsletter(issue.id);
                show_toast(t('nl_deleted'));
                navigate(`/c/${slug}/newsletters`);
              })}>{t('nl_delete')}</button>
            )}
          </div>
        </form>
        <PreviewPane slug={slug} draft={v} />
      </div>
      {sheet && issue && (
        <SendSheet slug={slug} issue={issue} mode={sheet} on_close={() => set_sheet(null)} on_done={(n) => {
          set_sheet(null);
          done(n);
          if (n.status === 'scheduled') show_toast(scheduled_line(n.scheduled_at!, tz));
          else {
            show_toast(t('nl_sending_toast'));
            navigate(`/c/${slug}/newsletters/${n.id}`);
          }
        }} />
      )}
    </section>
  );
}

/**
 * Adds an image as a link: `![](https://)` where the cursor is, the cursor left after `https://`
 * for the address. No upload: a file sent through the files route stays private to its uploader
 * and is removed unless attached, and the server attaches none to a newsletter yet, so readers
 * would get a broken image. The hint says the image must be online and public.
 */
function ImageButton({ on_insert, hint_id }: { on_insert: () => void; hint_id: string }) {
  return (
    <button type="button" class="btn btn--small" aria-describedby={hint_id} onClick={on_insert} data-testid="nl-image">
      <Icon name="attach" size={18} /> {t('nl_add_image')}
    </button>
  );
}
