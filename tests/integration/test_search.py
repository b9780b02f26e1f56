"""Search (issue 13): full-text search across what a member may see in one community, on the real
binary and on both databases. Accents and case folded both ways (`ete` finds `été`, `Quebec`
finds `Québec`), every kind of thing found (chat, broadcast and direct messages, board posts and
comments, file names), snippets with the matches marked and everything else escaped, the filters,
a jump to the message in its room, and never a word from a room the caller may not see: not
another community's, not someone else's direct messages, nothing once removed or signed out.
Every bad query (only punctuation or FTS syntax, too long, out of range) gets a clear error.

The people, in one community of the module: Olga the owner (a host, English), Béa and Chloé
(members, French); Dom, an outsider with a community of his own.
"""

import time

import pytest

from conftest import API, Client, assert_error, signup, uid

RESULT_FIELDS = {"kind", "id", "channel_id", "snippet", "created_at", "author"}


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga")
        self.slug = self.owner.create_community("La Tournée")["slug"]
        self.bea = self.join(signup(server, locale="fr", display_name="Béa"))
        self.chloe = self.join(signup(server, locale="fr", display_name="Chloé"))
        self.dom = signup(server, locale="en", display_name="Dom")
        self.dom_slug = self.dom.create_community("Chez Dom")["slug"]
        self.chat = self.owner.create_channel(self.slug, "general")
        self.board = self.channel("babillard", "board")
        self.news = self.channel("nouvelles", "broadcast")

    def join(self, client):
        client.accept(self.owner.invite(self.slug)["code"])
        return client

    def channel(self, name, kind):
        r = self.owner.post(f"{API}/communities/{self.slug}/channels",
                            json={"name": name, "kind": kind})
        assert r.status_code == 201, r.text
        return r.json()["channel"]


@pytest.fixture(scope="module")
def world(server):
    return World(server)


def search(client, slug, q, **params):
    return client.get(f"{API}/communities/{slug}/search", params={"q": q, **params})


def found(client, slug, q, **params):
    r = search(client, slug, q, **params)
    assert r.status_code == 200, r.text
    body = r.json()
    for hit in body["results"]:
        assert RESULT_FIELDS <= set(hit), hit
    return body


def ids(body, kind=None):
    return [h["id"] for h in body["results"] if kind is None or h["kind"] == kind]


def test_accents_and_case_are_folded_both_ways_in_both_languages(world):
    tag = f"tournee{uid()}"  # a word no other test uses
    summer = world.bea.post_message(world.chat["id"], f"Un été à Québec, la {tag}")
    plain = world.owner.post_message(world.chat["id"], f"Quebec in the summer, ETE {tag}")
    for q in ("ete quebec", "ÉTÉ Québec", "quebec été", "QUEBEC Été"):
        body = found(world.owner, world.slug, f"{q} {tag}", sort="newest")
        assert ids(body) == [plain["id"], summer["id"]], (q, body)
    # The member's language changes nothing of what is found.
    assert ids(found(world.bea, world.slug, f"{tag} quebec ete", sort="newest")) == [
        plain["id"], summer["id"]]
    hit = next(h for h in found(world.owner, world.slug, f"québec {tag}")["results"]
               if h["id"] == summer["id"])
    assert hit["kind"] == "message"
    assert hit["channel_id"] == world.chat["id"]
    assert hit["seq"] == summer["seq"]
    assert hit["author"] == {"id": world.bea.id, "name": "Béa"}
    assert "<mark>Québec</mark>" in hit["snippet"], hit


def test_snippets_escape_everything_but_the_marks(world):
    word = f"balise{uid()}"
    world.bea.post_message(world.chat["id"], f'<script>alert("x")</script> & {word} <img src=x>')
    (hit,) = found(world.owner, world.slug, word)["results"]
    snippet = hit["snippet"]
    assert "<script>" not in snippet and "<img" not in snippet, snippet
    assert "&lt;/script&gt;" in snippet and "&amp;" in snippet, snippet
    assert f"<mark>{word}</mark>" in snippet, snippet


def test_every_kind_of_thing_is_found(world):
    word = f"repetition{uid()}"
    post = world.bea.post(f"{API}/channels/{world.board['id']}/posts",
                          json={"title": f"Répétition {word}", "body": "Au local"}).json()["post"]
    comment = world.chloe.post(f"{API}/posts/{post['id']}/comments",
                               json={"body": f"J'y serai pour la {word}"}).json()["comment"]
    news = world.owner.post_message(world.news["id"], f"Nouvelle date de {word}")
    r = world.chloe.post(f"{API}/communities/{world.slug}/files", params={"name": f"{word}_été.txt"},
                         data=b"des notes\n", headers={"Content-Type": "text/plain"})
    assert r.status_code == 201, r.text
    f = r.json()["file"]
    # Not sent yet: an upload is its uploader's alone.
    assert ids(found(world.owner, world.slug, word), "file") == []
    carrier = world.chloe.post_message(world.chat["id"], "les notes", file_ids=[f["id"]])

    body = found(world.owner, world.slug, word, sort="newest")
    kinds = {h["kind"]: h for h in body["results"]}
    assert set(kinds) == {"post", "comment", "message", "file"}, body
    assert kinds["post"]["id"] == post["id"] and kinds["post"]["post_id"] == post["id"]
    assert kinds["comment"]["id"] == comment["id"]
    assert kinds["comment"]["post_id"] == post["id"]
    assert kinds["comment"]["title"] == f"Répétition {word}"
    assert kinds["message"]["id"] == news["id"]
    assert kinds["message"]["channel_id"] == world.news["id"]
    assert kinds["file"]["id"] == f["id"]
    assert kinds["file"]["item_kind"] == "message"
    assert kinds["file"]["item_id"] == carrier["id"]
    assert kinds["file"]["seq"] == carrier["seq"]
    assert kinds["file"]["file"]["name"] == f"{word}_été.txt"
    # The names of the rooms the results are in.
    rooms = {c["id"]: c for c in body["channels"]}
    assert rooms[world.board["id"]]["kind"] == "board"
    assert rooms[world.news["id"]]["name"] == "nouvelles"
    # A file's name is found by each of its words, accents folded.
    assert ids(found(world.owner, world.slug, f"ete {word}"), "file") == [f["id"]]


def test_the_jump_to_a_message_finds_it_in_its_context(world):
    word = f"contexte{uid()}"
    before = world.bea.post_message(world.chat["id"], "juste avant")
    target = world.bea.post_message(world.chat["id"], f"le message {word}")
    after = world.bea.post_message(world.chat["id"], "juste après")
    (hit,) = found(world.owner, world.slug, word)["results"]
    around = world.owner.history(hit["channel_id"], after=hit["seq"] - 2, limit=3)
    assert [m["id"] for m in around] == [before["id"], target["id"], after["id"]]


def test_filters_by_room_author_and_date(world):
    word = f"piquenique{uid()}"
    other_room = world.owner.create_channel(world.slug, f"sorties-{uid()}")

    def say(who, room, body):
        m = who.post_message(room, body)
        time.sleep(0.01)  # each its own millisecond: the date filters are strict
        return m

    first = say(world.bea, world.chat["id"], f"{word} dimanche")
    by_olga = say(world.owner, world.chat["id"], f"{word} annulé")
    elsewhere = say(world.bea, other_room["id"], f"{word} au lac")
    last = say(world.bea, world.chat["id"], f"{word} reporté")

    assert ids(found(world.owner, world.slug, word, channel_id=world.chat["id"],
                     sort="newest")) == [last["id"], by_olga["id"], first["id"]]
    assert ids(found(world.owner, world.slug, word, author_id=world.owner.id)) == [by_olga["id"]]
    assert ids(found(world.owner, world.slug, word, before=elsewhere["created_at"],
                     sort="newest")) == [by_olga["id"], first["id"]]
    assert ids(found(world.owner, world.slug, word, after=elsewhere["created_at"])) == [
        last["id"]]
    page = found(world.owner, world.slug, word, sort="newest", limit=3)
    assert ids(page) == [last["id"], elsewhere["id"], by_olga["id"]]
    assert page["next_offset"] == 3
    rest = found(world.owner, world.slug, word, sort="newest", limit=3, offset=3)
    assert ids(rest) == [first["id"]] and "next_offset" not in rest


def test_edits_and_deletions_change_what_is_found(world):
    old, new = f"parc{uid()}", f"plage{uid()}"
    m = world.bea.post_message(world.chat["id"], f"rendez-vous au {old}")
    r = world.bea.patch(f"{API}/messages/{m['id']}", json={"body": f"rendez-vous à la {new}"})
    assert r.status_code == 200, r.text
    assert ids(found(world.owner, world.slug, old)) == []
    assert ids(found(world.owner, world.slug, new)) == [m["id"]]
    assert world.bea.delete(f"{API}/messages/{m['id']}").status_code == 204
    assert ids(found(world.owner, world.slug, new)) == []


def test_never_a_word_from_a_room_the_caller_may_not_see(world, server):
    word = f"secret{uid()}"
    dom_room = world.dom.create_channel(world.dom_slug, "ailleurs")
    world.dom.post_message(dom_room["id"], f"{word} chez Dom")
    r = world.bea.post(f"{API}/communities/{world.slug}/conversations",
                       json={"member_ids": [world.chloe.id]})
    assert r.status_code in (200, 201), r.text
    dm = r.json()["channel"]
    whisper = world.bea.post_message(dm["id"], f"{word} entre nous")
    public = world.owner.post_message(world.chat["id"], f"pas de {word} ici")

    assert ids(found(world.owner, world.slug, word)) == [public["id"]]  # hosts included
    assert set(ids(found(world.chloe, world.slug, word))) == {public["id"], whisper["id"]}
    assert_error(search(world.owner, world.slug, word, channel_id=dm["id"]), 404, "not_found")
    assert_error(search(world.owner, world.slug, word, channel_id=dom_room["id"]), 404,
                 "not_found")
    assert_error(search(world.dom, world.slug, word), 404, "not_found")

    # Removed: the very next search answers as for a stranger.
    lea = world.join(signup(server, locale="fr", display_name="Léa"))
    assert ids(found(lea, world.slug, word)) == [public["id"]]
    assert world.owner.delete(f"{API}/communities/{world.slug}/members/{lea.id}").status_code == 204
    assert_error(search(lea, world.slug, word), 404, "not_found")

    # Signed out: the ended session's cookie no longer searches.
    max_ = world.join(signup(server, locale="fr", display_name="Max"))
    assert ids(found(max_, world.slug, word)) == [public["id"]]
    cookie = max_.cookie
    assert max_.delete(f"{API}/sessions/current").status_code == 204
    ended = Client(server)
    ended.cookies.set("ps_session", cookie)
    assert_error(search(ended, world.slug, word), 401, "unauthenticated")


@pytest.mark.parametrize("q", ['"', "*", "-", '"*" - ( ) NEAR(', "🎉 → «»", "  \" * -  "])
def test_punctuation_and_fts_syntax_alone_find_nothing_with_a_clear_error(world, q):
    r = search(world.bea, world.slug, q)
    if any(c.isalnum() for c in q):  # NEAR is a word like any other
        assert r.status_code == 200, r.text
    else:
        assert_error(r, 422, "search_needs_words")
        assert "mot" in r.json()["error"]["message"]  # in Béa's language


def test_fts_syntax_is_searched_as_words(world):
    word = f"presque{uid()}"
    m = world.bea.post_message(world.chat["id"], f'near the "end" - ou {word}*')
    for q in (f'"{word}', f"{word}*", f"-{word}", f"NEAR({word}, 2)", f"{word} OR AND NOT"):
        r = search(world.owner, world.slug, q)
        assert r.status_code == 200, (q, r.text)
    assert ids(found(world.owner, world.slug, f'"{word}" -')) == [m["id"]]


def test_bad_parameters_are_refused_by_name(world):
    cases = [
        ({"q": ""}, "q"),
        ({"q": "a" * 201}, "q"),
        ({"q": "chat", "limit": "0"}, "limit"),
        ({"q": "chat", "limit": "51"}, "limit"),
        ({"q": "chat", "offset": "200"}, "offset"),
        ({"q": "chat", "offset": "-1"}, "offset"),
        ({"q": "chat", "sort": "random"}, "sort"),
        ({"q": "chat", "channel_id": "abc"}, "channel_id"),
        ({"q": "chat", "before": "hier"}, "before"),
        ({"q": "chat", "after": "2026-02-30"}, "after"),
        ({"q": "chat", "before": "2026-01-01", "after": "2026-02-01T00:00:00Z"}, "before"),
    ]
    for params, field in cases:
        r = world.bea.get(f"{API}/communities/{world.slug}/search", params=params)
        assert_error(r, 422, "invalid_field")
        assert r.json()["error"].get("field") == field, (params, r.text)
    r = world.bea.get(f"{API}/communities/{world.slug}/search")
    assert_error(r, 422, "invalid_field")
    # A query far past the limit is refused as fast, whole.
    r = world.bea.get(f"{API}/communities/{world.slug}/search", params={"q": "é" * 20000})
    assert r.status_code in (414, 422, 431), r.text
    assert_error(search(world.bea, "nulle-part", "chat"), 404, "not_found")


def test_searches_are_rate_limited_per_account(server):
    olga = signup(server, locale="en", display_name="Olga")
    slug = olga.create_community(f"Limites {uid()}")["slug"]
    statuses = [search(olga, slug, f"mot{i}").status_code for i in range(61)]
    assert statuses[:60] == [200] * 60, statuses
    r = search(olga, slug, "encore")
    assert_error(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) > 0
