"""What an attacker or a careless client tries against the network side (issue 8): paths that
leave the web root, JSON nested to blow the stack, bodies too large for where they are parsed,
connections and streams by the hundred, a reader that never reads, cross-site log-ins,
/metrics, bad framing and refused bodies whose answer must still arrive.

Each test reproduces the attack as it was reported; it failed on the code before the fix."""

import json
import os
import resource
import socket
import statistics
import threading
import time

import pytest
import requests
import websocket

from conftest import API, WS, Client, assert_error, login_token_from, only_on_sqlite, signup, \
    wait_for_mail, ws_status_of_refused


def raw_request(port, data, timeout=10, source="127.0.0.1", chunk=65536):
    """Send bytes as they are (no normalising of the path) and read until the server closes.
    Returns (status line, headers text, body bytes); a reset after the answer keeps the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                  source_address=(source, 0)) as s:
        try:
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
        except (BrokenPipeError, ConnectionResetError) as e:
            raise AssertionError(f"the server stopped reading before answering: {e!r}")
        chunks = []
        while True:
            try:
                part = s.recv(65536)
            except ConnectionResetError as e:
                raise AssertionError(f"connection reset instead of an answer: {e!r}")
            if not part:
                break
            chunks.append(part)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    return text.split("\r\n", 1)[0], text, body


def get_as_is(port, path, extra=""):
    data = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    return raw_request(port, data.encode())


def status_of(line):
    return int(line.split()[1])


def json_error(body):
    return json.loads(body)["error"]["code"]


# --- 1. the web root --------------------------------------------------------------------------

@pytest.fixture
def web_root_server(server_factory, tmp_path):
    root = tmp_path / "webroot"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>the app</title>")
    (root / "assets" / "app.js").write_text("console.log('app')")
    os.symlink("/etc/passwd", root / "leak.txt")   # a link that points out of the root
    os.symlink("/etc", root / "etc")
    srv = server_factory(extra_args=["--web-root", str(root), "--smtp-password", "SMTP-SECRET-pw"])
    # Something secret in the live database and its write-ahead log.
    signup(srv)
    return srv


def test_web_root_serves_its_own_files(web_root_server):
    line, head, body = get_as_is(web_root_server.port, "/assets/app.js")
    assert status_of(line) == 200 and body == b"console.log('app')", (line, body[:200])
    line, head, body = get_as_is(web_root_server.port, "/c/some-community")  # an app route
    assert status_of(line) == 200 and b"the app" in body


@pytest.mark.parametrize("path", [
    "//etc/passwd", "///etc/passwd", "/%2fetc/passwd", "/%2Fetc/passwd", "//proc/self/environ",
    "//proc/self/cmdline", "/..%2f..%2f..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2f..%2fetc/passwd", "/leak.txt", "/etc/passwd", "/etc/hostname",
])
def test_web_root_never_serves_a_file_outside_it(web_root_server, path):
    line, head, body = get_as_is(web_root_server.port, path)
    assert b"root:" not in body and b"SMTP-SECRET" not in body, (path, line, body[:200])
    assert b"PATH=" not in body, (path, body[:200])
    assert status_of(line) == 404 or body == b"<!doctype html><title>the app</title>", (path, line)


@only_on_sqlite("on PostgreSQL the data folder holds no database file to ask for")
def test_web_root_never_serves_the_live_database(web_root_server):
    data = os.path.abspath(web_root_server.data)
    for name in ("petitesalle.db", "petitesalle.db-wal", "petitesalle.db-shm"):
        for path in (f"/{data}/{name}", f"//{data.lstrip('/')}/{name}", f"/%2f{data.lstrip('/')}/{name}"):
            line, head, body = get_as_is(web_root_server.port, path)
            assert status_of(line) == 404, (path, line)
            assert b"SQLite" not in body and b"@example" not in body, path


def test_a_nul_byte_does_not_change_the_type(web_root_server):
    line, head, body = get_as_is(web_root_server.port, "/index.html%00.png")
    assert status_of(line) == 404, (line, head)
    assert "image/png" not in head


# --- 2. JSON nested to blow the stack ---------------------------------------------------------

DEEP = '{"type":' + "[" * 10000 + "]" * 10000 + "}"


def test_a_deeply_nested_stream_frame_gets_an_error_and_the_server_lives(community):
    with community.member.ws() as ws:
        ws.wait_for("hello")
        ws.send(DEEP)
        err = ws.wait_for("error")
        assert err["error"]["code"] == "json_too_deep", err
        ws.send('{"type":"resume","channels":{"1":' + "[" * 10000 + "]" * 10000 + "}}")
        err = ws.wait_for("error")
        assert err["error"]["code"] == "json_too_deep", err
        ws.send({"type": "ping"})
        ws.wait_for("pong")
    assert requests.get(community.owner.server.url + "/healthz", timeout=5).status_code == 200


def test_a_deeply_nested_body_is_refused_on_every_route(community):
    owner = community.owner
    for path in (f"{API}/communities", f"{API}/channels/{community.channel_id}/messages",
                 f"{API}/sessions"):
        r = owner.post(path, data=DEEP.replace("type", "name"),
                       headers={"Content-Type": "application/json"})
        assert_error(r, 400, "json_too_deep")
    # Shallow nesting still parses (and is refused for what it is).
    r = owner.post(f"{API}/communities", json={"name": [[["x"]]]})
    assert_error(r, 422, "invalid_field", field="name")
    assert requests.get(owner.server.url + "/healthz", timeout=5).status_code == 200


# --- 6. a body parsed on a network thread is bounded --------------------------------------------

def test_a_chat_post_larger_than_a_post_can_be_is_refused_before_it_is_read(community):
    big = b'{"body":' + b"[" * 30 + b"1," * 500_000 + b"1" + b"]" * 30 + b"}"
    assert len(big) > 1_000_000
    line, head, body = raw_request(
        community.owner.server.port,
        (f"POST {API}/channels/{community.channel_id}/messages HTTP/1.1\r\n"
         f"Host: x\r\nAuthorization: Bearer {community.owner.new_token()}\r\n"
         f"Content-Type: application/json\r\nContent-Length: {len(big)}\r\n\r\n").encode() + big)
    assert status_of(line) == 413, (line, body[:300])
    err = json.loads(body)["error"]
    assert err["code"] == "payload_too_large" and "64" in err["message"], err
    # The largest real post still goes through.
    r = community.owner.post_message(community.channel_id, "😀" * 4000)
    assert r["body"] == "😀" * 4000


def test_health_stays_quick_while_large_chat_posts_arrive(community):
    token = community.owner.new_token()
    big = b'{"body":' + b"[" * 20 + b"1," * 500_000 + b"1" + b"]" * 20 + b"}"
    stop = threading.Event()

    def flood():
        while not stop.is_set():
            try:
                raw_request(community.owner.server.port,
                            (f"POST {API}/channels/{community.channel_id}/messages HTTP/1.1\r\n"
                             f"Host: x\r\nAuthorization: Bearer {token}\r\n"
                             f"Content-Type: application/json\r\nContent-Length: {len(big)}\r\n"
                             "\r\n").encode() + big)
            except (AssertionError, OSError):
                pass

    threads = [threading.Thread(target=flood, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        times = []
        for _ in range(20):
            t0 = time.monotonic()
            assert requests.get(community.owner.server.url + "/healthz", timeout=10).status_code == 200
            times.append(time.monotonic() - t0)
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    # Loose on purpose (this is not a benchmark): before the fix the median was 0.9 s.
    assert statistics.median(times) < 0.3, times


# --- 8. connections and streams by the hundred ----------------------------------------------------

def test_one_address_cannot_take_every_descriptor(server_factory):
    srv = server_factory()
    # A low descriptor limit, as on a small host: 256 in all.
    resource.prlimit(srv.proc.pid, resource.RLIMIT_NOFILE, (256, 256))
    held = []
    try:
        for _ in range(600):
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", srv.port))
            held.append(s)
        t0 = time.monotonic()
        r = requests.get(srv.url + "/healthz", timeout=10)
        assert r.status_code == 200
        assert time.monotonic() - t0 < 3, "others were kept waiting"
        # Past its share (128 by default), the address's connections were closed at once.
        time.sleep(0.5)
        closed = 0
        for s in held:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed += 1
            except BlockingIOError:
                pass
            except ConnectionResetError:
                closed += 1
        assert closed >= 600 - 128, closed
    finally:
        for s in held:
            s.close()


def test_a_connection_that_sends_no_request_line_is_closed_soon(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(b"GET / HT")
        t0 = time.monotonic()
        assert s.recv(100) == b""
        waited = time.monotonic() - t0
    assert waited < 15, waited  # ten seconds for a request head, not a minute


def test_one_account_cannot_open_streams_without_end(server_factory):
    srv = server_factory(extra_args=["--max-streams-per-account", "3"])
    user = signup(srv)
    token = user.new_token()
    streams = [WS.connect(srv, token=token) for _ in range(3)]
    try:
        for ws in streams:
            ws.wait_for("hello")
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            WS.connect(srv, token=token)
        assert refused.value.status_code == 429
        line, head, body = raw_request(srv.port, (
            f"GET {API}/stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Authorization: Bearer {token}\r\n\r\n").encode())
        assert status_of(line) == 429 and json_error(body) == "too_many_connections", (line, body)
        # Another account is not affected; a closed stream frees its place.
        other = signup(srv)
        with WS.connect(srv, cookie=other.cookie) as ws:
            ws.wait_for("hello")
        streams.pop().close()
        deadline = time.monotonic() + 5
        while ws_status_of_refused(srv, token=token) != 101:
            assert time.monotonic() < deadline, "the closed stream's place was not given back"
            time.sleep(0.1)
    finally:
        for ws in streams:
            ws.close()


# --- 9. a reader that never reads -----------------------------------------------------------

def _open_streams(server):
    text = requests.get(server.url + "/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith("petitesalle_ws_connections "):
            return int(line.split()[1])
    raise AssertionError(text)


def _settled_streams(server):
    """The open-stream gauge once streams closed by earlier tests have been let go."""
    last = _open_streams(server)
    for _ in range(50):
        time.sleep(0.1)
        now = _open_streams(server)
        if now == last:
            return now
        last = now
    return last


def test_a_client_that_never_reads_is_disconnected(community):
    srv = community.owner.server
    before = _settled_streams(srv)
    conn = websocket.create_connection(
        srv.ws_url, timeout=5, cookie=f"ps_session={community.member.cookie}",
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    try:
        assert json.loads(conn.recv())["type"] == "hello"
        deadline = time.monotonic() + 5  # counted just after the hello is sent
        while _open_streams(srv) != before + 1:
            assert time.monotonic() < deadline, (_open_streams(srv), before)
            time.sleep(0.05)
        token = community.owner.new_token()
        body = "🎸" * 4000
        stop = threading.Event()

        def post():
            c = Client(srv, token=token, csrf_header=False)
            while not stop.is_set():
                c.post(f"{API}/channels/{community.channel_id}/messages", json={"body": body})

        posters = [threading.Thread(target=post, daemon=True) for _ in range(4)]
        for t in posters:
            t.start()
        try:
            deadline = time.monotonic() + 60
            while _open_streams(srv) > before:
                assert time.monotonic() < deadline, "the slow reader is still connected"
                time.sleep(0.2)
        finally:
            stop.set()
            for t in posters:
                t.join(10)
    finally:
        conn.close()


# --- 10. log-in CSRF --------------------------------------------------------------------------

def test_a_foreign_page_cannot_log_a_browser_in(server):
    attacker = signup(server)
    requests.post(server.url + f"{API}/login-links", json={"email": attacker.email}, timeout=5,
                  headers={"X-Requested-With": "petitesalle"})
    token = login_token_from(wait_for_mail(server.maildir, attacker.email)[-1], server.url)
    # What a form on evil.example would send: no cookie, a form type, a foreign Origin.
    r = requests.post(server.url + f"{API}/login-links/{token}", data="x=1", timeout=5,
                      headers={"Content-Type": "application/x-www-form-urlencoded",
                               "Origin": "http://evil.example"})
    assert_error(r, 403, "csrf_rejected")
    assert "ps_session" not in r.headers.get("Set-Cookie", "")
    # Even as JSON from a script on the foreign page, the Origin gives it away.
    r = requests.post(server.url + f"{API}/sessions", timeout=5,
                      json={"email": attacker.email, "password": "irrelevant"},
                      headers={"Origin": "http://evil.example"})
    assert_error(r, 403, "csrf_rejected")
    r = requests.post(server.url + f"{API}/accounts", data="email=a@b.c", timeout=5,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 403, "csrf_rejected")
    # The link was not spent: our own app still logs in with it.
    r = requests.post(server.url + f"{API}/login-links/{token}", timeout=5,
                      headers={"Content-Type": "application/json", "Origin": server.url})
    assert r.status_code == 200, r.text


# --- 13. /metrics, caching of errors, HSTS ---------------------------------------------------

def test_metrics_are_for_this_machine_or_the_token(server_factory):
    srv = server_factory()
    assert requests.get(srv.url + "/metrics", timeout=5).status_code == 200
    r = requests.get(srv.url + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=5)
    assert_error(r, 403, "forbidden")
    guarded = server_factory(extra_args=["--metrics-token", "scrape-me"])
    assert_error(requests.get(guarded.url + "/metrics", timeout=5), 403, "forbidden")
    r = requests.get(guarded.url + "/metrics", headers={"Authorization": "Bearer scrape-me"}, timeout=5)
    assert r.status_code == 200 and "petitesalle_http_requests_total" in r.text


def test_errors_are_never_cached(server):
    for r in (requests.get(server.url + f"{API}/me", timeout=5),
              requests.get(server.url + f"{API}/nothing-here", timeout=5),
              requests.get(server.url + "/assets/missing.js", timeout=5),
              requests.post(server.url + f"{API}/sessions", data="{", timeout=5,
                            headers={"Content-Type": "application/json"})):
        assert r.status_code >= 400
        assert r.headers.get("Cache-Control") == "no-store", (r.url, r.headers)


def test_https_public_url_sends_hsts(server_factory, server):
    srv = server_factory(extra_args=["--public-url", "https://salle.example.com"])
    r = requests.get(srv.url + "/healthz", timeout=5)
    assert r.headers.get("Strict-Transport-Security", "").startswith("max-age="), r.headers
    assert "Strict-Transport-Security" not in requests.get(server.url + "/healthz", timeout=5).headers


# --- 14. the stream's Origin, and bad framing -------------------------------------------------

def test_the_stream_compares_origin_with_the_public_url_not_host(server):
    user = signup(server)
    try:
        websocket.create_connection(server.ws_url, timeout=5, host="evil", origin="http://evil",
                                    cookie=f"ps_session={user.cookie}")
        pytest.fail("a foreign page opened the stream")
    except websocket.WebSocketBadStatusException as e:
        assert e.status_code == 403
    with WS.connect(server, cookie=user.cookie, origin=server.url) as ws:
        ws.wait_for("hello")


@pytest.mark.parametrize("headers,status,code", [
    ("Content-Length: 2\r\nContent-Length: 2\r\n", 400, "malformed_request"),
    ("Content-Length: 2\r\nContent-Length: 3\r\n", 400, "malformed_request"),
    ("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", 400, "malformed_request"),
    ("X-Big: " + "a" * 40_000 + "\r\nContent-Length: 2\r\n", 431, "headers_too_large"),
], ids=["two-equal-lengths", "two-lengths", "chunked-and-length", "40-KB-header"])
def test_bad_framing_gets_an_answer(server, headers, status, code):
    data = (f"POST {API}/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{headers}\r\n{{}}").encode()
    line, head, body = raw_request(server.port, data)
    assert line and status_of(line) == status, (line, body[:200])
    assert json_error(body) == code


def test_a_malformed_request_line_gets_400(server):
    line, head, body = raw_request(server.port, b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status_of(line) == 400 and json_error(body) == "malformed_request", (line, body)


# --- 15. a refused body's answer arrives ------------------------------------------------------

def test_a_body_over_the_limit_sent_in_one_go_gets_its_413(server):
    user = signup(server)
    big = b'{"name": "' + b"x" * (1100 * 1024) + b'"}'
    for _ in range(5):
        r = requests.post(server.url + f"{API}/tokens", data=big, timeout=10,
                          headers={"Content-Type": "application/json",
                                   "Cookie": f"ps_session={user.cookie}"})
        assert_error(r, 413, "payload_too_large")
    line, head, body = raw_request(
        server.port,
        (f"POST {API}/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         f"Content-Length: {len(big)}\r\n\r\n").encode() + big, chunk=len(big) + 200)
    assert status_of(line) == 413


def test_headers_too_large_get_their_431(server):
    for _ in range(3):
        r = requests.get(server.url + f"{API}/me", timeout=10,
                         headers={"Cookie": "ps_session=x; junk=" + "j" * 40_000})
        assert_error(r, 431, "headers_too_large")
