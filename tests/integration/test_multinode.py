"""Several nodes on one PostgreSQL behind HAProxy (issue 11, "Several nodes").

Two `petitesalle serve` processes share one database; Debian's haproxy, started here on
loopback, spreads requests and streams over them as an operator's load balancer would. The
nodes learn of each other's changes only through PostgreSQL (LISTEN/NOTIFY and the event log).
"""
import os
import shutil
import signal
import subprocess
import time

import pytest
import requests

from conftest import (API, Client, Server, SteadyPoster, WS, at_once, free_port,
                      only_on_postgresql, signup)

pytestmark = only_on_postgresql

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


class Front:
    """What clients talk to: HAProxy in front of the nodes."""

    def __init__(self, port):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}{API}/stream"


def _haproxy_config(front_port, nodes):
    servers = "\n".join(
        f"    server {n.name} 127.0.0.1:{n.port} check inter 200ms fall 2 rise 1"
        for n in nodes)
    return f"""
global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    option redispatch
    retries 3
frontend front
    bind 127.0.0.1:{front_port}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /healthz
{servers}
"""


@pytest.fixture
def cluster(tmp_path):
    front_port = free_port()
    public = ["--public-url", f"http://127.0.0.1:{front_port}"]
    a = Server(str(tmp_path / "a"), name="node-a", extra_args=public)
    os.makedirs(a.workdir, exist_ok=True)
    a.start()
    b = Server(str(tmp_path / "b"), name="node-b", extra_args=public,
               database_url=a.database_url)
    os.makedirs(b.workdir, exist_ok=True)
    b.start()
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(_haproxy_config(front_port, [a, b]))
    log = open(tmp_path / "haproxy.log", "wb")
    proxy = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=log,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    front = Front(front_port)
    deadline = time.monotonic() + 10
    while True:
        try:
            if requests.get(front.url + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, (tmp_path / "haproxy.log").read_text()
        time.sleep(0.05)
    yield a, b, front
    proxy.send_signal(signal.SIGTERM)
    proxy.wait(timeout=10)
    log.close()
    for node in (a, b):
        if node.alive:
            node.stop()


def _created(channel_id):
    return lambda e: e.get("type") == "message.created" and e.get("channel_id") == channel_id


def _on(node, client):
    """The same account, talking to one node directly."""
    other = Client(node)
    other.cookies.update(client.cookies)
    other.account = client.account
    return other


def _community_over_two_nodes(a, b):
    owner = signup(a, display_name="Hôte")
    com = owner.create_community()
    chan = owner.create_channel(com["slug"], "général")
    guest = signup(b, display_name="Invitée")
    guest.accept(owner.invite(com["slug"])["code"])
    return owner, guest, com, chan["id"]


def test_a_post_through_one_node_reaches_members_on_the_other_live_and_in_order(cluster):
    a, b, front = cluster
    owner, guest, com, channel_id = _community_over_two_nodes(a, b)
    with guest.ws(origin=front.url) as on_b, owner.ws(origin=front.url) as on_a:
        on_b.wait_for("hello")
        on_a.wait_for("hello")
        # Both nodes write the one log at once: each member sees every post, once, in order.
        posted = []
        for i in range(10):
            posted.append(owner.post_message(channel_id, f"de A {i}"))
            posted.append(_on(b, owner).post_message(channel_id, f"de B {i}"))
        for ws in (on_b, on_a):
            got = [ws.wait_for(_created(channel_id), what=f"post {i}")["message"]["id"]
                   for i in range(len(posted))]
            assert got == [m["id"] for m in sorted(posted, key=lambda m: m["seq"])]
        seqs = [m["seq"] for m in sorted(posted, key=lambda m: m["seq"])]
        assert seqs == list(range(1, 21)), "gapless, whichever node took the number"
        # Nothing doubled.
        extra = on_b.collect(0.5)
        assert not [e for e in extra if e.get("type") == "message.created"], extra
    # Each node timed the other's announcements: /metrics has their lag as a summary.
    for node in (a, b):
        metrics = requests.get(f"http://127.0.0.1:{node.port}/metrics", timeout=5).text
        lag = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines()
               if line.startswith("petitesalle_db_notification_lag_ms")}
        assert lag["petitesalle_db_notification_lag_ms_count"] >= 10, metrics
        assert 0 <= lag['petitesalle_db_notification_lag_ms{quantile="0.5"}'] \
            <= lag['petitesalle_db_notification_lag_ms{quantile="0.99"}'], lag


def test_a_retried_client_id_on_the_other_node_returns_the_first_message(cluster):
    a, b, _ = cluster
    owner, _, _, channel_id = _community_over_two_nodes(a, b)
    first = owner.post_message(channel_id, "une fois", client_id="retry-1")
    again = _on(b, owner).post_message(channel_id, "une fois", client_id="retry-1")
    assert again["id"] == first["id"]
    assert len(owner.all_messages(channel_id)) == 1


def test_removing_a_member_cuts_their_streams_on_every_node(cluster):
    a, b, front = cluster
    owner, guest, com, channel_id = _community_over_two_nodes(a, b)
    with guest.ws(origin=front.url) as on_b:
        on_b.wait_for("hello")
        r = owner.delete(f"{API}/communities/{com['slug']}/members/{guest.id}")
        assert r.status_code in (200, 204), r.text
        on_b.wait_for(lambda e: e.get("type") == "member.removed", what="member.removed")
        # Then the stream is closed with 4403 (access changed) by node B.
        deadline = time.monotonic() + 5
        closed = False
        while time.monotonic() < deadline and not closed:
            try:
                if on_b.recv(timeout=0.5) is None:
                    continue
            except Exception:
                closed = True
        assert closed, "node B kept the removed member's stream open"


def test_logging_out_on_one_node_ends_the_stream_on_the_other(cluster):
    a, b, front = cluster
    owner, guest, _, _ = _community_over_two_nodes(a, b)
    with guest.ws(origin=front.url) as on_b:
        on_b.wait_for("hello")
        assert _on(a, guest).delete(f"{API}/sessions/current").status_code in (200, 204)
        deadline = time.monotonic() + 5
        closed = False
        while time.monotonic() < deadline and not closed:
            try:
                on_b.recv(timeout=0.5)
            except Exception:
                closed = True
        assert closed, "the session's stream on node B outlived the log-out on node A"


def test_concurrent_joins_through_both_nodes_get_distinct_consecutive_numbers(cluster):
    a, b, _ = cluster
    owner = signup(a, display_name="Hôte")
    slug = owner.create_community()["slug"]
    code = owner.invite(slug)["code"]
    last_place = owner.invite(slug, max_uses=1)["code"]
    joiners = [signup(a if i % 2 else b) for i in range(12)]
    answers = at_once([lambda j=j: j.post(f"{API}/invitations/{code}/accept", json={})
                        for j in joiners])
    assert [r.status_code for r in answers] == [201] * 12, [r.text for r in answers]
    numbers = sorted(r.json()["membership"]["member_number"] for r in answers)
    assert numbers == list(range(2, 14)), "a number taken twice, or one skipped, across nodes"
    # The last use of an invitation is given once, whichever node each joiner asked.
    late = [signup(a if i % 2 else b) for i in range(6)]
    answers = at_once([lambda j=j: j.post(f"{API}/invitations/{last_place}/accept", json={})
                        for j in late])
    assert sorted(r.status_code for r in answers) == [201] + [410] * 5, [r.text for r in answers]
    assert [m["member_number"] for m in owner.members(slug)] == list(range(1, 15))


def _refused_soon(client, within=1.0):
    """Whether `client` is refused (401) within `within` seconds: well inside the 5 s a node
    keeps what it read of a credential, so only the ending's announcement can explain it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if client.get(f"{API}/me").status_code == 401:
            return True
        time.sleep(0.02)
    return False


def test_an_ended_session_or_token_is_refused_at_once_by_the_other_node(cluster):
    a, b, _ = cluster
    owner, _, _, _ = _community_over_two_nodes(a, b)
    token = owner.new_token("le script")
    token_id = owner.get(f"{API}/tokens").json()["tokens"][0]["id"]
    by_token_on_b = Client(b, token=token)
    on_b = _on(b, owner)
    # Node B reads both credentials and keeps them for a few seconds.
    assert on_b.get(f"{API}/me").status_code == 200
    assert by_token_on_b.get(f"{API}/me").status_code == 200
    assert owner.delete(f"{API}/tokens/{token_id}").status_code == 204  # through node A
    assert _refused_soon(by_token_on_b), "node B still took a token revoked on node A"
    assert on_b.get(f"{API}/me").status_code == 200  # the session is not the token
    assert owner.delete(f"{API}/sessions/current").status_code in (200, 204)
    assert _refused_soon(on_b), "node B still took a session ended on node A"


def test_a_node_killed_mid_stream_loses_no_acknowledged_message(cluster):
    """kill -9 one node while posts flow through HAProxy: its clients reconnect through HAProxy to
    the other node and resume; every acknowledged message is there exactly once, in order."""
    a, b, front = cluster
    owner, guest, com, channel_id = _community_over_two_nodes(a, b)
    poster = Client(front)
    poster.cookies.update(owner.cookies)
    reader = Client(front)
    reader.cookies.update(guest.cookies)

    seen = []
    ws = WS.connect(front, cookie=reader.cookies.get("ps_session"), origin=front.url)
    ws.wait_for("hello")
    last_pos = {}

    def note(e):
        if e.get("pos"):
            last_pos[str(e["community_id"])] = e["pos"]
        if e.get("type") == "message.created" and e.get("channel_id") == channel_id:
            seen.append(e["message"]["id"])

    writer = SteadyPoster(poster, channel_id, "c")
    writer.start()
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            e = ws.recv(timeout=0.2)
            if e:
                note(e)
        a.kill()  # kill -9 in the middle of the posts
        # The stream that went through A (or B) reconnects through HAProxy and resumes.
        reconnect_deadline = time.monotonic() + 6
        while time.monotonic() < reconnect_deadline:
            try:
                e = ws.recv(timeout=0.2)
                if e:
                    note(e)
            except Exception:
                ws = WS.connect(front, cookie=reader.cookies.get("ps_session"), origin=front.url)
                ws.wait_for("hello")
                ws.send({"type": "resume", "communities": last_pos})
        time.sleep(1)
    finally:
        writer.finish()
    # Drain what is still coming.
    for e in ws.collect(1.5):
        note(e)
    ws.close()
    assert not writer.unexpected, writer.unexpected[:5]
    acknowledged = writer.acknowledged
    assert len(acknowledged) > 20, "posts went on through the surviving node"
    stored = [m["id"] for m in _on(b, owner).all_messages(channel_id)]
    assert len(stored) == len(set(stored)), "nothing stored twice"
    assert set(acknowledged) <= set(stored), "every acknowledged message was kept"
    assert len(seen) == len(set(seen)), "nothing delivered twice to the reader"
    assert set(acknowledged) <= set(seen), "the reader got every acknowledged message"
    order = {m: i for i, m in enumerate(stored)}
    assert [order[m] for m in seen if m in order] == sorted(order[m] for m in seen if m in order)


def test_the_log_in_limit_holds_across_nodes(cluster):
    """A guesser whose attempts a balancer spreads over the nodes meets the same limit: ten
    failures per email and address in all, not ten per node."""
    a, b, _ = cluster
    user = signup(a)
    for i in range(10):
        node = (a, b)[i % 2]
        r = Client(node).post(f"{API}/sessions", json={"email": user.email,
                                                       "password": f"faux {i}"})
        assert r.status_code == 401, r.text
    for node in (a, b):
        r = Client(node).post(f"{API}/sessions", json={"email": user.email,
                                                       "password": "encore faux"})
        assert r.status_code == 429, f"{node.name}: {r.status_code} {r.text}"
        assert r.json()["error"]["code"] == "rate_limited"
        assert r.headers.get("Retry-After", "").isdigit()
