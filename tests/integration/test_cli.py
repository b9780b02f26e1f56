"""The command line, and what an operator watches: --version, --help, backup of a live server,
a clean exit on SIGTERM, /healthz and /metrics."""

import re
import sqlite3
import subprocess
import time

import pytest

from conftest import API, BIN, Client, only_on_sqlite, signup

pytestmark = pytest.mark.skipif(not BIN, reason="PETITESALLE_BIN is not set")


def run(*args, timeout=20):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_version():
    r = run("--version")
    assert r.returncode == 0, r.stderr
    assert re.search(r"\d+\.\d+", r.stdout), r.stdout


@pytest.mark.parametrize("cmd", [["serve", "--help"], ["backup", "--help"], ["--help"]])
def test_help(cmd):
    r = run(*cmd)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip(), "help prints something"


def test_serve_help_mentions_its_options():
    out = run("serve", "--help").stdout
    for opt in ("--listen", "--data", "--public-url"):
        assert opt in out, f"{opt} missing from serve --help"


def test_unknown_command_fails():
    r = run("no-such-command")
    assert r.returncode != 0


def test_healthz(server, database_engine):
    r = Client(server).get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok",
                        "database": {"engine": database_engine, "answers": True}}


def test_openapi_document_is_served(server):
    r = Client(server).get(f"{API}/openapi.json")
    assert r.status_code == 200, r.text[:200]
    doc = r.json()
    assert str(doc.get("openapi", "")).startswith("3"), list(doc)[:10]
    paths = doc.get("paths", {})
    for p in ("/api/v1/accounts", "/api/v1/channels/{id}/messages", "/api/v1/stream"):
        assert p in paths or p.removeprefix("/api/v1") in paths, sorted(paths)[:40]


def _metric(text, name):
    """Sum of every sample of a metric (all label sets)."""
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(rf"^{re.escape(name)}(\{{[^}}]*\}})?\s+([0-9.eE+-]+)", line)
        if m:
            found = True
            total += float(m.group(2))
    assert found, f"{name} not in /metrics:\n{text[:2000]}"
    return total


def test_metrics(server):
    user = signup(server)
    slug = user.create_community()["slug"]
    ch = user.create_channel(slug)["id"]
    r = Client(server).get("/metrics")
    assert r.status_code == 200
    assert r.headers.get("Content-Type", "").startswith("text/plain"), r.headers
    text = r.text
    for name in ("petitesalle_http_requests_total", "petitesalle_ws_connections",
                 "petitesalle_messages_total", "petitesalle_outbox_pending"):
        _metric(text, name)

    before = _metric(text, "petitesalle_messages_total")
    commits_before = _metric(text, "petitesalle_db_commits_total")
    writes_before = _metric(text, "petitesalle_db_writes_total")
    user.post_message(ch, "compte-moi")
    text = Client(server).get("/metrics").text
    after = _metric(text, "petitesalle_messages_total")
    assert after >= before + 1
    # The post was one write, in a commit of its own or shared with others.
    assert _metric(text, "petitesalle_db_writes_total") >= writes_before + 1
    assert _metric(text, "petitesalle_db_commits_total") >= commits_before + 1
    assert _metric(text, "petitesalle_db_writes_total") >= _metric(text, "petitesalle_db_commits_total")

    base = _metric(Client(server).get("/metrics").text, "petitesalle_ws_connections")
    with user.ws() as ws:
        ws.wait_for("hello")
        deadline = time.monotonic() + 2
        while True:
            now = _metric(Client(server).get("/metrics").text, "petitesalle_ws_connections")
            if now == base + 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert now == base + 1, (base, now)


# On PostgreSQL a backup is a dump of the database server, not this command's file.
sqlite_backup = only_on_sqlite(
    "it checks the SQLite file that `backup` writes (integrity_check, a server started on it)")


@sqlite_backup
def test_backup_of_a_live_server(server, tmp_path):
    user = signup(server)
    slug = user.create_community()["slug"]
    ch = user.create_channel(slug)["id"]
    bodies = [f"sauvegarde {i}" for i in range(5)]
    for b in bodies:
        user.post_message(ch, b)
    out = tmp_path / "backup.db"
    r = run("backup", "--data", server.data, str(out))
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert out.exists() and out.stat().st_size > 0
    con = sqlite3.connect(str(out), timeout=10)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # the schema is the server's business: look for the bodies in every text cell
        stored = set()
        tables = [row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        for t in tables:
            try:
                rows = con.execute(f'SELECT * FROM "{t}"').fetchall()
            except sqlite3.Error:
                continue  # e.g. a virtual table whose module this sqlite3 lacks
            for row in rows:
                stored.update(v for v in row if isinstance(v, str))
    finally:
        con.close()
    assert set(bodies) <= stored
    # the server is still serving
    assert user.get(f"{API}/me").status_code == 200


@sqlite_backup
def test_backup_serves_a_restart(server_factory, tmp_path):
    """A backup file is a working data folder's database: a server started on it has the data."""
    srv = server_factory(name="to-backup")
    user = signup(srv)
    slug = user.create_community()["slug"]
    ch = user.create_channel(slug)["id"]
    m = user.post_message(ch, "dans la copie")
    restored = tmp_path / "restored"
    restored.mkdir()
    r = run("backup", "--data", srv.data, str(restored / "petitesalle.db"))
    assert r.returncode == 0, (r.stdout, r.stderr)
    other = server_factory(name="from-backup", data_dir=str(restored))
    again = Client(other)
    assert again.post(f"{API}/sessions", json={"email": user.email,
                                                "password": user.password}).status_code == 200
    assert [x["id"] for x in again.history(ch)] == [m["id"]]


def test_sigterm_exits_cleanly(server_factory):
    srv = server_factory(name="sigterm")
    user = signup(srv)
    with user.ws() as ws:
        ws.wait_for("hello")
        rc = srv.stop(timeout=5)  # with a live WebSocket open
    assert rc == 0, f"exit code {rc} (None: still running after 5 s)\n{srv.tail(15)}"


@sqlite_backup
def test_backup_while_messages_are_being_posted(server, tmp_path):
    """The online backup of a server under writes is a consistent database."""
    import threading
    user = signup(server)
    slug = user.create_community()["slug"]
    ch = user.create_channel(slug)["id"]
    poster = Client(server, token=user.new_token(), csrf_header=False)
    stop = threading.Event()
    acked = []

    def post():
        i = 0
        while not stop.is_set():
            r = poster.post(f"{API}/channels/{ch}/messages", json={"body": f"pendant {i}"})
            if r.status_code == 201:
                acked.append(r.json()["message"]["body"])
            i += 1

    t = threading.Thread(target=post)
    t.start()
    try:
        time.sleep(0.2)
        before = set(acked)
        out = tmp_path / "hot.db"
        r = run("backup", "--data", server.data, str(out))
    finally:
        stop.set()
        t.join(30)
    assert r.returncode == 0, (r.stdout, r.stderr)
    con = sqlite3.connect(str(out), timeout=10)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = set()
        for (name,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"):
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.Error:
                continue
            for row in rows:
                stored.update(v for v in row if isinstance(v, str))
    finally:
        con.close()
    assert before, "nothing was posted before the backup started"
    assert before <= stored, f"{len(before - stored)} messages acknowledged before the backup are missing"


def _log(srv):
    with open(srv.log_path, encoding="utf-8", errors="replace") as f:
        return f.read()


def test_request_lines_are_written_within_a_second_and_all_by_shutdown(server_factory):
    """Log lines are written in batches: one line per request, structured, on disk at least once
    a second while the server runs, and every last one by the time it has stopped."""
    srv = server_factory()
    Client(srv).get("/healthz?first")
    deadline = time.monotonic() + 3
    while "path=/healthz status=200" not in _log(srv) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert re.search(r"request method=GET path=/healthz status=200 duration_ms=[\d.]+ remote=127\.0\.0\.1",
                     _log(srv)), _log(srv)[-2000:]
    for _ in range(50):
        Client(srv).get("/api/v1/nowhere")
    assert srv.stop() == 0
    text = _log(srv)
    assert text.count("path=/api/v1/nowhere status=404") == 50, text[-2000:]
    assert "stopped" in text.splitlines()[-1]
