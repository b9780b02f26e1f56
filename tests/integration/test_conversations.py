"""Conversations: direct conversations between two members and private groups of up to 50
members of one community, seen only by their participants — not the hosts, not the owner. They
are channels of kind "direct" or "group" (visibility "participants"); their messages, threads,
reactions and read markers go through the chat routes. Starting one (the same direct one from
either side), the list, adding people (who then read the whole history), leaving (404 on every
path, live connections cut with 4403), the 50 limit, the hosts' and each person's settings, bad
input changing nothing; the access rule of the issue on every path, live and on resume; the
outsider and the ended session.

The people, in one community of the module: Olga the owner (a host, English), Hugo a host
(English), Béa (a member, French), Chloé and Max (members, English); Dom, an outsider with a
community of his own. A direct conversation exists once per pair, so the tests that start one
bring new members of their own (world.new_member), and the tests of settings a community of
their own, so that tests do not depend on each other.
"""

import time

import pytest
import websocket

from conftest import API, Client, at_once, assert_error, emoji_path, signup, uid

THUMB = emoji_path("👍")
ACCESS_CHANGED = 4403
UNKNOWN = 999999999
# A conversation as POST and GET …/conversations give it: a channel, with its participants and
# the time of its latest message.
CONVERSATION_FIELDS = {"id", "community_id", "name", "kind", "visibility", "archived", "last_seq",
                       "created_at", "last_read_seq", "unread", "participants",
                       "last_activity_at"}
# In the events: without the reader's own fields and without last_activity_at.
EVENT_CHANNEL_FIELDS = CONVERSATION_FIELDS - {"last_read_seq", "unread", "last_activity_at"}
CONVERSATION_EVENTS = ("conversation.created", "conversation.changed")


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga")
        self.community = self.owner.create_community("La Ruelle")
        self.slug = self.community["slug"]
        self.cid = self.community["id"]
        self.hugo = self.join(signup(server, locale="en", display_name="Hugo"))
        r = self.owner.patch(f"{API}/communities/{self.slug}/members/{self.hugo.id}",
                             json={"role": "host"})
        assert r.status_code == 200, r.text
        self.bea = self.join(signup(server, locale="fr", display_name="Béa"))
        self.chloe = self.join(signup(server, locale="en", display_name="Chloé"))
        self.max = self.join(signup(server, locale="en", display_name="Max"))
        self.dom = signup(server, locale="en", display_name="Dom")
        self.dom_community = self.dom.create_community("Chez Dom")
        self.general = self.owner.create_channel(self.slug, "general")

    def join(self, client, owner=None, slug=None):
        client.accept((owner or self.owner).invite(slug or self.slug)["code"])
        return client

    def new_member(self, name, locale="en"):
        return self.join(signup(self.server, locale=locale, display_name=name))


@pytest.fixture(scope="module")
def world(server):
    return World(server)


# --- helpers --------------------------------------------------------------------------------

def start(client, slug, members, name=None, status=201):
    body = {"member_ids": [m if isinstance(m, int) else m.id for m in members]}
    if name is not None:
        body["name"] = name
    r = client.post(f"{API}/communities/{slug}/conversations", json=body)
    assert r.status_code == status, r.text
    return r.json()["channel"]


def conversations(client, slug):
    r = client.get(f"{API}/communities/{slug}/conversations")
    assert r.status_code == 200, r.text
    return r.json()["channels"]


def conversation_ids(client, slug):
    return [c["id"] for c in conversations(client, slug)]


def channel_ids(client, slug):
    return [c["id"] for c in client.channels(slug)]


def people(*clients):
    """The participants of a conversation started with these people: in the order they were
    added, and by account id among those added at once."""
    return [{"id": c.id, "display_name": c.account["display_name"]}
            for c in sorted(clients, key=lambda c: c.id)]


def participant_ids(conversation):
    return sorted(p["id"] for p in conversation["participants"])


def add(client, channel_id, members):
    return client.post(f"{API}/channels/{channel_id}/participants",
                       json={"member_ids": [m if isinstance(m, int) else m.id for m in members]})


def leave(client, channel_id):
    return client.delete(f"{API}/channels/{channel_id}/participants/me")


def settings_of(client, slug):
    r = client.get(f"{API}/communities/{slug}/conversation-settings")
    assert r.status_code == 200, r.text
    return r.json()["settings"]


def change_settings(client, slug, **fields):
    return client.patch(f"{API}/communities/{slug}/conversation-settings", json=fields)


def send(client, method, path, body=None):
    kw = {} if body is None else {"json": body}
    return client.request(method, API + path, **kw)


def every_conversation_request(channel_id, message_id, slug, member_id):
    """(method, path, JSON body or None) for every route that reaches one conversation, each well
    formed: what a participant could send."""
    return [
        ("GET", f"/channels/{channel_id}/messages", None),
        ("GET", f"/channels/{channel_id}/messages?after=0&limit=10", None),
        ("GET", f"/channels/{channel_id}/messages?before=99&limit=10", None),
        ("POST", f"/channels/{channel_id}/messages", {"body": "je lis ?"}),
        ("POST", f"/channels/{channel_id}/messages", {"body": "en fil", "parent_id": message_id}),
        ("GET", f"/messages/{message_id}/thread", None),
        ("PATCH", f"/messages/{message_id}", {"body": "modifié"}),
        ("DELETE", f"/messages/{message_id}", None),
        ("PUT", f"/messages/{message_id}/reactions/{THUMB}", None),
        ("DELETE", f"/messages/{message_id}/reactions/{THUMB}", None),
        ("POST", f"/channels/{channel_id}/read", {"seq": 1}),
        ("POST", f"/channels/{channel_id}/participants", {"member_ids": [member_id]}),
        ("DELETE", f"/channels/{channel_id}/participants/me", None),
        ("PATCH", f"/channels/{channel_id}", {"name": "à moi"}),
        ("PATCH", f"/channels/{channel_id}", {"archived": True}),
    ]


def snapshot(server):
    """What a refused request must not change: every conversation, its participants, its
    messages and reactions, and the read markers, straight from the database."""
    rows = lambda q: sorted(tuple(r) for r in server.sql(q))  # noqa: E731
    return {
        "rooms": rows("SELECT id, name, kind, visibility, archived_at, last_seq FROM channels "
                      "WHERE kind IN ('direct', 'group')"),
        "participants": rows("SELECT channel_id, account_id FROM channel_participants"),
        "messages": rows("SELECT id, channel_id, body, deleted_at, edited_at, reply_count "
                         "FROM messages"),
        "reactions": rows("SELECT message_id, account_id, emoji FROM reactions"),
        "markers": rows("SELECT channel_id, account_id, last_read_seq FROM read_markers"),
    }


def frames_until_close(ws, timeout=5.0):
    """The JSON frames received until the server closes the stream, and its close code (None if
    it stays open for `timeout` seconds)."""
    import json
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


def about(frames, channel_id):
    """The frames that name the room: its events (channel_id) and its conversation events."""
    return [f for f in frames
            if f.get("channel_id") == channel_id
            or (isinstance(f.get("channel"), dict) and f["channel"].get("id") == channel_id)]


def community_position(client, community_id):
    with client.ws() as ws:
        return ws.wait_for("hello")["communities"][str(community_id)]


def sentinel(world, ws_list, text=None):
    """Posts in the public room and waits for it on each stream: every event committed before
    it has then been delivered (events of a community go out in order)."""
    m = world.owner.post_message(world.general["id"], text or f"repère {uid()}")
    for ws in ws_list:
        ws.wait_for(lambda e: e.get("type") == "message.created"
                    and e["message"]["id"] == m["id"], what="the sentinel message")
    return m


class Fresh:
    """A community of its own (for the settings, which are community-wide, and the crowd of the
    50 limit): its owner and members."""

    def __init__(self, world, members=3):
        self.owner = signup(world.server, locale="en", display_name="Paule")
        self.slug = self.owner.create_community(f"Ailleurs {uid()}")["slug"]
        self.members = [world.join(signup(world.server, locale="en", display_name=f"P{i}"),
                                   owner=self.owner, slug=self.slug) for i in range(members)]


# --- starting one ---------------------------------------------------------------------------

def test_a_direct_conversation_is_the_same_one_from_either_side(world):
    ana, ben = world.new_member("Ana"), world.new_member("Ben")
    first = start(ana, world.slug, [ben])
    assert set(first) == CONVERSATION_FIELDS, first
    assert (first["kind"], first["visibility"], first["name"]) == ("direct", "participants", "")
    assert first["community_id"] == world.cid
    assert (first["archived"], first["last_seq"], first["last_read_seq"], first["unread"]) == (
        False, 0, 0, 0)
    assert first["participants"] == people(ana, ben)
    assert first["last_activity_at"] == first["created_at"], "no message yet: its creation"

    again = start(ana, world.slug, [ben], status=200)
    assert again["id"] == first["id"]
    # from the other side, naming the other twice and oneself too: the same one
    other_side = start(ben, world.slug, [ana, ana, ben], status=200)
    assert other_side["id"] == first["id"]
    assert other_side["participants"] == people(ana, ben)
    # a name is a group's: a direct conversation keeps none
    named = start(ben, world.slug, [ana], name="Nous deux", status=200)
    assert (named["id"], named["name"]) == (first["id"], "")

    assert conversation_ids(ana, world.slug) == [first["id"]]
    assert conversation_ids(ben, world.slug) == [first["id"]]
    for who in (world.owner, world.hugo, world.bea):
        assert first["id"] not in conversation_ids(who, world.slug)
    for who in (world.owner, world.hugo, ana, ben):
        assert first["id"] not in channel_ids(who, world.slug), "GET …/channels leaves it out"


def test_two_starts_at_once_from_both_sides_make_one_conversation(world):
    ana, ben = world.new_member("Ana"), world.new_member("Ben")
    answers = at_once([
        lambda: ana.post(f"{API}/communities/{world.slug}/conversations",
                         json={"member_ids": [ben.id]}),
        lambda: ben.post(f"{API}/communities/{world.slug}/conversations",
                         json={"member_ids": [ana.id]}),
    ])
    assert sorted(r.status_code for r in answers) == [200, 201], [r.text for r in answers]
    assert len({r.json()["channel"]["id"] for r in answers}) == 1
    assert conversation_ids(ana, world.slug) == conversation_ids(ben, world.slug)
    assert len(conversation_ids(ana, world.slug)) == 1


def test_a_group_with_a_name_and_one_without(world):
    ana, ben, cleo = (world.new_member(n) for n in ("Ana", "Ben", "Cléo"))
    group = start(ana, world.slug, [ben, cleo], name="  Les musiciens  ")
    assert set(group) == CONVERSATION_FIELDS
    assert (group["kind"], group["visibility"]) == ("group", "participants")
    assert group["name"] == "Les musiciens", "trimmed"
    assert group["participants"] == people(ana, ben, cleo)
    # the same people again: another group (only a direct conversation is the same every time)
    second = start(ben, world.slug, [cleo, ana])
    assert second["id"] != group["id"]
    assert (second["kind"], second["name"]) == ("group", "")
    blank = start(cleo, world.slug, [ana, ben], name="   ")
    assert blank["name"] == ""
    longest = start(cleo, world.slug, [ana, ben], name="é" * 80)
    assert longest["name"] == "é" * 80
    for who in (ana, ben, cleo):
        assert set(conversation_ids(who, world.slug)) == {
            group["id"], second["id"], blank["id"], longest["id"]}
    assert not {group["id"], second["id"]} & set(conversation_ids(world.owner, world.slug))


# --- chat in a conversation -----------------------------------------------------------------

def test_messages_a_thread_reactions_and_read_markers_go_through_the_chat_routes(world):
    ana, ben, cleo = (world.new_member(n) for n in ("Ana", "Ben", "Cléo"))
    group = start(ana, world.slug, [ben, cleo], name="Répétition")
    gid = group["id"]
    with ben.ws() as ben_ws, cleo.ws() as cleo_ws:
        ben_ws.wait_for("hello")
        cleo_ws.wait_for("hello")
        first = ana.post_message(gid, "On répète **jeudi** ?")
        assert first["channel_id"] == gid and first["seq"] == 1
        assert "<strong>jeudi</strong>" in first["html"]
        reply = ben.post_message(gid, "Oui, 19 h", parent_id=first["id"])
        assert reply["parent_id"] == first["id"]
        r = cleo.put(f"{API}/messages/{first['id']}/reactions/{THUMB}")
        assert r.status_code == 200, r.text
        assert r.json()["message"]["reactions"] == [
            {"emoji": "👍", "count": 1, "account_ids": [cleo.id]}]
        r = ana.patch(f"{API}/messages/{first['id']}", json={"body": "On répète jeudi ou vendredi ?"})
        assert r.status_code == 200 and r.json()["message"]["edited_at"], r.text
        r = cleo.post(f"{API}/channels/{gid}/read", json={"seq": reply["seq"]})
        assert r.status_code == 200, r.text
        marked = r.json()["channel"]
        assert (marked["id"], marked["kind"], marked["last_read_seq"], marked["unread"]) == (
            gid, "group", 2, 0)

        want = ["message.created", "message.created", "reaction.added", "message.edited"]
        got = [ben_ws.wait_for(lambda e: e.get("channel_id") == gid
                               and e["type"].split(".")[0] in ("message", "reaction"),
                               what="the group's events") for _ in want]
        assert [e["type"] for e in got] == want
        assert got[1]["message"]["parent_id"] == first["id"]
        # the read marker goes to the reader's own connections only
        cleo_ws.wait_for(lambda e: e.get("type") == "channel.read" and e["channel_id"] == gid)
        sentinel(world, [ben_ws])
        assert [e for e in ben_ws.seen if e.get("type") == "channel.read"
                and e["last_read_seq"] == 2 and e["channel_id"] == gid] == [], \
            "Cléo's marker is not sent to Ben"

    page = ben.history(gid)
    assert [(m["id"], m["parent_id"]) for m in page] == [(first["id"], None),
                                                         (reply["id"], first["id"])]
    assert page[0]["body"] == "On répète jeudi ou vendredi ?"
    assert page[0]["reply_count"] == 1
    r = cleo.get(f"{API}/messages/{first['id']}/thread")
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["replies"]] == [reply["id"]]
    assert r.json()["parent"]["reactions"][0]["account_ids"] == [cleo.id]

    listed = {c["id"]: c for c in conversations(cleo, world.slug)}
    assert (listed[gid]["last_seq"], listed[gid]["last_read_seq"], listed[gid]["unread"]) == (
        2, 2, 0)
    listed = {c["id"]: c for c in conversations(ben, world.slug)}
    assert listed[gid]["unread"] == 0, "his own reply moved his marker past Ana's message"
    listed = {c["id"]: c for c in conversations(ana, world.slug)}
    assert (listed[gid]["last_read_seq"], listed[gid]["unread"]) == (1, 1), "Ben's reply"
    assert listed[gid]["last_activity_at"] == reply["created_at"]


def test_the_list_is_sorted_by_latest_message_with_unread_counts(world):
    ivy = world.new_member("Ivy")
    ana, ben = world.new_member("Ana"), world.new_member("Ben")
    made = []
    for who, others, name in ((ivy, [ana], None), (ben, [ivy], None), (ana, [ivy, ben], "Trio"),
                              (ivy, [world.chloe], None)):
        made.append(start(who, world.slug, others, name=name))
        time.sleep(0.005)  # times are in milliseconds
    with_ana, with_ben, group, quiet = made  # quiet: no message, counts from its creation
    # newest first: the latest message's time, else the conversation's creation
    assert conversation_ids(ivy, world.slug) == [quiet["id"], group["id"], with_ben["id"],
                                                 with_ana["id"]]
    time.sleep(0.005)
    ana.post_message(with_ana["id"], "un")
    time.sleep(0.005)
    ben.post_message(with_ben["id"], "deux")
    time.sleep(0.005)
    ana.post_message(group["id"], "trois")
    time.sleep(0.005)
    last = ben.post_message(with_ben["id"], "quatre")
    listed = conversations(ivy, world.slug)
    assert [c["id"] for c in listed] == [with_ben["id"], group["id"], with_ana["id"],
                                         quiet["id"]]
    assert [c["unread"] for c in listed] == [2, 1, 1, 0]
    assert listed[0]["last_activity_at"] == last["created_at"]
    assert listed[0]["participants"] == people(ben, ivy)
    # her own message moves her marker and the order, not her unread counts elsewhere
    time.sleep(0.005)
    ivy.post_message(with_ana["id"], "cinq")
    listed = conversations(ivy, world.slug)
    assert [c["id"] for c in listed][:2] == [with_ana["id"], with_ben["id"]]
    assert {c["id"]: c["unread"] for c in listed}[with_ana["id"]] == 0
    r = ivy.post(f"{API}/channels/{with_ben['id']}/read", json={"seq": 2})
    assert r.status_code == 200, r.text
    assert {c["id"]: c["unread"] for c in conversations(ivy, world.slug)}[with_ben["id"]] == 0
    assert {c["id"]: c["unread"] for c in conversations(ben, world.slug)}[with_ben["id"]] == 0


# --- adding people --------------------------------------------------------------------------

def test_someone_added_to_a_group_reads_its_whole_history(world):
    ana, ben, noe = (world.new_member(n) for n in ("Ana", "Ben", "Noé"))
    group = start(ana, world.slug, [ben], name=None)
    assert group["kind"] == "direct", "one other: a direct conversation"
    group = start(ana, world.slug, [ben, world.chloe], name="Voisins")
    gid = group["id"]
    old = [ana.post_message(gid, f"avant {i}") for i in range(3)]
    reply = ben.post_message(gid, "une réponse", parent_id=old[0]["id"])
    assert_error(noe.get(f"{API}/channels/{gid}/messages"), 404, "not_found")

    with noe.ws() as noe_ws, ana.ws() as ana_ws:
        noe_ws.wait_for("hello")
        ana_ws.wait_for("hello")
        r = add(ben, gid, [noe, ben])  # oneself is left out
        assert r.status_code == 200, r.text
        changed = r.json()["channel"]
        assert set(changed) == CONVERSATION_FIELDS
        assert changed["participants"] == people(ana, ben, world.chloe) + people(noe), \
            "the one added last comes last"
        for ws in (noe_ws, ana_ws):
            e = ws.wait_for("conversation.changed")
            assert e["community_id"] == world.cid and isinstance(e["pos"], int)
            assert set(e["channel"]) == EVENT_CHANNEL_FIELDS
            assert e["channel"]["id"] == gid
            assert e["channel"]["participants"] == changed["participants"]
        later = ana.post_message(gid, "bienvenue Noé")
        noe_ws.wait_for(lambda e: e.get("type") == "message.created"
                        and e["message"]["id"] == later["id"])

    assert [m["id"] for m in noe.all_messages(gid)] == [
        m["id"] for m in old] + [reply["id"], later["id"]], "the whole history"
    r = noe.get(f"{API}/messages/{old[0]['id']}/thread")
    assert r.status_code == 200 and [m["id"] for m in r.json()["replies"]] == [reply["id"]]
    (listed,) = [c for c in conversations(noe, world.slug) if c["id"] == gid]
    assert listed["unread"] == 5, "everything before him is unread to him"
    noe.post_message(gid, "merci", parent_id=old[1]["id"])

    # adding people already there: 200, nothing changes
    r = add(noe, gid, [ana, ben])
    assert r.status_code == 200, r.text
    assert r.json()["channel"]["participants"] == changed["participants"]


def test_a_direct_conversation_stays_between_two(world):
    ana, ben = world.new_member("Ana", locale="fr"), world.new_member("Ben")
    dm = start(ana, world.slug, [ben])
    before = snapshot(world.server)
    said = assert_error(add(ana, dm["id"], [world.chloe]), 409, "direct_is_two")["message"]
    assert said == "Une conversation à deux reste à deux : crée un groupe pour ajouter du monde."
    said = assert_error(add(ben, dm["id"], [world.chloe, world.max]), 409,
                        "direct_is_two")["message"]
    assert said == "A direct conversation stays between two: start a group to add people."
    assert snapshot(world.server) == before
    (listed,) = conversations(ana, world.slug)
    assert listed["participants"] == people(ana, ben)


# --- leaving --------------------------------------------------------------------------------

def test_who_leaves_gets_404_everywhere_and_their_stream_is_cut(world):
    ana, ben, ivy = (world.new_member(n) for n in ("Ana", "Ben", "Ivy"))
    group = start(ana, world.slug, [ben, ivy], name="Départs")
    gid = group["id"]
    mine = ivy.post_message(gid, "le mien")
    ana_msg = ana.post_message(gid, "celui d’Ana")
    assert len(ivy.history(gid)) == 2  # read once (remembered a few seconds on PostgreSQL)
    was_at = community_position(ivy, world.cid)
    with ivy.ws() as ivy_ws, ivy.ws() as ivy_phone, ana.ws() as ana_ws:
        for ws in (ivy_ws, ivy_phone, ana_ws):
            ws.wait_for("hello")
        r = leave(ivy, gid)
        assert r.status_code == 204, r.text
        for ws in (ivy_ws, ivy_phone):
            frames, code = frames_until_close(ws)
            assert code == ACCESS_CHANGED, (code, frames)
            assert about(frames, gid) == [], "nothing of the conversation she left"
        e = ana_ws.wait_for("conversation.changed")
        assert e["channel"]["id"] == gid
        assert e["channel"]["participants"] == people(ana, ben)
        _, still_open = frames_until_close(ana_ws, timeout=0.3)
        assert still_open is None, "the others' streams stay open"

    before = snapshot(world.server)
    for method, path, body in every_conversation_request(gid, ana_msg["id"], world.slug,
                                                         world.max.id):
        assert_error(send(ivy, method, path, body), 404, "not_found")
    for method, path, body in every_conversation_request(gid, mine["id"], world.slug, ivy.id):
        assert_error(send(ivy, method, path, body), 404, "not_found")
    assert snapshot(world.server) == before
    assert gid not in conversation_ids(ivy, world.slug)
    assert gid not in channel_ids(ivy, world.slug)
    # what she wrote stays, for the others
    assert [m["id"] for m in ben.history(gid)] == [mine["id"], ana_msg["id"]]
    (listed,) = [c for c in conversations(ben, world.slug) if c["id"] == gid]
    assert listed["participants"] == people(ana, ben)

    # reconnected, a resume from before the leave replays nothing of it
    with ivy.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(world.cid): was_at}})
        ws.wait_for("resumed")
        assert about(ws.seen, gid) == []
        ws.send({"type": "typing", "channel_id": gid})
        assert ws.wait_for("error")["error"]["code"] == "not_found"
        ws.send({"type": "resume", "channels": {str(gid): 0}})
        ws.wait_for("resumed")
        assert about(ws.seen, gid) == []
    # and new messages never reach her
    with ivy.ws() as ws:
        ws.wait_for("hello")
        ana.post_message(gid, "après son départ")
        sentinel(world, [ws])
        assert about(ws.seen, gid) == []
    # she may be added back, and reads it all again
    r = add(ben, gid, [ivy])
    assert r.status_code == 200, r.text
    assert len(ivy.history(gid)) == 3


def test_leaving_a_direct_conversation(world):
    ana, ben = world.new_member("Ana"), world.new_member("Ben")
    dm = start(ana, world.slug, [ben])
    ana.post_message(dm["id"], "salut")
    assert leave(ben, dm["id"]).status_code == 204
    assert_error(ben.get(f"{API}/channels/{dm['id']}/messages"), 404, "not_found")
    assert_error(leave(ben, dm["id"]), 404, "not_found")
    assert conversation_ids(ben, world.slug) == []
    (listed,) = conversations(ana, world.slug)
    assert listed["participants"] == people(ana), "Ana stays, alone"
    assert leave(ana, dm["id"]).status_code == 204
    assert conversation_ids(ana, world.slug) == []


# Once one of the two has left a direct conversation, starting it again answers 200 with the same
# channel and brings both back in. (Found as a bug: it used to add nobody back, so the one who
# left got a channel that was 404 to them, and neither could talk directly again.)
def test_starting_a_direct_conversation_again_after_leaving_it_brings_both_back(world):
    ana, ben = world.new_member("Ana"), world.new_member("Ben")
    dm = start(ana, world.slug, [ben])
    ana.post_message(dm["id"], "salut")
    assert leave(ben, dm["id"]).status_code == 204
    r = ben.post(f"{API}/communities/{world.slug}/conversations", json={"member_ids": [ana.id]})
    assert r.status_code in (200, 201), r.text
    again = r.json()["channel"]
    assert again["participants"] == people(ana, ben), again
    assert ben.get(f"{API}/channels/{again['id']}/messages").status_code == 200
    assert again["id"] in conversation_ids(ben, world.slug)


# --- the 50 limit ---------------------------------------------------------------------------

def test_a_group_holds_at_most_50_including_the_one_who_starts_it(world):
    place = Fresh(world, members=51)
    starter, crowd = place.members[0], place.members[1:]
    assert len(crowd) == 50
    before = snapshot(world.server)
    r = starter.post(f"{API}/communities/{place.slug}/conversations",
                     json={"member_ids": [c.id for c in crowd]})
    assert_error(r, 422, "invalid_field", field="member_ids")
    assert "49" in r.json()["error"]["message"], r.json()
    # 101 ids (the same ones): refused before anything is looked up
    r = starter.post(f"{API}/communities/{place.slug}/conversations",
                     json={"member_ids": [crowd[0].id] * 101})
    assert_error(r, 422, "invalid_field", field="member_ids")
    assert snapshot(world.server) == before
    assert conversation_ids(starter, place.slug) == []

    full = start(starter, place.slug, crowd[:49])
    assert len(full["participants"]) == 50
    before = snapshot(world.server)
    assert_error(add(crowd[3], full["id"], [crowd[49]]), 422, "invalid_field", field="member_ids")
    assert snapshot(world.server) == before
    # the 49 named twice, with oneself: still 50
    r = starter.post(f"{API}/communities/{place.slug}/conversations",
                     json={"member_ids": [c.id for c in crowd[:49]] * 2 + [starter.id]})
    assert r.status_code == 201 and len(r.json()["channel"]["participants"]) == 50, r.text

    # below the limit, one more is taken, then no more
    group = start(starter, place.slug, crowd[:47])
    assert_error(add(starter, group["id"], crowd[47:50]), 422, "invalid_field",
                 field="member_ids")
    assert len(next(c for c in conversations(starter, place.slug)
                    if c["id"] == group["id"])["participants"]) == 48
    r = add(starter, group["id"], crowd[47:49])
    assert r.status_code == 200 and len(r.json()["channel"]["participants"]) == 50, r.text
    assert_error(add(starter, group["id"], [crowd[49]]), 422, "invalid_field", field="member_ids")
    assert crowd[49].get(f"{API}/channels/{group['id']}/messages").status_code == 404


# --- settings -------------------------------------------------------------------------------

def test_only_hosts_turn_direct_messages_off(world):
    place = Fresh(world)
    a, b, c = place.members
    for who in (place.owner, a):
        assert settings_of(who, place.slug) == {"direct_messages": True,
                                                "from_known_only": False}
    existing = start(a, place.slug, [c])
    assert_error(change_settings(a, place.slug, direct_messages=False), 403, "forbidden")
    # refused as a whole: her own setting in the same request is not changed either
    assert_error(change_settings(a, place.slug, direct_messages=False, from_known_only=True),
                 403, "forbidden")
    assert settings_of(a, place.slug) == {"direct_messages": True, "from_known_only": False}

    r = change_settings(place.owner, place.slug, direct_messages=False)
    assert r.status_code == 200, r.text
    assert r.json()["settings"] == {"direct_messages": False, "from_known_only": False}
    assert settings_of(b, place.slug)["direct_messages"] is False
    before = snapshot(world.server)
    for who, others in ((a, [b]), (b, [a, c]), (place.owner, [b])):
        r = who.post(f"{API}/communities/{place.slug}/conversations",
                     json={"member_ids": [o.id for o in others]})
        assert_error(r, 403, "direct_messages_off")
    # even the direct conversation that exists: a start is refused (it is still listed, and
    # works through the chat routes)
    assert_error(a.post(f"{API}/communities/{place.slug}/conversations",
                        json={"member_ids": [c.id]}), 403, "direct_messages_off")
    assert snapshot(world.server) == before
    assert conversation_ids(a, place.slug) == [existing["id"]]
    a.post_message(existing["id"], "toujours là")

    r = change_settings(place.owner, place.slug, direct_messages=True)
    assert r.status_code == 200 and r.json()["settings"]["direct_messages"] is True
    start(a, place.slug, [b])


def test_from_known_only_refuses_strangers_but_not_those_one_talks_with(world):
    place = Fresh(world, members=4)
    a, b, c, d = place.members
    r = change_settings(b, place.slug, from_known_only=True)
    assert r.status_code == 200, r.text
    assert r.json()["settings"] == {"direct_messages": True, "from_known_only": True}
    assert settings_of(b, place.slug)["from_known_only"] is True
    assert settings_of(a, place.slug)["from_known_only"] is False, "her own, not everyone's"

    before = snapshot(world.server)
    for who, others in ((a, [b]), (c, [a, b]), (place.owner, [b])):
        r = who.post(f"{API}/communities/{place.slug}/conversations",
                     json={"member_ids": [o.id for o in others]})
        assert_error(r, 403, "refuses_direct_messages")
    assert snapshot(world.server) == before
    group = start(c, place.slug, [a, d])
    before = snapshot(world.server)
    assert_error(add(c, group["id"], [b]), 403, "refuses_direct_messages")
    assert snapshot(world.server) == before, "nor added to a group by a stranger"

    # she still writes to anyone, and whoever shares a conversation with her may start one
    with_c = start(b, place.slug, [c, d], name="Les connus")
    dm = start(c, place.slug, [b])
    assert dm["participants"] == people(b, c)
    r = add(d, group["id"], [b])  # d shares "Les connus" with her
    assert r.status_code == 200, r.text
    # a, in a group with her now, may too
    assert start(a, place.slug, [b])["kind"] == "direct"
    assert {with_c["id"], dm["id"], group["id"]} <= set(conversation_ids(b, place.slug))

    # the setting is the person's, not the community's: it holds in every community of theirs
    world.join(b)
    assert settings_of(b, world.slug) == {"direct_messages": True, "from_known_only": True}
    assert_error(world.chloe.post(f"{API}/communities/{world.slug}/conversations",
                                  json={"member_ids": [b.id]}), 403, "refuses_direct_messages")

    r = change_settings(b, place.slug, from_known_only=False)
    assert r.status_code == 200 and r.json()["settings"]["from_known_only"] is False
    start(place.owner, place.slug, [b])


def test_bad_settings_are_refused(world):
    place = Fresh(world, members=1)
    (a,) = place.members
    for body, field in (({"direct_messages": "no"}, "direct_messages"),
                        ({"from_known_only": 1}, "from_known_only"),
                        ({"from_known_only": "true"}, "from_known_only")):
        assert_error(place.owner.patch(f"{API}/communities/{place.slug}/conversation-settings",
                                       json=body), 422, "invalid_field", field=field)
    assert_error(a.patch(f"{API}/communities/{place.slug}/conversation-settings", data="{",
                         headers={"Content-Type": "application/json"}), 400, "malformed_json")
    r = change_settings(a, place.slug)
    assert r.status_code == 200, "an empty change changes nothing"
    assert r.json()["settings"] == {"direct_messages": True, "from_known_only": False}
    assert settings_of(place.owner, place.slug) == {"direct_messages": True,
                                                    "from_known_only": False}
    for method in ("GET", "PATCH"):
        r = world.dom.request(method, f"{world.server.url}{API}/communities/{place.slug}/"
                              "conversation-settings", json={"from_known_only": True})
        assert_error(r, 404, "not_found")
    assert settings_of(world.dom, world.dom_community["slug"])["from_known_only"] is False


# --- bad input ------------------------------------------------------------------------------

# (body, status, code, field): sent by Béa to POST …/conversations; "{dom}", "{chloe}" … are
# account ids.
BAD_STARTS = {
    "not a member": ({"member_ids": ["{dom}"]}, 422, "invalid_field", "member_ids"),
    "a member and one who is not": ({"member_ids": ["{chloe}", "{dom}"]}, 422, "invalid_field",
                                    "member_ids"),
    "an unknown account": ({"member_ids": [UNKNOWN]}, 422, "invalid_field", "member_ids"),
    "a negative id": ({"member_ids": [-1]}, 422, "invalid_field", "member_ids"),
    "an empty list": ({"member_ids": []}, 422, "invalid_field", "member_ids"),
    "only oneself": ({"member_ids": ["{bea}"]}, 422, "invalid_field", "member_ids"),
    "no member_ids": ({"name": "x"}, 422, "invalid_field", "member_ids"),
    "member_ids null": ({"member_ids": None}, 422, "invalid_field", "member_ids"),
    "not an array: a number": ({"member_ids": "{chloe}"}, 422, "invalid_field", "member_ids"),
    "not an array: a string": ({"member_ids": "1,2"}, 422, "invalid_field", "member_ids"),
    "not an array: an object": ({"member_ids": {"id": 1}}, 422, "invalid_field", "member_ids"),
    "a decimal": ({"member_ids": [1.5]}, 422, "invalid_field", "member_ids"),
    "an id as a string": ({"member_ids": ["7"]}, 422, "invalid_field", "member_ids"),
    "a null id": ({"member_ids": [None]}, 422, "invalid_field", "member_ids"),
    "a boolean id": ({"member_ids": [True]}, 422, "invalid_field", "member_ids"),
    "a nested list": ({"member_ids": [["{chloe}"]]}, 422, "invalid_field", "member_ids"),
    "101 ids": ({"member_ids": ["{chloe}"] * 101}, 422, "invalid_field", "member_ids"),
    "a name not a string": ({"member_ids": ["{chloe}", "{max}"], "name": 5}, 422,
                            "invalid_field", "name"),
    "a name too long": ({"member_ids": ["{chloe}", "{max}"], "name": "n" * 81}, 422,
                        "invalid_field", "name"),
    "a line break in the name": ({"member_ids": ["{chloe}", "{max}"], "name": "a\nb"}, 422,
                                 "invalid_field", "name"),
    "a bidi override in the name": ({"member_ids": ["{chloe}", "{max}"], "name": "abc\u202egpj"},
                                    422, "invalid_field", "name"),
    "malformed JSON": ("{\"member_ids\": [", 400, "malformed_json", None),
    "a JSON array": ("[1, 2]", 400, "malformed_json", None),
}


def fill(value, world):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") \
            and value[1:-1].isalpha():
        return getattr(world, value[1:-1]).id
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value


@pytest.mark.parametrize("case", list(BAD_STARTS))
def test_a_bad_start_says_why_and_makes_nothing(world, case):
    body, status, code, field = BAD_STARTS[case]
    before = snapshot(world.server)
    listed = {who: conversation_ids(getattr(world, who), world.slug)
              for who in ("bea", "chloe", "max")}
    url = f"{API}/communities/{world.slug}/conversations"
    if isinstance(body, str):
        r = world.bea.post(url, data=body, headers={"Content-Type": "application/json"})
    else:
        r = world.bea.post(url, json=fill(body, world))
    err = assert_error(r, status, code, field=field)
    if code == "invalid_field":
        assert f"« {field} »" in err["message"], "in Béa's language"
    assert snapshot(world.server) == before
    assert {who: conversation_ids(getattr(world, who), world.slug)
            for who in ("bea", "chloe", "max")} == listed


@pytest.mark.parametrize("body,status,field", [
    ({"member_ids": ["{dom}"]}, 422, "member_ids"),
    ({"member_ids": [UNKNOWN]}, 422, "member_ids"),
    ({"member_ids": []}, 422, "member_ids"),
    ({"member_ids": ["{bea}"]}, 422, "member_ids"),
    ({}, 422, "member_ids"),
    ({"member_ids": 5}, 422, "member_ids"),
    ({"member_ids": ["x"]}, 422, "member_ids"),
    ({"member_ids": [2.5]}, 422, "member_ids"),
    ("{", 400, None),
], ids=["not a member", "unknown", "empty", "only oneself", "missing", "not an array",
        "a string id", "a decimal", "malformed JSON"])
def test_a_bad_addition_says_why_and_adds_nobody(world, scene, body, status, field):
    before = snapshot(world.server)
    url = f"{API}/channels/{scene['group']}/participants"
    if isinstance(body, str):
        r = world.bea.post(url, data=body, headers={"Content-Type": "application/json"})
    else:
        r = world.bea.post(url, json=fill(body, world))
    assert_error(r, status, "invalid_field" if status == 422 else "malformed_json", field=field)
    assert snapshot(world.server) == before


# --- who may see them -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def scene(world):
    """Béa and Chloé's direct conversation (a message, a reply, a reaction, a read marker) and a
    group of Béa, Chloé and Max; the owner and Hugo, both hosts, are in neither."""
    dm = start(world.bea, world.slug, [world.chloe])
    first = world.bea.post_message(dm["id"], "Juste entre nous")
    reply = world.chloe.post_message(dm["id"], "Promis", parent_id=first["id"])
    assert world.chloe.put(f"{API}/messages/{first['id']}/reactions/{THUMB}").status_code == 200
    assert world.chloe.post(f"{API}/channels/{dm['id']}/read", json={"seq": 2}).status_code == 200
    group = start(world.max, world.slug, [world.bea, world.chloe], name="Le trio")
    in_group = world.max.post_message(group["id"], "Salut le trio")
    return {"dm": dm["id"], "message": first["id"], "reply": reply["id"], "group": group["id"],
            "group_message": in_group["id"]}


def test_hosts_and_the_owner_who_are_not_in_it_get_404_on_every_path(world, scene):
    """The access rule of the issue: a conversation is its participants' only. A host — the
    owner too — gets for it exactly the answer of an id that does not exist, on every route."""
    for room, message in ((scene["dm"], scene["message"]), (scene["group"],
                                                            scene["group_message"])):
        before = snapshot(world.server)
        real = every_conversation_request(room, message, world.slug, world.hugo.id)
        made_up = every_conversation_request(UNKNOWN, UNKNOWN, world.slug, world.hugo.id)
        for host in (world.owner, world.hugo):
            for (method, path, body), (_, unknown_path, _) in zip(real, made_up):
                r = send(host, method, path, body)
                assert_error(r, 404, "not_found")
                assert r.json() == send(host, method, unknown_path, body).json(), path
            # the thread reply and the reaction too
            assert_error(send(host, "GET", f"/messages/{scene['reply']}/thread"), 404)
            assert_error(send(host, "PUT", f"/messages/{scene['reply']}/reactions/{THUMB}"), 404)
            # adding oneself is no way in
            assert_error(add(host, room, [host]), 404, "not_found")
            assert room not in conversation_ids(host, world.slug)
            assert room not in channel_ids(host, world.slug)
        assert snapshot(world.server) == before
    # the participants still see it all
    assert [m["id"] for m in world.chloe.history(scene["dm"])][:2] == [scene["message"],
                                                                       scene["reply"]]
    assert scene["dm"] in conversation_ids(world.bea, world.slug)
    assert scene["group"] in conversation_ids(world.chloe, world.slug)


def test_hosts_typing_in_a_conversation_are_told_it_does_not_exist(world, scene):
    with world.owner.ws() as host_ws, world.chloe.ws() as chloe_ws:
        host_ws.wait_for("hello")
        chloe_ws.wait_for("hello")
        host_ws.send({"type": "typing", "channel_id": scene["dm"]})
        assert host_ws.wait_for("error")["error"]["code"] == "not_found"
        with world.bea.ws() as bea_ws:  # Béa types: Chloé hears it, the host does not
            bea_ws.wait_for("hello")
            bea_ws.send({"type": "typing", "channel_id": scene["dm"]})
            chloe_ws.wait_for(lambda e: e.get("type") == "typing"
                              and e["channel_id"] == scene["dm"])
        sentinel(world, [host_ws])
        assert about(host_ws.seen, scene["dm"]) == []


def act_in_a_conversation(world, scene):
    """Every kind of event of a conversation: a new direct one, messages, a reply, an edit, a
    deletion, reactions, a read marker, someone added to a group, someone leaving it."""
    ana = world.new_member("Ana")
    dm = start(ana, world.slug, [world.bea])
    m1 = ana.post_message(dm["id"], "Coucou Béa")
    m2 = world.bea.post_message(dm["id"], "Coucou", parent_id=m1["id"])
    assert world.bea.put(f"{API}/messages/{m1['id']}/reactions/{THUMB}").status_code == 200
    assert world.bea.delete(f"{API}/messages/{m1['id']}/reactions/{THUMB}").status_code == 200
    assert ana.patch(f"{API}/messages/{m1['id']}", json={"body": "Coucou Béa !"}).status_code == 200
    assert world.bea.delete(f"{API}/messages/{m2['id']}").status_code == 204
    assert world.bea.post(f"{API}/channels/{dm['id']}/read", json={"seq": 2}).status_code == 200
    world.chloe.post_message(scene["dm"], "Encore entre nous")
    assert add(world.chloe, scene["group"], [ana]).status_code == 200
    world.max.post_message(scene["group"], "Bienvenue Ana")
    assert leave(ana, scene["group"]).status_code == 204
    return ana, dm["id"]


def test_a_conversations_events_never_reach_the_hosts_live_nor_on_resume(world, scene):
    cid = world.cid
    owner_was_at = community_position(world.owner, cid)
    hugo_was_at = community_position(world.hugo, cid)
    with world.owner.ws() as owner_ws, world.hugo.ws() as hugo_ws, world.bea.ws() as bea_ws:
        for ws in (owner_ws, hugo_ws, bea_ws):
            ws.wait_for("hello")
        _, new_dm = act_in_a_conversation(world, scene)
        rooms = (new_dm, scene["dm"], scene["group"])
        # Béa, a participant, sees the new direct conversation and its messages
        created = bea_ws.wait_for(lambda e: e.get("type") == "conversation.created"
                                  and e["channel"]["id"] == new_dm)
        assert set(created["channel"]) == EVENT_CHANNEL_FIELDS
        assert created["channel"]["kind"] == "direct"
        assert world.bea.id in participant_ids(created["channel"])
        bea_ws.wait_for(lambda e: e.get("type") == "message.deleted" and e["channel_id"] == new_dm)
        sentinel(world, [owner_ws, hugo_ws, bea_ws])
        for ws in (owner_ws, hugo_ws):
            for room in rooms:
                assert about(ws.seen, room) == [], room
            assert [f for f in ws.seen if f.get("type") in CONVERSATION_EVENTS] == []

    for who, was_at in ((world.owner, owner_was_at), (world.hugo, hugo_was_at)):
        with who.ws() as ws:
            ws.wait_for("hello")
            ws.send({"type": "resume", "communities": {str(cid): was_at}})
            resumed = ws.wait_for("resumed")
            assert resumed["communities"][str(cid)] > was_at
            assert [f for f in ws.seen if f.get("type") == "message.created"
                    and f["channel_id"] == world.general["id"]], "the replay did run"
            for room in rooms:
                assert about(ws.seen, room) == [], room
            assert [f for f in ws.seen if f.get("type") in CONVERSATION_EVENTS] == []
            # the first form of resume, naming the rooms: nothing either
            ws.send({"type": "resume", "channels": {str(r): 0 for r in rooms}})
            ws.wait_for(lambda e: e.get("type") == "resumed" and "channels" in e)
            assert [f for f in ws.seen if f.get("type") == "message.created"
                    and f["channel_id"] in rooms] == []


def test_participants_get_each_event_once_on_resume(world, scene):
    cid = world.cid
    was_at = community_position(world.bea, cid)
    with world.chloe.ws() as live:  # Chloé watches what Béa misses in the group
        live.wait_for("hello")
        ana, new_dm = act_in_a_conversation(world, scene)
        sentinel(world, [live])
    with world.bea.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(cid): was_at}})
        ws.wait_for("resumed")
        replayed = [f for f in ws.seen if f.get("pos")]
        positions = [f["pos"] for f in replayed]
        assert positions == sorted(set(positions)), "each once, in order"
        mine = about(replayed, new_dm)
        assert [f["type"] for f in mine] == [
            "conversation.created", "message.created", "message.created", "reaction.added",
            "reaction.removed", "message.edited", "message.deleted", "channel.read"]
        # as it is now: the replayed conversation.created names its participants
        assert mine[0]["channel"]["participants"] == people(ana, world.bea)
        assert mine[1]["message"]["body"] == "Coucou Béa !", "the message as edited since"
        group = about(replayed, scene["group"])
        assert [f["type"] for f in group] == ["conversation.changed", "message.created",
                                              "conversation.changed"]
        for f in group:
            if f["type"] == "conversation.changed":  # replayed as the group is now: Ana gone
                assert participant_ids(f["channel"]) == sorted(
                    [world.bea.id, world.chloe.id, world.max.id]), f
        chloe_saw = about(live.seen, scene["group"])
        assert [f["pos"] for f in chloe_saw] == [f["pos"] for f in group]


def test_an_outsider_learns_nothing_of_a_conversation(world, scene):
    """Dom, a member of another community only, gets for the real ids exactly what he gets for
    ids that do not exist, and cannot start one with our members, here or in his community."""
    before = snapshot(world.server)
    real = every_conversation_request(scene["dm"], scene["message"], world.slug, world.dom.id)
    made_up = every_conversation_request(UNKNOWN, UNKNOWN, world.slug, world.dom.id)
    for (method, path, body), (_, unknown_path, _) in zip(real, made_up):
        r = send(world.dom, method, path, body)
        assert_error(r, 404, "not_found")
        assert r.json() == send(world.dom, method, unknown_path, body).json(), path
    for method, body in (("GET", None), ("POST", {"member_ids": [world.bea.id]})):
        r = send(world.dom, method, f"/communities/{world.slug}/conversations", body)
        assert_error(r, 404, "not_found")
        assert r.json() == send(world.dom, method, "/communities/nowhere-at-all/conversations",
                                body).json()
    assert_error(send(world.dom, "GET", f"/communities/{world.slug}/conversation-settings"), 404)
    r = send(world.dom, "POST", f"/communities/{world.dom_community['slug']}/conversations",
             {"member_ids": [world.bea.id]})
    assert_error(r, 422, "invalid_field", field="member_ids")
    assert snapshot(world.server) == before
    assert conversations(world.dom, world.dom_community["slug"]) == []
    with world.dom.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "typing", "channel_id": scene["dm"]})
        assert ws.wait_for("error")["error"]["code"] == "not_found"
        ws.send({"type": "resume", "communities": {str(world.cid): 0}})
        assert ws.wait_for("resync") == {"type": "resync", "community_id": world.cid, "pos": 0}
        world.bea.post_message(scene["dm"], "Dom ne lit pas ceci")
        ws.collect(0.3)
        assert about(ws.seen, scene["dm"]) == []


def test_a_removed_member_leaves_the_participants_and_gets_404(world):
    ana, ben, eve = (world.new_member(n) for n in ("Ana", "Ben", "Ève"))
    group = start(ana, world.slug, [ben, eve], name="Avec Ève")
    eve_msg = eve.post_message(group["id"], "le mien")
    r = world.owner.delete(f"{API}/communities/{world.slug}/members/{eve.id}")
    assert r.status_code == 204, r.text
    for method, path, body in every_conversation_request(group["id"], eve_msg["id"], world.slug,
                                                         ana.id):
        assert_error(send(eve, method, path, body), 404, "not_found")
    (listed,) = [c for c in conversations(ana, world.slug) if c["id"] == group["id"]]
    assert listed["participants"] == people(ana, ben)
    assert [m["author"]["display_name"] for m in ana.history(group["id"])] == ["Ève"]
    # and one cannot start a conversation with her any more
    assert_error(ana.post(f"{API}/communities/{world.slug}/conversations",
                          json={"member_ids": [eve.id]}), 422, "invalid_field",
                 field="member_ids")


# Leaving the community (removed, or on one's own) ends one's participations: let back in, one
# is not silently back in one's old conversations. (Found as a bug.)
def test_a_member_removed_and_let_back_in_is_not_back_in_their_old_conversations(world):
    ana, ben, eve = (world.new_member(n) for n in ("Ana", "Ben", "Ève"))
    group = start(ana, world.slug, [ben, eve], name="Sans Ève")
    dm = start(ana, world.slug, [eve])
    assert world.owner.delete(f"{API}/communities/{world.slug}/members/{eve.id}").status_code == 204
    ana.post_message(group["id"], "maintenant qu’Ève n’est plus là")
    ana.post_message(dm["id"], "tu es partie ?")
    (listed,) = [c for c in conversations(ana, world.slug) if c["id"] == group["id"]]
    assert listed["participants"] == people(ana, ben), "the others are told she is gone"
    assert world.owner.delete(f"{API}/communities/{world.slug}/removed/{eve.id}").status_code == 204
    world.join(eve)
    assert conversation_ids(eve, world.slug) == []
    assert_error(eve.get(f"{API}/channels/{group['id']}/messages"), 404, "not_found")
    (listed,) = [c for c in conversations(ana, world.slug) if c["id"] == group["id"]]
    assert listed["participants"] == people(ana, ben)


# A group too big is refused with a message about how many people, not characters (too_many).
# (Found as a bug.)
def test_the_message_of_a_group_too_big_speaks_of_people(world):
    r = world.chloe.post(f"{API}/communities/{world.slug}/conversations",
                         json={"member_ids": [world.max.id] * 101})
    message = assert_error(r, 422, "invalid_field", field="member_ids")["message"]
    assert "character" not in message, message


def test_an_ended_session_gets_401(world, scene):
    fred = world.new_member("Fred")
    dm = start(fred, world.slug, [world.max])
    msg = fred.post_message(dm["id"], "avant de partir")
    cookie = fred.cookie
    assert fred.delete(f"{API}/sessions/current").status_code == 204
    ended, nobody = Client(world.server), Client(world.server)
    ended.cookies.set("ps_session", cookie)
    before = snapshot(world.server)
    requests_ = every_conversation_request(dm["id"], msg["id"], world.slug, world.chloe.id) + [
        ("GET", f"/communities/{world.slug}/conversations", None),
        ("POST", f"/communities/{world.slug}/conversations", {"member_ids": [world.chloe.id]}),
        ("GET", f"/communities/{world.slug}/conversation-settings", None),
        ("PATCH", f"/communities/{world.slug}/conversation-settings", {"from_known_only": True}),
    ]
    for client in (ended, nobody):
        for method, path, body in requests_:
            assert_error(send(client, method, path, body), 401, "unauthenticated")
        # the caller is checked before the body
        r = client.post(f"{API}/communities/{world.slug}/conversations", data="{",
                        headers={"Content-Type": "application/json"})
        assert_error(r, 401, "unauthenticated")
    assert snapshot(world.server) == before
