// The routes. The URL is the state: every screen can be reloaded or shared.
import { useEffect } from 'preact/hooks';
import { t } from './i18n';
import { navigate, path, remember_next, session, use_state_changes } from './state';
import { AccountPage } from './accounts/account';
import { LogInPage, LoginLinkPage, SignUpPage, Welcome } from './accounts/auth';
import { InvitationPage } from './communities/invitation';
import { CommunityLayout } from './communities/layout';
import { NewCommunityPage, NoCommunity } from './communities/new';
import { ChatView } from './chat/chat_view';
import { BoardView } from './board/board_view';
import { PostView } from './board/post_view';
import { MembersPage } from './members/members';
import { HostPage } from './host/host';
import { newsletter_views } from './newsletter/lazy';
import { channels_by_id, channels_by_slug, communities, membership_of } from './communities/state';
import { conversations_by_slug } from './conversations/state';
import { muted } from './broadcast/state';
import { bell, ensure_bell } from './notifications/state';
import { Page } from './ui/shell';
import { Link } from './ui/link';
import { Toasts } from './ui/toast';
import { Confirmations } from './ui/confirm';

/** Goes to `to`, unless the route changed meanwhile (effects run after paint: a redirect
 * rendered for /login must not undo the navigation that followed the log-in). */
function Redirect({ to }: { to: string }) {
  const from = location.pathname;
  useEffect(() => {
    if (location.pathname === from) navigate(to, { replace: true });
  }, [to, from]);
  return null;
}

function Loading() {
  return <div class="splash" role="status">{t('loading')}</div>;
}

/**
 * The tab's title: the bell's count first (what calls the person: mentions, replies, private
 * messages…, in all their communities), else a dot when rooms have unread messages, then the
 * community's name inside one, else the app's.
 */
function use_title() {
  let unread = 0;
  for (const c of channels_by_id.values()) unread += c.archived || muted.has(c.id) ? 0 : c.unread;
  const slug = path().match(/^\/c\/([a-z0-9-]+)/)?.[1];
  const name = slug ? communities.get(slug)?.name ?? session.memberships.find((m) => m.community.slug === slug)?.community.name : undefined;
  const called = session.me ? bell.unread : 0;
  const title = (called > 0 ? `(${called}) ` : unread > 0 ? '• ' : '') + (name ?? t('app_name'));
  useEffect(() => {
    document.title = title;
  }, [title]);
  // The count is the account's: known on every screen, not only where the bell shows.
  const me = session.me?.id;
  useEffect(() => {
    if (me) ensure_bell();
  }, [me]);
}

/** A room by its kind; until the community's rooms are known, which kind it is is not. */
function RoomView({ slug, channel_id }: { slug: string; channel_id: number }) {
  const room = channels_by_id.get(channel_id);
  // A conversation is in the list of conversations, fetched beside the channels'. Someone who is
  // not (or no longer) a member gets neither: the chat view says they are gone.
  if (!room && membership_of(slug) && (!channels_by_slug.has(slug) || !conversations_by_slug.has(slug))) return <Loading />;
  return room?.kind === 'board' ? <BoardView slug={slug} channel_id={channel_id} /> : <ChatView slug={slug} channel_id={channel_id} />;
}

/** The app shell: the screen of the route, and the toasts and confirmations over every screen. */
export function App() {
  return (
    <>
      <Screen />
      <Toasts />
      <Confirmations />
    </>
  );
}

function Screen() {
  use_state_changes();
  use_title();
  const p = path();
  const me = session.me;
  let m: RegExpMatchArray | null;

  // Pages anyone may see.
  if ((m = p.match(/^\/i\/([^/]+)\/?$/))) return me === undefined ? <Loading /> : <InvitationPage code={decodeURIComponent(m[1])} />;
  if ((m = p.match(/^\/login\/([^/]+)\/?$/))) return <LoginLinkPage token={decodeURIComponent(m[1])} />;
  // The newsletter's pages for visitors without an account (issue 15): they need no session.
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/subscribe\/?$/))) {
    const nl = newsletter_views();
    return nl ? <nl.SubscribePage slug={m[1]} /> : <Loading />;
  }
  if (p === '/subscribe/confirm' || p === '/subscribe/confirm/') {
    const nl = newsletter_views();
    return nl ? <nl.ConfirmPage token={new URLSearchParams(location.search).get('token') ?? ''} /> : <Loading />;
  }
  if ((m = p.match(/^\/newsletter\/([^/]+)\/?$/))) {
    const nl = newsletter_views();
    return nl ? <nl.PublicIssuePage token={decodeURIComponent(m[1])} /> : <Loading />;
  }
  if ((m = p.match(/^\/unsubscribe\/([^/]+)\/?$/))) {
    const nl = newsletter_views();
    return nl ? <nl.UnsubscribePage token={decodeURIComponent(m[1])} /> : <Loading />;
  }
  if (me === undefined) return <Loading />;
  if (p === '/login') return me ? <Redirect to="/" /> : <LogInPage />;
  if (p === '/signup') return me ? <Redirect to="/" /> : <SignUpPage />;
  if (p === '/') {
    if (!me) return <Welcome />;
    const last = localStorage.getItem('ps_last_community');
    const target = session.memberships.find((x) => x.community.slug === last) ?? session.memberships[0];
    return target ? <Redirect to={`/c/${target.community.slug}`} /> : <NoCommunity />;
  }

  // Everything else needs a session: log in, then come back here.
  if (!me) {
    remember_next(p + location.search);
    return <Redirect to="/login" />;
  }
  if (p === '/account') return <AccountPage />;
  if (p === '/new') return <NewCommunityPage />;
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/?$/))) return <CommunityLayout slug={m[1]} view="home" />;
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/ch\/(\d+)\/?$/))) {
    const id = Number(m[2]);
    return (
      <CommunityLayout slug={m[1]} view="chat" channel_id={id}>
        <RoomView slug={m[1]} channel_id={id} />
      </CommunityLayout>
    );
  }
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/ch\/(\d+)\/p\/(\d+)\/?$/))) {
    const id = Number(m[2]);
    return (
      <CommunityLayout slug={m[1]} view="chat" channel_id={id}>
        <PostView slug={m[1]} channel_id={id} post_id={Number(m[3])} />
      </CommunityLayout>
    );
  }
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/members\/?$/)))
    return <CommunityLayout slug={m[1]} view="members"><MembersPage slug={m[1]} /></CommunityLayout>;
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/host\/?$/)))
    return <CommunityLayout slug={m[1]} view="host"><HostPage slug={m[1]} /></CommunityLayout>;
  if ((m = p.match(/^\/c\/([a-z0-9-]+)\/newsletters(?:\/(new|\d+)(\/edit)?)?\/?$/))) {
    const [, slug, which, edit] = m;
    const id = which && which !== 'new' ? Number(which) : undefined;
    const nl = newsletter_views();
    const screen = !nl ? <Loading /> : !which ? <nl.NewslettersPage slug={slug} /> : which === 'new' || edit ? <nl.EditorPage slug={slug} id={id} /> : <nl.IssuePage slug={slug} id={id!} />;
    return <CommunityLayout slug={slug} view="newsletters">{screen}</CommunityLayout>;
  }

  return (
    <Page narrow>
      <h1>{t('not_found_title')}</h1>
      <Link href="/" class="btn">{t('go_home')}</Link>
    </Page>
  );
}
