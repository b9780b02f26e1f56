// One typed function per endpoint of docs/api.md. Nothing else in the app calls fetch().
// Every failure becomes an ApiError {status, code, message, field}; a network failure has
// status 0 and code "network", so callers can keep what the person typed and retry.

export type * from './api_types';
import type { Locale, Account, Membership, Community, Member, Removal, Invitation, InvitationPreview, Channel, Message, FileInfo, StorageUsage, Conversation, ConversationSettings, Poll, PromptAnswer, Prompt, Post, Comment, PersonalToken, SessionInfo, SearchParams, SearchPage, NotificationPage, Level, RoomLevel, Mentionable, NotificationSettings, PushSubscriptionData, Audience, Newsletter, NewsletterPreview, NewsletterComment, PublicNewsletter, SubscriptionSettings, Subscriber, ImportReport, SubscriptionAnswer, Tier, TierGrant, TierInput } from './api_types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retry_after?: number,
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Called when a request that needed a session gets 401 unauthenticated. */
let on_unauthenticated: () => void = () => {};
export function set_unauthenticated_handler(fn: () => void) {
  on_unauthenticated = fn;
}

/**
 * Bumped whenever the session changes (log in, log out). A 401 to a request sent under an older
 * session says nothing about the current one: a GET /me sent before a login link was used must
 * not log the person out again.
 */
let epoch = 0;
export function new_session_epoch() {
  epoch += 1;
}
export function session_epoch() {
  return epoch;
}

/**
 * A body that is not JSON: a CSV file's text with its type, or nothing at all (`type` and `text`
 * null: a POST whose route reads no body, such as unsubscribing).
 */
export interface RawBody {
  type: string | null;
  text: string | null;
}

async function call<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal, raw?: RawBody): Promise<T> {
  const sent_under = epoch;
  const headers: Record<string, string> = { Accept: 'application/json' };
  // The server's CSRF rule: a state-changing cookie request proves it comes from the app (the
  // browser's Origin, or this header, which a foreign page cannot send without a preflight).
  if (method !== 'GET') {
    const type = raw ? raw.type : 'application/json';
    if (type) headers['Content-Type'] = type;
    headers['X-Requested-With'] = 'petitesalle';
  }
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : raw ? raw.text ?? undefined : JSON.stringify(body ?? {}),
      signal,
    });
  } catch (e) {
    // Stopped on purpose (a newer request replaced it): not a network failure to report.
    if (signal?.aborted) throw new ApiError(0, 'aborted', 'request stopped');
    throw new ApiError(0, 'network', String(e));
  }
  if (res.status === 204) return undefined as T;
  let data: any = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw refusal(res.status, res.statusText, data, res.headers.get('Retry-After'), sent_under);
  return data as T;
}

/** The ApiError of a refusal (a 4xx or 5xx and its JSON body); a 401 of this session ends it. */
function refusal(status: number, status_text: string, data: any, retry_after: string | null, sent_under: number): ApiError {
  const err = data?.error ?? {};
  const retry = Number(retry_after) || undefined;
  const error = new ApiError(status, err.code ?? 'internal', err.message ?? status_text, err.field, retry);
  if (status === 401 && error.code === 'unauthenticated' && sent_under === epoch) on_unauthenticated();
  return error;
}

/** An upload under way: its answer, and how to stop it (the answer then fails with code "aborted"). */
export interface Upload {
  done: Promise<{ file: FileInfo }>;
  abort: () => void;
}

/**
 * Uploads one file, its bytes as the body (not multipart), its name in the query. Through
 * XMLHttpRequest rather than fetch: only it reports the upload's progress (`on_progress(sent,
 * total)`), and abort() stops it. The same rules as call(): the CSRF header, a session's 401,
 * ApiError for every failure (status 0: "network", or "aborted" when stopped here).
 */
export function upload_file(slug: string, file: Blob, name: string, on_progress: (sent: number, total: number) => void = () => {}): Upload {
  const sent_under = epoch;
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ file: FileInfo }>((resolve, reject) => {
    xhr.open('POST', `/api/v1/communities/${enc(slug)}/files?name=${enc(name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('X-Requested-With', 'petitesalle');
    xhr.upload.onprogress = (e) => on_progress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let data: any = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data?.file) return resolve(data as { file: FileInfo });
      reject(refusal(xhr.status, xhr.statusText, data, xhr.getResponseHeader('Retry-After'), sent_under));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'upload failed'));
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'upload stopped'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

const enc = encodeURIComponent;

// Accounts and sessions
export const sign_up = (b: { email: string; password: string; display_name: string; locale?: Locale }) =>
  call<{ account: Account }>('POST', '/accounts', b);
export const log_in = (b: { email: string; password: string }) => call<{ account: Account }>('POST', '/sessions', b);
export const log_out = () => call<void>('DELETE', '/sessions/current');
export const list_sessions = () => call<{ sessions: SessionInfo[] }>('GET', '/sessions');
/** Ends another session of mine (its live streams close with 4401); 404 if not mine or ended already. */
export const end_session = (id: number) => call<void>('DELETE', `/sessions/${id}`);
export const end_other_sessions = () => call<{ ended: number }>('POST', '/sessions/end-others');
export const request_login_link = (email: string) => call<{}>('POST', '/login-links', { email });
export const use_login_link = (token: string) => call<{ account: Account }>('POST', `/login-links/${enc(token)}`);
export const get_me = () => call<{ account: Account; memberships: Membership[] }>('GET', '/me');
export const update_me = (b: { display_name?: string; locale?: Locale }) => call<{ account: Account }>('PATCH', '/me', b);
export const change_password = (b: { current_password: string; new_password: string }) =>
  call<void>('PUT', '/me/password', b);
export const create_token = (name: string) =>
  call<{ token: string; personal_token: PersonalToken }>('POST', '/tokens', { name });
export const list_tokens = () => call<{ tokens: PersonalToken[] }>('GET', '/tokens');
export const delete_token = (id: number) => call<void>('DELETE', `/tokens/${id}`);

// Communities, members, invitations
export const create_community = (b: { name: string; slug?: string; description?: string; locale?: Locale; timezone?: string }) =>
  call<{ community: Community }>('POST', '/communities', b);
export const get_community = (slug: string) => call<{ community: Community }>('GET', `/communities/${enc(slug)}`);
export const update_community = (
  slug: string,
  b: Partial<Pick<Community, 'name' | 'description' | 'locale' | 'timezone' | 'members_can_invite' | 'member_invite_quota'>>,
) => call<{ community: Community }>('PATCH', `/communities/${enc(slug)}`, b);
export const list_members = (slug: string) => call<{ members: Member[] }>('GET', `/communities/${enc(slug)}/members`);
export const set_member_role = (slug: string, account_id: number, role: 'host' | 'member') =>
  call<{ member: Member }>('PATCH', `/communities/${enc(slug)}/members/${account_id}`, { role });
export const remove_member = (slug: string, account_id: number) =>
  call<void>('DELETE', `/communities/${enc(slug)}/members/${account_id}`);
export const list_removed = (slug: string) => call<{ removed: Removal[] }>('GET', `/communities/${enc(slug)}/removed`);
export const let_back_in = (slug: string, account_id: number) =>
  call<void>('DELETE', `/communities/${enc(slug)}/removed/${account_id}`);
export const create_invitation = (slug: string, b: { max_uses?: number; expires_in_hours?: number; note?: string }) =>
  call<{ invitation: Invitation }>('POST', `/communities/${enc(slug)}/invitations`, b);
export const list_invitations = (slug: string) =>
  call<{ invitations: Invitation[] }>('GET', `/communities/${enc(slug)}/invitations`);
export const get_invitation = (code: string) => call<InvitationPreview>('GET', `/invitations/${enc(code)}`);
export const accept_invitation = (code: string) =>
  call<{ membership: Membership }>('POST', `/invitations/${enc(code)}/accept`);
export const revoke_invitation = (code: string) => call<void>('DELETE', `/invitations/${enc(code)}`);

// Chat
export const create_channel = (slug: string, name: string, kind: Channel['kind'] = 'chat') =>
  call<{ channel: Channel }>('POST', `/communities/${enc(slug)}/channels`, { name, kind });
export const list_channels = (slug: string) => call<{ channels: Channel[] }>('GET', `/communities/${enc(slug)}/channels`);
export const update_channel = (id: number, b: { name?: string; archived?: boolean }) =>
  call<{ channel: Channel }>('PATCH', `/channels/${id}`, b);
export const post_message = (channel_id: number, b: { body: string; file_ids?: number[]; parent_id?: number; client_id?: string }) =>
  call<{ message: Message }>('POST', `/channels/${channel_id}/messages`, b);
export const list_messages = (channel_id: number, q: { before?: number; after?: number; limit?: number }) => {
  const p = new URLSearchParams();
  if (q.before !== undefined) p.set('before', String(q.before));
  if (q.after !== undefined) p.set('after', String(q.after));
  if (q.limit !== undefined) p.set('limit', String(q.limit));
  const qs = p.toString();
  return call<{ messages: Message[] }>('GET', `/channels/${channel_id}/messages${qs ? '?' + qs : ''}`);
};
export const get_thread = (message_id: number) =>
  call<{ parent: Message; replies: Message[] }>('GET', `/messages/${message_id}/thread`);
export const edit_message = (id: number, body: string) => call<{ message: Message }>('PATCH', `/messages/${id}`, { body });
export const delete_message = (id: number) => call<void>('DELETE', `/messages/${id}`);
export const add_reaction = (id: number, emoji: string) =>
  call<{ message: Message }>('PUT', `/messages/${id}/reactions/${enc(emoji)}`);
export const remove_reaction = (id: number, emoji: string) =>
  call<{ message: Message }>('DELETE', `/messages/${id}/reactions/${enc(emoji)}`);
export const mark_read = (channel_id: number, seq: number) =>
  call<{ channel: Channel }>('POST', `/channels/${channel_id}/read`, { seq });

// Board
export const list_posts = (channel_id: number) => call<{ posts: Post[] }>('GET', `/channels/${channel_id}/posts`);
export const create_post = (channel_id: number, b: { title?: string; body: string; file_ids?: number[] }) =>
  call<{ post: Post }>('POST', `/channels/${channel_id}/posts`, b);
export const edit_post = (id: number, b: { title?: string; body?: string }) => call<{ post: Post }>('PATCH', `/posts/${id}`, b);
export const delete_post = (id: number) => call<void>('DELETE', `/posts/${id}`);
export const list_comments = (post_id: number) =>
  call<{ comments: Comment[]; post: Post; last_seen_comment_id: number | null }>('GET', `/posts/${post_id}/comments`);
export const create_comment = (post_id: number, b: { body: string; parent_id?: number; file_ids?: number[] }) =>
  call<{ comment: Comment }>('POST', `/posts/${post_id}/comments`, b);
export const edit_comment = (id: number, body: string) => call<{ comment: Comment }>('PATCH', `/comments/${id}`, { body });
export const delete_comment = (id: number) => call<void>('DELETE', `/comments/${id}`);
export const mark_post_seen = (id: number, comment_id: number) => call<void>('PUT', `/posts/${id}/seen`, { comment_id });
export const set_pinned = (id: number, pinned: boolean) => call<{ post: Post }>(pinned ? 'PUT' : 'DELETE', `/posts/${id}/pin`);
export const set_locked = (id: number, locked: boolean) => call<{ post: Post }>(locked ? 'PUT' : 'DELETE', `/posts/${id}/lock`);
export const react_to_post = (id: number, emoji: string, add: boolean) =>
  call<{ post: Post }>(add ? 'PUT' : 'DELETE', `/posts/${id}/reactions/${enc(emoji)}`);
export const react_to_comment = (id: number, emoji: string, add: boolean) =>
  call<{ comment: Comment }>(add ? 'PUT' : 'DELETE', `/comments/${id}/reactions/${enc(emoji)}`);

// Files (issue 13): uploads (upload_file, above), removed before they are sent, the space used.
/** Removes an upload of mine not attached yet (409 file_in_use once it is). */
export const delete_file = (id: number) => call<void>('DELETE', `/files/${id}`);
export const files_usage = (slug: string) => call<{ usage: StorageUsage }>('GET', `/communities/${enc(slug)}/files/usage`);

// Conversations
export const list_conversations = (slug: string) => call<{ channels: Conversation[] }>('GET', `/communities/${enc(slug)}/conversations`);
export const start_conversation = (slug: string, b: { member_ids: number[]; name?: string }) =>
  call<{ channel: Conversation }>('POST', `/communities/${enc(slug)}/conversations`, b);
export const add_participants = (channel_id: number, member_ids: number[]) =>
  call<{ channel: Conversation }>('POST', `/channels/${channel_id}/participants`, { member_ids });
export const leave_conversation = (channel_id: number) => call<void>('DELETE', `/channels/${channel_id}/participants/me`);
export const get_conversation_settings = (slug: string) =>
  call<{ settings: ConversationSettings }>('GET', `/communities/${enc(slug)}/conversation-settings`);
export const update_conversation_settings = (slug: string, b: Partial<ConversationSettings>) =>
  call<{ settings: ConversationSettings }>('PATCH', `/communities/${enc(slug)}/conversation-settings`, b);

// Broadcast polls
export const list_polls = (channel_id: number) => call<{ polls: Poll[] }>('GET', `/channels/${channel_id}/polls`);
export const get_poll = (id: number) => call<{ poll: Poll }>('GET', `/polls/${id}`);
export const create_poll = (channel_id: number, b: { question: string; options: string[]; multiple?: boolean; anonymous?: boolean; closes_at?: string }) =>
  call<{ poll: Poll }>('POST', `/channels/${channel_id}/polls`, b);
export const vote = (id: number, option_ids: number[]) => call<{ poll: Poll }>('PUT', `/polls/${id}/vote`, { option_ids });
// Question prompts
export const list_prompts = (channel_id: number) => call<{ prompts: Prompt[] }>('GET', `/channels/${channel_id}/prompts`);
export const get_prompt = (id: number) => call<{ prompt: Prompt }>('GET', `/prompts/${id}`);
export const create_prompt = (channel_id: number, question: string) => call<{ prompt: Prompt }>('POST', `/channels/${channel_id}/prompts`, { question });
export const answer_prompt = (id: number, body: string) => call<{ prompt: Prompt }>('PUT', `/prompts/${id}/answer`, { body });
export const close_prompt = (id: number, closed: boolean) => call<{ prompt: Prompt }>(closed ? 'PUT' : 'DELETE', `/prompts/${id}/close`);
export const list_answers = (id: number, before?: number) =>
  call<{ answers: PromptAnswer[]; next_before: number | null }>('GET', `/prompts/${id}/answers${before ? `?before=${before}` : ''}`);
export const reply_to_answer = (id: number, account_id: number, body: string) =>
  call<{ channel_id: number; message: Message; answer: PromptAnswer }>('POST', `/prompts/${id}/answers/${account_id}/reply`, { body });
export const list_mutes = (slug: string) => call<{ channel_ids: number[] }>('GET', `/communities/${enc(slug)}/mutes`);
export const set_muted = (channel_id: number, muted: boolean) => call<void>(muted ? 'PUT' : 'DELETE', `/channels/${channel_id}/mute`);

// Search (issue 13)
/** The query string of a search: only the filters set, in a fixed order (it also keys the answers). */
export function search_query(p: SearchParams): string {
  const q = new URLSearchParams({ q: p.q });
  for (const k of ['channel_id', 'author_id', 'before', 'after', 'sort', 'limit', 'offset'] as const) {
    const v = p[k];
    if (v !== undefined && v !== null) q.set(k, String(v));
  }
  return q.toString();
}
export const search = (slug: string, p: SearchParams) => call<SearchPage>('GET', `/communities/${enc(slug)}/search?${search_query(p)}`);

// Mentions and notifications
/** The autocomplete of « @ »; `signal` stops a request that newer letters made stale. */
export const mentionable = (channel_id: number, q: string, signal?: AbortSignal) =>
  call<Mentionable>('GET', `/channels/${channel_id}/mentionable?${new URLSearchParams({ q })}`, undefined, signal);
export const list_notifications = (before?: number) =>
  call<NotificationPage>('GET', `/notifications${before ? `?before=${before}` : ''}`);
/** Marks these read, or every one of mine without ids; answers how many stay unread. */
export const read_notifications = (ids?: number[]) => call<{ unread: number }>('POST', '/notifications/read', ids ? { ids } : {});
export const get_room_level = (channel_id: number) => call<RoomLevel>('GET', `/channels/${channel_id}/notifications`);
export const set_room_level = (channel_id: number, level: Level | 'default') =>
  call<RoomLevel>('PUT', `/channels/${channel_id}/notifications`, { level });
export const get_notification_settings = () => call<{ settings: NotificationSettings }>('GET', '/me/notifications');
export const update_notification_settings = (b: Partial<NotificationSettings>) =>
  call<{ settings: NotificationSettings }>('PUT', '/me/notifications', b);

// Web Push: the server's key, and this device's subscription.
export const push_key = () => call<{ public_key: string }>('GET', '/push/key');
export const add_push_subscription = (s: PushSubscriptionData) =>
  call<{ subscription: { id: number; endpoint: string; created_at: string } }>('POST', '/push/subscriptions', s);
export const remove_push_subscription = (endpoint: string) => call<void>('DELETE', `/push/subscriptions?endpoint=${enc(endpoint)}`);

// The newsletter (issue 15, docs/subsystems/newsletter.md). Hosts write, schedule and send; members
// read the archive and comment; a visitor subscribes, confirms and unsubscribes without an account.
type Draft = { subject: string; body: string; preview_text?: string };
export const create_newsletter = (slug: string, b: Draft) => call<{ newsletter: Newsletter }>('POST', `/communities/${enc(slug)}/newsletters`, b);
export const list_newsletters = (slug: string) => call<{ newsletters: Newsletter[] }>('GET', `/communities/${enc(slug)}/newsletters`);
export const get_newsletter = (id: number) => call<{ newsletter: Newsletter }>('GET', `/newsletters/${id}`);
export const edit_newsletter = (id: number, b: Partial<Draft>) => call<{ newsletter: Newsletter }>('PATCH', `/newsletters/${id}`, b);
export const delete_newsletter = (id: number) => call<void>('DELETE', `/newsletters/${id}`);
/** Sends now, or at `at` (UTC ISO); `audience` left out keeps the issue's. */
export const send_newsletter = (id: number, b: { at?: string; audience?: Partial<Audience> }) =>
  call<{ newsletter: Newsletter }>('POST', `/newsletters/${id}/send`, b);
export const unschedule_newsletter = (id: number) => call<{ newsletter: Newsletter }>('POST', `/newsletters/${id}/unschedule`);
/** The email as a member would get it, to the host's own address. */
export const test_newsletter = (id: number) => call<{}>('POST', `/newsletters/${id}/test`);
export const preview_newsletter = (slug: string, b: Draft, signal?: AbortSignal) =>
  call<NewsletterPreview>('POST', `/communities/${enc(slug)}/newsletters/preview`, b, signal);
export const list_newsletter_comments = (id: number) => call<{ comments: NewsletterComment[] }>('GET', `/newsletters/${id}/comments`);
export const comment_newsletter = (id: number, body: string) => call<{ comment: NewsletterComment }>('POST', `/newsletters/${id}/comments`, { body });
export const get_subscription_settings = (slug: string) =>
  call<{ settings: SubscriptionSettings }>('GET', `/communities/${enc(slug)}/subscriptions/settings`);
export const update_subscription_settings = (slug: string, b: Partial<SubscriptionSettings>) =>
  call<{ settings: SubscriptionSettings }>('PUT', `/communities/${enc(slug)}/subscriptions/settings`, b);
export const list_subscribers = (slug: string, q: { status?: Subscriber['status']; before?: number } = {}) => {
  const p = new URLSearchParams();
  if (q.status) p.set('status', q.status);
  if (q.before) p.set('before', String(q.before));
  const qs = p.toString();
  return call<{ subscribers: Subscriber[]; next_before: number | null }>('GET', `/communities/${enc(slug)}/subscribers${qs ? '?' + qs : ''}`);
};
/** A CSV file's text, sent as it is (`text/csv`). */
export const import_subscribers = (slug: string, csv: string) =>
  call<ImportReport>('POST', `/communities/${enc(slug)}/subscribers/import`, undefined, undefined, { type: 'text/csv', text: csv });
export const delete_subscriber = (id: number) => call<void>('DELETE', `/subscribers/${id}`);
// No login needed.
export const get_subscribe_form = (slug: string) =>
  call<{ community: { slug: string; name: string; description: string }; form_token: string }>('GET', `/communities/${enc(slug)}/subscribe`);
export const subscribe = (slug: string, b: { email: string; name?: string; locale?: Locale; form_token: string; website?: string }) =>
  call<{}>('POST', `/communities/${enc(slug)}/subscribe`, b);
export const confirm_subscription = (token: string) => call<SubscriptionAnswer>('POST', '/subscribe/confirm', { token });
export const public_newsletter = (token: string) => call<{ newsletter: PublicNewsletter }>('GET', `/newsletter-archive/${enc(token)}`);
export const unsubscribe_page = (token: string) => call<SubscriptionAnswer>('GET', `/unsubscribe/${enc(token)}`);
/** Unsubscribes at once; no body, as the contract allows (a mail client's one-click sends a form). */
export const unsubscribe = (token: string) => call<SubscriptionAnswer>('POST', `/unsubscribe/${enc(token)}`, undefined, undefined, { type: null, text: null });
export const resubscribe = (token: string) => call<SubscriptionAnswer>('POST', `/unsubscribe/${enc(token)}/resubscribe`, undefined, undefined, { type: null, text: null });

// Tiers (issue 14, docs/subsystems/tiers.md): hosts define a community's levels of membership and
// grant them by hand; every member reads them.
export const list_tiers = (slug: string) => call<{ tiers: Tier[] }>('GET', `/communities/${enc(slug)}/tiers`);
export const create_tier = (slug: string, b: TierInput) => call<{ tier: Tier }>('POST', `/communities/${enc(slug)}/tiers`, b);
export const update_tier = (id: number, b: TierInput) => call<{ tier: Tier }>('PATCH', `/tiers/${id}`, b);
/** Nobody holds it any more once removed. */
export const delete_tier = (id: number) => call<void>('DELETE', `/tiers/${id}`);
/** A member's current tiers (the member themself, or a host). */
export const member_tiers = (slug: string, account_id: number) =>
  call<{ tiers: TierGrant[] }>('GET', `/communities/${enc(slug)}/members/${account_id}/tiers`);
/** Sets a member's tiers to exactly these (hosts); `ends_at` an ISO time, left out for no end. */
export const set_member_tiers = (slug: string, account_id: number, b: { tiers: { tier_id: number; ends_at?: string }[] }) =>
  call<{ tiers: TierGrant[] }>('PUT', `/communities/${enc(slug)}/members/${account_id}/tiers`, b);
