// A question prompt under its message. A member answers privately (only the hosts read it) and
// may change the answer until a host closes the question; a host sees how many answered, opens
// the answers, answers one back in a private conversation, and closes or reopens the question.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { ApiError } from '../api';
import type { Prompt, PromptAnswer } from '../api';
import { format_time, t, tn } from '../i18n';
import { navigate } from '../state';
import { Field, FormError } from '../ui/form';
import { Sheet } from '../ui/sheet';
import { show_toast } from '../ui/toast';
import { answers_by_prompt, close_answers, load_answers, replace_prompt } from './prompts_state';
import './broadcast.css';

/** A form of one text and one button, the busy state and the error: what prompts ask for thrice. */
function TextForm(p: { label: string; name?: string; one_line?: boolean; body_field?: string; submit_label: string; initial?: string; max: number; hint?: string; on_submit: (text: string) => Promise<void>; on_cancel?: () => void }) {
  const [text, set_text] = useState(p.initial ?? '');
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const submit = async () => {
    set_busy(true);
    set_error(null);
    try {
      await p.on_submit(text);
      set_text('');
    } catch (e) {
      // The API names the field "body" whatever it holds: say which limit this one has.
      set_error(p.body_field && e instanceof ApiError && e.code === 'invalid_field' && e.field === 'body' && !/U\+/.test(e.message) ? { code: 'invalid_field', field: p.body_field } : e);
    } finally {
      set_busy(false);
    }
  };
  return (
    <form class="form prompt__form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <FormError error={error} />
      <Field label={p.label} name={p.name ?? 'body'} value={text} onInput={set_text} maxLength={p.max} multiline={!p.one_line} hint={p.hint} />
      <div class="prompt__actions">
        <button class="btn btn--small btn--primary" type="submit" disabled={busy || !text.trim()}>{p.submit_label}</button>
        {p.on_cancel && <button class="btn btn--small btn--ghost" type="button" onClick={p.on_cancel}>{t('cancel')}</button>}
      </div>
    </form>
  );
}

export function PromptCard({ prompt, host, slug, tz }: { prompt: Prompt; host: boolean; slug: string; tz?: string }) {
  const [editing, set_editing] = useState(false);
  const [answers_open, set_answers_open] = useState(false);
  const [error, set_error] = useState<unknown>(null);
  const mine = prompt.my_answer;
  const answer = async (body: string) => {
    replace_prompt((await api.answer_prompt(prompt.id, body)).prompt);
    set_editing(false);
    show_toast(t('prompt_answer_sent'));
  };
  const toggle_closed = () => void api.close_prompt(prompt.id, !prompt.closed).then(({ prompt: p }) => replace_prompt(p), set_error);
  return (
    <section class={'poll prompt' + (prompt.closed ? ' poll--closed' : '')} aria-label={t('prompt_label', { question: prompt.question })} data-prompt={prompt.id}>
      <p class="poll__meta small muted">{t('prompt_private')}{prompt.closed && prompt.closed_at && <> · {t('prompt_closed_at', { when: format_time(prompt.closed_at, tz) })}</>}</p>
      <FormError error={error} />
      {host ? (
        <div class="prompt__host">
          <p class="small" data-testid="prompt-count">{tn('prompt_answers', prompt.answer_count ?? 0)}</p>
          <div class="prompt__actions">
            <button type="button" class="btn btn--small" onClick={() => set_answers_open(true)}>{t('prompt_see_answers')}</button>
            <button type="button" class="btn btn--small btn--ghost" onClick={toggle_closed}>{prompt.closed ? t('prompt_reopen') : t('prompt_close')}</button>
          </div>
          {answers_open && <AnswersSheet prompt={prompt} slug={slug} tz={tz} on_close={() => set_answers_open(false)} />}
        </div>
      ) : mine && !editing ? (
        <div class="prompt__mine" data-testid="my-answer">
          <p class="small muted">{t('prompt_your_answer')}</p>
          <p class="prompt__body">{mine.body}</p>
          {!prompt.closed && <button type="button" class="btn btn--small btn--ghost" onClick={() => set_editing(true)}>{t('prompt_change_answer')}</button>}
        </div>
      ) : prompt.closed ? (
        <p class="small muted">{t('prompt_closed_note')}</p>
      ) : (
        <TextForm label={t('prompt_answer_label')} submit_label={t('prompt_send_answer')} initial={mine?.body} max={2000} body_field="answer" on_submit={answer} on_cancel={mine ? () => set_editing(false) : undefined} />
      )}
    </section>
  );
}

function AnswerItem({ prompt, a, slug, tz }: { prompt: Prompt; a: PromptAnswer; slug: string; tz?: string }) {
  const [replying, set_replying] = useState(false);
  const open = (channel_id: number) => navigate(`/c/${slug}/ch/${channel_id}`);
  const reply = async (body: string) => {
    const { channel_id } = await api.reply_to_answer(prompt.id, a.account_id, body);
    set_replying(false);
    show_toast(t('prompt_reply_sent', { name: a.display_name }), { action: { label: t('prompt_open_conversation'), run: () => open(channel_id) } });
  };
  return (
    <li class="answer" data-testid="answer">
      <p class="answer__who">
        <strong>{a.display_name}</strong>
        {a.member_number !== null && <span class="muted small"> · {t('member_number', { number: a.member_number })}</span>}
        <span class="muted small"> · {format_time(a.changed_at, tz)}</span>
      </p>
      <p class="prompt__body">{a.body}</p>
      {a.reply_channel_id !== null && (
        <p class="small muted">
          {t('prompt_answered_back')}{' '}
          <button type="button" class="btn btn--small btn--ghost" onClick={() => open(a.reply_channel_id!)}>{t('prompt_open_conversation')}</button>
        </p>
      )}
      {a.member_number !== null && (replying ? (
        <TextForm label={t('prompt_reply_label', { name: a.display_name })} submit_label={t('prompt_send_reply')} max={3000} body_field="reply" hint={t('prompt_reply_hint')} on_submit={reply} on_cancel={() => set_replying(false)} />
      ) : (
        <button type="button" class="btn btn--small" onClick={() => set_replying(true)}>{t('prompt_reply')}</button>
      ))}
    </li>
  );
}

function AnswersSheet({ prompt, slug, tz, on_close }: { prompt: Prompt; slug: string; tz?: string; on_close: () => void }) {
  const [error, set_error] = useState<unknown>(null);
  useEffect(() => {
    load_answers(prompt.id).catch(set_error);
    return () => close_answers(prompt.id);
  }, [prompt.id]);
  const list = answers_by_prompt.get(prompt.id);
  return (
    <Sheet open title={prompt.question} on_close={on_close} testid="sheet-answers">
      <FormError error={error} />
      {!list ? <p class="loading" role="status">{t('loading')}</p> : list.answers.length === 0 ? (
        <p class="muted">{t('prompt_no_answers')}</p>
      ) : (
        <ul class="answers">{list.answers.map((a) => <AnswerItem key={a.id} prompt={prompt} a={a} slug={slug} tz={tz} />)}</ul>
      )}
      {list?.next_before && <button type="button" class="btn btn--small btn--ghost" onClick={() => void load_answers(prompt.id, true).catch(set_error)}>{t('load_older')}</button>}
    </Sheet>
  );
}

export function NewPromptSheet({ channel_id, open, on_close }: { channel_id: number; open: boolean; on_close: () => void }) {
  const ask = async (question: string) => {
    replace_prompt((await api.create_prompt(channel_id, question)).prompt);
    show_toast(t('prompt_created'));
    on_close();
  };
  return (
    <Sheet open={open} title={t('new_prompt')} on_close={on_close} testid="sheet-prompt">
      <p class="muted small">{t('prompt_new_hint')}</p>
      <TextForm label={t('prompt_question')} name="question" one_line submit_label={t('prompt_publish')} max={300} on_submit={ask} />
    </Sheet>
  );
}
