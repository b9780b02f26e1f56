// What the app holds of boards: each board's list of posts, and the post pages opened (a post
// with its comments). Fetches go through the journal (in_step) so that an event arriving while
// one is in flight is applied again over its answer; every event is applied idempotently: a
// post or comment is replaced by its newer state, never counted twice.
import * as api from '../api';
import type { Comment, Post } from '../api';
import { changed, session } from '../state';
import { channels_by_id } from '../communities/state';
import { in_step } from '../journal';

export interface BoardList {
  posts: Post[];
  loaded: boolean;
}
export interface PostPage {
  post: Post;
  comments: Comment[];
  /** The newest comment the reader had been shown before this visit: those after it are new. */
  last_seen: number | null;
  /** The newest comment the server knows we were shown (the visit the fetch recorded, or later). */
  seen_upto: number;
}

export const boards = new Map<number, BoardList>();
export const pages = new Map<number, PostPage>();
/** The post page on screen, if any: its new comments are seen as they come. */
export const viewing_post = { id: 0 };

const community_of = (channel_id: number) => channels_by_id.get(channel_id)?.community_id;

/** Pinned first (in the host's order), then by latest activity, as the server lists them. */
function in_order(posts: Post[]): Post[] {
  return [...posts].sort((a, b) => {
    if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    if (a.pinned && b.pinned && a.pin_order !== b.pin_order) return (a.pin_order ?? 0) - (b.pin_order ?? 0);
    if (a.last_activity_at !== b.last_activity_at) return a.last_activity_at < b.last_activity_at ? 1 : -1;
    return b.id - a.id;
  });
}

export function load_board(channel_id: number) {
  return in_step(`board:${channel_id}`, community_of(channel_id), () => api.list_posts(channel_id), ({ posts }) => {
    boards.set(channel_id, { posts, loaded: true });
    changed();
  });
}

export function load_post(channel_id: number, post_id: number) {
  return in_step(`post:${post_id}`, community_of(channel_id), () => api.list_comments(post_id), (r) => {
    pages.set(post_id, { post: r.post, comments: r.comments, last_seen: r.last_seen_comment_id, seen_upto: newest_id(r.comments) });
    // Opening it read it: the list says so.
    const list = boards.get(channel_id);
    if (list) list.posts = list.posts.map((p) => (p.id === post_id ? { ...r.post, new_comments: 0, visited: true } : p));
    changed();
  });
}

const newest_id = (comments: Comment[]) => comments.reduce((n, c) => Math.max(n, c.id), 0);

/** Leaving a post's page: the comments that came while it was open were seen too. */
export function leave_post(post_id: number) {
  const page = pages.get(post_id);
  if (!page) return;
  const newest = newest_id(page.comments);
  if (newest <= page.seen_upto) return;
  page.seen_upto = newest;
  void api.mark_post_seen(post_id, newest).catch(() => {});
}

/** A post's new state (board.post.created / changed, or our own request's answer). */
export function apply_post(post: Post) {
  const list = boards.get(post.channel_id);
  if (list) {
    const held = list.posts.find((p) => p.id === post.id);
    const rest = list.posts.filter((p) => p.id !== post.id);
    // The reader's own fields are not in events: kept from what was held.
    const mine = post.author.id === session.me?.id;
    const next = { ...post, new_comments: post.new_comments ?? held?.new_comments ?? 0, visited: post.visited ?? held?.visited ?? mine };
    list.posts = post.deleted ? rest : in_order([...rest, next]);
  }
  const page = pages.get(post.id);
  if (page) page.post = { ...page.post, ...post, new_comments: page.post.new_comments, visited: page.post.visited };
  changed();
}

/** A comment's new state, with its post's (board.comment.created / changed, or our answer). */
export function apply_comment(comment: Comment, post: Post | undefined, created: boolean) {
  const page = pages.get(comment.post_id);
  const was_held = !!page?.comments.some((c) => c.id === comment.id);
  if (page) {
    page.comments = was_held ? page.comments.map((c) => (c.id === comment.id ? comment : c)) : [...page.comments, comment].sort((a, b) => a.id - b.id);
  }
  if (post) {
    const list = boards.get(post.channel_id);
    const held = list?.posts.find((p) => p.id === post.id);
    // A new comment by someone else is new to us, unless we are reading that post.
    const fresh = created && !was_held && comment.author.id !== session.me?.id && viewing_post.id !== post.id;
    apply_post({ ...post, new_comments: (held?.new_comments ?? 0) + (fresh ? 1 : 0), visited: held?.visited });
  }
  changed();
}

/** A resync of a community: every board list and post page held of it, fetched again. */
export function resync_boards(community_id: number): Promise<unknown>[] {
  const out: Promise<unknown>[] = [];
  for (const id of boards.keys()) if (community_of(id) === community_id) out.push(load_board(id));
  for (const [id, page] of pages) if (community_of(page.post.channel_id) === community_id) out.push(load_post(page.post.channel_id, id));
  return out;
}

/** Whether anything of the community is held (its first hello then fetches it again). */
export function holds_boards(community_id: number): boolean {
  for (const id of boards.keys()) if (community_of(id) === community_id) return true;
  for (const page of pages.values()) if (community_of(page.post.channel_id) === community_id) return true;
  return false;
}

/** Channels we no longer see (a community left): their posts go. */
export function forget_boards(channel_ids: number[]) {
  for (const id of channel_ids) boards.delete(id);
  for (const [id, page] of pages) if (channel_ids.includes(page.post.channel_id)) pages.delete(id);
}

export function forget_all() {
  boards.clear();
  pages.clear();
}
