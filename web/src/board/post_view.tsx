// A post's page: the post whole, what its author and the hosts may do with it, and its comments
// in order (replies under the comment they answer), the ones new since the last visit marked,
// with the form to comment or reply. Live through board/state.ts. Opened from a search result on
// a comment (?comment=ID), that comment is brought into view and lit up a moment.
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Comment, Member, Post } from '../api';
import { ApiError } from '../api';
import { t, tn } from '../i18n';
import { navigate, session } from '../state';
import { channels_by_id, communities, is_host, load_members, members_by_slug } from '../communities/state';
import { FormError } from '../ui/form';
import { Link } from '../ui/link';
import { Icon } from '../ui/icons';
import { show_toast } from '../ui/toast';
import { ask_confirm } from '../ui/confirm';
import { AttachButton, Chips, DropHint, add_files, pasted_files, use_drop, use_tray } from '../files/attachments';
import { FileList } from '../files/file_view';
import { tray_for } from '../files/upload';
import { apply_comment, apply_post, leave_post, load_post, pages, viewing_post } from './state';
import { Byline, Reactions } from './parts';
import { FOUND_MS, comment_target_of } from '../search/state';
import { MentionField } from '../mentions/mention_field';
import { to_body, type Picks } from '../mentions/draft';
import { member_name, present_mentions } from '../mentions/render';
import { editable } from '../chat/message';
import './board.css';

export function PostView({ slug, channel_id, post_id }: { slug: string; channel_id: number; post_id: number }) {
  const [error, set_error] = useState<unknown>(null);
  const [editing, set_editing] = useState(false);
  const [replying, set_replying] = useState<Comment | null>(null);
  const [lit, set_lit] = useState(0);
  const online = session.connection === 'online';
  const target = comment_target_of(location.search);
  useEffect(() => {
    viewing_post.id = post_id;
    load_post(channel_id, post_id).then(() => set_error(null), set_error);
    if (!members_by_slug.has(slug)) load_members(slug).catch(() => {});
    return () => {
      if (viewing_post.id === post_id) viewing_post.id = 0;
      leave_post(post_id);
    };
  }, [post_id, online]);
  const page = pages.get(post_id);
  const held = !!page;
  useEffect(() => {
    if (held && target) set_lit(target);
  }, [held, target, post_id]);
  useEffect(() => {
    const el = lit ? document.querySelector<HTMLElement>(`.comments [data-comment="${lit}"]`) : null;
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
    const timer = setTimeout(() => set_lit(0), FOUND_MS);
    return () => clearTimeout(timer);
  }, [lit]);
  const board = channels_by_id.get(channel_id);
  const back = `/c/${slug}/ch/${channel_id}`;
  const tz = communities.get(slug)?.timezone;
  const host = is_host(slug);
  const members = members_by_slug.get(slug);
  const gone = (error instanceof ApiError && error.status === 404) || page?.post.deleted;

  const head = (
    <div class="pane__head">
      <Link href={back} class="back" aria-label={t('back_to_board')}><Icon name="back" size={26} /></Link>
      <div class="pane__title">
        <h1>{board?.name ?? '…'}</h1>
        <p class="muted small">{t('board_label')}</p>
      </div>
    </div>
  );
  if (gone) {
    return (
      <section class="board">
        {head}
        <div class="chat-gone" role="alert"><p>{t('post_gone')}</p><Link href={back} class="btn btn--primary">{t('back_to_board')}</Link></div>
      </section>
    );
  }
  if (!page) {
    return <section class="board">{head}<FormError error={error} />{!error && <p class="loading" role="status">{t('loading')}</p>}</section>;
  }
  const p = page.post;
  const mine = p.author.id === session.me?.id;
  const run = async (work: () => Promise<void>) => {
    try {
      set_error(null);
      await work();
    } catch (e) {
      set_error(e);
    }
  };
  const top = page.comments.filter((c) => !c.parent_id);
  const replies_to = (id: number) => page.comments.filter((c) => c.parent_id === id);
  const may_comment = !p.locked || host;

  return (
    <section class="board" aria-labelledby="post-title">
      {head}
      <div class="board__scroll">
        <article class="post" data-post={p.id}>
          <Byline author={p.author} at={p.created_at} edited={!!p.edited_at} tz={tz} />
          <div class="post-card__tags">
            {p.pinned && <span class="tag tag--pinned">📌 {t('pinned')}</span>}
            {p.locked && <span class="tag">🔒 {t('locked')}</span>}
          </div>
          {editing ? (
            <EditPost post={p} members={members} done={() => set_editing(false)} on_error={set_error} />
          ) : (
            <>
              <h2 id="post-title" class="post__title">{p.title ?? t('open_post', { name: p.author.display_name })}</h2>
              {(p.html || !p.files?.length) && <div class="post__body md" dangerouslySetInnerHTML={{ __html: present_mentions(p.html, (id) => member_name(members, id, session.me), session.me?.id) }} />}
              {p.files && <FileList files={p.files} />}
            </>
          )}
          <Reactions reactions={p.reactions} members={members} on_error={set_error}
            toggle={async (emoji, add) => apply_post((await api.react_to_post(p.id, emoji, add)).post)} />
          <div class="post__actions">
            {host && (
              <button type="button" class="btn btn--small" onClick={() => void run(async () => {
                apply_post((await api.set_pinned(p.id, !p.pinned)).post);
                show_toast(p.pinned ? t('post_unpinned') : t('post_pinned'));
              })}>{p.pinned ? t('unpin') : t('pin')}</button>
            )}
            {host && (
              <button type="button" class="btn btn--small" onClick={() => void run(async () => {
                apply_post((await api.set_locked(p.id, !p.locked)).post);
                show_toast(p.locked ? t('post_unlocked_toast') : t('post_locked_toast'));
              })}>{p.locked ? t('unlock') : t('lock')}</button>
            )}
            {mine && !editing && <button type="button" class="btn btn--small" onClick={() => set_editing(true)}>{t('edit_post')}</button>}
            {(mine || host) && (
              <button type="button" class="btn btn--small btn--danger" onClick={() => void run(async () => {
                if (!(await ask_confirm({ title: t('delete_post_title'), body: t('delete_post_body'), confirm: t('delete'), danger: true }))) return;
                await api.delete_post(p.id);
                apply_post({ ...p, deleted: true });
                show_toast(t('post_deleted_toast'));
                navigate(back);
              })}>{t('delete_post')}</button>
            )}
          </div>
        </article>
        <FormError error={error} />
        <h2 class="comments__title">{t('comments')} <span class="muted small">{tn('comment_count', p.comment_count)}</span></h2>
        {page.comments.length === 0 && <p class="muted">{t('no_comments')}</p>}
        <ol class="comments">
          {top.map((c) => (
            <li key={c.id}>
              <CommentItem c={c} channel_id={channel_id} found={lit === c.id} page_last_seen={page.last_seen} host={host} members={members} tz={tz} on_reply={may_comment ? set_replying : undefined} on_error={set_error} />
              {replies_to(c.id).length > 0 && (
                <ol class="comments comments--replies">
                  {replies_to(c.id).map((r) => (
                    <li key={r.id}><CommentItem c={r} channel_id={channel_id} found={lit === r.id} page_last_seen={page.last_seen} host={host} members={members} tz={tz} on_error={set_error} /></li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ol>
        {p.locked && <p class="notice" role="status">{host ? t('comments_locked_host') : t('comments_locked_note')}</p>}
        {may_comment && <CommentForm slug={slug} post={p} replying={replying} cancel_reply={() => set_replying(null)} />}
      </div>
    </section>
  );
}

function EditPost({ post, members, done, on_error }: { post: Post; members?: Member[]; done: () => void; on_error: (e: unknown) => void }) {
  const [title, set_title] = useState(post.title ?? '');
  const [shown] = useState(() => editable(post, members));
  const [body, set_body] = useState(shown.text);
  const [picks, set_picks] = useState<Picks>(shown.picks);
  return (
    <form class="form" onSubmit={(e) => {
      e.preventDefault();
      void (async () => {
        try {
          apply_post((await api.edit_post(post.id, { title: title.trim(), body: to_body(body, picks) })).post);
          done();
        } catch (err) {
          on_error(err);
        }
      })();
    }}>
      <div class="field"><label for="edit-title">{t('post_title')}</label><input id="edit-title" value={title} maxLength={200} onInput={(e) => set_title((e.currentTarget as HTMLInputElement).value)} /></div>
      <div class="field"><label for="edit-body">{t('post_body')}</label>
        <MentionField id="edit-body" channel_id={post.channel_id} rows={5} value={body} picks={picks} place="below" on_change={(v, next) => { set_body(v); set_picks(next); }} />
      </div>
      <div class="form__actions">
        <button class="btn" type="button" onClick={done}>{t('cancel')}</button>
        <button class="btn btn--primary" type="submit">{t('save')}</button>
      </div>
    </form>
  );
}

function CommentItem(p: { c: Comment; channel_id: number; found?: boolean; page_last_seen: number | null; host: boolean; members?: Member[]; tz?: string; on_reply?: (c: Comment) => void; on_error: (e: unknown) => void }) {
  const { c } = p;
  const [editing, set_editing] = useState(false);
  const [draft, set_draft] = useState(c.body);
  const [picks, set_picks] = useState<Picks>({});
  const mine = c.author.id === session.me?.id;
  const lit = p.found ? ' comment--found' : '';
  if (c.deleted) return <div class={'comment comment--deleted muted' + lit} data-comment={c.id} tabIndex={-1}>{t('deleted_comment')}</div>;
  const fresh = !mine && (p.page_last_seen === null || c.id > p.page_last_seen);
  const act = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      p.on_error(e);
    }
  };
  return (
    <article class={'comment' + (fresh ? ' comment--new' : '') + lit} data-comment={c.id} tabIndex={-1}>
      <Byline author={c.author} at={c.created_at} edited={!!c.edited_at} tz={p.tz} />
      {fresh && <span class="tag tag--new">{t('new_comment_mark')}</span>}
      {editing ? (
        <div class="msg__edit">
          <label class="visually-hidden" for={`edit-c-${c.id}`}>{t('edit_comment')}</label>
          <MentionField id={`edit-c-${c.id}`} channel_id={p.channel_id} rows={2} value={draft} picks={picks} autoFocus on_change={(v, next) => { set_draft(v); set_picks(next); }} />
          <div class="msg__edit-actions">
            <button class="btn btn--small" type="button" onClick={() => set_editing(false)}>{t('cancel')}</button>
            <button class="btn btn--small btn--primary" type="button" onClick={() => void act(async () => {
              apply_comment((await api.edit_comment(c.id, to_body(draft, picks))).comment, undefined, false);
              set_editing(false);
            })}>{t('save')}</button>
          </div>
        </div>
      ) : (
        <>
          {(c.html || !c.files?.length) && <div class="comment__body md" dangerouslySetInnerHTML={{ __html: present_mentions(c.html, (id) => member_name(p.members, id, session.me), session.me?.id) }} />}
          {c.files && <FileList files={c.files} />}
        </>
      )}
      <div class="comment__foot">
        <Reactions reactions={c.reactions} members={p.members} on_error={p.on_error}
          toggle={async (emoji, add) => apply_comment((await api.react_to_comment(c.id, emoji, add)).comment, undefined, false)} />
        {p.on_reply && <button type="button" class="btn btn--small btn--ghost" onClick={() => p.on_reply!(c)}>{t('reply')}</button>}
        {mine && !editing && <button type="button" class="btn btn--small btn--ghost" onClick={() => { const shown = editable(c, p.members); set_draft(shown.text); set_picks(shown.picks); set_editing(true); }}>{t('edit_comment')}</button>}
        {(mine || p.host) && (
          <button type="button" class="btn btn--small btn--ghost" onClick={() => void act(async () => {
            if (!(await ask_confirm({ title: t('delete_comment_title'), body: t('delete_comment_body'), confirm: t('delete'), danger: true }))) return;
            await api.delete_comment(c.id);
            apply_comment({ ...c, deleted: true, body: '', html: '', reactions: [], files: [] }, undefined, false);
          })}>{t('delete_comment')}</button>
        )}
      </div>
    </article>
  );
}

function CommentForm({ slug, post, replying, cancel_reply }: { slug: string; post: Post; replying: Comment | null; cancel_reply: () => void }) {
  const [body, set_body] = useState('');
  const [picks, set_picks] = useState<Picks>({});
  const [error, set_error] = useState<unknown>(null);
  const [busy, set_busy] = useState(false);
  const tray = tray_for(`ps_comment:${session.me?.id ?? 0}:${post.id}`, slug);
  use_tray(tray);
  const drop = use_drop((files) => add_files(tray, files));
  const blocker = tray.blocker();
  const send = async () => {
    if (!tray.can_send(body) || busy) return;
    set_busy(true);
    set_error(null);
    try {
      const file_ids = tray.items.flatMap((a) => (a.info ? [a.info.id] : []));
      const { comment } = await api.create_comment(post.id, { body: to_body(body, picks), ...(replying ? { parent_id: replying.id } : {}), ...(file_ids.length ? { file_ids } : {}) });
      tray.take();
      apply_comment(comment, { ...post, comment_count: post.comment_count + 1, last_activity_at: comment.created_at }, true);
      set_body('');
      set_picks({});
      cancel_reply();
    } catch (e) {
      set_error(e); // what was typed stays, and the files with it
    } finally {
      set_busy(false);
    }
  };
  return (
    <form class={'comment-form' + (drop.active ? ' form--drop' : '')} {...drop.handlers} onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <DropHint active={drop.active} />
      <FormError error={error} />
      {replying && (
        <p class="comment-form__reply small">
          {t('reply_to', { name: replying.author.display_name })}
          <button type="button" class="btn btn--small btn--ghost" onClick={cancel_reply}>{t('cancel_reply')}</button>
        </p>
      )}
      <label for="comment-body" class="visually-hidden">{replying ? t('reply_to', { name: replying.author.display_name }) : t('comment_label')}</label>
      <MentionField id="comment-body" channel_id={post.channel_id} rows={2} value={body} picks={picks} placeholder={t('comment_label')} maxLength={4000}
        on_change={(v, next) => { set_body(v); set_picks(next); }}
        onPaste={(e) => {
          const files = pasted_files(e.clipboardData);
          if (!files.length) return;
          e.preventDefault();
          add_files(tray, files);
        }} />
      <div class="attach-row">
        <AttachButton tray={tray} disabled={tray.full} labelled />
        <Chips tray={tray} />
      </div>
      {blocker && <p class="muted small" role="status">{blocker === 'uploading' ? t('wait_uploads') : t('fix_uploads')}</p>}
      <button class="btn btn--primary" type="submit" disabled={busy || !tray.can_send(body)}>{t('comment_send')}</button>
    </form>
  );
}
