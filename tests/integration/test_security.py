"""Security basics: CSRF, security headers, body size, unknown routes, log-in and login-link
rate limits."""

import socket
import time

import pytest

from conftest import (API, PASSWORD, Client, assert_error, from_address, login_token_from,
                      read_maildir, signup, uid, unique_email, wait_for_mail)


# --- CSRF -----------------------------------------------------------------------------------

def _cookie_client(user, csrf_header=False):
    c = Client(user.server, csrf_header=csrf_header)
    c.cookies.set("ps_session", user.cookie)
    return c


# The three content types a form on a foreign page can send, each with a body naming "Forged".
FORM_BODIES = [
    ("application/x-www-form-urlencoded", "name=Forged&display_name=Forged"),
    ("multipart/form-data; boundary=xyz",
     '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nForged\r\n--xyz--\r\n'),
    ("text/plain", '{"name": "Forged", "display_name": "Forged"}'),
]
FORM_IDS = ["urlencoded", "multipart", "text-plain"]

# What the browser says about a foreign page's request: its Origin, or only Sec-Fetch-Site (a
# browser that leaves Origin out), or nothing at all (an old browser, or a privacy extension).
FOREIGN = [
    {"Origin": "http://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {},
]
FOREIGN_IDS = ["foreign-origin", "sec-fetch-cross-site", "no-origin-header"]


def _nothing_forged(user):
    me = user.get(f"{API}/me").json()
    assert me["account"]["display_name"] != "Forged", me
    assert all(m["community"]["name"] != "Forged" for m in me["memberships"]), me


@pytest.mark.parametrize("ctype,data", FORM_BODIES, ids=FORM_IDS)
@pytest.mark.parametrize("foreign", FOREIGN, ids=FOREIGN_IDS)
def test_a_foreign_form_with_the_session_cookie_is_csrf_rejected(server, ctype, data, foreign):
    user = signup(server)
    c = _cookie_client(user)
    headers = {"Content-Type": ctype, **foreign}
    assert_error(c.post(f"{API}/communities", data=data, headers=headers), 403, "csrf_rejected")
    assert_error(c.patch(f"{API}/me", data=data, headers=headers), 403, "csrf_rejected")
    assert_error(c.delete(f"{API}/sessions/current", data=data, headers=headers),
                 403, "csrf_rejected")
    _nothing_forged(user)
    assert user.get(f"{API}/me").status_code == 200, "the session must survive a rejected request"


@pytest.mark.parametrize("foreign", [{"Origin": "http://evil.example"},
                                     {"Origin": "null"},
                                     {"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"}],
                         ids=["foreign-origin", "null-origin", "cross-site", "same-site"])
def test_a_browser_naming_another_page_is_rejected_even_with_the_custom_header(server, foreign):
    user = signup(server)
    c = _cookie_client(user, csrf_header=True)
    r = c.post(f"{API}/communities", json={"name": "Forged"}, headers=foreign)
    assert_error(r, 403, "csrf_rejected")
    r = c.patch(f"{API}/me", json={"display_name": "Forged"}, headers=foreign)
    assert_error(r, 403, "csrf_rejected")
    _nothing_forged(user)


def test_json_alone_is_no_longer_a_proof(server):
    user = signup(server)
    c = _cookie_client(user)  # no X-Requested-With, no Origin, no Sec-Fetch-Site
    assert_error(c.post(f"{API}/communities", json={"name": "Forged"}), 403, "csrf_rejected")
    assert_error(c.patch(f"{API}/me", json={"display_name": "Forged"}), 403, "csrf_rejected")
    _nothing_forged(user)
    # Nor for a request without a cookie: a foreign page must not sign a browser up either.
    r = Client(server, csrf_header=False).post(
        f"{API}/accounts", json={"email": unique_email(), "password": PASSWORD,
                                 "display_name": "Forged"})
    assert_error(r, 403, "csrf_rejected")
    assert "ps_session" not in r.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("proof", [{"Origin": "__own__"},
                                   {"Sec-Fetch-Site": "same-origin"},
                                   {"X-Requested-With": "petitesalle"},
                                   {"X-Requested-With": "anything"},
                                   {"Sec-Fetch-Site": "none", "X-Requested-With": "petitesalle"}],
                         ids=["own-origin", "same-origin", "custom-header", "any-value",
                              "typed-url-with-header"])
def test_our_own_app_passes(server, proof):
    proof = {k: (server.url if v == "__own__" else v) for k, v in proof.items()}
    user = signup(server)
    c = _cookie_client(user)
    name = f"Ours {uid()}"
    r = c.post(f"{API}/communities", json={"name": name}, headers=proof)
    assert r.status_code == 201, r.text
    r = c.patch(f"{API}/me", json={"display_name": name}, headers=proof)
    assert r.status_code == 200, r.text
    me = user.get(f"{API}/me").json()
    assert me["account"]["display_name"] == name
    assert any(m["community"]["name"] == name for m in me["memberships"])
    # A form's content type that passed the CSRF rule is still not JSON: 415, nothing changed.
    for ctype, data in FORM_BODIES:
        r = c.post(f"{API}/communities", data=data, headers={"Content-Type": ctype, **proof})
        assert_error(r, 415, "unsupported_media_type")
    _nothing_forged(user)
    assert c.delete(f"{API}/sessions/current", headers=proof).status_code == 204
    assert user.get(f"{API}/me").status_code == 401


def test_sec_fetch_site_none_alone_is_no_proof(server):
    """A browser sends "none" for what a person starts outside any page (a typed URL), which is
    a navigation; no state change of the app comes that way."""
    user = signup(server)
    c = _cookie_client(user)
    r = c.patch(f"{API}/me", json={"display_name": "Forged"}, headers={"Sec-Fetch-Site": "none"})
    assert_error(r, 403, "csrf_rejected")
    _nothing_forged(user)


def test_cookie_delete_without_a_proof_is_csrf_rejected(server):
    user = signup(server)
    c = _cookie_client(user)
    assert_error(c.delete(f"{API}/sessions/current"), 403, "csrf_rejected")
    assert user.get(f"{API}/me").status_code == 200, "the session must survive a rejected request"


def test_bearer_requests_are_exempt_from_csrf(server):
    user = signup(server)
    bot = Client(server, token=user.new_token(), csrf_header=False)
    r = bot.post(f"{API}/communities", data='{"name": "Bot"}', headers={"Content-Type": "text/plain"})
    assert r.status_code != 403, r.text
    r = bot.post(f"{API}/tokens", json={"name": "from a bot"})
    assert r.status_code == 201, r.text


def test_non_json_body_is_415(server):
    user = signup(server)
    bot = Client(server, token=user.new_token())
    r = bot.post(f"{API}/tokens", data="<xml/>", headers={"Content-Type": "application/xml"})
    assert_error(r, 415, "unsupported_media_type")
    # a cookie request that passed the CSRF rule with the header, but is a form
    c = _cookie_client(user, csrf_header=True)
    r = c.post(f"{API}/tokens", data="name=x",
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 415, "unsupported_media_type")


# --- headers --------------------------------------------------------------------------------

def _check_security_headers(r):
    csp = r.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp, f"{r.request.method} {r.url}: CSP is {csp!r}"
    assert r.headers.get("X-Content-Type-Options", "").lower() == "nosniff", r.headers
    assert r.headers.get("Referrer-Policy"), r.headers


def test_security_headers_on_responses(server):
    user = signup(server)
    _check_security_headers(user.get(f"{API}/me"))
    _check_security_headers(Client(server).get(f"{API}/me"))          # 401
    _check_security_headers(Client(server).get(f"{API}/no-such-thing"))  # 404
    _check_security_headers(Client(server).get("/healthz"))
    _check_security_headers(Client(server).get("/"))
    _check_security_headers(Client(server).get("/i/some-code"))


def test_session_cookie_flags(server):
    c = Client(server)
    r = c.post(f"{API}/accounts", json={"email": unique_email(), "password": PASSWORD,
                                        "display_name": "Flags"})
    assert r.status_code == 201, r.text
    raw = r.headers.get("Set-Cookie", "")
    parts = [p.strip().lower() for p in raw.split(";")]
    assert parts[0].startswith("ps_session="), raw
    assert "httponly" in parts, raw
    assert "samesite=lax" in parts, raw
    assert "path=/" in parts, raw


# --- routes and sizes -----------------------------------------------------------------------

def test_unknown_route_is_404_json(server):
    user = signup(server)
    assert_error(user.get(f"{API}/no-such-route"), 404, "not_found")
    assert_error(Client(server).get(f"{API}/no-such-route"), 404, "not_found")
    assert_error(user.post(f"{API}/no/such/route", json={}), 404, "not_found")


def test_other_method_on_a_known_path_is_405(server):
    user = signup(server)
    assert_error(user.put(f"{API}/accounts", json={}), 405, "method_not_allowed")
    assert_error(user.delete(f"{API}/me"), 405, "method_not_allowed")


def test_app_routes_serve_the_web_app(server):
    for path in ("/", "/i/abc", "/login/abc"):
        r = Client(server).get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        assert "text/html" in r.headers.get("Content-Type", ""), (path, r.headers)


def _raw_post(server, path, body, headers):
    """Send a request with a raw socket (the server may answer 413 before reading the body)."""
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}",
            f"Content-Length: {len(body)}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    data = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        try:
            for i in range(0, len(data), 65536):
                s.sendall(data[i:i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (ConnectionResetError, socket.timeout):
            pass
    raw = b"".join(chunks)
    head, _, rest = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode()
    return status_line, head.decode("latin-1"), rest


def test_body_over_1_mib_is_413(server):
    user = signup(server)
    big = b'{"name": "' + b"x" * (1024 * 1024 + 100) + b'"}'
    status, head, rest = _raw_post(server, f"{API}/tokens", big,
                                   {"Content-Type": "application/json",
                                    "Cookie": f"ps_session={user.cookie}",
                                    "X-Requested-With": "petitesalle"})
    assert status.split()[1:2] == ["413"], (status, head, rest[:300])
    assert b"payload_too_large" in rest, rest[:300]
    # the same through requests, anonymously
    try:
        r = Client(server).post(f"{API}/accounts", data=big,
                                headers={"Content-Type": "application/json"})
    except Exception:
        return  # the server may close the connection while the client is still sending
    assert_error(r, 413, "payload_too_large")


def test_body_just_under_1_mib_is_not_413(server):
    user = signup(server)
    body = b'{"name": "' + b"x" * (1024 * 1024 - 100) + b'"}'
    assert len(body) < 1024 * 1024
    r = user.post(f"{API}/communities", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code != 413, r.text[:300]
    assert_error(r, 422, "invalid_field", field="name")


# --- log-in rate limits (fresh servers: the per-IP counter is shared by every test) ----------

def _login(server, addr, password, source_ip=None, accept_language="en"):
    c = Client(server, accept_language=accept_language)
    if source_ip:
        from_address(c, source_ip)
    return c.post(f"{API}/sessions", json={"email": addr, "password": password})


def _assert_rate_limited(r):
    err = assert_error(r, 429, "rate_limited")
    retry = r.headers.get("Retry-After")
    assert retry is not None, r.headers
    assert retry.isdigit() and 0 < int(retry) <= 15 * 60, retry  # the window is 15 minutes
    return err


def test_too_many_failed_log_ins_for_one_email_is_429(server_factory):
    srv = server_factory()
    user = signup(srv)
    for i in range(10):
        assert_error(_login(srv, user.email, f"wrong password {i}"), 401, "invalid_credentials")
    _assert_rate_limited(_login(srv, user.email, "wrong password again"))
    # even the right password waits now
    _assert_rate_limited(_login(srv, user.email, PASSWORD))
    # the existing session is not affected
    assert user.get(f"{API}/me").status_code == 200


def test_too_many_failed_log_ins_from_one_ip_is_429(server_factory):
    """30 failures from one address over 30 emails (docs/api.md), then 429 for any email."""
    srv = server_factory()
    for i in range(30):
        assert_error(_login(srv, unique_email(f"n{i}"), "wrong password"), 401,
                     "invalid_credentials")
    _assert_rate_limited(_login(srv, unique_email("n31"), "wrong password"))


def test_failures_from_one_address_do_not_lock_the_member_out_elsewhere(server_factory):
    """Issue 8, item 4: ten wrong passwords from an attacker's address slow the attacker down,
    not the member, who logs in with the right password from their own address."""
    srv = server_factory()
    victim = signup(srv)
    for i in range(10):
        assert_error(_login(srv, victim.email, f"guess {i}", "127.0.0.2"), 401,
                     "invalid_credentials")
    # The attacker's address is stopped for this email, even with the right password...
    _assert_rate_limited(_login(srv, victim.email, PASSWORD, "127.0.0.2"))
    # ...and the member, from elsewhere, is not.
    r = _login(srv, victim.email, PASSWORD, "127.0.0.3")
    assert r.status_code == 200, r.text
    assert r.json()["account"]["id"] == victim.id


def test_a_log_in_429_says_an_emailed_link_still_works(server_factory):
    srv = server_factory()
    victim = signup(srv)
    for i in range(10):
        assert_error(_login(srv, victim.email, f"guess {i}"), 401, "invalid_credentials")
    en = _assert_rate_limited(_login(srv, victim.email, PASSWORD))
    fr = _assert_rate_limited(_login(srv, victim.email, PASSWORD, accept_language="fr"))
    assert "link" in en["message"] and "email" in en["message"], en
    assert "lien" in fr["message"] and "courriel" in fr["message"], fr
    # And it does: a link asked for now logs in.
    assert Client(srv).post(f"{API}/login-links", json={"email": victim.email}).status_code == 202
    token = login_token_from(wait_for_mail(srv.maildir, victim.email)[-1], srv.url)
    assert Client(srv).post(f"{API}/login-links/{token}", json={}).status_code == 200


def test_failures_from_many_addresses_reach_the_per_email_ceiling(server_factory):
    """10 addresses x 10 failures = the per-email ceiling of 100 in 15 minutes: then the email
    waits, from every address (the emailed link still works)."""
    srv = server_factory()
    victim = signup(srv)
    for a in range(10):
        for i in range(10):
            assert_error(_login(srv, victim.email, f"guess {a}.{i}", f"127.0.1.{a + 1}"), 401,
                         "invalid_credentials")
    _assert_rate_limited(_login(srv, victim.email, PASSWORD, "127.0.2.1"))
    other = signup(srv)
    assert _login(srv, other.email, PASSWORD, "127.0.1.1").status_code == 200


# --- login-link rate limits -----------------------------------------------------------------

def _mail_to(maildir, addr):
    return [m for m in read_maildir(maildir) if addr.lower() in str(m.get("To", "")).lower()]


def test_login_link_requests_are_limited_per_email_silently(server_factory):
    """Issue 8, item 5: 30 requests for one email answer 202 each, and send 3 emails."""
    srv = server_factory()
    victim = signup(srv)
    for _ in range(30):
        r = Client(srv).post(f"{API}/login-links", json={"email": victim.email})
        assert r.status_code == 202, r.text
        assert r.json() == {}
    wait_for_mail(srv.maildir, victim.email, count=1)
    time.sleep(1.5)  # the outbox sends within a second: anything more would be there by now
    assert len(_mail_to(srv.maildir, victim.email)) == 3
    # From another address too: the limit is the email's.
    for _ in range(3):
        c = from_address(Client(srv), "127.0.0.2")
        assert c.post(f"{API}/login-links", json={"email": victim.email}).status_code == 202
    time.sleep(1.5)
    assert len(_mail_to(srv.maildir, victim.email)) == 3


def test_login_link_requests_are_limited_per_address_silently(server_factory):
    """20 requests per address in 15 minutes, over any emails; other addresses are not affected."""
    srv = server_factory()
    people = [signup(srv) for _ in range(22)]
    for p in people[:21]:
        c = from_address(Client(srv), "127.0.0.2")
        assert c.post(f"{API}/login-links", json={"email": p.email}).status_code == 202
    wait_for_mail(srv.maildir, people[0].email)
    time.sleep(1.5)
    sent = [p for p in people[:21] if _mail_to(srv.maildir, p.email)]
    assert len(sent) == 20, len(sent)
    c = from_address(Client(srv), "127.0.0.3")
    assert c.post(f"{API}/login-links", json={"email": people[21].email}).status_code == 202
    wait_for_mail(srv.maildir, people[21].email)


def test_cookie_patch_and_put_without_a_proof_are_csrf_rejected(server):
    user = signup(server)
    c = _cookie_client(user)
    assert_error(c.patch(f"{API}/me", data="display_name=Forged",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}),
                 403, "csrf_rejected")
    assert_error(c.put(f"{API}/me/password", data="x", headers={"Content-Type": "text/plain"}),
                 403, "csrf_rejected")
    assert user.get(f"{API}/me").json()["account"]["display_name"] != "Forged"


def test_secrets_are_stored_hashed(server):
    """No session cookie, personal access token or login-link token appears in the database."""
    from conftest import login_token_from, wait_for_mail
    user = signup(server)
    token = user.new_token()
    assert Client(server).post(f"{API}/login-links", json={"email": user.email}).status_code == 202
    link = login_token_from(wait_for_mail(server.maildir, user.email)[-1], server.url)
    secrets = {"session cookie": user.cookie, "access token": token,
               "access token without prefix": token.removeprefix("psat_")}
    # The email itself (in the outbox) carries the link by nature; the table of links must not.
    for row in server.sql("SELECT * FROM login_links"):
        assert not any(isinstance(v, str) and link in v for v in row), \
            "the login-link token is stored in clear in login_links"
    con = server.db()
    try:
        for t in server.tables():
            try:
                rows = con.execute(f'SELECT * FROM "{t}"').fetchall()
            except Exception:
                continue
            for row in rows:
                for v in row:
                    if isinstance(v, bytes):
                        v = v.decode("latin-1")
                    if not isinstance(v, str):
                        continue
                    for what, secret in secrets.items():
                        assert secret not in v, f"the {what} is stored in clear in table {t}"
    finally:
        con.close()


def test_stream_refuses_a_logged_out_session(server):
    from conftest import ws_status_of_refused
    user = signup(server)
    cookie = user.cookie
    assert user.delete(f"{API}/sessions/current").status_code == 204
    assert ws_status_of_refused(server, cookie=cookie) == 401


# --- path parameters that name nothing ------------------------------------------------------

# Values no route parameter can hold: invalid UTF-8 (a lone byte, an overlong "/", a surrogate, a
# cut sequence) and lengths past 256 bytes, which match no route (404 from the router); and
# control characters, NUL included, valid UTF-8 that each route answers as it answers any value
# that names nothing: 404, 422 where it validates the value (an emoji), 401
# invalid_credentials for a login link's token (as for any unknown token).
NOT_A_PARAMETER = ["%FF%FE", "%C0%AF", "%ED%A0%80", "%E2%82", "x" * 257, "x" * 10 * 1024,
                   "%C3%A9" * 200]
CONTROLS = ["a%00b", "%00", "%0D%0A", "%7F"]
BAD_PARAMETERS = NOT_A_PARAMETER + CONTROLS


def _good_parameters(user):
    """A real value for each parameter name, so that only the one replaced is bad."""
    com = user.create_community()
    chan = user.create_channel(com["slug"])
    msg = user.post_message(chan["id"], "hello")
    inv = user.invite(com["slug"])
    token_id = user.get(f"{API}/tokens").json()["tokens"]
    # A board with a post and a comment, and a broadcast with a poll and a question: the ids of
    # the other rooms.
    board = user.post(f"{API}/communities/{com['slug']}/channels",
                      json={"name": f"b-{uid()}", "kind": "board"}).json()["channel"]
    post = user.post(f"{API}/channels/{board['id']}/posts", json={"body": "hello"}).json()["post"]
    comment = user.post(f"{API}/posts/{post['id']}/comments",
                        json={"body": "hello"}).json()["comment"]
    broadcast = user.post(f"{API}/communities/{com['slug']}/channels",
                          json={"name": f"d-{uid()}", "kind": "broadcast"}).json()["channel"]
    poll = user.post(f"{API}/channels/{broadcast['id']}/polls",
                     json={"question": "?", "options": ["a", "b"]}).json()["poll"]
    prompt = user.post(f"{API}/channels/{broadcast['id']}/prompts",
                       json={"question": "?"}).json()["prompt"]
    return com, {"slug": com["slug"], "account_id": str(user.id), "code": inv["code"],
                 "token": "x" * 20, "emoji": "%F0%9F%91%8D",
                 "id": {"channels": str(chan["id"]), "messages": str(msg["id"]),
                        "tokens": str(token_id[0]["id"]) if token_id else "1",
                        "posts": str(post["id"]), "comments": str(comment["id"]),
                        "polls": str(poll["id"]), "prompts": str(prompt["id"])}}


def _fill(path, good, replaced=None, bad=None):
    out = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            if name == replaced:
                out.append(bad)
                continue
            value = good[name]
            out.append(value[out[-1]] if isinstance(value, dict) else value)
        else:
            out.append(part)
    return "/".join(out)


def test_every_route_answers_bad_path_parameters_with_a_json_404(server):
    """Walks the documented routes (the served OpenAPI document), puts each bad value in each
    parameter of each path in turn, for every method the path has: never a 5xx, always JSON."""
    user = signup(server)
    user.new_token()
    doc = user.get(f"{API}/openapi.json").json()
    com, good = _good_parameters(user)
    tried = 0
    for path, operations in doc["paths"].items():
        names = [p[1:-1] for p in path.split("/") if p.startswith("{")]
        methods = [m for m in operations if m in ("get", "head", "post", "put", "patch", "delete")]
        for name in names:
            for bad in BAD_PARAMETERS:
                url = _fill(path, good, name, bad)
                for method in methods:
                    # The body the route takes: JSON, or the one type it documents (a CSV import).
                    types = list(operations[method].get("requestBody", {}).get("content", {}))
                    if method == "get":
                        kw = {}
                    elif types and "application/json" not in types and "*/*" not in types:
                        kw = {"data": b"", "headers": {"Content-Type": types[0]}}
                    else:
                        kw = {"json": {}}
                    r = user.request(method.upper(), url, **kw)
                    tried += 1
                    what = f"{method.upper()} {url[:90]}"
                    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:200]}"
                    if bad in NOT_A_PARAMETER:
                        assert_error(r, 404, "not_found")
                    else:
                        assert r.status_code in (401, 404, 422), f"{what}: {r.text[:200]}"
                        err = assert_error(r, r.status_code)
                        if r.status_code == 401:
                            assert err["code"] == "invalid_credentials", f"{what}: {err}"
    assert tried > 300, tried  # the walk did reach the routes
    # And nothing happened to what the good values name.
    assert user.get(f"{API}/communities/{com['slug']}").status_code == 200
    assert user.get(f"{API}/me").status_code == 200
