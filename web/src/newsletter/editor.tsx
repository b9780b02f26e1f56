// /c/{slug}/newsletters/new and /c/{slug}/newsletters/{id}/edit: the host writes an issue (subject,
// preview text, Markdown body with uploaded images), sees it as an email and as the archive page while
// typing (preview.tsx), sends a test to themselves, then sends it now or schedules it (send_sheet.tsx).
// The first action that needs the issue saved saves it; a new one then has its own address.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import type { Newsletter } from '../api';
import { t, problem_text, upload_problem, type Problem } from '../i18n';
import { navigate, session } from '../state';
import { PaneHead } from '../communities/layout';
import { communities } from '../communities/state';
import { Field, FormError, check, submit, use_form } from '../ui/form';
import { Link } from '../ui/link';
import { Icon } from '../ui/icons';
import { show_toast } from '../ui/toast';
import { ask_confirm } from '../ui/confirm';
import { editable, file_url, image_markdown, insert_block } from './state';
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
              <ImageButton slug={slug} on_uploaded={(url, name) => {
                const el = body_ref.current;
                const body = el?.value ?? v.body;
                const at = el ? [el.selectionStart, el.selectionEnd] : [body.length, body.length];
                const r = insert_block(body, at[0], at[1], image_markdown(url, name));
                form.set('body')(r.text);
                setTimeout(() => { el?.focus(); el?.setSelectionRange(r.caret, r.caret); }, 0);
              }} />
              <span class="muted small" id={body_id + '-hint'}>{t('nl_markdown_hint')}</span>
            </div>
            <textarea id={body_id} ref={body_ref} name="body" rows={14} value={v.body} required aria-invalid={form.errors.body ? true : undefined}
              aria-describedby={body_id + '-hint' + (form.errors.body ? ` ${body_id}-err` : '')}
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
 * Adds an uploaded image: a file picker (images only), the file sent through the files route (as
 * the composer sends attachments), then `![name](/api/v1/files/{id})` where the cursor is. Saving
 * the issue attaches the file to it, so its readers see it (the emails through signed links). An
 * image of another site still goes in by hand: `![](https://…)`.
 */
function ImageButton({ slug, on_uploaded }: { slug: string; on_uploaded: (url: string, name: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, set_busy] = useState(false);
  const [problem, set_problem] = useState<Problem | null>(null);
  const err_id = useId();
  const chosen = async (e: Event) => {
    const el = e.currentTarget as HTMLInputElement;
    const file = el.files?.[0];
    el.value = '';
    if (!file) return;
    set_problem(null);
    set_busy(true);
    try {
      const { file: sent } = await api.upload_file(slug, file, file.name).done;
      on_uploaded(file_url(sent.id), sent.name);
    } catch (err) {
      set_problem(upload_problem(err));
    } finally {
      set_busy(false);
    }
  };
  return (
    <>
      <input ref={input} type="file" accept="image/*" hidden onChange={(e) => void chosen(e)} data-testid="nl-image-input" />
      <button type="button" class="btn btn--small" disabled={busy} aria-describedby={problem ? err_id : undefined}
        onClick={() => input.current?.click()} data-testid="nl-image">
        <Icon name="attach" size={18} /> {t('nl_add_image')}
      </button>
      {busy && <span class="muted small" role="status">{t('nl_image_uploading')}</span>}
      {problem && <p class="field__error" id={err_id} role="alert" data-testid="nl-image-error">{problem_text(problem)}</p>}
    </>
  );
}
