"""Fixtures and helpers for the integration suite that drives the real `petitesalle` binary.

Run from the repository root:

    PETITESALLE_BIN=/path/to/petitesalle /usr/bin/python3 -m pytest tests/integration -q

Each test module gets one server (scope="module") on a free loopback port with a fresh
temporary data folder; tests that need a pristine server (rate limits, kill -9) start their
own with `server_factory`. The server's output goes to a log file whose tail is attached to
the report of every failing test.

Two database engines (see NOTES.md): SQLite, a file in each server's data folder (the default),
and PostgreSQL when PETITESALLE_TEST_POSTGRES is an admin URL and PETITESALLE_TEST_DATABASE is
"postgresql" (scripts/with-postgres.sh starts one): each data folder then gets a fresh database
of its own, given to the server with --database.
"""

import email
import email.policy
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import requests
import requests.adapters
import websocket

API = "/api/v1"
BIN = os.environ.get("PETITESALLE_BIN")
STARTUP_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
MAIL_TIMEOUT = 5.0
HTTP_TIMEOUT = 15.0

# "sqlite" or "postgresql": the database every Server of this run uses (pytest_configure checks it).
DATABASE_ENGINE = os.environ.get("PETITESALLE_TEST_DATABASE") or "sqlite"
POSTGRES_ADMIN_URL = os.environ.get("PETITESALLE_TEST_POSTGRES")

# Every server started by this process, so that none outlives the run and so that the log of
# the servers alive during a failing test can be attached to its report.
_ALL_SERVERS = []


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def at_once(calls):
    """Runs the calls in threads released together (a barrier), for races; their answers, in the
    calls' order. A call that raises makes at_once raise."""
    from concurrent.futures import ThreadPoolExecutor
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls, timeout=120))


def uid():
    return uuid.uuid4().hex[:10]


only_on_postgresql = pytest.mark.skipif(
    DATABASE_ENGINE != "postgresql", reason="PostgreSQL only: several nodes share one database")


def only_on_sqlite(why):
    """Marks a test about SQLite itself (its file, the backup command's copy): skipped on
    PostgreSQL, saying why."""
    return pytest.mark.skipif(DATABASE_ENGINE != "sqlite", reason=f"SQLite only: {why}")


@pytest.fixture(scope="session")
def database_engine():
    """The engine the servers of this run use: "sqlite" or "postgresql"."""
    return DATABASE_ENGINE


def pytest_configure(config):
    if DATABASE_ENGINE not in ("sqlite", "postgresql"):
        raise pytest.UsageError(
            f"PETITESALLE_TEST_DATABASE={DATABASE_ENGINE!r}: expected sqlite or postgresql")
    if DATABASE_ENGINE == "postgresql":
        if not POSTGRES_ADMIN_URL:
            raise pytest.UsageError(
                "PETITESALLE_TEST_DATABASE=postgresql needs PETITESALLE_TEST_POSTGRES, an admin "
                "URL (postgresql://postgres@127.0.0.1:PORT/postgres); scripts/with-postgres.sh "
                "sets it")
        if importlib.util.find_spec("psycopg2") is None:
            raise pytest.UsageError(
                "the PostgreSQL run needs psycopg2 (Debian's python3-psycopg2, for "
                "/usr/bin/python3)")


def pytest_report_header(config):
    if DATABASE_ENGINE == "postgresql":
        return (f"database: postgresql, a fresh database per data folder, "
                f"created through {POSTGRES_ADMIN_URL}")
    return "database: sqlite, petitesalle.db in each server's data folder"


# --------------------------------------------------------------------------------------------
# PostgreSQL: one database per data folder


# realpath of a data folder -> the name of its database. Keyed by folder, not by Server: a
# restart keeps its database as it keeps its folder, and two Servers on one folder share both.
_POSTGRES_DATABASES = {}


def _postgres_connect(url):
    import psycopg2
    con = psycopg2.connect(url, connect_timeout=10)
    con.autocommit = True
    return con


def _postgres_url(dbname):
    """The admin URL with another database name (user, host, port and options kept)."""
    parts = urlsplit(POSTGRES_ADMIN_URL)
    return urlunsplit(parts._replace(path="/" + dbname))


def _postgres_database_for(data_dir):
    key = os.path.realpath(data_dir)
    name = _POSTGRES_DATABASES.get(key)
    if name is None:
        from psycopg2 import sql
        name = f"ps_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        con = _postgres_connect(POSTGRES_ADMIN_URL)
        try:
            con.cursor().execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            con.close()
        _POSTGRES_DATABASES[key] = name
    return _postgres_url(name)


def _drop_postgres_databases():
    """Best effort: a database left behind goes with the throwaway cluster anyway.

    Several at once: each DROP DATABASE waits for a checkpoint, and concurrent drops share one
    (one after the other, the couple of hundred of a whole run took 40 s; 16 at once, 10 s)."""
    from concurrent.futures import ThreadPoolExecutor

    from psycopg2 import sql

    def drop(names):
        try:
            con = _postgres_connect(POSTGRES_ADMIN_URL)
        except Exception as e:
            return [f"could not drop {len(names)} test databases: {e}"]
        problems = []
        try:
            for name in names:
                try:
                    # FORCE: a server killed on purpose may leave a connection closing.
                    con.cursor().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                                         .format(sql.Identifier(name)))
                except Exception as e:
                    problems.append(f"could not drop database {name}: {e}")
        finally:
            con.close()
        return problems

    names = list(_POSTGRES_DATABASES.values())
    _POSTGRES_DATABASES.clear()
    workers = min(16, len(names))
    if not workers:
        return
    with ThreadPoolExecutor(workers) as pool:
        for problems in pool.map(drop, [names[i::workers] for i in range(workers)]):
            for p in problems:
                print(f"\n{p}")


def _sqlite_placeholders_to_psycopg2(statement):
    """Tests write sqlite3's `?` placeholders; psycopg2 wants `%s` (and `%%` for a `%`).
    A `?` inside a quoted string or identifier stays."""
    out, quote_char = [], None
    for ch in statement:
        if quote_char:
            if ch == quote_char:
                quote_char = None  # a doubled quote ('') closes and reopens: same result
        elif ch in ("'", '"'):
            quote_char = ch
        elif ch == "?":
            out.append("%s")
            continue
        out.append("%%" if ch == "%" else ch)
    return "".join(out)


def _sqlite_like_row(row):
    # bytea comes back as memoryview; sqlite3 gives bytes for a BLOB.
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


class _PostgresCursor:
    """The part of sqlite3.Cursor the tests use, over a psycopg2 cursor."""

    def __init__(self, cur):
        self._cur = cur

    @property
    def description(self):
        return self._cur.description

    @property
    def rowcount(self):
        return self._cur.rowcount

    def fetchall(self):
        # sqlite3 gives [] for a statement without rows; psycopg2 raises.
        if self._cur.description is None:
            return []
        return [_sqlite_like_row(r) for r in self._cur.fetchall()]

    def fetchone(self):
        if self._cur.description is None:
            return None
        row = self._cur.fetchone()
        return None if row is None else _sqlite_like_row(row)

    def __iter__(self):
        return iter(self.fetchall())


class _PostgresConnection:
    """What Server.db() gives on PostgreSQL: sqlite3.Connection's execute() with `?`
    placeholders, in autocommit (each statement commits, as the tests expect of `with con:`)."""

    def __init__(self, url):
        self._con = _postgres_connect(url)

    def execute(self, statement, params=()):
        cur = self._con.cursor()
        cur.execute(_sqlite_placeholders_to_psycopg2(statement), tuple(params))
        return _PostgresCursor(cur)

    def commit(self):
        pass

    def close(self):
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# --------------------------------------------------------------------------------------------
# The server process


class ServerError(Exception):
    pass


class Server:
    """One `petitesalle serve` process on 127.0.0.1 with its own data folder (and, on
    PostgreSQL, the database of that folder)."""

    def __init__(self, workdir, data_dir=None, extra_args=(), name="server", database_url=None,
                 sqlite=False):
        if not BIN:
            pytest.skip("PETITESALLE_BIN is not set")
        self.workdir = workdir
        self.data = data_dir or os.path.join(workdir, "data")
        os.makedirs(self.data, exist_ok=True)
        self.extra_args = list(extra_args)
        self.name = name
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.proc = None
        self.quiet = False  # True once stopped on purpose (its log no longer of interest)
        self.port = None
        self.url = None
        # database_url: another node's, for several nodes on one PostgreSQL database;
        # sqlite=True: DATA/petitesalle.db whatever the run's engine (copy-database's source).
        self.database_url = None if sqlite else (
            database_url or (_postgres_database_for(self.data)
                             if DATABASE_ENGINE == "postgresql" else None))
        _ALL_SERVERS.append(self)

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}{API}/stream"

    @property
    def db_path(self):
        """The SQLite file (there is none on PostgreSQL)."""
        return os.path.join(self.data, "petitesalle.db")

    @property
    def maildir(self):
        return os.path.join(self.data, "mail")

    def start(self, port=None):
        """Start on a free port (a new one unless given) and wait for /healthz."""
        self.port = port or free_port()
        self.quiet = False
        self.url = f"http://127.0.0.1:{self.port}"
        args = [
            BIN, "serve",
            "--listen", f"127.0.0.1:{self.port}",
            "--data", self.data,
            *(["--database", self.database_url] if self.database_url else []),
            *([] if "--public-url" in self.extra_args else ["--public-url", self.url]),
            "--fast-password-hashing",
            *self.extra_args,
        ]
        log = open(self.log_path, "ab")
        log.write(f"\n=== start: {' '.join(args)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=self.workdir,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(
                    f"server exited with {self.proc.returncode} during start-up:\n{self.tail()}")
            try:
                r = requests.get(self.url + "/healthz", timeout=1)
                if r.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.kill()
        raise ServerError(f"/healthz did not answer 200 within {STARTUP_TIMEOUT} s:\n{self.tail()}")

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM and wait. Returns the exit code, or None if it had to be killed."""
        if self.proc is None:
            return 0
        self.quiet = True
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def kill(self):
        """SIGKILL, as a power cut would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def tail(self, n=60):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])

    # -- helpers that look behind the API ---------------------------------------------------

    def db(self):
        """A connection to this server's database, on either engine: execute(statement, params)
        with sqlite3's `?` placeholders, rows as tuples."""
        if self.database_url:
            return _PostgresConnection(self.database_url)
        return sqlite3.connect(self.db_path, timeout=10)

    def sql(self, statement, params=()):
        """Runs one statement (`?` placeholders) and commits; the rows as a list of tuples."""
        con = self.db()
        try:
            with con:
                cur = con.execute(statement, params)
                return cur.fetchall()
        finally:
            con.close()

    def tables(self):
        """The names of the tables of this server's database, on either engine."""
        if self.database_url:
            query = ("SELECT tablename FROM pg_catalog.pg_tables "
                     "WHERE schemaname = ANY (current_schemas(false))")
        else:
            query = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        return [row[0] for row in self.sql(query)]

    def session(self, **kw):
        return Client(self, **kw)


def _stop_all():
    for s in _ALL_SERVERS:
        if s.alive:
            s.kill()


@pytest.fixture(scope="session", autouse=True)
def _no_server_left_behind():
    yield
    _stop_all()
    _drop_postgres_databases()


@pytest.fixture(scope="module")
def module_workdir():
    d = tempfile.mkdtemp(prefix="ps-it-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def _start_checked_stop(srv):
    rc = srv.stop()
    assert rc == 0, (
        f"server did not exit cleanly on SIGTERM within {STOP_TIMEOUT} s "
        f"(exit code {rc}; None: still running, killed):\n{srv.tail(15)}")


@pytest.fixture(scope="module")
def server(module_workdir):
    """One server for the whole module; at teardown it must exit 0 on SIGTERM within 5 s."""
    srv = Server(module_workdir).start()
    yield srv
    _start_checked_stop(srv)


@pytest.fixture
def server_factory(tmp_path):
    """Start extra servers for one test: server_factory(extra_args=[...], data_dir=...)."""
    started = []

    def make(extra_args=(), data_dir=None, name=None, start=True):
        workdir = str(tmp_path / (name or f"srv{len(started)}"))
        os.makedirs(workdir, exist_ok=True)
        srv = Server(workdir, data_dir=data_dir, extra_args=extra_args,
                     name=name or f"srv{len(started)}")
        started.append(srv)
        if start:
            srv.start()
        return srv

    yield make
    for srv in started:
        if srv.alive:
            srv.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    # The servers running now, and any that died unexpectedly and were not shown yet.
    for srv in _ALL_SERVERS:
        if srv.proc is None or srv.quiet:
            continue
        report.sections.append((f"server log tail ({srv.name}: {srv.log_path})", srv.tail()))
        if not srv.alive:
            srv.quiet = True


# --------------------------------------------------------------------------------------------
# HTTP clients


class Client(requests.Session):
    """A requests.Session bound to one server. Paths start with "/" (e.g. "/api/v1/me").

    It sends `X-Requested-With: petitesalle` by default, as the web app does, so that cookie
    DELETEs without a body pass the CSRF rule; CSRF tests remove it explicitly.
    """

    def __init__(self, server, accept_language="en", token=None, csrf_header=True):
        super().__init__()
        self.server = server
        self.headers["Accept-Language"] = accept_language
        if csrf_header:
            self.headers["X-Requested-With"] = "petitesalle"
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.account = None
        self.email = None
        self.password = None

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.server.url + url
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, *args, **kwargs)

    @property
    def id(self):
        return self.account["id"]

    @property
    def cookie(self):
        return self.cookies.get("ps_session")

    # Convenience wrappers that assert the happy path and return the JSON object.

    def create_community(self, name=None, **fields):
        body = {"name": name or f"Communauté {uid()}"}
        body.setdefault("slug", f"c-{uid()}")
        body.update(fields)
        r = self.post(f"{API}/communities", json=body)
        assert r.status_code == 201, r.text
        return r.json()["community"]

    def invite(self, slug, **fields):
        r = self.post(f"{API}/communities/{slug}/invitations", json=fields)
        assert r.status_code == 201, r.text
        return r.json()["invitation"]

    def accept(self, code):
        r = self.post(f"{API}/invitations/{code}/accept", json={})
        assert r.status_code in (200, 201), r.text
        return r.json()["membership"]

    def create_channel(self, slug, name=None):
        r = self.post(f"{API}/communities/{slug}/channels",
                      json={"name": name or f"ch-{uid()}", "kind": "chat"})
        assert r.status_code == 201, r.text
        return r.json()["channel"]

    def post_message(self, channel_id, body, **fields):
        r = self.post(f"{API}/channels/{channel_id}/messages", json={"body": body, **fields})
        assert r.status_code == 201, r.text
        return r.json()["message"]

    def history(self, channel_id, **params):
        r = self.get(f"{API}/channels/{channel_id}/messages", params=params)
        assert r.status_code == 200, r.text
        return r.json()["messages"]

    def all_messages(self, channel_id):
        """Every message of a channel, oldest first, paging forwards with after/limit."""
        out, after = [], 0
        while True:
            page = self.history(channel_id, after=after, limit=200)
            if not page:
                return out
            out.extend(page)
            after = page[-1]["seq"]

    def channels(self, slug):
        r = self.get(f"{API}/communities/{slug}/channels")
        assert r.status_code == 200, r.text
        return r.json()["channels"]

    def members(self, slug):
        r = self.get(f"{API}/communities/{slug}/members")
        assert r.status_code == 200, r.text
        return r.json()["members"]

    def new_token(self, name=None):
        r = self.post(f"{API}/tokens", json={"name": name or f"tok-{uid()}"})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def ws(self, **kw):
        return WS.connect(self.server, cookie=self.cookie, **kw)


class _SourceAddressAdapter(requests.adapters.HTTPAdapter):
    """Connects from a chosen local address (Linux routes all of 127.0.0.0/8 to lo)."""

    def __init__(self, source_ip, **kw):
        self.source_ip = source_ip
        super().__init__(**kw)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        pool_kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)


def from_address(client, source_ip):
    """Makes `client` connect from `source_ip` (e.g. "127.0.0.2"), as a person on another
    network would reach the server; returns the client."""
    client.mount("http://", _SourceAddressAdapter(source_ip))
    return client


def unique_email(prefix="user"):
    return f"{prefix}-{uid()}@example.com"


PASSWORD = "correct horse battery"


def signup(server, locale="en", display_name=None, email_addr=None, accept_language=None):
    c = Client(server, accept_language=accept_language or locale)
    body = {
        "email": email_addr or unique_email(),
        "password": PASSWORD,
        "display_name": display_name or f"Person {uid()}",
        "locale": locale,
    }
    r = c.post(f"{API}/accounts", json=body)
    assert r.status_code == 201, f"sign-up failed: {r.status_code} {r.text}"
    assert c.cookie, "sign-up did not set the ps_session cookie"
    c.account = r.json()["account"]
    c.email = body["email"].lower()
    c.password = PASSWORD
    return c


@pytest.fixture
def make_user(server):
    """make_user(locale="en", display_name=None) -> a signed-in Client with a unique email."""
    def make(**kw):
        return signup(server, **kw)
    return make


@pytest.fixture
def community(make_user):
    """An owner with a community and a chat channel, plus a member who joined by invitation."""
    owner = make_user(display_name="Owner")
    com = owner.create_community()
    chan = owner.create_channel(com["slug"], "general")
    member = make_user(display_name="Member")
    inv = owner.invite(com["slug"])
    member.accept(inv["code"])
    return Community(owner, member, com, chan)


class Community:
    def __init__(self, owner, member, community, channel):
        self.owner = owner
        self.member = member
        self.community = community
        self.slug = community["slug"]
        self.channel = channel
        self.channel_id = channel["id"]

    def add_member(self, make_user, **kw):
        c = make_user(**kw)
        inv = self.owner.invite(self.slug)
        c.accept(inv["code"])
        return c


# --------------------------------------------------------------------------------------------
# Assertions


def assert_error(resp, status, code=None, field=None):
    """The response is the documented error: status, JSON {"error": {"code", "message"}}."""
    assert resp.status_code == status, (
        f"expected {status} {code or ''}, got {resp.status_code}: {resp.text[:500]}")
    ctype = resp.headers.get("Content-Type", "")
    assert "application/json" in ctype, f"error Content-Type is {ctype!r}: {resp.text[:300]}"
    try:
        body = resp.json()
    except ValueError:
        pytest.fail(f"error body is not JSON: {resp.text[:300]}")
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), body
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"], body
    assert isinstance(err.get("message"), str) and err["message"].strip(), body
    if code is not None:
        assert err["code"] == code, f"expected code {code!r}, got {err['code']!r}: {body}"
    if field is not None:
        assert err.get("field") == field, f"expected field {field!r}: {body}"
    return err


def emoji_path(emoji):
    return quote(emoji, safe="")


# --------------------------------------------------------------------------------------------
# Mail


def read_maildir(maildir):
    """All messages in a maildir (new/ and cur/), parsed, oldest file first."""
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            p = os.path.join(d, name)
            try:
                with open(p, "rb") as f:
                    msg = email.message_from_binary_file(f, policy=email.policy.default)
            except OSError:
                continue
            out.append((os.path.getmtime(p), msg))
    out.sort(key=lambda t: t[0])
    return [m for _, m in out]


def mail_text(msg):
    part = msg.get_body(("plain",))
    assert part is not None, f"email has no text/plain part: {msg}"
    return part.get_content()


def wait_for_mail(maildir, to, timeout=MAIL_TIMEOUT, count=1):
    """Wait until `count` emails to `to` are in the maildir; return them."""
    deadline = time.monotonic() + timeout
    found = []
    while time.monotonic() < deadline:
        found = [m for m in read_maildir(maildir) if to.lower() in str(m.get("To", "")).lower()]
        if len(found) >= count:
            return found
        time.sleep(0.1)
    pytest.fail(f"no email to {to} within {timeout} s in {maildir} (found {len(found)})")


def login_token_from(msg, public_url):
    text = mail_text(msg)
    m = re.search(re.escape(public_url) + r"/login/([A-Za-z0-9_-]+)", text)
    assert m, f"no {public_url}/login/<token> link in the email:\n{text}"
    return m.group(1)


# --------------------------------------------------------------------------------------------
# WebSocket


class WS:
    """A websocket-client connection with JSON helpers and timeouts."""

    def __init__(self, conn):
        self.conn = conn
        self.seen = []

    @classmethod
    def connect(cls, server, cookie=None, token=None, origin=None, suppress_origin=False,
                timeout=5, **options):
        headers = []
        if token:
            headers.append(f"Authorization: Bearer {token}")
        kw = {}
        if origin is not None:
            kw["origin"] = origin
        conn = websocket.create_connection(
            server.ws_url, timeout=timeout, header=headers,
            cookie=f"ps_session={cookie}" if cookie else None,
            suppress_origin=suppress_origin, **kw, **options)
        return cls(conn)

    def send(self, obj):
        self.conn.send(obj if isinstance(obj, str) else json.dumps(obj))

    def recv(self, timeout=5.0):
        """The next JSON frame, or None on timeout."""
        self.conn.settimeout(timeout)
        try:
            raw = self.conn.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if raw in (None, "", b""):
            raise websocket.WebSocketConnectionClosedException("closed")
        ev = json.loads(raw)
        self.seen.append(ev)
        return ev

    def wait_for(self, pred, timeout=5.0, what="event"):
        """Read frames until one matches pred (a type string or a function); return it."""
        if isinstance(pred, str):
            t = pred
            pred = lambda e: e.get("type") == t  # noqa: E731
        deadline = time.monotonic() + timeout
        skipped = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {what} within {timeout} s; received: {skipped}")
            ev = self.recv(timeout=left)
            if ev is None:
                continue
            if pred(ev):
                return ev
            skipped.append(ev)

    def collect(self, duration):
        """Every frame received during `duration` seconds."""
        out = []
        deadline = time.monotonic() + duration
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return out
            try:
                ev = self.recv(timeout=left)
            except websocket.WebSocketConnectionClosedException:
                return out
            if ev is not None:
                out.append(ev)

    def close(self):
        try:
            self.conn.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def ws_status_of_refused(server, **kw):
    """Try to open the stream; return the HTTP status of the refused upgrade (or 101)."""
    try:
        c = WS.connect(server, **kw)
    except websocket.WebSocketBadStatusException as e:
        return e.status_code
    c.close()
    return 101


def run_threads(targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return threads


class SteadyPoster(threading.Thread):
    """Posts to one channel until stopped, each post with a client_id of its own, and after a 5xx
    or a lost connection tries the same client_id again (as the web app does). What came back is
    kept for the test to assert in its own thread (a failure raised in this one would be lost)."""

    def __init__(self, client, channel_id, prefix, pause=0.0, timeout=5):
        super().__init__(daemon=True)
        self.client, self.channel_id, self.prefix = client, channel_id, prefix
        self.pause, self.timeout = pause, timeout
        self.acknowledged = []  # ids of the posts answered 201
        self.refused = []       # (status, body) of the 5xx answers
        self.lost = []          # the connections that failed
        self.unexpected = []    # (status, body) of anything else
        self._halt = threading.Event()

    def run(self):
        i = 0
        while not self._halt.is_set():
            try:
                r = self.client.post(f"{API}/channels/{self.channel_id}/messages",
                                     json={"body": f"n° {i}", "client_id": f"{self.prefix}-{i}"},
                                     timeout=self.timeout)
            except requests.RequestException as e:
                self.lost.append(repr(e))
                continue
            if r.status_code == 201:
                self.acknowledged.append(r.json()["message"]["id"])
                i += 1
            elif r.status_code >= 500:
                self.refused.append((r.status_code, r.text))
                time.sleep(0.05)
            else:
                self.unexpected.append((r.status_code, r.text[:300]))
                time.sleep(0.05)
            if self.pause:
                time.sleep(self.pause)

    def finish(self, timeout=30):
        self._halt.set()
        self.join(timeout=timeout)
        assert not self.is_alive(), "the poster did not stop"
