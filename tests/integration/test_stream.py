"""The WebSocket stream: authentication, events, ping/pong, malformed frames, resume, removal."""

import json
import socket
import struct
import threading
import time

import pytest
import websocket

from conftest import API, WS, Client, at_once, emoji_path, ws_status_of_refused


def _created(channel_id, seq=None):
    def pred(e):
        return (e.get("type") == "message.created" and e.get("channel_id") == channel_id
                and (seq is None or e.get("seq") == seq))
    return pred


def test_hello_with_the_cookie(community):
    with community.member.ws() as ws:
        hello = ws.recv()
        assert hello is not None, "no hello frame"
        assert hello["type"] == "hello"
        assert hello["account_id"] == community.member.id


def test_bearer_token_without_origin(community):
    token = community.member.new_token()
    with WS.connect(community.member.server, token=token, suppress_origin=True) as ws:
        hello = ws.wait_for("hello")
        assert hello["account_id"] == community.member.id


def test_upgrade_without_credentials_is_401(server):
    assert ws_status_of_refused(server, suppress_origin=True) == 401
    assert ws_status_of_refused(server, cookie="forged-session") == 401
    assert ws_status_of_refused(server, token="psat_forged", suppress_origin=True) == 401


def test_upgrade_from_a_foreign_origin_is_403(community):
    server = community.member.server
    assert ws_status_of_refused(server, cookie=community.member.cookie,
                                origin="http://evil.example") == 403
    token = community.member.new_token()
    assert ws_status_of_refused(server, token=token, origin="http://evil.example") == 403
    # the public URL is fine; the Host header does not count (the client chooses it)
    assert ws_status_of_refused(server, cookie=community.member.cookie, origin=server.url) == 101
    assert ws_status_of_refused(server, cookie=community.member.cookie,
                                host=f"localhost:{server.port}",
                                origin=f"http://localhost:{server.port}") == 403
    # a look-alike is not
    assert ws_status_of_refused(server, cookie=community.member.cookie,
                                origin=f"{server.url}.evil.example") == 403


def test_message_created_reaches_other_members(community):
    with community.member.ws() as ws:
        ws.wait_for("hello")
        posted = community.owner.post_message(community.channel_id, "en direct")
        ev = ws.wait_for(_created(community.channel_id), what="message.created")
        assert ev["seq"] == posted["seq"]
        assert ev["message"]["id"] == posted["id"]
        assert ev["message"]["body"] == "en direct"
        assert ev["message"]["html"] == posted["html"]
        assert ev["message"]["author"]["id"] == community.owner.id


def test_events_for_edits_deletes_reactions_channels_members(community, make_user):
    owner, member = community.owner, community.member
    with member.ws() as ws:
        ws.wait_for("hello")
        m = owner.post_message(community.channel_id, "v1")
        ws.wait_for(_created(community.channel_id, m["seq"]))

        owner.patch(f"{API}/messages/{m['id']}", json={"body": "v2"})
        ev = ws.wait_for("message.edited")
        assert ev["channel_id"] == community.channel_id and ev["seq"] == m["seq"]
        assert ev["message"]["body"] == "v2"

        owner.put(f"{API}/messages/{m['id']}/reactions/{emoji_path('🎉')}")
        ev = ws.wait_for("reaction.added")
        assert ev["message_id"] == m["id"] and ev["emoji"] == "🎉"
        assert ev["account_id"] == owner.id and ev["channel_id"] == community.channel_id
        assert ev["message"]["reactions"][0]["count"] == 1

        owner.delete(f"{API}/messages/{m['id']}/reactions/{emoji_path('🎉')}")
        ev = ws.wait_for("reaction.removed")
        assert ev["message_id"] == m["id"] and ev["emoji"] == "🎉"

        assert owner.delete(f"{API}/messages/{m['id']}").status_code == 204
        ev = ws.wait_for("message.deleted")
        assert ev["message_id"] == m["id"] and ev["seq"] == m["seq"]
        assert ev["channel_id"] == community.channel_id

        ch = owner.create_channel(community.slug, "nouveau")
        ev = ws.wait_for("channel.created")
        assert ev["community_id"] == community.community["id"] and ev["channel"]["id"] == ch["id"]

        owner.patch(f"{API}/channels/{ch['id']}", json={"name": "renomme"})
        ev = ws.wait_for("channel.renamed")
        assert ev["channel"]["name"] == "renomme"
        owner.patch(f"{API}/channels/{ch['id']}", json={"archived": True})
        assert ws.wait_for("channel.archived")["channel"]["id"] == ch["id"]
        owner.patch(f"{API}/channels/{ch['id']}", json={"archived": False})
        assert ws.wait_for("channel.unarchived")["channel"]["id"] == ch["id"]

        newcomer = community.add_member(make_user, display_name="Nouvelle")
        ev = ws.wait_for("member.joined")
        assert ev["community_id"] == community.community["id"]
        assert ev["member"]["account_id"] == newcomer.id
        assert ev["member"]["display_name"] == "Nouvelle"


def test_channel_read_goes_only_to_the_readers_connections(community):
    owner, member = community.owner, community.member
    m = owner.post_message(community.channel_id, "lis-moi")
    with member.ws() as mine, owner.ws() as theirs:
        mine.wait_for("hello")
        theirs.wait_for("hello")
        member.post(f"{API}/channels/{community.channel_id}/read", json={"seq": m["seq"]})
        ev = mine.wait_for("channel.read")
        assert ev["channel_id"] == community.channel_id and ev["last_read_seq"] == m["seq"]
        # a later event to the owner's connection: a channel.read sent to it would come first
        sync = owner.post_message(community.channel_id, "sync")
        theirs.wait_for(_created(community.channel_id, sync["seq"]))
        assert not any(f.get("type") == "channel.read" for f in theirs.seen), theirs.seen


def test_no_events_from_other_communities(community, make_user):
    stranger = make_user()
    own = stranger.create_community()
    own_channel = stranger.create_channel(own["slug"], "chez-moi")
    with stranger.ws() as ws:
        ws.wait_for("hello")
        community.owner.post_message(community.channel_id, "privé")
        # The positive control: events reach each connection in commit order, so once the
        # stranger's own later post arrives, a leaked one would have arrived before it.
        stranger.post_message(own_channel["id"], "à moi")
        ws.wait_for(_created(own_channel["id"]), what="the stranger's own message")
        leaked = [f for f in ws.seen if f.get("channel_id") == community.channel_id
                  or f.get("community_id") == community.community["id"]]
        assert not leaked, leaked


def test_ping_pong(community):
    with community.member.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "ping"})
        assert ws.wait_for("pong")["type"] == "pong"
        # a WebSocket-level ping is answered with a WebSocket pong
        ws.conn.ping("x")
        ws.conn.settimeout(5)
        while True:
            opcode, frame = ws.conn.recv_data_frame(True)
            if opcode == websocket.ABNF.OPCODE_PONG:
                assert frame.data == b"x"
                break


@pytest.mark.parametrize("frame,codes", [
    ("{not json", {"malformed_json"}),
    ("[1,2,3]", {"malformed_json", "unknown_type"}),
    (json.dumps({"type": "dance"}), {"unknown_type"}),
    (json.dumps({"no_type": 1}), {"malformed_json", "unknown_type"}),
    (json.dumps({"type": "resume", "channels": "all"}), {"malformed_json", "unknown_type", "invalid_field"}),
])
def test_malformed_frame_gets_an_error_and_the_connection_stays_open(community, frame, codes):
    with community.member.ws() as ws:
        ws.wait_for("hello")
        ws.send(frame)
        ev = ws.wait_for("error")
        assert ev["error"]["code"] in codes, ev
        assert isinstance(ev["error"]["message"], str) and ev["error"]["message"]
        ws.send({"type": "ping"})
        ws.wait_for("pong")
        posted = community.owner.post_message(community.channel_id, "encore là")
        assert ws.wait_for(_created(community.channel_id))["message"]["id"] == posted["id"]


def test_resume_after_reconnect_nothing_missing_nothing_doubled(community):
    owner, member = community.owner, community.member
    ch = owner.create_channel(community.slug)
    cid = ch["id"]
    other = owner.create_channel(community.slug)

    with member.ws() as ws:
        ws.wait_for("hello")
        for i in range(3):
            owner.post_message(cid, f"avant {i}")
        seen = [ws.wait_for(_created(cid))["seq"] for _ in range(3)]
        assert seen == [1, 2, 3]
    last_seq = seen[-1]

    # while disconnected
    missed = [owner.post_message(cid, f"pendant {i}") for i in range(3)]
    edited = missed[1]
    owner.patch(f"{API}/messages/{edited['id']}", json={"body": "pendant 1 (modifié)"})
    owner.delete(f"{API}/messages/{missed[2]['id']}")
    owner.post_message(other["id"], "ailleurs")

    with member.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "channels": {str(cid): last_seq, str(other["id"]): 0}})
        resumed = ws.wait_for("resumed", what="resumed after the missed messages")
        got = [e for e in ws.seen if e.get("type") == "message.created"]
        by_channel = {}
        for e in got:
            by_channel.setdefault(e["channel_id"], []).append(e)
        assert [e["seq"] for e in by_channel.get(cid, [])] == [4, 5, 6], got
        assert [e["message"]["id"] for e in by_channel[cid]] == [m["id"] for m in missed]
        assert by_channel[cid][1]["message"]["body"] == "pendant 1 (modifié)", "sent as it is now"
        assert by_channel[cid][2]["message"]["deleted"] is True, "sent as it is now: deleted"
        assert [e["seq"] for e in by_channel.get(other["id"], [])] == [1]
        assert resumed["channels"][str(cid)] == 6
        assert resumed["channels"][str(other["id"])] == 1

        live = owner.post_message(cid, "après")
        ev = ws.wait_for(_created(cid, 7), what="the live message after resume")
        assert ev["message"]["id"] == live["id"]
        extra = ws.collect(0.5)
        assert not [e for e in extra if e.get("type") == "message.created"], extra
        all_created = [e["seq"] for e in ws.seen
                       if e.get("type") == "message.created" and e["channel_id"] == cid]
        assert all_created == [4, 5, 6, 7], "nothing doubled"


def test_resume_of_a_channel_the_caller_cannot_see_sends_nothing(community, make_user):
    stranger = make_user()
    community.owner.post_message(community.channel_id, "secret")
    with stranger.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "channels": {str(community.channel_id): 0}})
        # The answer ends with `resumed`: everything replayed comes before it.
        done = ws.wait_for("resumed")
        assert not [f for f in ws.seen if f.get("type") == "message.created"], ws.seen
        assert done["channels"][str(community.channel_id)] == 0


def test_removed_member_is_cut_from_the_community_at_once(community, make_user):
    owner, member = community.owner, community.member
    victim = community.add_member(make_user)
    with victim.ws() as vws, member.ws() as mws:
        vws.wait_for("hello")
        mws.wait_for("hello")
        owner.post_message(community.channel_id, "avant")
        vws.wait_for(_created(community.channel_id))

        r = owner.delete(f"{API}/communities/{community.slug}/members/{victim.id}")
        assert r.status_code == 204, r.text
        ev = vws.wait_for("member.removed")
        assert ev["community_id"] == community.community["id"]
        assert ev["account_id"] == victim.id
        ev = mws.wait_for("member.removed")
        assert ev["account_id"] == victim.id

        after = owner.post_message(community.channel_id, "après le départ")
        owner.create_channel(community.slug)
        mws.wait_for(_created(community.channel_id, after["seq"]))
        mws.wait_for("channel.created")
        leaked = []
        try:
            leaked = vws.collect(1.0)
        except websocket.WebSocketException:
            pass  # closing the connection is also a way to stop the events
        assert not [f for f in leaked if f.get("type") not in ("pong",)], leaked

        # and no resume either
        try:
            vws.send({"type": "resume", "channels": {str(community.channel_id): 0}})
            leaked = vws.collect(1.0)
        except websocket.WebSocketException:
            leaked = []
        assert not [f for f in leaked if f.get("type") == "message.created"], leaked

    assert victim.get(f"{API}/channels/{community.channel_id}/messages").status_code == 404


def test_stream_with_two_connections_of_one_account(community):
    with community.member.ws() as a, community.member.ws() as b:
        a.wait_for("hello")
        b.wait_for("hello")
        m = community.owner.post_message(community.channel_id, "deux fois")
        assert a.wait_for(_created(community.channel_id))["message"]["id"] == m["id"]
        assert b.wait_for(_created(community.channel_id))["message"]["id"] == m["id"]


def test_a_client_too_slow_to_read_is_closed_and_does_not_slow_others(community, make_user):
    """More than 1,024 frames waiting: the socket is closed outright (a close frame would wait
    behind what the client does not read); a reading member keeps up meanwhile."""
    owner, member = community.owner, community.member
    # a small receive buffer (set before connecting) so that frames pile up on the server
    slow = WS.connect(member.server, cookie=member.cookie,
                      sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    slow.wait_for("hello")
    fast = community.add_member(make_user)
    body = "é" * 4000  # about 16 KB per frame (body and html): few fit in kernel buffers
    with fast.ws() as fws:
        fws.wait_for("hello")
        n_threads, per_thread = 4, 375
        tokens = [owner.new_token() for _ in range(n_threads)]
        errors = []

        def post_many(token):
            c = Client(owner.server, token=token, csrf_header=False)
            for _ in range(per_thread):
                try:
                    r = c.post(f"{API}/channels/{community.channel_id}/messages",
                               json={"body": body})
                except Exception as e:  # e.g. a read timeout: posting was slowed down
                    errors.append(repr(e))
                    return
                if r.status_code != 201:
                    errors.append(r.text[:200])
                    return

        threads = [threading.Thread(target=post_many, args=(t,)) for t in tokens]
        started = time.monotonic()
        for t in threads:
            t.start()
        got = 0
        while got < n_threads * per_thread and time.monotonic() - started < 60:
            ev = fws.recv(timeout=10)
            if ev is None:
                break
            if ev.get("type") == "message.created":
                got += 1
        for t in threads:
            t.join(60)
        assert not errors, errors[:3]
        assert got == n_threads * per_thread, f"the reading member got {got} messages"

    # the slow one: whatever was buffered, then the end of the connection (no close frame)
    slow.conn.settimeout(10)
    ended = None
    try:
        while True:
            opcode, frame = slow.conn.recv_data_frame(True)
            assert opcode != websocket.ABNF.OPCODE_CLOSE or len(frame.data) < 2 or \
                struct.unpack("!H", frame.data[:2])[0] != 1000, "closed as if all was well"
    except websocket.WebSocketTimeoutException as e:
        pytest.fail(f"the slow client's connection is still open ({e!r})")
    except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError) as e:
        ended = e
    finally:
        slow.close()
    assert ended is not None


def _post_concurrently(owner, channel_id, n_threads, per_thread, tag):
    """n_threads bearer-token posters, per_thread messages each; returns the acknowledged seqs."""
    tokens = [owner.new_token() for _ in range(n_threads)]
    acked, errors = [], []

    def post_many(i, token):
        c = Client(owner.server, token=token, csrf_header=False)
        for k in range(per_thread):
            try:
                r = c.post(f"{API}/channels/{channel_id}/messages", json={"body": f"{tag} {i}.{k}"})
            except Exception as e:
                errors.append(repr(e))
                return
            if r.status_code != 201:
                errors.append(r.text[:200])
                return
            acked.append(r.json()["message"]["seq"])

    threads = [threading.Thread(target=post_many, args=(i, t)) for i, t in enumerate(tokens)]
    return threads, acked, errors


def test_live_events_of_a_channel_arrive_in_seq_order(community):
    """Concurrent posters: a listener sees every seq once, in order (see NOTES.md)."""
    ch = community.owner.create_channel(community.slug)["id"]
    with community.member.ws() as ws:
        ws.wait_for("hello")
        threads, acked, errors = _post_concurrently(community.owner, ch, 4, 50, "ordre")
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, errors[:3]
        seqs = []
        while len(seqs) < 200:
            ev = ws.wait_for(_created(ch), timeout=10, what=f"message.created #{len(seqs) + 1}")
            seqs.append(ev["seq"])
    assert sorted(acked) == list(range(1, 201))
    assert seqs == list(range(1, 201)), "live events out of order or missing"


def test_resume_while_messages_are_being_posted_misses_nothing(community):
    """Resume at the same time as new posts: live events may come before, among or after the
    replay, and a seq may come twice (the client ignores a seq it already has), but every seq
    after the resume point arrives, and the replay itself is in order."""
    ch = community.owner.create_channel(community.slug)["id"]
    for i in range(20):
        community.owner.post_message(ch, f"avant {i}")
    threads, acked, errors = _post_concurrently(community.owner, ch, 3, 40, "pendant")
    total = 20 + 120
    with community.member.ws() as ws:
        ws.wait_for("hello")
        for t in threads:
            t.start()
        time.sleep(0.05)
        ws.send({"type": "resume", "channels": {str(ch): 10}})
        for t in threads:
            t.join(60)
        assert not errors, errors[:3]
        have = set()
        deadline = time.monotonic() + 15
        while not set(range(11, total + 1)) <= have and time.monotonic() < deadline:
            ev = ws.recv(timeout=max(0.1, deadline - time.monotonic()))
            if ev is not None and _created(ch)(ev):
                have.add(ev["seq"])
        ws.collect(0.3)
        frames = ws.seen
    missing = sorted(set(range(11, total + 1)) - have)
    assert not missing, f"missing seqs: {missing[:20]}"
    assert not [s for s in have if s <= 10], "seqs at or before the resume point were sent again"
    kinds = [f.get("type") for f in frames]
    assert "resumed" in kinds, "no resumed frame"
    # the replay: the message.created frames between the resume and `resumed` that the client
    # did not have yet from the live stream are in increasing order
    before_resumed = [f["seq"] for f in frames[:kinds.index("resumed")] if _created(ch)(f)]
    replay_11_to_20 = [q for q in before_resumed if 11 <= q <= 20]
    assert replay_11_to_20 == list(range(11, 21)), before_resumed


def _batched_writes(server):
    for line in Client(server).get("/metrics").text.splitlines():
        if line.startswith("petitesalle_db_batched_writes_total "):
            return float(line.split()[1])
    raise AssertionError("no petitesalle_db_batched_writes_total in /metrics")


def test_posts_sent_at_once_are_written_together_each_once_in_order(community, make_user, server):
    """Posts arriving together share a group and are written in one set of statements
    (docs/subsystems/database.md): each still gets its own number, once, and reaches a live
    member once, in order; a retry among them gets its first message."""
    ch = community.channel_id
    posters = [community.owner] + [community.add_member(make_user) for _ in range(7)]
    before = _batched_writes(server)

    def post_six(index, user):
        return [user.post_message(ch, f"ensemble {index}.{k}", client_id=f"b-{index}-{k}")
                for k in range(6)]

    with community.member.ws() as ws:
        ws.wait_for("hello")
        answers = [m for batch in at_once([lambda i=i, u=u: post_six(i, u)
                                           for i, u in enumerate(posters)]) for m in batch]
        seqs = sorted(m["seq"] for m in answers)
        assert seqs == list(range(seqs[0], seqs[0] + len(answers))), seqs
        assert len({m["id"] for m in answers}) == len(answers)
        live = []
        while len(live) < len(answers):
            ev = ws.wait_for(_created(ch))
            live.append(ev["message"]["seq"])
        assert live == seqs  # in order, once each
    assert _batched_writes(server) > before, "no posts ran together"

    # A retry of one of them, after the fact: the first message, nothing new.
    again = posters[3].post_message(ch, "ensemble 3.2", client_id="b-3-2")
    first = next(m for m in answers if m["body"] == "ensemble 3.2")
    assert again["id"] == first["id"]
    assert len(community.owner.all_messages(ch)) == len(answers)
