"""Accounts, sessions, login links, personal access tokens, errors in the caller's language."""

import pytest

from conftest import (API, PASSWORD, Client, assert_error, login_token_from, signup,
                      unique_email, wait_for_mail)


def test_sign_up_returns_account_and_session_cookie(server):
    c = Client(server)
    addr = unique_email("Ana")
    r = c.post(f"{API}/accounts", json={"email": addr, "password": PASSWORD,
                                        "display_name": "  Ana  ", "locale": "fr"})
    assert r.status_code == 201, r.text
    acc = r.json()["account"]
    assert isinstance(acc["id"], int)
    assert acc["email"] == addr.lower()
    assert acc["display_name"] == "Ana"
    assert acc["locale"] == "fr"
    assert acc["created_at"].endswith("Z")
    cookie = r.headers.get("Set-Cookie", "")
    assert "ps_session=" in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "path=/" in cookie.lower()
    me = c.get(f"{API}/me")
    assert me.status_code == 200, me.text
    assert me.json()["account"]["id"] == acc["id"]
    assert me.json()["memberships"] == []


def test_locale_defaults_from_accept_language(server):
    en = Client(server, accept_language="en")
    r = en.post(f"{API}/accounts", json={"email": unique_email(), "password": PASSWORD,
                                         "display_name": "E"})
    assert r.status_code == 201, r.text
    assert r.json()["account"]["locale"] == "en"
    other = Client(server, accept_language="de")
    r = other.post(f"{API}/accounts", json={"email": unique_email(), "password": PASSWORD,
                                            "display_name": "D"})
    assert r.status_code == 201, r.text
    assert r.json()["account"]["locale"] == "fr"


def test_email_taken_is_409_case_insensitively(server):
    a = signup(server)
    c = Client(server)
    r = c.post(f"{API}/accounts", json={"email": a.email.upper(), "password": PASSWORD,
                                        "display_name": "Twin"})
    assert_error(r, 409, "email_taken")


@pytest.mark.parametrize("field,body", [
    ("email", {"password": PASSWORD, "display_name": "X"}),
    ("email", {"email": "not-an-email", "password": PASSWORD, "display_name": "X"}),
    ("password", {"email": "EMAIL", "password": "short", "display_name": "X"}),
    ("password", {"email": "EMAIL", "display_name": "X"}),
    ("password", {"email": "EMAIL", "password": "p" * 1001, "display_name": "X"}),
    ("password", {"email": "EMAIL", "password": "123456789", "display_name": "X"}),
    ("display_name", {"email": "EMAIL", "password": PASSWORD, "display_name": "   "}),
    ("display_name", {"email": "EMAIL", "password": PASSWORD, "display_name": "x" * 81}),
    ("locale", {"email": "EMAIL", "password": PASSWORD, "display_name": "X", "locale": "de"}),
    ("email", {"email": 42, "password": PASSWORD, "display_name": "X"}),
])
def test_sign_up_invalid_fields_are_422_naming_the_field(server, field, body):
    body = {k: (unique_email() if v == "EMAIL" else v) for k, v in body.items()}
    r = Client(server).post(f"{API}/accounts", json=body)
    assert_error(r, 422, "invalid_field", field=field)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b"\"a string\""])
def test_malformed_json_is_400(server, raw):
    r = Client(server).post(f"{API}/accounts", data=raw,
                            headers={"Content-Type": "application/json"})
    assert_error(r, 400, "malformed_json")


def test_log_in_with_password(server):
    a = signup(server)
    c = Client(server)
    r = c.post(f"{API}/sessions", json={"email": a.email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["account"]["id"] == a.id
    assert c.cookie and c.cookie != a.cookie
    assert c.get(f"{API}/me").status_code == 200


def test_log_in_wrong_password_or_unknown_email_is_401(server):
    a = signup(server)
    r = Client(server).post(f"{API}/sessions", json={"email": a.email, "password": "wrong password!"})
    assert_error(r, 401, "invalid_credentials")
    r = Client(server).post(f"{API}/sessions",
                            json={"email": unique_email("nobody"), "password": PASSWORD})
    assert_error(r, 401, "invalid_credentials")


def test_no_or_bad_credentials_is_401(server):
    assert_error(Client(server).get(f"{API}/me"), 401, "unauthenticated")
    c = Client(server)
    c.cookies.set("ps_session", "not-a-real-session")
    assert_error(c.get(f"{API}/me"), 401, "unauthenticated")
    assert_error(Client(server, token="psat_not-a-real-token").get(f"{API}/me"),
                 401, "unauthenticated")
    assert_error(Client(server).post(f"{API}/communities", json={"name": "X"}),
                 401, "unauthenticated")


def test_log_out_revokes_the_session(server):
    a = signup(server)
    cookie = a.cookie
    r = a.delete(f"{API}/sessions/current")
    assert r.status_code == 204, r.text
    assert "ps_session" in r.headers.get("Set-Cookie", ""), "the cookie is not cleared"
    # Replaying the old cookie must fail: the session is revoked on the server, not only cleared.
    replay = Client(server)
    replay.cookies.set("ps_session", cookie)
    assert_error(replay.get(f"{API}/me"), 401, "unauthenticated")
    # Other sessions of the same account still work.
    other = Client(server)
    assert other.post(f"{API}/sessions", json={"email": a.email, "password": PASSWORD}).status_code == 200
    assert other.get(f"{API}/me").status_code == 200


def test_patch_me(server):
    a = signup(server, locale="en")
    r = a.patch(f"{API}/me", json={"display_name": "Renamed", "locale": "fr"})
    assert r.status_code == 200, r.text
    assert r.json()["account"]["display_name"] == "Renamed"
    assert r.json()["account"]["locale"] == "fr"
    assert_error(a.patch(f"{API}/me", json={"locale": "xx"}), 422, "invalid_field", field="locale")


def test_change_password_revokes_other_sessions(server):
    a = signup(server)
    other = Client(server)
    assert other.post(f"{API}/sessions", json={"email": a.email, "password": PASSWORD}).status_code == 200
    r = a.put(f"{API}/me/password", json={"current_password": PASSWORD,
                                          "new_password": "another good one"})
    assert r.status_code == 204, r.text
    assert a.get(f"{API}/me").status_code == 200, "the session that changed it stays"
    assert_error(other.get(f"{API}/me"), 401, "unauthenticated")
    fresh = Client(server)
    assert fresh.post(f"{API}/sessions", json={"email": a.email,
                                               "password": "another good one"}).status_code == 200


def test_change_password_ends_personal_tokens_and_earlier_login_links(server):
    """Issue 8, item 3: a password change ends every credential but the session that made it."""
    a = signup(server)
    token = a.new_token("old script")
    bot = Client(server, token=token, csrf_header=False)
    assert bot.get(f"{API}/me").status_code == 200
    _request_link(server, a.email)
    link = login_token_from(wait_for_mail(server.maildir, a.email)[-1], server.url)

    r = a.put(f"{API}/me/password", json={"current_password": PASSWORD,
                                          "new_password": "another good one"})
    assert r.status_code == 204, r.text
    assert a.get(f"{API}/me").status_code == 200, "the session that changed it stays"
    assert_error(bot.get(f"{API}/me"), 401, "unauthenticated")
    assert a.get(f"{API}/tokens").json()["tokens"] == [], "the ended token is still listed"
    assert_error(Client(server).post(f"{API}/login-links/{link}", json={}), 401,
                 "invalid_credentials")
    # Credentials made after the change work.
    assert Client(server, token=a.new_token(), csrf_header=False).get(f"{API}/me").status_code == 200
    _request_link(server, a.email)
    [fresh] = {login_token_from(m, server.url)
               for m in wait_for_mail(server.maildir, a.email, count=2)} - {link}
    assert Client(server).post(f"{API}/login-links/{fresh}", json={}).status_code == 200


# --- login links ----------------------------------------------------------------------------

def _request_link(server, addr):
    r = Client(server).post(f"{API}/login-links", json={"email": addr})
    assert r.status_code == 202, r.text
    assert r.json() == {}
    return r


def test_login_link_is_202_for_unknown_emails_too(server):
    _request_link(server, unique_email("ghost"))


def test_login_link_logs_in_once(server):
    a = signup(server)
    _request_link(server, a.email)
    msg = wait_for_mail(server.maildir, a.email)[-1]
    token = login_token_from(msg, server.url)
    c = Client(server)
    r = c.post(f"{API}/login-links/{token}", json={})
    assert r.status_code == 200, r.text
    assert r.json()["account"]["id"] == a.id
    assert c.cookie
    assert c.get(f"{API}/me").status_code == 200
    # single use
    assert_error(Client(server).post(f"{API}/login-links/{token}", json={}), 401,
                 "invalid_credentials")


def test_login_link_unknown_token_is_401(server):
    assert_error(Client(server).post(f"{API}/login-links/AAAAAAAAAAAAAAAAAAAAAAAA", json={}),
                 401, "invalid_credentials")


def test_login_link_expires(server):
    a = signup(server)
    _request_link(server, a.email)
    token = login_token_from(wait_for_mail(server.maildir, a.email)[-1], server.url)
    server.sql("UPDATE login_links SET expires_at = 1")
    assert_error(Client(server).post(f"{API}/login-links/{token}", json={}), 401,
                 "invalid_credentials")


def test_login_link_is_valid_for_15_minutes(server):
    """expires_at is about 15 minutes after it was asked for."""
    import time
    a = signup(server)
    before = int(time.time() * 1000)
    _request_link(server, a.email)
    wait_for_mail(server.maildir, a.email)
    rows = server.sql("SELECT expires_at FROM login_links ORDER BY expires_at DESC LIMIT 1")
    assert rows, "no row in login_links"
    delta_ms = rows[0][0] - before
    assert 14 * 60_000 <= delta_ms <= 16 * 60_000, delta_ms


# --- personal access tokens -----------------------------------------------------------------

def test_personal_access_tokens(server):
    a = signup(server)
    r = a.post(f"{API}/tokens", json={"name": "my bot"})
    assert r.status_code == 201, r.text
    body = r.json()
    token = body["token"]
    assert token.startswith("psat_")
    assert body["personal_token"]["name"] == "my bot"
    tok_id = body["personal_token"]["id"]

    bot = Client(server, token=token, csrf_header=False)
    me = bot.get(f"{API}/me")
    assert me.status_code == 200, me.text
    assert me.json()["account"]["id"] == a.id

    listed = a.get(f"{API}/tokens")
    assert listed.status_code == 200, listed.text
    entries = listed.json()["tokens"]
    assert [t["name"] for t in entries if t["id"] == tok_id] == ["my bot"]
    assert all("token" not in t for t in entries), "the secret is shown only once"
    assert all({"id", "name", "created_at", "last_used_at"} <= set(t) for t in entries), entries

    # someone else's token is not theirs to see or delete
    other = signup(server)
    assert_error(other.delete(f"{API}/tokens/{tok_id}"), 404, "not_found")
    assert bot.get(f"{API}/me").status_code == 200

    assert a.delete(f"{API}/tokens/{tok_id}").status_code == 204
    assert_error(bot.get(f"{API}/me"), 401, "unauthenticated")


def test_token_name_is_required(server):
    a = signup(server)
    assert_error(a.post(f"{API}/tokens", json={}), 422, "invalid_field", field="name")


# --- language of errors ---------------------------------------------------------------------

# The exact words of src/core/error.cpp. Two messages that merely differ would pass with the
# languages swapped; comparing each with its language's text is what shows which one was chosen.
UNAUTHENTICATED = {"fr": "Connecte-toi pour continuer.", "en": "Please log in to continue."}
NAME_REQUIRED = {"fr": "Le champ « name » est obligatoire.", "en": "The field “name” is required."}
DISPLAY_NAME_REQUIRED = {"fr": "Le champ « display_name » est obligatoire.",
                         "en": "The field “display_name” is required."}


def _unauth_message(server, lang):
    return assert_error(Client(server, accept_language=lang).get(f"{API}/me"),
                        401, "unauthenticated")["message"]


def test_error_language_follows_accept_language(server):
    assert _unauth_message(server, "fr") == UNAUTHENTICATED["fr"]
    assert _unauth_message(server, "en") == UNAUTHENTICATED["en"]
    assert _unauth_message(server, "de") == UNAUTHENTICATED["fr"], "any other language means French"


def test_error_language_accept_language_with_region_and_weights(server):
    """A browser sends e.g. `en-CA,en;q=0.9`: a client expects English (see NOTES.md)."""
    assert _unauth_message(server, "en-CA,en;q=0.9") == UNAUTHENTICATED["en"]
    assert _unauth_message(server, "fr-CA,fr;q=0.9,en;q=0.8") == UNAUTHENTICATED["fr"]


def test_error_language_follows_the_account_locale(server):
    # Each account asks in the other language: only its locale can give its message.
    fr = signup(server, locale="fr", accept_language="en")
    en = signup(server, locale="en", accept_language="fr")
    e_fr = assert_error(fr.post(f"{API}/communities", json={"name": ""}), 422, "invalid_field",
                        field="name")
    e_en = assert_error(en.post(f"{API}/communities", json={"name": ""}), 422, "invalid_field",
                        field="name")
    assert e_fr["message"] == NAME_REQUIRED["fr"]
    assert e_en["message"] == NAME_REQUIRED["en"]
    # An anonymous caller gets the language of Accept-Language for the same kind of error.
    for lang in ("fr", "en"):
        anon = assert_error(Client(server, accept_language=lang).post(
            f"{API}/accounts", json={"email": unique_email(), "password": PASSWORD,
                                     "display_name": ""}), 422, "invalid_field", field="display_name")
        assert anon["message"] == DISPLAY_NAME_REQUIRED[lang]
