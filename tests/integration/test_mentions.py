"""Mentions (issue 13) on the real binary, on both databases: a member is mentioned by id
(`<@id>` in the body) and shown by name, whoever is mentioned must be able to see the room,
@everyone and @here call the room only from a host, edits replace and renames keep the id, and
the autocomplete (`GET /channels/{id}/mentionable`) ranks first names first, accents ignored,
among the people who may see the room.

The people, in one community of the module: Olga the owner (a host), Béatrice and Cléo Bélanger
(members); Dom, an outsider with a community of his own.
"""

import pytest

from conftest import API, Client, assert_error, signup, uid


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga Lévesque")
        self.slug = self.owner.create_community("Les Mentions")["slug"]
        self.bea = self.join(signup(server, locale="fr", display_name="Béatrice"))
        self.cleo = self.join(signup(server, locale="fr", display_name="Cléo Bélanger"))
        self.dom = signup(server, locale="en", display_name="Dom")
        self.dom.create_community("Chez Dom")
        self.chat = self.owner.create_channel(self.slug, "general")

    def join(self, client):
        client.accept(self.owner.invite(self.slug)["code"])
        return client


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def token(client):
    return f"<@{client.id}>"


def send(client, channel_id, body):
    return client.post(f"{API}/channels/{channel_id}/messages", json={"body": body})


def mentionable(client, channel_id, **params):
    return client.get(f"{API}/channels/{channel_id}/mentionable", params=params)


def test_a_member_is_mentioned_by_id_and_shown_by_name(world):
    m = world.bea.post_message(world.chat["id"], f"Salut {token(world.cleo)} !")
    assert m["body"] == f"Salut {token(world.cleo)} !"
    assert m["mentions"] == [world.cleo.id]
    assert m["mention_everyone"] is False and m["mention_here"] is False
    assert f'data-account-id="{world.cleo.id}">@Cléo Bélanger</span>' in m["html"], m["html"]
    assert world.owner.history(world.chat["id"])[-1]["mentions"] == [world.cleo.id]
    # In code, a token is only text.
    code = world.bea.post_message(world.chat["id"], f"`{token(world.cleo)}`")
    assert code["mentions"] == [] and "mention" not in code["html"]


def test_renaming_keeps_the_mention(world, server):
    lou = world.join(signup(server, locale="fr", display_name="Lou"))
    m = world.bea.post_message(world.chat["id"], f"merci {token(lou)}")
    r = lou.patch(f"{API}/me", json={"display_name": "Louise"})
    assert r.status_code == 200, r.text
    again = next(x for x in world.owner.history(world.chat["id"]) if x["id"] == m["id"])
    assert again["mentions"] == [lou.id]


def test_someone_who_cannot_see_the_room_cannot_be_mentioned(world):
    before = world.owner.history(world.chat["id"])
    for body in (f"hé {token(world.dom)}", "hé <@99999999>"):
        r = send(world.bea, world.chat["id"], body)
        assert_error(r, 422, "mention_not_in_room")
        assert "salon" in r.json()["error"]["message"]  # in Béatrice's language
    assert world.owner.history(world.chat["id"]) == before

    r = world.bea.post(f"{API}/communities/{world.slug}/conversations",
                       json={"member_ids": [world.cleo.id]})
    assert r.status_code in (200, 201), r.text
    dm = r.json()["channel"]
    assert_error(send(world.bea, dm["id"], f"{token(world.owner)} ?"), 422, "mention_not_in_room")
    assert send(world.bea, dm["id"], f"{token(world.cleo)} !").status_code == 201

    # An edit that would mention an outsider changes nothing.
    m = world.bea.post_message(world.chat["id"], "à modifier")
    r = world.bea.patch(f"{API}/messages/{m['id']}", json={"body": token(world.dom)})
    assert_error(r, 422, "mention_not_in_room")
    assert world.owner.history(world.chat["id"])[-1]["body"] == "à modifier"


def test_too_many_mentions_are_refused(world):
    body = " ".join(f"<@{i}>" for i in range(1, 22))
    r = send(world.bea, world.chat["id"], body)
    assert_error(r, 422, "invalid_field")
    assert r.json()["error"]["field"] == "body"


def test_everyone_and_here_are_for_hosts(world):
    from_member = world.bea.post_message(world.chat["id"], "@everyone @here venez")
    assert from_member["mention_everyone"] is False and from_member["mention_here"] is False
    from_host = world.owner.post_message(world.chat["id"], "@everyone ce soir, @here maintenant")
    assert from_host["mention_everyone"] is True and from_host["mention_here"] is True
    assert 'data-mention="everyone"' in from_host["html"]


def test_edits_replace_the_mentions_on_boards_too(world):
    r = world.owner.post(f"{API}/communities/{world.slug}/channels",
                         json={"name": f"babillard-{uid()}", "kind": "board"})
    board = r.json()["channel"]
    r = world.bea.post(f"{API}/channels/{board['id']}/posts",
                       json={"title": "Qui vient ?", "body": f"{token(world.cleo)} ?"})
    assert r.status_code == 201, r.text
    post = r.json()["post"]
    assert post["mentions"] == [world.cleo.id]
    r = world.cleo.post(f"{API}/posts/{post['id']}/comments", json={"body": f"{token(world.dom)}"})
    assert_error(r, 422, "mention_not_in_room")
    r = world.cleo.post(f"{API}/posts/{post['id']}/comments", json={"body": f"Moi ! {token(world.bea)}"})
    assert r.status_code == 201, r.text
    comment = r.json()["comment"]
    assert comment["mentions"] == [world.bea.id]
    r = world.cleo.patch(f"{API}/comments/{comment['id']}", json={"body": "Moi !"})
    assert r.status_code == 200, r.text
    assert r.json()["comment"]["mentions"] == []


def names(resp):
    assert resp.status_code == 200, resp.text
    return [m["display_name"] for m in resp.json()["members"]]


def test_the_autocomplete_ranks_first_names_first_and_ignores_accents(world):
    chat = world.chat["id"]
    assert names(mentionable(world.bea, chat, q="be")) == ["Béatrice", "Cléo Bélanger"]
    assert names(mentionable(world.bea, chat, q="BÉL")) == ["Cléo Bélanger"]
    assert names(mentionable(world.bea, chat, q="cleo")) == ["Cléo Bélanger"]
    assert names(mentionable(world.bea, chat, q="levesq")) == ["Olga Lévesque"]
    assert "Dom" not in names(mentionable(world.bea, chat, q=""))
    assert len(names(mentionable(world.bea, chat, q="", limit=2))) == 2
    host = mentionable(world.owner, chat, q="e").json()
    assert host["everyone"] is True and host["here"] is False
    member = mentionable(world.bea, chat, q="").json()
    assert member["everyone"] is False and member["here"] is False

    r = world.bea.post(f"{API}/communities/{world.slug}/conversations",
                       json={"member_ids": [world.cleo.id]})
    dm = r.json()["channel"]
    assert names(mentionable(world.bea, dm["id"])) == ["Béatrice", "Cléo Bélanger"]
    assert_error(mentionable(world.owner, dm["id"]), 404, "not_found")
    assert_error(mentionable(world.dom, chat), 404, "not_found")
    assert_error(mentionable(world.bea, chat, limit=0), 422, "invalid_field")
    assert_error(mentionable(world.bea, chat, limit=26), 422, "invalid_field")
    assert_error(mentionable(world.bea, chat, q="a" * 101), 422, "invalid_field")


def test_a_revoked_session_gets_401(world, server):
    fred = world.join(signup(server, locale="fr", display_name="Fred"))
    cookie = fred.cookie
    assert fred.delete(f"{API}/sessions/current").status_code == 204
    ended = Client(server)
    ended.cookies.set("ps_session", cookie)
    assert_error(mentionable(ended, world.chat["id"]), 401, "unauthenticated")
    assert_error(send(ended, world.chat["id"], token(world.bea)), 401, "unauthenticated")
