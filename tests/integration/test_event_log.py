"""The event log and resume: a member offline across any visible change gets it back on resume,
in order, once; a display-name change is published; a private room's events reach only its
participants (a test-only room kind, --test-room-kinds); a client far behind gets one resync."""

import threading

import pytest

from conftest import API, Server, _start_checked_stop, emoji_path


@pytest.fixture(scope="module")
def server(module_workdir):
    srv = Server(module_workdir, extra_args=["--test-room-kinds"]).start()
    yield srv
    _start_checked_stop(srv)


def community_id_of(c):
    return c.community["id"]


def position(client, community_id):
    """Where the community's log stands, as the hello tells a new connection."""
    with client.ws() as ws:
        hello = ws.wait_for("hello")
    return hello["communities"][str(community_id)]


def resume(client, community_id, pos, timeout=5.0):
    """Reconnects and resumes the community from pos; returns the frames up to `resumed`."""
    with client.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(community_id): pos}})
        frames = []
        while True:
            ev = ws.recv(timeout=timeout)
            assert ev is not None, f"no resumed frame; got {frames}"
            if ev["type"] == "resumed":
                return frames, ev
            frames.append(ev)


def logged(frames):
    return [f for f in frames if "pos" in f]


# Each action is done by the owner (or the member's other session) while the member is offline;
# `check` looks at the one replayed event of that type.
def _post(c, ctx):
    ctx["m"] = c.owner.post_message(c.channel_id, "pendant ton absence")


def _edit(c, ctx):
    m = c.owner.post_message(c.channel_id, "v1")
    assert c.owner.patch(f"{API}/messages/{m['id']}", json={"body": "v2"}).status_code == 200
    ctx["m"] = m


def _delete(c, ctx):
    m = c.owner.post_message(c.channel_id, "à effacer")
    assert c.owner.delete(f"{API}/messages/{m['id']}").status_code == 204
    ctx["m"] = m


def _react(c, ctx):
    m = c.owner.post_message(c.channel_id, "réagis")
    assert c.owner.put(f"{API}/messages/{m['id']}/reactions/{emoji_path('👍')}").status_code == 200
    ctx["m"] = m


def _unreact(c, ctx):
    _react(c, ctx)
    m = ctx["m"]
    assert c.owner.delete(f"{API}/messages/{m['id']}/reactions/{emoji_path('👍')}").status_code == 200


def _read(c, ctx):
    m = c.owner.post_message(c.channel_id, "à lire")
    r = c.member.post(f"{API}/channels/{c.channel_id}/read", json={"seq": m["seq"]})
    assert r.status_code == 200, r.text
    ctx["m"] = m


def _channel_created(c, ctx):
    ctx["ch"] = c.owner.create_channel(c.slug, "nouveau")


def _channel_renamed(c, ctx):
    r = c.owner.patch(f"{API}/channels/{c.channel_id}", json={"name": "renommé"})
    assert r.status_code == 200, r.text


def _channel_archived(c, ctx):
    ch = c.owner.create_channel(c.slug, "vieux")
    assert c.owner.patch(f"{API}/channels/{ch['id']}", json={"archived": True}).status_code == 200
    ctx["ch"] = ch


def _channel_unarchived(c, ctx):
    _channel_archived(c, ctx)
    r = c.owner.patch(f"{API}/channels/{ctx['ch']['id']}", json={"archived": False})
    assert r.status_code == 200


def _member_joined(c, ctx):
    ctx["new"] = c.add_member(ctx["make_user"], display_name="Nouvelle")


def _member_removed(c, ctx):
    new = c.add_member(ctx["make_user"], display_name="Passagère")
    assert c.owner.delete(f"{API}/communities/{c.slug}/members/{new.id}").status_code == 204
    ctx["new"] = new


def _member_renamed(c, ctx):
    assert c.owner.patch(f"{API}/me", json={"display_name": "Nouveau nom"}).status_code == 200


def _role_changed(c, ctx):
    new = c.add_member(ctx["make_user"], display_name="Future hôte")
    r = c.owner.patch(f"{API}/communities/{c.slug}/members/{new.id}", json={"role": "host"})
    assert r.status_code == 200, r.text
    ctx["new"] = new


def _community_updated(c, ctx):
    r = c.owner.patch(f"{API}/communities/{c.slug}",
                      json={"name": "Le Quai", "description": "Le café, ses habitués"})
    assert r.status_code == 200, r.text


CASES = {
    "message.created": (_post, lambda e, c, x: e["message"]["body"] == "pendant ton absence"),
    "message.edited": (_edit, lambda e, c, x: e["message"]["body"] == "v2"
                       and e["message"]["edited_at"]),
    "message.deleted": (_delete, lambda e, c, x: e["message_id"] == x["m"]["id"]),
    "reaction.added": (_react, lambda e, c, x: e["emoji"] == "👍" and e["account_id"] == c.owner.id),
    "reaction.removed": (_unreact, lambda e, c, x: e["message"]["reactions"] == []),
    "channel.read": (_read, lambda e, c, x: e["last_read_seq"] == x["m"]["seq"]),
    "channel.created": (_channel_created, lambda e, c, x: e["channel"]["id"] == x["ch"]["id"]),
    "channel.renamed": (_channel_renamed, lambda e, c, x: e["channel"]["name"] == "renommé"),
    "channel.archived": (_channel_archived, lambda e, c, x: e["channel"]["id"] == x["ch"]["id"]),
    "channel.unarchived": (_channel_unarchived,
                           lambda e, c, x: e["channel"]["archived"] is False),
    "member.joined": (_member_joined, lambda e, c, x: e["member"]["account_id"] == x["new"].id),
    "member.removed": (_member_removed, lambda e, c, x: e["account_id"] == x["new"].id),
    "member.renamed": (_member_renamed, lambda e, c, x: e["account_id"] == c.owner.id
                       and e["display_name"] == "Nouveau nom"),
    "member.role_changed": (_role_changed, lambda e, c, x: e["member"]["role"] == "host"),
    "community.updated": (_community_updated, lambda e, c, x: e["community"]["name"] == "Le Quai"
                          and e["community"]["description"] == "Le café, ses habitués"),
}


@pytest.mark.parametrize("event_type", list(CASES))
def test_resume_replays_an_event_missed_offline(community, make_user, event_type):
    act, check = CASES[event_type]
    cid = community_id_of(community)
    pos = position(community.member, cid)  # then offline
    ctx = {"make_user": make_user}
    act(community, ctx)
    frames, resumed = resume(community.member, cid, pos)
    of_type = [f for f in frames if f["type"] == event_type]
    assert of_type, f"no {event_type} replayed; got {[f['type'] for f in frames]}"
    assert check(of_type[-1], community, ctx), of_type[-1]
    positions = [f["pos"] for f in logged(frames)]
    assert positions == sorted(set(positions)), "replayed out of order or twice"
    assert all(p > pos for p in positions)
    assert resumed["communities"][str(cid)] >= positions[-1]
    # and resuming from where that left off replays nothing
    again, _ = resume(community.member, cid, resumed["communities"][str(cid)])
    assert logged(again) == []


def test_a_display_name_change_is_published_live(community):
    with community.member.ws() as ws:
        ws.wait_for("hello")
        assert community.owner.patch(f"{API}/me", json={"display_name": "Propriétaire"}).status_code == 200
        ev = ws.wait_for("member.renamed")
        assert ev["account_id"] == community.owner.id
        assert ev["display_name"] == "Propriétaire"
        assert ev["community_id"] == community_id_of(community)


def test_a_change_of_the_communitys_settings_is_published_live(community):
    with community.member.ws() as ws:
        ws.wait_for("hello")
        r = community.owner.patch(f"{API}/communities/{community.slug}", json={"description": "Nouveau"})
        assert r.status_code == 200, r.text
        ev = ws.wait_for("community.updated")
    assert ev["community_id"] == community_id_of(community)
    assert ev["community"]["description"] == "Nouveau"
    assert ev["community"]["slug"] == community.slug
    # A refused change (a member is not a host) publishes nothing and changes nothing.
    with community.owner.ws() as ws:
        ws.wait_for("hello")
        r = community.member.patch(f"{API}/communities/{community.slug}", json={"name": "Pris"})
        assert r.status_code == 403
        community.owner.post_message(community.channel_id, "après le refus")
        ws.wait_for("message.created")
        assert not [e for e in ws.seen if e.get("type") == "community.updated"]


def test_live_events_during_a_resume_arrive_once_each(community):
    cid = community_id_of(community)
    pos = position(community.member, cid)
    for i in range(30):
        community.owner.post_message(community.channel_id, f"avant {i}")
    posted = []

    def post_more():
        for i in range(30):
            posted.append(community.owner.post_message(community.channel_id, f"pendant {i}")["id"])

    with community.member.ws() as ws:
        ws.wait_for("hello")
        writer = threading.Thread(target=post_more)
        writer.start()
        ws.send({"type": "resume", "communities": {str(cid): pos}})
        writer.join(30)
        frames = ws.collect(2.0)
    created = [f for f in frames if f.get("type") == "message.created"]
    ids = [f["message"]["id"] for f in created]
    assert len(ids) == len(set(ids)) == 60, f"{len(ids)} frames, {len(set(ids))} distinct"
    assert set(posted) <= set(ids)
    positions = [f["pos"] for f in created]
    assert positions == sorted(positions)


def test_a_private_rooms_events_reach_only_its_participants(community, make_user):
    owner, outsider = community.owner, community.member
    insider = community.add_member(make_user, display_name="Initiée")
    cid = community_id_of(community)
    pos = position(outsider, cid)
    with outsider.ws() as out_ws, insider.ws() as in_ws:
        out_ws.wait_for("hello")
        in_ws.wait_for("hello")
        r = owner.post(f"{API}/communities/{community.slug}/channels",
                       json={"name": "coulisses", "kind": "test_private", "participants": [insider.id]})
        assert r.status_code == 201, r.text
        room = r.json()["channel"]
        assert room["visibility"] == "participants"
        m = owner.post_message(room["id"], "entre nous")
        assert insider.put(f"{API}/messages/{m['id']}/reactions/{emoji_path('🎉')}").status_code == 200
        got = in_ws.wait_for(lambda e: e.get("type") == "reaction.added")
        assert got["message"]["body"] == "entre nous"
        # a public message after them: once it arrives, the private ones would have too
        owner.post_message(community.channel_id, "pour tout le monde")
        out_ws.wait_for(lambda e: e.get("type") == "message.created"
                        and e["message"]["body"] == "pour tout le monde")
        assert not [e for e in out_ws.seen if e.get("channel_id") == room["id"]
                    or e.get("channel", {}).get("id") == room["id"]]
    frames, _ = resume(outsider, cid, pos)
    assert not [f for f in frames if f.get("channel_id") == room["id"]
                or f.get("channel", {}).get("id") == room["id"]], frames
    assert room["id"] not in [c["id"] for c in outsider.channels(community.slug)]
    for path in (f"{API}/channels/{room['id']}/messages", f"{API}/messages/{m['id']}/thread"):
        assert outsider.get(path).status_code == 404
    assert outsider.post(f"{API}/channels/{room['id']}/messages", json={"body": "x"}).status_code == 404
    in_frames, _ = resume(insider, cid, pos)
    assert [f["type"] for f in in_frames if f.get("channel_id") == room["id"]
            or f.get("channel", {}).get("id") == room["id"]] == \
        ["channel.created", "message.created", "reaction.added"]


def test_without_the_flag_there_is_no_private_room_kind(server_factory, make_user):
    plain = server_factory()
    from conftest import signup
    owner = signup(plain)
    slug = owner.create_community()["slug"]
    r = owner.post(f"{API}/communities/{slug}/channels", json={"name": "x", "kind": "test_private"})
    assert r.status_code == 422, r.text


def test_a_client_far_behind_gets_one_resync(community):
    cid = community_id_of(community)
    pos = position(community.member, cid)
    for i in range(510):
        community.owner.post_message(community.channel_id, f"m{i}")
    frames, resumed = resume(community.member, cid, pos)
    assert [f["type"] for f in frames] == ["resync"]
    assert frames[0]["community_id"] == cid
    assert frames[0]["pos"] == resumed["communities"][str(cid)] >= pos + 510


def test_a_hostile_resume_is_answered_quickly_and_learns_nothing(community, make_user):
    stranger = make_user()
    cid = community_id_of(community)
    community.owner.post_message(community.channel_id, "secret")
    wanted = {str(cid): 0}
    wanted.update({str(10_000_000 + i): 0 for i in range(999)})
    with stranger.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": wanted})
        frames = []
        while True:
            ev = ws.recv(timeout=5)
            assert ev is not None
            if ev["type"] == "resumed":
                break
            frames.append(ev)
    assert {f["type"] for f in frames} == {"resync"}
    assert all(f["pos"] == 0 for f in frames)
    assert resumed_is_empty(ev)


def resumed_is_empty(ev):
    return ev["communities"] == {}


def test_the_first_form_of_resume_still_replays_new_messages(community):
    m1 = community.owner.post_message(community.channel_id, "un")
    community.owner.post_message(community.channel_id, "deux")
    with community.member.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "channels": {str(community.channel_id): m1["seq"]}})
        ev = ws.wait_for("message.created")
        assert ev["message"]["body"] == "deux"
        done = ws.wait_for("resumed")
        assert done["channels"][str(community.channel_id)] == m1["seq"] + 1


def test_live_events_sent_before_the_resume_is_read_are_not_replayed_again(community):
    """Events that went out live between the hello and the resume frame (the client was slow to
    send it) are left out of the replay: each arrives once, in order."""
    cid = community_id_of(community)
    pos = position(community.member, cid)
    before = [community.owner.post_message(community.channel_id, f"avant {i}")["id"] for i in range(5)]
    with community.member.ws() as ws:
        ws.wait_for("hello")
        live = [community.owner.post_message(community.channel_id, f"en direct {i}")["id"]
                for i in range(5)]
        for _ in live:
            ws.wait_for("message.created")  # sent live, before any resume
        ws.send({"type": "resume", "communities": {str(cid): pos}})
        ws.collect(1.5)
        frames = list(ws.seen)  # every frame this connection received
    ids = [f["message"]["id"] for f in frames if f.get("type") == "message.created"]
    assert sorted(ids) == sorted(before + live), ids
    assert len(ids) == len(set(ids)), f"{len(ids)} frames, {len(set(ids))} distinct"
