// A board: the form to write a post, and the posts, pinned first, then by latest activity,
// each with its comment count, what is new since the last visit, and its reactions. Live: a
// post, a comment or a pin elsewhere moves the list here (board/state.ts applies the events).
import { useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import type { Post } from '../api';
import { problem_of, t, tn } from '../i18n';
import { session } from '../state';
import { channels_by_id, communities, load_members, members_by_slug } from '../communities/state';
import { PaneHead } from '../communities/layout';
import { Field, FormError, check, submit, use_form } from '../ui/form';
import { Link } from '../ui/link';
import { show_toast } from '../ui/toast';
import { AttachButton, Chips, DropHint, add_files, use_drop, use_tray } from '../files/attachments';
import { FileList } from '../files/file_view';
import { tray_for } from '../files/upload';
import { apply_post, boards, load_board } from './state';
import { Byline, Reactions } from './parts';
import { LabelledMentionField } from '../mentions/mention_field';
import { to_body, type Picks } from '../mentions/draft';
import { member_name, present_mentions } from '../mentions/render';
import { RoomLevelButton } from '../notifications/room_level';
import './board.css';

export function BoardView({ slug, channel_id }: { slug: string; channel_id: number }) {
  const [error, set_error] = useState<unknown>(null);
  const online = session.connection === 'online';
  useEffect(() => {
    load_board(channel_id).then(() => set_error(null), set_error);
    if (!members_by_slug.has(slug)) load_members(slug).catch(() => {});
  }, [channel_id, online]);
  const channel = channels_by_id.get(channel_id);
  const list = boards.get(channel_id);
  const tz = communities.get(slug)?.timezone;
  return (
    <section class="board" aria-labelledby="board-title">
      <PaneHead slug={slug} title={<span id="board-title">{channel?.name ?? '…'}</span>} sub={t('board_sub')}>
        <RoomLevelButton channel_id={channel_id} />
      </PaneHead>
      <div class="board__scroll">
        {channel && !channel.archived && <NewPost slug={slug} channel_id={channel_id} />}
        <FormError error={error} />
        {list?.loaded && list.posts.length === 0 && <p class="board__empty muted">{t('no_posts')}</p>}
        {!list?.loaded && !error && <p class="loading" role="status">{t('loading')}</p>}
        <ul class="posts" aria-label={channel?.name}>
          {list?.posts.map((p) => (
            <li key={p.id}><PostCard slug={slug} post={p} tz={tz} on_error={set_error} /></li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function NewPost({ slug, channel_id }: { slug: string; channel_id: number }) {
  const [open, set_open] = useState(false);
  const f = use_form({ title: '', post_body: '' });
  const [picks, set_picks] = useState<Picks>({});
  // A post's files: uploaded as they are chosen (files/), kept if the form is closed and opened again.
  const tray = tray_for(`ps_post:${session.me?.id ?? 0}:${channel_id}`, slug);
  use_tray(tray);
  const drop = use_drop((files) => add_files(tray, files), open);
  if (!open) return <button type="button" class="btn btn--primary board__new" onClick={() => set_open(true)}>{t('new_post')}</button>;
  const blocker = tray.blocker();
  return (
    <form class={'form board__form' + (drop.active ? ' form--drop' : '')} noValidate ref={f.ref} {...drop.handlers} onSubmit={(e) => {
      e.preventDefault();
      if (blocker) return;
      void submit(f, async () => {
        const title = f.values.title.trim();
        const file_ids = tray.items.flatMap((a) => (a.info ? [a.info.id] : []));
        const body = to_body(f.values.post_body, picks);
        const { post } = await api.create_post(channel_id, { ...(title ? { title } : {}), body, ...(file_ids.length ? { file_ids } : {}) });
        tray.take();
        apply_post({ ...post, new_comments: 0, visited: true });
        f.set_values({ title: '', post_body: '' });
        set_picks({});
        set_open(false);
        show_toast(t('post_published'));
      }, {
        // Files alone make a post too.
        checks: { post_body: tray.ready === 0 && check.required('post_body', f.values.post_body) },
        problem: (e) => {
          const p = problem_of(e);
          return p.field === 'body' ? { ...p, field: 'post_body' } : p;
        },
      });
    }}>
      <DropHint active={drop.active} />
      <FormError error={f.errors['']} />
      <Field label={t('post_title')} name="title" value={f.values.title} onInput={f.set('title')} optional maxLength={200} error={f.errors.title} autofocus />
      <LabelledMentionField label={t('post_body')} channel_id={channel_id} value={f.values.post_body} picks={picks} rows={3} place="below"
        on_change={(v, next) => { f.set('post_body')(v); set_picks(next); }} hint={t('post_body_hint')} error={f.errors.post_body} />
      <div class="attach-row">
        <AttachButton tray={tray} disabled={tray.full} labelled />
        <Chips tray={tray} />
      </div>
      {blocker && <p class="muted small" role="status">{blocker === 'uploading' ? t('wait_uploads') : t('fix_uploads')}</p>}
      <div class="form__actions">
        <button class="btn" type="button" onClick={() => set_open(false)}>{t('cancel')}</button>
        <button class="btn btn--primary" type="submit" disabled={f.busy || !!blocker}>{t('publish')}</button>
      </div>
    </form>
  );
}

function PostCard({ slug, post, tz, on_error }: { slug: string; post: Post; tz?: string; on_error: (e: unknown) => void }) {
  const href = `/c/${slug}/ch/${post.channel_id}/p/${post.id}`;
  const mine = post.author.id === session.me?.id;
  const fresh = post.new_comments ?? 0;
  return (
    <article class={'post-card' + (post.pinned ? ' post-card--pinned' : '')} data-post={post.id}>
      <Byline author={post.author} at={post.created_at} edited={!!post.edited_at} tz={tz} />
      <div class="post-card__tags">
        {post.pinned && <span class="tag tag--pinned">📌 {t('pinned')}</span>}
        {post.locked && <span class="tag">🔒 {t('locked')}</span>}
        {!post.visited && !mine && <span class="tag tag--new">{t('unseen_post')}</span>}
      </div>
      <Link href={href} class="post-card__link" aria-label={post.title ? undefined : t('open_post', { name: post.author.display_name })}>
        {post.title && <h2 class="post-card__title">{post.title}</h2>}
        {(post.html || !post.files?.length) && <div class="post-card__body md" dangerouslySetInnerHTML={{ __html: present_mentions(post.html, (id) => member_name(members_by_slug.get(slug), id, session.me), session.me?.id) }} />}
      </Link>
      {post.files && <FileList files={post.files} />}
      <footer class="post-card__foot">
        <Reactions reactions={post.reactions} members={members_by_slug.get(slug)} on_error={on_error}
          toggle={async (emoji, add) => apply_post((await api.react_to_post(post.id, emoji, add)).post)} />
        <Link href={href} class="post-card__comments">
          {tn('comment_count', post.comment_count)}
          {fresh > 0 && <span class="unread" data-testid="new-comments"> {tn('new_comments', fresh)}</span>}
        </Link>
      </footer>
    </article>
  );
}
