// Signing in and out, and the person's language.
import * as api from '../api';
import type { Account, Locale, Membership } from '../api';
import { changed, navigate, remember_next, session } from '../state';
import { locale, set_locale } from '../i18n';
import { forget_positions, set_session_ended_handler, start_stream, stop_stream } from '../stream';
import * as board from '../board/state';
import * as conversations from '../conversations/state';
import * as polls from '../broadcast/state';
import * as chat from '../chat/state';
import * as communities from '../communities/state';
import * as search from '../search/state';
import { disable_push } from '../notifications/push';

let previous_account_id: number | null = null;

export async function load_me() {
  const epoch = api.session_epoch();
  try {
    const { account, memberships } = await api.get_me();
    if (epoch !== api.session_epoch()) return; // the session changed meanwhile: a newer load_me answers
    previous_account_id = account.id;
    session.me = account;
    session.memberships = memberships;
    if (account.locale) set_locale(account.locale);
    localStorage.setItem('ps_me', JSON.stringify({ account, memberships }));
    start_stream();
  } catch (e) {
    if (epoch !== api.session_epoch()) return;
    if (e instanceof api.ApiError && e.status === 0) {
      // Opened offline (the service worker gave us the shell): show what we knew, marked
      // offline, and check again as soon as the network is back.
      const cached = read_cached_me();
      session.me = cached?.account ?? null;
      session.memberships = cached?.memberships ?? [];
      if (cached) start_stream();
      window.addEventListener('online', () => void load_me(), { once: true });
    } else {
      forget_cached_me();
      session.me = null;
    }
  }
  changed();
}

function read_cached_me(): { account: Account; memberships: Membership[] } | null {
  try {
    return JSON.parse(localStorage.getItem('ps_me') ?? 'null');
  } catch {
    return null;
  }
}

function forget_cached_me() {
  localStorage.removeItem('ps_me');
}

/** After sign up, log in or a login link: load memberships and open the stream. */
export async function signed_in(account: Account) {
  // Someone else logging in on this page after an expired session must not see what was held.
  if (previous_account_id !== null && previous_account_id !== account.id) {
    chat.forget_all();
    board.forget_all();
    conversations.forget_all();
    polls.forget_all();
    communities.forget_all();
    search.forget_all();
    forget_positions();
  }
  previous_account_id = account.id;
  api.new_session_epoch();
  session.me = account;
  session.expired = false;
  // A locale chosen before signing up or logging in wins over the account's stored one only at sign-up.
  set_locale(account.locale ?? locale());
  await load_me();
}

export async function log_out() {
  // The stream first: the server closes it with 4401 when the session ends, and that close must
  // not read as "your session ended elsewhere" (which would send the next log-in back here).
  stop_stream();
  // This device stops getting the person's pushes (the next one to log in here is not them).
  await disable_push().catch(() => {});
  try {
    await api.log_out();
  } catch {
    // Even if the server is unreachable, forget the session here.
  }
  api.new_session_epoch();
  stop_stream();
  forget_cached_me();
  chat.forget_all(session.me?.id);
  board.forget_all();
  conversations.forget_all();
  session.me = null;
  session.memberships = [];
  communities.forget_all();
  search.forget_all();
  forget_positions();
  navigate('/');
}

export async function change_locale(l: Locale) {
  set_locale(l);
  changed();
  if (session.me && session.me.locale !== l) {
    try {
      const { account } = await api.update_me({ locale: l });
      session.me = account;
      changed();
    } catch {
      // The choice still applies on this device; the account keeps the old one.
    }
  }
}

/**
 * The session ended without us (expired; a request got 401; or the stream closed with 4401:
 * logged out elsewhere, password changed, ended from another device): back to log in, with
 * « Ta session a pris fin », then back to where the person was. What is held is kept: the same
 * person logging in again continues from it (the stream resumes), another person does not see it
 * (signed_in forgets it).
 */
export function session_ended() {
  if (!session.me) return;
  api.new_session_epoch();
  stop_stream();
  forget_cached_me();
  session.me = null;
  session.expired = true;
  remember_next(location.pathname + location.search);
  navigate('/login', { replace: true });
  changed();
}
api.set_unauthenticated_handler(session_ended);
set_session_ended_handler(session_ended);
