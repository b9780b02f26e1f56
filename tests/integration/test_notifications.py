"""Notifications (issue 13) on the real binary, on both databases: who is told of what (a
mention, a reply in their thread, a comment on their post, a broadcast, a direct message), live
on the stream to its owner alone and replayed by resume, the bell's list and unread count,
marking read (one, all, another's ids), each room's level, and that a removed member, a deleted
message or an ended session take them away.

The people, in one community of the module: Olga the owner (a host), Béa and Chloé (members);
Dom, an outsider.
"""

import pytest

from conftest import API, Client, assert_error, signup, uid


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga")
        community = self.owner.create_community(f"Le Bruit {uid()}")
        self.slug, self.cid = community["slug"], community["id"]
        self.bea = self.join(signup(server, locale="fr", display_name="Béa"))
        self.chloe = self.join(signup(server, locale="fr", display_name="Chloé"))
        self.dom = signup(server, locale="en", display_name="Dom")
        self.chat = self.owner.create_channel(self.slug, "general")
        r = self.owner.post(f"{API}/communities/{self.slug}/channels",
                            json={"name": "nouvelles", "kind": "broadcast"})
        self.news = r.json()["channel"]

    def join(self, client):
        client.accept(self.owner.invite(self.slug)["code"])
        return client

    def member(self, name):
        return self.join(signup(self.server, locale="fr", display_name=name))


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def token(client):
    return f"<@{client.id}>"


def bell(client, **params):
    r = client.get(f"{API}/notifications", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def read(client, ids=None):
    return client.post(f"{API}/notifications/read", json={} if ids is None else {"ids": ids})


def test_a_mention_reaches_the_bell_live_and_on_resume(world):
    lea = world.member("Léa")
    with lea.ws() as ws:
        hello = ws.wait_for("hello")
        pos = hello["communities"][str(world.cid)]
        m = world.bea.post_message(world.chat["id"], f"Tu viens, {token(lea)} ?")
        ev = ws.wait_for("notification.created")
    n = ev["notification"]
    assert ev["community_id"] == world.cid
    assert n["kind"] == "mention" and n["read"] is False
    assert n["item"] == {"kind": "message", "id": m["id"], "seq": m["seq"]}
    assert n["actor"] == {"id": world.bea.id, "display_name": "Béa"}
    assert n["channel"] == {"id": world.chat["id"], "name": "general", "kind": "chat"}
    assert n["community"]["slug"] == world.slug
    assert n["excerpt"] == "Tu viens, @Léa ?"
    listed = bell(lea)
    assert listed["unread"] == 1 and [x["id"] for x in listed["notifications"]] == [n["id"]]
    # The author is told nothing; nor is anyone not addressed in a plain room.
    assert all(x["item"]["id"] != m["id"] for x in bell(world.bea)["notifications"])
    assert all(x["item"]["id"] != m["id"] for x in bell(world.chloe)["notifications"])
    # Replayed to her alone.
    with lea.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(world.cid): pos}})
        replayed = ws.wait_for("notification.created")
        assert replayed["notification"]["id"] == n["id"]
    with world.chloe.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(world.cid): pos}})
        frames = []
        while (f := ws.recv()) and f["type"] != "resumed":
            frames.append(f)
        assert "notification.created" not in [f["type"] for f in frames]


def test_replies_comments_broadcasts_and_conversations(world):
    ana, ben = world.member("Ana"), world.member("Ben")
    first = ana.post_message(world.chat["id"], "Qui a la clé ?")
    reply = ben.post_message(world.chat["id"], "Moi", parent_id=first["id"])
    (n,) = [x for x in bell(ana)["notifications"] if x["item"]["id"] == reply["id"]]
    assert n["kind"] == "reply" and n["item"]["parent_id"] == first["id"]

    r = world.owner.post(f"{API}/communities/{world.slug}/channels",
                         json={"name": f"babillard-{uid()}", "kind": "board"})
    board = r.json()["channel"]
    post = ana.post(f"{API}/channels/{board['id']}/posts", json={"body": "Un parapluie"}).json()["post"]
    comment = ben.post(f"{API}/posts/{post['id']}/comments", json={"body": "Le mien !"}).json()["comment"]
    (n,) = [x for x in bell(ana)["notifications"] if x["item"]["id"] == comment["id"]]
    assert n["kind"] == "comment" and n["item"]["kind"] == "comment"
    assert n["item"]["post_id"] == post["id"]

    news = world.owner.post_message(world.news["id"], f"Spectacle samedi {uid()}")
    for who in (ana, ben, world.bea):
        assert bell(who)["notifications"][0]["item"]["id"] == news["id"]
        assert bell(who)["notifications"][0]["kind"] == "broadcast"

    r = ana.post(f"{API}/communities/{world.slug}/conversations", json={"member_ids": [ben.id]})
    dm = r.json()["channel"]
    whisper = ana.post_message(dm["id"], "psst")
    assert bell(ben)["notifications"][0]["item"]["id"] == whisper["id"]
    assert bell(ben)["notifications"][0]["kind"] == "direct"
    assert all(x["item"]["id"] != whisper["id"] for x in bell(world.owner)["notifications"])


def test_each_room_has_a_level(world):
    noe = world.member("Noé")
    url = f"{API}/channels/{world.chat['id']}/notifications"
    r = noe.get(url)
    assert r.status_code == 200, r.text
    assert r.json() == {"level": "mentions", "default": "mentions", "is_default": True}
    before = bell(noe)["unread"]
    world.bea.post_message(world.chat["id"], "rien pour toi")
    assert bell(noe)["unread"] == before
    r = noe.put(url, json={"level": "all"})
    assert r.status_code == 200 and r.json()["level"] == "all", r.text
    m = world.bea.post_message(world.chat["id"], "tout pour toi")
    assert bell(noe)["notifications"][0]["item"]["id"] == m["id"]
    assert bell(noe)["notifications"][0]["kind"] == "message"
    r = noe.put(url, json={"level": "nothing"})
    world.bea.post_message(world.chat["id"], f"même pas {token(noe)}")
    assert bell(noe)["notifications"][0]["item"]["id"] == m["id"]
    assert noe.put(url, json={"level": "default"}).json()["is_default"] is True
    assert_error(noe.put(url, json={"level": "souvent"}), 422, "invalid_field")
    assert_error(noe.put(url, json={}), 422, "invalid_field")
    dom_room = world.dom.create_channel(world.dom.create_community(f"Dom {uid()}")["slug"], "x")
    assert_error(noe.get(f"{API}/channels/{dom_room['id']}/notifications"), 404, "not_found")


def test_reading_one_all_and_not_anothers(world):
    ivy = world.member("Ivy")
    with ivy.ws() as other_device:
        other_device.wait_for("hello")
        for i in range(3):
            world.bea.post_message(world.chat["id"], f"{token(ivy)} {i}")
        listed = bell(ivy)
        assert listed["unread"] == 3
        first = listed["notifications"][-1]["id"]
        # Someone else's ids change nothing.
        r = read(world.bea, [first])
        assert r.status_code == 200, r.text
        assert bell(ivy)["unread"] == 3
        r = read(ivy, [first])
        assert r.status_code == 200 and r.json() == {"unread": 2}, r.text
        ev = other_device.wait_for("notification.read")
        assert ev["ids"] == [first]
        r = read(ivy)
        assert r.json() == {"unread": 0}
        assert other_device.wait_for("notification.read")["all"] is True
    assert all(n["read"] for n in bell(ivy)["notifications"])
    assert_error(read(ivy, list(range(1, 102))), 422, "invalid_field")
    assert_error(ivy.post(f"{API}/notifications/read", json={"ids": "tous"}), 422, "invalid_field")
    assert_error(ivy.get(f"{API}/notifications", params={"limit": 0}), 422, "invalid_field")


def test_pages_go_back_in_time(world):
    kim = world.member("Kim")
    for i in range(5):
        world.bea.post_message(world.chat["id"], f"{token(kim)} page {i}")
    first = bell(kim, limit=3)
    assert len(first["notifications"]) == 3 and "next_before" in first
    rest = bell(kim, limit=3, before=first["next_before"])
    assert len(rest["notifications"]) == 2 and "next_before" not in rest
    assert rest["notifications"][0]["id"] < first["notifications"][-1]["id"]


def test_deleting_removing_and_ending_take_them_away(world, server):
    zoe = world.member("Zoé")
    m = world.bea.post_message(world.chat["id"], f"{token(zoe)} regarde")
    assert bell(zoe)["unread"] == 1
    assert world.bea.delete(f"{API}/messages/{m['id']}").status_code == 204
    assert bell(zoe) == {"notifications": [], "unread": 0}

    world.bea.post_message(world.chat["id"], f"{token(zoe)} encore")
    assert bell(zoe)["unread"] == 1
    cookie = zoe.cookie
    assert world.owner.delete(f"{API}/communities/{world.slug}/members/{zoe.id}").status_code == 204
    assert bell(zoe) == {"notifications": [], "unread": 0}

    assert zoe.delete(f"{API}/sessions/current").status_code == 204
    ended = Client(server)
    ended.cookies.set("ps_session", cookie)
    assert_error(ended.get(f"{API}/notifications"), 401, "unauthenticated")
    assert_error(read(ended), 401, "unauthenticated")
