// The shapes of docs/api.md's objects, as the app reads them (api.ts re-exports them all).
export type Locale = 'fr' | 'en';
export type Role = 'owner' | 'host' | 'member';

export interface Account {
  id: number;
  email?: string;
  display_name: string;
  locale: Locale;
  created_at: string;
}
export interface CommunityRef {
  id: number;
  slug: string;
  name: string;
}
export interface Membership {
  community: CommunityRef;
  member_number: number;
  role: Role;
  joined_at: string;
  invited_by: number | null;
}
export interface Community extends CommunityRef {
  description: string;
  locale: Locale;
  timezone: string;
  created_at: string;
  member_count: number;
  members_can_invite: boolean;
  member_invite_quota: number;
  membership?: Membership;
}
export interface Member {
  account_id: number;
  display_name: string;
  member_number: number;
  role: Role;
  joined_at: string;
  invited_by: number | null;
}
/** A person a host removed, who may not rejoin until a host lets them back in (hosts see it). */
export interface Removal {
  account_id: number;
  display_name: string;
  member_number: number;
  role: Role;
  removed_at: string;
  removed_by: { id: number; display_name: string };
}
export interface Invitation {
  code: string;
  url: string;
  max_uses: number | null;
  uses: number;
  expires_at: string | null;
  note?: string | null;
  revoked: boolean;
  created_by: number;
  created_at: string;
}
export interface InvitationPreview {
  /** `timezone`: asked of the server (issue 10); until it comes, the app asks members' own copy. */
  community: { name: string; description: string; slug: string; timezone?: string };
  inviter: { display_name: string };
  invitation: { expires_at: string | null; max_uses: number | null; uses: number };
}
export interface Channel {
  id: number;
  community_id: number;
  name: string;
  /** A chat, or a board of posts with comments. */
  kind: 'chat' | 'board' | 'broadcast' | 'direct' | 'group';
  /** Who may see the room: every member, or only its participants. */
  visibility: 'community' | 'participants';
  archived: boolean;
  last_seq: number;
  last_read_seq: number;
  unread: number;
  created_at: string;
}
export interface Reaction {
  emoji: string;
  count: number;
  account_ids: number[];
}
export interface Message {
  id: number;
  seq: number;
  channel_id: number;
  author: { id: number; display_name: string };
  body: string;
  html: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  parent_id: number | null;
  reply_count: number;
  client_id: string | null;
  reactions: Reaction[];
  /** Its attachments (issue 13); empty when deleted. Absent from servers before files. */
  files?: FileInfo[];
}
/**
 * An uploaded file. An image has its size as stored (already turned upright), a preview (at most
 * 1600 px) and a thumbnail (at most 400 px); `url` is the original, a download unless `inline`.
 */
export interface FileInfo {
  id: number;
  url: string;
  /** May differ from the name chosen: an iPhone's HEIC photo comes back as a .jpg. */
  name: string;
  content_type: string;
  size: number;
  kind: 'image' | 'file';
  width?: number;
  height?: number;
  preview_url?: string;
  thumbnail_url?: string;
  inline: boolean;
  created_at: string;
}
/** What a community's files take (hosts see it); no limit when the operator set none. */
export interface StorageUsage {
  used_bytes: number;
  files: number;
  limit_bytes: number | null;
}
/** A direct conversation or a private group: a chat room only its participants see. */
export interface Conversation extends Channel {
  participants: { id: number; display_name: string }[];
  last_activity_at?: string;
}
export interface ConversationSettings {
  direct_messages: boolean;
  from_known_only: boolean;
}
/** A poll in a broadcast; counts once the caller voted (hosts always), voter_ids to hosts of a named poll. */
export interface Poll {
  id: number;
  channel_id: number;
  message_id: number;
  question: string;
  options: { id: number; text: string; count?: number; voter_ids?: number[] }[];
  multiple: boolean;
  anonymous: boolean;
  closes_at: string | null;
  closed: boolean;
  created_at: string;
  results_visible: boolean;
  my_option_ids: number[];
  voters?: number;
}
/** A member's private answer to a question prompt: seen by its author and the hosts only. */
export interface PromptAnswer {
  id: number;
  prompt_id: number;
  account_id: number;
  display_name: string;
  member_number: number | null;
  body: string;
  answered_at: string;
  changed_at: string;
  reply_channel_id: number | null;
  replied_at: string | null;
}
/** A question prompt in a broadcast; answer_count to hosts, my_answer to its author. */
export interface Prompt {
  id: number;
  channel_id: number;
  message_id: number;
  question: string;
  closed: boolean;
  closed_at: string | null;
  created_at: string;
  my_answer: PromptAnswer | null;
  answer_count?: number;
}
/** A board's post; new_comments and visited are the reader's own (not in events). */
export interface Post {
  id: number;
  channel_id: number;
  author: { id: number; display_name: string };
  title: string | null;
  body: string;
  html: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  pinned: boolean;
  pin_order: number | null;
  locked: boolean;
  comment_count: number;
  last_activity_at: string;
  reactions: Reaction[];
  files?: FileInfo[];
  new_comments?: number;
  visited?: boolean;
}
export interface Comment {
  id: number;
  post_id: number;
  author: { id: number; display_name: string };
  parent_id: number | null;
  body: string;
  html: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  reactions: Reaction[];
  files?: FileInfo[];
}
export interface PersonalToken {
  id: number;
  name: string;
  created_at: string;
  last_used_at?: string | null;
}

/** One of the caller's live sessions (a browser or app signed in), most recently used first. */
export interface SessionInfo {
  id: number;
  /** Said by the server from the browser's User-Agent: "Firefox on Linux". */
  device: string;
  created_at: string;
  last_used_at: string | null;
  /** The session making this request: this device. */
  current: boolean;
}

/** What a search asks (GET /communities/{slug}/search); before and after in ms since the epoch. */
export interface SearchParams {
  q: string;
  channel_id?: number;
  author_id?: number;
  /** Only what was written strictly before / after this instant. */
  before?: number;
  after?: number;
  sort?: 'relevance' | 'newest';
  limit?: number;
  offset?: number;
}
/**
 * One thing a search found, with what it takes to open it in its context. `snippet` is the one
 * field that is HTML: the server escapes every character and adds only <mark> around the words
 * matched.
 */
export interface SearchResult {
  kind: 'message' | 'post' | 'comment' | 'file';
  id: number;
  channel_id: number;
  snippet: string;
  created_at: string;
  author: { id: number; name: string };
  /** A message, or the message a file is in: its place in its room. */
  seq?: number;
  /** A message (or a file's message) that answers in a thread: the thread's first message. */
  parent_id?: number;
  /** A post, a comment, or a file on either: the post to open, and its title. */
  post_id?: number;
  title?: string;
  /** A file: what it is attached to. */
  item_kind?: 'message' | 'post' | 'comment';
  item_id?: number;
  file?: FileInfo;
}
/** A page of results, the rooms they are in, and where the next page starts when there is one. */
export interface SearchPage {
  results: SearchResult[];
  channels: { id: number; name: string; kind: Channel['kind'] }[];
  next_offset?: number;
}


/** Something a member is told of (docs/api.md, Notifications): the bell lists them, newest first. */
export interface AppNotification {
  id: number;
  kind: 'mention' | 'reply' | 'comment' | 'broadcast' | 'direct' | 'message' | 'poll_closed';
  read: boolean;
  created_at: string;
  community: CommunityRef;
  channel: { id: number; name: string; kind: Channel['kind'] | string };
  /** What it is about: a message (its seq, and its thread), a post, a comment (its post), a poll. */
  item: { kind: 'message' | 'post' | 'comment' | 'poll'; id: number; seq?: number; parent_id?: number; post_id?: number };
  /** Who did it; null for a poll closing. */
  actor: { id: number; display_name: string } | null;
  /** The item's plain text when told (names already in it), at most 140 characters. */
  excerpt: string;
}
export interface NotificationPage {
  notifications: AppNotification[];
  /** All of the caller's unread ones, not only this page's. */
  unread: number;
  next_before?: number;
}
export type Level = 'all' | 'mentions' | 'nothing';
/** A member's notification level in a room, and the room kind's own. */
export interface RoomLevel {
  level: Level;
  default: Level;
  is_default: boolean;
}
/** Who may be mentioned in a room, best first for what followed « @ ». */
export interface Mentionable {
  members: { id: number; display_name: string }[];
  everyone: boolean;
  here: boolean;
}
/** How the member is told outside the app: emails, what a phone's lock screen shows, quiet hours. */
export interface NotificationSettings {
  email: 'never' | '15min' | 'daily';
  /** The email of what was missed while away three days or more (issue 15). */
  digest: 'off' | 'daily' | 'weekly';
  push_previews: 'full' | 'private';
  quiet_hours: null | { start: string; end: string };
  time_zone: string;
}
/** What PushSubscription.toJSON() gives: sent to the server as it is. */
export interface PushSubscriptionData {
  endpoint: string;
  expirationTime?: number | null;
  keys?: { p256dh?: string; auth?: string };
}

// ---- The newsletter (issue 15, docs/subsystems/newsletter.md)

export type NewsletterStatus = 'draft' | 'scheduled' | 'sending' | 'sent';
/** Who an issue goes to: the members (with an account), the subscribers (without), or both. */
export interface Audience {
  members: boolean;
  subscribers: boolean;
}
export interface NewsletterCounts {
  queued: number;
  sent: number;
  failed: number;
  unsubscribed: number;
  comments: number;
  /** Open and click tracking: whether the host tracks (now, or when some was counted), then totals. */
  tracked: boolean;
  opened: number;
  clicked: number;
}
/** One issue of a community's newsletter; `counts` and `failures` are given to hosts only. */
export interface Newsletter {
  id: number;
  community: { slug: string };
  subject: string;
  preview_text: string;
  /** Markdown. */
  body: string;
  /**
   * The archive page's HTML, sanitised by the server as a message's is. Not in the contract yet:
   * without it the page shows the Markdown as text.
   */
  html: string;
  status: NewsletterStatus;
  audience: Audience;
  scheduled_at: string | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
  author: { id: number; display_name: string };
  counts?: NewsletterCounts;
  failures?: { email: string; reason: string }[];
  /** The links followed, most first (hosts, when tracked). */
  links?: { url: string; clicked: number }[];
}
/** What the email and the archive page would show (POST …/newsletters/preview). */
/** An issue as a subscriber's archive link shows it (GET /newsletter-archive/{token}, no login). */
export interface PublicNewsletter {
  id: number;
  community: { slug: string; name: string };
  subject: string;
  preview_text: string;
  html: string;
  sent_at: string | null;
}
export interface NewsletterPreview {
  email: { subject: string; html: string; text: string };
  page: { html: string };
}
export interface NewsletterComment {
  id: number;
  author: { id: number; display_name: string };
  body: string;
  created_at: string;
}
export interface SubscriptionSettings {
  public_form: boolean;
  sender_name: string;
  postal_address: string;
  tracking: boolean;
}
/** Someone without an account who gets the newsletter (hosts see them). */
export interface Subscriber {
  id: number;
  email: string;
  name: string;
  locale: Locale;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  consent: { kind: 'express' | 'implied'; at: string; source: string; method: string; lapses_at: string | null };
  created_at: string;
}
export interface ImportReport {
  imported: number;
  merged: number;
  rejected: { row: number; reason: string }[];
}
/** What the confirmation and unsubscribe pages are told: which community, which address. */
export interface SubscriptionAnswer {
  community: { slug: string; name: string };
  email: string;
  /** Only GET /unsubscribe/{token} says it. */
  subscribed?: boolean;
}

// ---- Tiers (issue 14, docs/subsystems/tiers.md)

export type TierPeriod = 'month' | 'year' | 'once';
/** What members are shown of a tier's price (Petite Salle takes no payment). */
export interface TierPrice {
  amount_cents: number;
  currency: string;
  period: TierPeriod;
}
export interface TierText {
  name: string;
  description: string;
}
/**
 * A level of membership of a community. `name` and `description` are in the reader's account
 * language (or the other when empty); `members`, how many hold it now, is given to hosts only.
 */
export interface Tier {
  id: number;
  name: string;
  description: string;
  translations: { fr: TierText; en: TierText };
  position: number;
  price: TierPrice | null;
  created_at: string;
  members?: number;
}
/** A member holds a tier since `granted_at`, until `ends_at` (null: no end). */
export interface TierGrant {
  tier_id: number;
  granted_at: string;
  ends_at: string | null;
}
/** What a host sends to make or change a tier; `price: null` removes the price. */
export interface TierInput {
  translations?: { fr?: Partial<TierText>; en?: Partial<TierText> };
  position?: number;
  price?: { amount_cents: number; currency?: string; period?: TierPeriod } | null;
}
