"""Typing notices on the stream: relayed to whoever may see the room (the access policy's
audience), throttled per connection and room, never logged nor replayed, refused for a room the
sender may not see or that is archived."""

import time

import pytest

from conftest import API, Server, _start_checked_stop


@pytest.fixture(scope="module")
def server(module_workdir):
    srv = Server(module_workdir, extra_args=["--test-room-kinds"]).start()
    yield srv
    _start_checked_stop(srv)


def typing_frames(frames, channel_id):
    return [f for f in frames if f.get("type") == "typing" and f.get("channel_id") == channel_id]


def test_a_typing_notice_reaches_the_other_members_with_the_name(community):
    cid = community.community["id"]
    with community.member.ws() as watcher, community.owner.ws() as typist:
        hello = watcher.wait_for("hello")
        typist.wait_for("hello")
        typist.send({"type": "typing", "channel_id": community.channel_id})
        got = watcher.wait_for(lambda e: e.get("type") == "typing")
    assert got == {"type": "typing", "community_id": cid, "channel_id": community.channel_id,
                   "account_id": community.owner.id, "display_name": "Owner"}
    # Not an event of the log: the community's position did not move, and a resume replays nothing.
    with community.member.ws() as again:
        assert again.wait_for("hello")["communities"] == hello["communities"]
        again.send({"type": "resume", "communities": hello["communities"]})
        frames = []
        while (ev := again.recv()) is not None and ev["type"] != "resumed":
            frames.append(ev)
        assert frames == []


def test_notices_are_throttled_per_room(community):
    with community.member.ws() as watcher, community.owner.ws() as typist:
        watcher.wait_for("hello")
        typist.wait_for("hello")
        for _ in range(20):
            typist.send({"type": "typing", "channel_id": community.channel_id})
        typist.send({"type": "ping"})
        typist.wait_for("pong")  # the twenty were all read before the pong was answered
        # A message after them: once it arrives, every notice relayed before it has too.
        community.owner.post_message(community.channel_id, "fini")
        watcher.wait_for(lambda e: e.get("type") == "message.created")
        assert len(typing_frames(watcher.seen, community.channel_id)) == 1
        time.sleep(2.6)  # past the interval, the next one goes through
        typist.send({"type": "typing", "channel_id": community.channel_id})
        watcher.wait_for(lambda e: e.get("type") == "typing")
        assert len(typing_frames(watcher.seen, community.channel_id)) == 2


def test_a_private_rooms_typing_reaches_only_its_participants(community, make_user):
    owner, outsider = community.owner, community.member
    insider = community.add_member(make_user, display_name="Initiée")
    r = owner.post(f"{API}/communities/{community.slug}/channels",
                   json={"name": "coulisses", "kind": "test_private", "participants": [insider.id]})
    assert r.status_code == 201, r.text
    room = r.json()["channel"]
    with outsider.ws() as out_ws, insider.ws() as in_ws, owner.ws() as typist:
        for ws in (out_ws, in_ws, typist):
            ws.wait_for("hello")
        typist.send({"type": "typing", "channel_id": room["id"]})
        in_ws.wait_for(lambda e: e.get("type") == "typing" and e["channel_id"] == room["id"])
        # Positive control: a notice in the public room after it reaches the outsider.
        typist.send({"type": "typing", "channel_id": community.channel_id})
        out_ws.wait_for(lambda e: e.get("type") == "typing"
                        and e["channel_id"] == community.channel_id)
        assert typing_frames(out_ws.seen, room["id"]) == []
        # The outsider cannot type there either: to them the room does not exist.
        out_ws.send({"type": "typing", "channel_id": room["id"]})
        err = out_ws.wait_for("error")
        assert err["error"]["code"] == "not_found"
        in_ws.send({"type": "ping"})
        in_ws.wait_for("pong")
        assert [f["account_id"] for f in typing_frames(in_ws.seen, room["id"])] == [owner.id]


def test_a_stranger_cannot_type_in_another_communitys_room(community, make_user):
    stranger = make_user(display_name="Intrus")
    with community.member.ws() as watcher, stranger.ws() as ws:
        watcher.wait_for("hello")
        ws.wait_for("hello")
        ws.send({"type": "typing", "channel_id": community.channel_id})
        assert ws.wait_for("error")["error"]["code"] == "not_found"
        community.owner.post_message(community.channel_id, "après l’intrus")
        watcher.wait_for(lambda e: e.get("type") == "message.created")
        assert typing_frames(watcher.seen, community.channel_id) == []


def test_an_archived_room_refuses_typing(community):
    owner = community.owner
    room = owner.create_channel(community.slug, "ancien")
    assert owner.patch(f"{API}/channels/{room['id']}", json={"archived": True}).status_code == 200
    with owner.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "typing", "channel_id": room["id"]})
        err = ws.wait_for("error")
    assert err["error"]["code"] == "channel_archived"
    assert "archiv" in err["error"]["message"]


@pytest.mark.parametrize("frame", [
    {"type": "typing"},
    {"type": "typing", "channel_id": "7"},
    {"type": "typing", "channel_id": 0},
    {"type": "typing", "channel_id": -3},
    {"type": "typing", "channel_id": 1.5},
])
def test_a_typing_notice_without_a_channel_id_is_refused(community, frame):
    with community.owner.ws() as ws:
        ws.wait_for("hello")
        ws.send(frame)
        err = ws.wait_for("error")
    assert err["error"]["code"] == "invalid_channel_id"
