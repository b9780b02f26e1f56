"""kill -9 in the middle of a stream of posts: every acknowledged message survives, with its seq.

Posters send messages one after another as fast as they can and record every 201; the test
sends SIGKILL to the server while they post, restarts it on the same data folder and reads
every channel back.
"""

import threading
import time

import requests

from conftest import API, WS, Client, signup, uid


def _setup(srv, n_posters):
    owner = signup(srv)
    slug = owner.create_community()["slug"]
    channels = [owner.create_channel(slug)["id"] for _ in range(2)]
    posters = [owner]
    for _ in range(n_posters - 1):
        p = signup(srv)
        p.accept(owner.invite(slug)["code"])
        posters.append(p)
    return owner, slug, channels, posters


class Poster(threading.Thread):
    """Posts to one channel until told to stop or the server goes away; keeps every 201."""

    def __init__(self, server, token, channel_id, name):
        super().__init__(daemon=True)
        self.client = Client(server, token=token, csrf_header=False)
        self.channel_id = channel_id
        self.tag = name
        self.acked = []        # (id, seq, channel_id, body)
        self.errors = []
        self.stop = threading.Event()

    def run(self):
        i = 0
        while not self.stop.is_set():
            body = f"{self.tag} #{i}"
            try:
                r = self.client.post(f"{API}/channels/{self.channel_id}/messages",
                                     json={"body": body, "client_id": f"{self.tag}-{i}"},
                                     timeout=5)
            except requests.RequestException:
                return  # the server is gone: this message was never acknowledged
            if r.status_code != 201:
                self.errors.append((r.status_code, r.text[:200]))
                return
            m = r.json()["message"]
            self.acked.append((m["id"], m["seq"], m["channel_id"], m["body"]))
            i += 1


def _run_and_kill(srv, posters_spec, min_acks=60, max_wait=8.0):
    run = uid()  # fresh client_ids on every run: a reused one would return the first message
    threads = [Poster(srv, token, ch, f"{name}-{run}") for token, ch, name in posters_spec]
    for t in threads:
        t.start()
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline and sum(len(t.acked) for t in threads) < min_acks:
        time.sleep(0.01)
    srv.kill()  # SIGKILL mid-stream: the posters are still sending
    for t in threads:
        t.stop.set()
        t.join(10)
    for t in threads:
        assert not t.errors, f"{t.tag}: unexpected answers before the kill: {t.errors}"
    acked = [a for t in threads for a in t.acked]
    assert acked, f"no message acknowledged before the kill:\n{srv.tail()}"
    return acked


def _check_survivors(srv, reader, acked, channels):
    for ch in channels:
        history = reader.all_messages(ch)
        seqs = [m["seq"] for m in history]
        assert len(seqs) == len(set(seqs)), f"channel {ch}: duplicate seqs after restart"
        assert seqs == sorted(seqs), f"channel {ch}: history not in seq order"
        ids = [m["id"] for m in history]
        assert len(ids) == len(set(ids)), f"channel {ch}: duplicate ids"
        by_id = {m["id"]: m for m in history}
        mine = [a for a in acked if a[2] == ch]
        ack_seqs = [a[1] for a in mine]
        assert len(ack_seqs) == len(set(ack_seqs)), \
            f"channel {ch}: two acknowledged messages got the same seq"
        lost = [a for a in mine if a[0] not in by_id]
        assert not lost, f"channel {ch}: {len(lost)} acknowledged messages lost, e.g. {lost[:5]}"
        for mid, seq, _, body in mine:
            assert by_id[mid]["seq"] == seq, f"message {mid}: seq {by_id[mid]['seq']} != {seq}"
            assert by_id[mid]["body"] == body


def _restart_and_check(srv, owner_token, acked, channels):
    srv.start()  # same data folder, new port
    reader = Client(srv, token=owner_token, csrf_header=False)
    _check_survivors(srv, reader, acked, channels)
    # and the server carries on: the next message gets the next seq
    for ch in channels:
        last = max([m["seq"] for m in reader.all_messages(ch)] or [0])
        m = reader.post_message(ch, "après la panne")
        assert m["seq"] == last + 1
    return reader


def test_kill_9_while_one_poster_posts(server_factory):
    srv = server_factory(name="durable-one")
    owner, slug, channels, _ = _setup(srv, 1)
    token = owner.new_token()
    acked = _run_and_kill(srv, [(token, channels[0], "solo")], min_acks=300)
    _restart_and_check(srv, token, acked, channels[:1])
    assert srv.stop() == 0


def test_kill_9_while_several_posters_post(server_factory):
    srv = server_factory(name="durable-many")
    owner, slug, channels, posters = _setup(srv, 4)
    owner_token = owner.new_token()
    spec = []
    for i, p in enumerate(posters):
        tok = owner_token if p is owner else p.new_token()
        # two posters share each channel: concurrent appends to one sequence
        spec.append((tok, channels[i % 2], f"p{i}"))
    acked = _run_and_kill(srv, spec, min_acks=600)
    _restart_and_check(srv, owner_token, acked, channels)

    # a second crash on the same folder, just after the restart
    acked2 = _run_and_kill(srv, spec, min_acks=200)
    srv.start()
    reader = Client(srv, token=owner_token, csrf_header=False)
    _check_survivors(srv, reader, acked + acked2, channels)
    assert srv.stop() == 0


def test_sessions_and_communities_survive_a_clean_restart(server_factory):
    srv = server_factory(name="restart")
    owner, slug, channels, posters = _setup(srv, 2)
    m = owner.post_message(channels[0], "avant l'arrêt")
    assert srv.stop() == 0
    srv.start()
    # the server listens on a new port now; carry the session cookie over explicitly
    again = Client(srv)
    again.cookies.set("ps_session", owner.cookie)
    assert again.get(f"{API}/me").status_code == 200
    assert [x["id"] for x in again.history(channels[0])] == [m["id"]]
    assert [x["member_number"] for x in again.members(slug)] == [1, 2]


def test_a_listener_resumes_after_the_crash_and_misses_nothing(server_factory):
    """A member listening on the stream while the server is killed reconnects to the restarted
    server, resumes from the last seq it saw, and ends with every acknowledged message."""
    srv = server_factory(name="durable-resume")
    owner, slug, channels, posters = _setup(srv, 2)
    listener = posters[1]
    ch = channels[0]
    ws = WS.connect(srv, token=listener.new_token(), suppress_origin=True)
    ws.wait_for("hello")
    seen = {}

    def drain(w):
        while True:
            try:
                ev = w.recv(timeout=0.2)
            except Exception:
                return  # the server is gone
            if ev is None:
                return
            if ev.get("type") == "message.created" and ev["channel_id"] == ch:
                seen[ev["seq"]] = ev["message"]["id"]

    token = owner.new_token()
    acked = _run_and_kill(srv, [(token, ch, "live")], min_acks=150)
    drain(ws)
    ws.close()
    last = max(seen) if seen else 0
    assert last > 0, "the listener saw nothing before the kill"

    srv.start()
    with WS.connect(srv, token=listener.new_token(), suppress_origin=True) as ws2:
        ws2.wait_for("hello")
        ws2.send({"type": "resume", "channels": {str(ch): last}})
        resumed = ws2.wait_for("resumed", timeout=10)
        for ev in ws2.seen:
            if ev.get("type") == "message.created" and ev["channel_id"] == ch:
                seen.setdefault(ev["seq"], ev["message"]["id"])
    missing = [a for a in acked if a[1] not in seen]
    assert not missing, f"{len(missing)} acknowledged messages never reached the listener: {missing[:5]}"
    for mid, seq, _, _ in acked:
        assert seen[seq] == mid, f"seq {seq}: stream said message {seen[seq]}, the POST said {mid}"
    assert resumed["channels"][str(ch)] >= max(a[1] for a in acked)
    # the session cookie of before the crash still works
    again = Client(srv)
    again.cookies.set("ps_session", owner.cookie)
    assert again.get(f"{API}/me").status_code == 200
    assert srv.stop() == 0


def test_sigterm_in_the_middle_of_a_stream_of_posts(server_factory):
    """A clean stop while posters post: exit 0 within 5 s, and every acknowledged message kept."""
    srv = server_factory(name="durable-term")
    owner, slug, channels, posters = _setup(srv, 3)
    owner_token = owner.new_token()
    spec = [(owner_token if p is owner else p.new_token(), channels[0], f"t{i}")
            for i, p in enumerate(posters)]
    run = uid()
    threads = [Poster(srv, token, ch, f"{name}-{run}") for token, ch, name in spec]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline and sum(len(t.acked) for t in threads) < 300:
        time.sleep(0.01)
    rc = srv.stop()
    for t in threads:
        t.stop.set()
        t.join(10)
    assert rc == 0, f"exit code {rc} on SIGTERM under load\n{srv.tail(15)}"
    # answers other than 201 may come while the server stops (e.g. 503); only 201s count
    acked = [a for t in threads for a in t.acked]
    srv.start()
    _check_survivors(srv, Client(srv, token=owner_token, csrf_header=False), acked, channels[:1])
    assert srv.stop() == 0
