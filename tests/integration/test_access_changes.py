"""A change of what someone may see takes effect at once on their live streams: removed, left or
given another role, their streams get the event that says so, then close with 4403 (the app
reconnects, and the new hello says what they may see now). Others' streams stay open."""

import json

import websocket

from conftest import API

ACCESS_CHANGED = 4403


def frames_until_close(ws, timeout=5.0):
    """The JSON frames received until the server closes the stream, and its close code (None if
    it stays open for `timeout` seconds)."""
    ws.conn.settimeout(timeout)
    frames = []
    try:
        while True:
            opcode, data = ws.conn.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return frames, int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
            if opcode == websocket.ABNF.OPCODE_TEXT:
                frames.append(json.loads(data))
    except websocket.WebSocketTimeoutException:
        return frames, None
    except websocket.WebSocketConnectionClosedException:
        return frames, 1006


def test_a_removed_member_learns_it_then_the_stream_closes(community, make_user):
    owner, member = community.owner, community.member
    cid = community.community["id"]
    bystander = community.add_member(make_user, display_name="Témoin")
    with member.ws() as ws, bystander.ws() as other:
        assert str(cid) in ws.wait_for("hello")["communities"]
        other.wait_for("hello")
        assert owner.delete(f"{API}/communities/{community.slug}/members/{member.id}").status_code == 204
        frames, code = frames_until_close(ws)
        assert code == ACCESS_CHANGED
        assert [f["type"] for f in frames] == ["member.removed"]
        assert frames[0]["account_id"] == member.id
        # The others' streams stay open and keep receiving.
        other.wait_for(lambda e: e.get("type") == "member.removed" and e["account_id"] == member.id)
        owner.post_message(community.channel_id, "après le départ")
        other.wait_for("message.created")
    # Reconnected, the removed member's hello no longer names the community, and a resume of
    # it is told to drop it.
    with member.ws() as ws:
        hello = ws.wait_for("hello")
        assert str(cid) not in hello["communities"]
        ws.send({"type": "resume", "communities": {str(cid): 0}})
        assert ws.wait_for("resync") == {"type": "resync", "community_id": cid, "pos": 0}


def test_leaving_closes_ones_own_streams_after_the_event(community):
    member = community.member
    with member.ws() as ws:
        ws.wait_for("hello")
        assert member.delete(f"{API}/communities/{community.slug}/members/{member.id}").status_code == 204
        frames, code = frames_until_close(ws)
    assert code == ACCESS_CHANGED
    assert [f["type"] for f in frames] == ["member.removed"]


def test_a_role_change_restarts_the_persons_streams_only(community, make_user):
    owner, member = community.owner, community.member
    bystander = community.add_member(make_user, display_name="Témoin")
    with member.ws() as ws, bystander.ws() as other:
        ws.wait_for("hello")
        other.wait_for("hello")
        r = owner.patch(f"{API}/communities/{community.slug}/members/{member.id}", json={"role": "host"})
        assert r.status_code == 200, r.text
        frames, code = frames_until_close(ws)
        assert code == ACCESS_CHANGED
        assert [(f["type"], f["member"]["role"]) for f in frames] == [("member.role_changed", "host")]
        other.wait_for(lambda e: e.get("type") == "member.role_changed")
        _, still_open = frames_until_close(other, timeout=0.5)
        assert still_open is None
    # The new role holds on the next stream and in HTTP at once.
    with member.ws() as ws:
        assert str(community.community["id"]) in ws.wait_for("hello")["communities"]
    r = member.post(f"{API}/communities/{community.slug}/channels", json={"name": "par-l-hote"})
    assert r.status_code == 201, r.text


def test_a_refused_role_change_closes_nothing(community):
    member = community.member
    with member.ws() as ws:
        ws.wait_for("hello")
        r = member.patch(f"{API}/communities/{community.slug}/members/{member.id}", json={"role": "host"})
        assert r.status_code == 403
        _, code = frames_until_close(ws, timeout=0.5)
    assert code is None
