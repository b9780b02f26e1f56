"""The board (a room of kind "board"): posts with an optional title and Markdown, comments one
level deep, reactions, edits and removals, pins in the hosts' order, locks, what is new since a
reader's last visit; each refusal with its status and code in the caller's language, changing
nothing; outsiders, removed members and ended sessions; the events live and on resume.

The people, in one community of the module: Olga the owner (a host, English), Béa (a member,
French) and Chloé (a member, English); Dom, an outsider with a community and a board of his
own. Each test makes the boards and posts it needs, so that tests do not depend on each other.
"""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import API, Client, assert_error, emoji_path, signup, uid

THUMB = emoji_path("👍")
# What GET /channels/{id}/posts adds for its reader; events and other answers share the rest.
READER_FIELDS = ("new_comments", "visited")
POST_FIELDS = {"id", "channel_id", "author", "title", "body", "html", "created_at", "edited_at",
               "deleted", "pinned", "pin_order", "locked", "comment_count", "last_activity_at",
               "reactions", "files", "mentions", "mention_everyone", "mention_here"}
COMMENT_FIELDS = {"id", "post_id", "author", "parent_id", "body", "html", "created_at",
                  "edited_at", "deleted", "reactions", "files", "mentions", "mention_everyone",
                  "mention_here"}
BOARD_EVENTS = ("board.post.created", "board.post.changed", "board.comment.created",
                "board.comment.changed")


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga")
        self.community = self.owner.create_community("Le Quai")
        self.slug = self.community["slug"]
        self.bea = self.join(signup(server, locale="fr", display_name="Béa"))
        self.chloe = self.join(signup(server, locale="en", display_name="Chloé"))
        self.dom = signup(server, locale="en", display_name="Dom")
        self.dom_community = self.dom.create_community("Chez Dom")
        self.chat = self.owner.create_channel(self.slug, "general")

    def join(self, client):
        client.accept(self.owner.invite(self.slug)["code"])
        return client

    def new_member(self, name):
        return self.join(signup(self.server, locale="en", display_name=name))

    def board(self, host=None, community=None):
        host = host or self.owner
        r = host.post(f"{API}/communities/{community or self.slug}/channels",
                      json={"name": f"babillard-{uid()}", "kind": "board"})
        assert r.status_code == 201, r.text
        return r.json()["channel"]


@pytest.fixture(scope="module")
def world(server):
    return World(server)


# --- helpers --------------------------------------------------------------------------------

def new_post(client, board_id, body="Une publication", title=None):
    payload = {"body": body} if title is None else {"title": title, "body": body}
    r = client.post(f"{API}/channels/{board_id}/posts", json=payload)
    assert r.status_code == 201, r.text
    return r.json()["post"]


def new_comment(client, post_id, body="Un commentaire", parent_id=None):
    payload = {"body": body} if parent_id is None else {"body": body, "parent_id": parent_id}
    r = client.post(f"{API}/posts/{post_id}/comments", json=payload)
    assert r.status_code == 201, r.text
    return r.json()["comment"]


def listed(client, board_id):
    r = client.get(f"{API}/channels/{board_id}/posts")
    assert r.status_code == 200, r.text
    return r.json()["posts"]


def opened(client, post_id):
    """GET /posts/{id}/comments: {comments, post, last_seen_comment_id} (and records the visit)."""
    r = client.get(f"{API}/posts/{post_id}/comments")
    assert r.status_code == 200, r.text
    return r.json()


def shared(post):
    """A post without its reader's own fields, as events carry it."""
    return {k: v for k, v in post.items() if k not in READER_FIELDS}


def eventually(check, timeout=5.0, what="the condition"):
    """Polls check() until it returns something true (the visit is written off the answer's
    path, db.write_later); returns it."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not hold within {timeout} s")
        time.sleep(0.05)


def visit_recorded(client, board_id, post_id):
    def check():
        p = next(p for p in listed(client, board_id) if p["id"] == post_id)
        return p if p["visited"] else None
    return eventually(check, what=f"the visit of post {post_id}")


def state(client, board_id):
    """What a refused request must not change: the list and every listed post's comments. The
    reader's own fields are left out: reading the comments records the reader's visit."""
    posts = [shared(p) for p in listed(client, board_id)]
    return posts, {p["id"]: opened(client, p["id"])["comments"] for p in posts}


def every_board_request(board_id, post_id, comment_id):
    """(method, path, JSON body or None) for every board route, each well formed: what a
    member could send."""
    return [
        ("POST", f"/channels/{board_id}/posts", {"title": "t", "body": "b"}),
        ("GET", f"/channels/{board_id}/posts", None),
        ("PATCH", f"/posts/{post_id}", {"body": "modifié"}),
        ("DELETE", f"/posts/{post_id}", None),
        ("POST", f"/posts/{post_id}/comments", {"body": "c"}),
        ("GET", f"/posts/{post_id}/comments", None),
        ("PUT", f"/posts/{post_id}/seen", {"comment_id": comment_id}),
        ("PATCH", f"/comments/{comment_id}", {"body": "modifié"}),
        ("DELETE", f"/comments/{comment_id}", None),
        ("PUT", f"/posts/{post_id}/pin", {"order": 1}),
        ("DELETE", f"/posts/{post_id}/pin", None),
        ("PUT", f"/posts/{post_id}/lock", None),
        ("DELETE", f"/posts/{post_id}/lock", None),
        ("PUT", f"/posts/{post_id}/reactions/{THUMB}", None),
        ("DELETE", f"/posts/{post_id}/reactions/{THUMB}", None),
        ("PUT", f"/comments/{comment_id}/reactions/{THUMB}", None),
        ("DELETE", f"/comments/{comment_id}/reactions/{THUMB}", None),
    ]


def send(client, method, path, body):
    kw = {} if body is None else {"json": body}
    return client.request(method, API + path, **kw)


# --- the happy path -------------------------------------------------------------------------

def test_a_host_creates_a_board_listed_with_its_kind(world):
    board = world.board()
    assert board["kind"] == "board"
    assert board["community_id"] == world.community["id"]
    assert board["archived"] is False
    listed_rooms = {c["id"]: c for c in world.bea.channels(world.slug)}
    assert listed_rooms[board["id"]]["kind"] == "board"
    assert listed_rooms[world.chat["id"]]["kind"] == "chat"
    assert listed(world.bea, board["id"]) == []
    # as for a chat room: only hosts create one, and the kinds are chat and board
    assert_error(world.bea.post(f"{API}/communities/{world.slug}/channels",
                                json={"name": "à moi", "kind": "board"}), 403, "forbidden")
    assert_error(world.owner.post(f"{API}/communities/{world.slug}/channels",
                                  json={"name": "x", "kind": "boards"}),
                 422, "invalid_field", field="kind")


def test_members_post_with_and_without_a_title_in_markdown(world):
    board = world.board()
    with_title = new_post(world.bea, board["id"], "Du **gras** et [un lien](https://example.com)",
                          title="  Vente de garage  ")
    assert set(with_title) == POST_FIELDS | set(READER_FIELDS)
    assert isinstance(with_title["id"], int)
    assert with_title["channel_id"] == board["id"]
    assert with_title["author"] == {"id": world.bea.id, "display_name": "Béa"}
    assert with_title["title"] == "Vente de garage", "trimmed"
    assert with_title["body"] == "Du **gras** et [un lien](https://example.com)"
    assert "<strong>gras</strong>" in with_title["html"]
    assert 'href="https://example.com"' in with_title["html"]
    assert with_title["created_at"].endswith("Z")
    assert with_title["last_activity_at"] == with_title["created_at"]
    assert with_title["edited_at"] is None
    assert (with_title["deleted"], with_title["pinned"], with_title["locked"]) == (False,) * 3
    assert with_title["pin_order"] is None
    assert with_title["comment_count"] == 0
    assert with_title["reactions"] == []

    without = new_post(world.chloe, board["id"], "<script>alert(1)</script>")
    assert without["title"] is None
    assert "<script" not in without["html"] and "&lt;script&gt;" in without["html"]
    blank_title = new_post(world.chloe, board["id"], "titre blanc", title="   ")
    assert blank_title["title"] is None, "a blank title is no title"
    # the limits themselves are taken (code points, not bytes)
    longest = new_post(world.bea, board["id"], "é" * 20000, title="é" * 200)
    assert len(longest["body"]) == 20000 and len(longest["title"]) == 200

    assert [p["id"] for p in listed(world.chloe, board["id"])] == [
        longest["id"], blank_title["id"], without["id"], with_title["id"]], "newest activity first"


def test_comments_and_replies_one_level_deep(world):
    board = world.board()
    post = new_post(world.bea, board["id"], "Qui vient samedi ?")
    first = new_comment(world.chloe, post["id"], "Moi, avec *plaisir*")
    assert set(first) == COMMENT_FIELDS
    assert first["post_id"] == post["id"]
    assert first["author"] == {"id": world.chloe.id, "display_name": "Chloé"}
    assert first["parent_id"] is None
    assert "<em>plaisir</em>" in first["html"]
    assert (first["deleted"], first["edited_at"], first["reactions"]) == (False, None, [])
    reply = new_comment(world.bea, post["id"], "Super !", parent_id=first["id"])
    assert reply["parent_id"] == first["id"]
    second = new_comment(world.owner, post["id"], "é" * 4000)

    page = opened(world.chloe, post["id"])
    assert [c["id"] for c in page["comments"]] == [first["id"], reply["id"], second["id"]]
    assert shared(page["post"]) == {**shared(post), "comment_count": 3,
                                    "last_activity_at": second["created_at"]}
    (mine,) = [p for p in listed(world.chloe, board["id"]) if p["id"] == post["id"]]
    assert mine["comment_count"] == 3
    assert mine["last_activity_at"] == second["created_at"]


def test_reactions_on_posts_and_comments(world):
    board = world.board()
    post = new_post(world.bea, board["id"])
    comment = new_comment(world.bea, post["id"])
    for who in (world.chloe, world.owner, world.chloe):  # Chloé twice: counted once
        r = who.put(f"{API}/posts/{post['id']}/reactions/{THUMB}")
        assert r.status_code == 200, r.text
    assert r.json()["post"]["reactions"] == [
        {"emoji": "👍", "count": 2, "account_ids": [world.chloe.id, world.owner.id]}]
    # ❤ without U+FE0F is stored fully qualified, so both spellings are one reaction
    r = world.chloe.put(f"{API}/comments/{comment['id']}/reactions/{emoji_path(chr(0x2764))}")
    assert r.status_code == 200, r.text
    assert r.json()["comment"]["reactions"] == [
        {"emoji": "\u2764\ufe0f", "count": 1, "account_ids": [world.chloe.id]}]
    r = world.chloe.delete(f"{API}/comments/{comment['id']}/reactions/{emoji_path('❤️')}")
    assert r.status_code == 200 and r.json()["comment"]["reactions"] == []
    r = world.chloe.delete(f"{API}/posts/{post['id']}/reactions/{THUMB}")
    assert r.status_code == 200, r.text
    assert r.json()["post"]["reactions"] == [
        {"emoji": "👍", "count": 1, "account_ids": [world.owner.id]}]
    r = world.chloe.delete(f"{API}/posts/{post['id']}/reactions/{THUMB}")
    assert r.status_code == 200, "taking back twice is harmless"
    (now,) = listed(world.bea, board["id"])
    assert now["reactions"] == [{"emoji": "👍", "count": 1, "account_ids": [world.owner.id]}]
    assert opened(world.bea, post["id"])["comments"][0]["reactions"] == []


def test_authors_edit_their_own_posts_and_comments(world):
    board = world.board()
    post = new_post(world.bea, board["id"], "v1", title="Titre")
    comment = new_comment(world.chloe, post["id"], "c1")

    r = world.bea.patch(f"{API}/posts/{post['id']}", json={"body": "v2 **gras**"})
    assert r.status_code == 200, r.text
    edited = r.json()["post"]
    assert edited["body"] == "v2 **gras**" and "<strong>gras</strong>" in edited["html"]
    assert edited["title"] == "Titre", "a field left out is kept"
    assert edited["edited_at"] is not None
    r = world.bea.patch(f"{API}/posts/{post['id']}", json={"title": "Nouveau titre"})
    assert r.status_code == 200 and r.json()["post"]["title"] == "Nouveau titre"
    assert r.json()["post"]["body"] == "v2 **gras**"
    r = world.bea.patch(f"{API}/posts/{post['id']}", json={"title": ""})
    assert r.status_code == 200 and r.json()["post"]["title"] is None, "\"\" takes the title away"

    r = world.chloe.patch(f"{API}/comments/{comment['id']}", json={"body": "c2 _penché_"})
    assert r.status_code == 200, r.text
    assert r.json()["comment"]["body"] == "c2 _penché_"
    assert "<em>penché</em>" in r.json()["comment"]["html"]
    assert r.json()["comment"]["edited_at"] is not None

    (now,) = listed(world.chloe, board["id"])
    assert (now["title"], now["body"]) == (None, "v2 **gras**")
    assert opened(world.bea, post["id"])["comments"][0]["body"] == "c2 _penché_"


def test_removal_by_authors_and_hosts(world):
    board = world.board()
    own = new_post(world.bea, board["id"], "à retirer moi-même")
    by_host = new_post(world.chloe, board["id"], "retirée par l’hôte")
    kept = new_post(world.bea, board["id"], "gardée")
    parent = new_comment(world.chloe, kept["id"], "parent")
    reply = new_comment(world.bea, kept["id"], "réponse", parent_id=parent["id"])
    world.owner.put(f"{API}/comments/{parent['id']}/reactions/{THUMB}")
    own_comment = new_comment(world.bea, kept["id"], "le mien")

    assert world.bea.delete(f"{API}/posts/{own['id']}").status_code == 204
    assert world.owner.delete(f"{API}/posts/{by_host['id']}").status_code == 204
    assert world.bea.delete(f"{API}/posts/{own['id']}").status_code == 204, "twice is harmless"
    assert [p["id"] for p in listed(world.chloe, board["id"])] == [kept["id"]]
    for gone in (own, by_host):
        assert_error(world.chloe.get(f"{API}/posts/{gone['id']}/comments"), 404, "not_found")
        assert_error(world.bea.post(f"{API}/posts/{gone['id']}/comments", json={"body": "x"}),
                     404, "not_found")

    # a removed comment keeps its place, without its text, for its replies
    assert world.owner.delete(f"{API}/comments/{parent['id']}").status_code == 204
    assert world.bea.delete(f"{API}/comments/{own_comment['id']}").status_code == 204
    assert world.bea.delete(f"{API}/comments/{own_comment['id']}").status_code == 204
    page = opened(world.chloe, kept["id"])
    assert [c["id"] for c in page["comments"]] == [parent["id"], reply["id"], own_comment["id"]]
    removed = page["comments"][0]
    assert (removed["deleted"], removed["body"], removed["html"], removed["reactions"]) == (
        True, "", "", [])
    assert page["comments"][1]["deleted"] is False
    assert page["post"]["comment_count"] == 1
    # and it takes no more replies, edits or reactions
    assert_error(world.bea.post(f"{API}/posts/{kept['id']}/comments",
                                json={"body": "x", "parent_id": parent["id"]}),
                 422, "invalid_field", field="parent_id")
    assert_error(world.chloe.patch(f"{API}/comments/{parent['id']}", json={"body": "x"}),
                 404, "not_found")
    assert_error(world.bea.put(f"{API}/comments/{parent['id']}/reactions/{THUMB}"),
                 404, "not_found")


def test_pinned_posts_come_first_in_the_hosts_order_then_latest_activity(world):
    board = world.board()
    a = new_post(world.bea, board["id"], "a")
    b = new_post(world.chloe, board["id"], "b")
    c = new_post(world.bea, board["id"], "c")
    d = new_post(world.chloe, board["id"], "d")
    ids = lambda: [p["id"] for p in listed(world.bea, board["id"])]  # noqa: E731
    assert ids() == [d["id"], c["id"], b["id"], a["id"]]
    new_comment(world.bea, a["id"], "a remonte")
    assert ids() == [a["id"], d["id"], c["id"], b["id"]], "a comment is activity"

    r = world.owner.put(f"{API}/posts/{b['id']}/pin", json={"order": 2})
    assert r.status_code == 200, r.text
    assert (r.json()["post"]["pinned"], r.json()["post"]["pin_order"]) == (True, 2)
    r = world.owner.put(f"{API}/posts/{c['id']}/pin", json={"order": 1})
    assert r.status_code == 200, r.text
    assert ids() == [c["id"], b["id"], a["id"], d["id"]]
    # without an order: after the last pinned one
    r = world.owner.put(f"{API}/posts/{d['id']}/pin")
    assert r.status_code == 200 and r.json()["post"]["pin_order"] == 3, r.text
    assert ids() == [c["id"], b["id"], d["id"], a["id"]]
    # pinning again without an order keeps the place; with one, moves it
    r = world.owner.put(f"{API}/posts/{b['id']}/pin", json={})
    assert r.status_code == 200 and r.json()["post"]["pin_order"] == 2, r.text
    r = world.owner.put(f"{API}/posts/{d['id']}/pin", json={"order": 0})
    assert r.status_code == 200, r.text
    assert ids() == [d["id"], c["id"], b["id"], a["id"]]

    r = world.owner.delete(f"{API}/posts/{c['id']}/pin")
    assert r.status_code == 200, r.text
    assert (r.json()["post"]["pinned"], r.json()["post"]["pin_order"]) == (False, None)
    assert world.owner.delete(f"{API}/posts/{c['id']}/pin").status_code == 200, "idempotent"
    assert ids() == [d["id"], b["id"], a["id"], c["id"]]
    posts = {p["id"]: p for p in listed(world.chloe, board["id"])}
    assert [(posts[i]["pinned"], posts[i]["pin_order"]) for i in ids()] == [
        (True, 0), (True, 2), (False, None), (False, None)]


def test_a_locked_post_takes_comments_from_hosts_only(world):
    board = world.board()
    post = new_post(world.bea, board["id"], "à verrouiller")
    r = world.owner.put(f"{API}/posts/{post['id']}/lock")
    assert r.status_code == 200 and r.json()["post"]["locked"] is True, r.text
    assert world.owner.put(f"{API}/posts/{post['id']}/lock").status_code == 200, "idempotent"
    assert listed(world.chloe, board["id"])[0]["locked"] is True
    before = state(world.owner, board["id"])
    for who in (world.bea, world.chloe):  # its author too
        assert_error(who.post(f"{API}/posts/{post['id']}/comments", json={"body": "x"}),
                     409, "post_locked")
    assert state(world.owner, board["id"]) == before
    host_comment = new_comment(world.owner, post["id"], "Les hôtes peuvent encore répondre.")
    # reacting is not commenting
    assert world.chloe.put(f"{API}/posts/{post['id']}/reactions/{THUMB}").status_code == 200

    r = world.owner.delete(f"{API}/posts/{post['id']}/lock")
    assert r.status_code == 200 and r.json()["post"]["locked"] is False, r.text
    new_comment(world.chloe, post["id"], "enfin", parent_id=host_comment["id"])
    assert listed(world.chloe, board["id"])[0]["comment_count"] == 2


def test_new_comments_and_visited_are_the_readers_own(world):
    board = world.board()
    hugo = world.new_member("Hugo")  # reads, never comments
    post = new_post(world.bea, board["id"], "Du nouveau ?")
    c1 = new_comment(world.chloe, post["id"], "un")
    c2 = new_comment(world.owner, post["id"], "deux")

    (mine,) = listed(world.bea, board["id"])
    assert (mine["visited"], mine["new_comments"]) == (False, 2), "never opened: all of them"
    page = opened(world.bea, post["id"])
    assert page["last_seen_comment_id"] is None, "the first visit"
    assert [c["id"] for c in page["comments"]] == [c1["id"], c2["id"]]
    mine = visit_recorded(world.bea, board["id"], post["id"])
    assert mine["new_comments"] == 0
    (his,) = listed(hugo, board["id"])
    assert (his["visited"], his["new_comments"]) == (False, 2), "Béa's visit is hers"

    c3 = new_comment(world.chloe, post["id"], "trois")
    gone = new_comment(world.owner, post["id"], "retiré aussitôt")
    assert world.owner.delete(f"{API}/comments/{gone['id']}").status_code == 204
    (mine,) = listed(world.bea, board["id"])
    assert (mine["visited"], mine["new_comments"]) == (True, 1), "a removed one is not new"
    page = opened(world.bea, post["id"])
    assert page["last_seen_comment_id"] == c2["id"], "what she had been shown before"
    assert [c["id"] for c in page["comments"]][-2:] == [c3["id"], gone["id"]]
    eventually(lambda: listed(world.bea, board["id"])[0]["new_comments"] == 0,
               what="no new comment after the second visit")
    # one's own comments are never new to oneself
    new_comment(world.bea, post["id"], "le mien")
    (mine,) = listed(world.bea, board["id"])
    assert (mine["visited"], mine["new_comments"]) == (True, 0)
    (his,) = listed(hugo, board["id"])
    assert (his["visited"], his["new_comments"]) == (False, 4)

    # opening a post without comments is a visit too
    empty = new_post(world.chloe, board["id"], "rien encore")
    assert opened(hugo, empty["id"])["last_seen_comment_id"] is None
    assert visit_recorded(hugo, board["id"], empty["id"])["new_comments"] == 0
    assert opened(hugo, empty["id"])["last_seen_comment_id"] == 0


def test_the_list_holds_the_200_latest_posts(world):
    board = world.board()
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda i: new_post(world.chloe, board["id"], f"n° {i}"), range(201)))
    oldest = min(made, key=lambda p: (p["last_activity_at"], p["id"]))
    posts = listed(world.bea, board["id"])
    assert len(posts) == 200
    assert oldest["id"] not in {p["id"] for p in posts}
    # a pinned post is listed first, however old
    assert world.owner.put(f"{API}/posts/{oldest['id']}/pin").status_code == 200
    posts = listed(world.bea, board["id"])
    assert len(posts) == 200 and posts[0]["id"] == oldest["id"]


def test_a_post_shows_its_2000_first_comments(world):
    board = world.board()
    post = new_post(world.bea, board["id"], "Très commentée")
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda i: new_comment(world.chloe, post["id"], f"n° {i}")["id"],
                             range(2001)))
    page = opened(world.bea, post["id"])
    assert [c["id"] for c in page["comments"]] == sorted(made)[:2000], "the oldest 2,000"
    assert page["post"]["comment_count"] == 2001


def test_an_archived_board_is_read_only(world):
    board = world.board()
    post = new_post(world.bea, board["id"], "avant l’archive")
    r = world.owner.patch(f"{API}/channels/{board['id']}", json={"archived": True})
    assert r.status_code == 200, r.text
    assert_error(world.bea.post(f"{API}/channels/{board['id']}/posts", json={"body": "x"}),
                 409, "channel_archived")
    assert_error(world.chloe.post(f"{API}/posts/{post['id']}/comments", json={"body": "x"}),
                 409, "channel_archived")
    assert_error(world.chloe.put(f"{API}/posts/{post['id']}/reactions/{THUMB}"),
                 409, "channel_archived")
    assert [p["id"] for p in listed(world.chloe, board["id"])] == [post["id"]], "still readable"
    r = world.owner.patch(f"{API}/channels/{board['id']}", json={"archived": False})
    assert r.status_code == 200, r.text
    new_post(world.bea, board["id"], "de retour")


# --- refusals: each with its status and code, and none changes anything ----------------------

@pytest.fixture(scope="module")
def scene(world):
    """A board with a post by Béa, a comment by Chloé and a reply to it, a second post by Chloé,
    a locked post; and a chat room. Refused requests are sent to these."""
    board = world.board()
    post = new_post(world.bea, board["id"], "La publication de Béa", title="Béa")
    comment = new_comment(world.chloe, post["id"], "Le commentaire de Chloé")
    reply = new_comment(world.bea, post["id"], "La réponse de Béa", parent_id=comment["id"])
    other = new_post(world.chloe, board["id"], "La publication de Chloé")
    locked = new_post(world.chloe, board["id"], "Verrouillée")
    assert world.owner.put(f"{API}/posts/{locked['id']}/lock").status_code == 200
    return {"board": board["id"], "post": post["id"], "comment": comment["id"],
            "reply": reply["id"], "other": other["id"], "locked": locked["id"],
            "chat": world.chat["id"]}


TOO_LONG_POST = "é" * 20001
TOO_LONG_COMMENT = "é" * 4001

# (who, method, path, body, status, code, field): path and body use the scene's ids.
REFUSALS = {
    "post: empty body": ("bea", "POST", "/channels/{board}/posts", {"body": ""},
                         422, "invalid_field", "body"),
    "post: blank body": ("bea", "POST", "/channels/{board}/posts", {"title": "t", "body": " \n "},
                         422, "invalid_field", "body"),
    "post: no body": ("bea", "POST", "/channels/{board}/posts", {"title": "t"},
                      422, "invalid_field", "body"),
    "post: body not a string": ("bea", "POST", "/channels/{board}/posts", {"body": 5},
                                422, "invalid_field", "body"),
    "post: body too long": ("chloe", "POST", "/channels/{board}/posts", {"body": TOO_LONG_POST},
                            422, "invalid_field", "body"),
    "post: title too long": ("bea", "POST", "/channels/{board}/posts",
                             {"title": "t" * 201, "body": "b"}, 422, "invalid_field", "title"),
    "post: a bidi override in the title": ("bea", "POST", "/channels/{board}/posts",
                                           {"title": "abc\u202egpj", "body": "b"},
                                           422, "invalid_field", "title"),
    "post: malformed JSON": ("bea", "POST", "/channels/{board}/posts", "{\"body\": ",
                             400, "malformed_json", None),
    "post: in a chat room": ("bea", "POST", "/channels/{chat}/posts", {"body": "b"},
                             409, "not_a_board", None),
    "list: of a chat room": ("chloe", "GET", "/channels/{chat}/posts", None,
                             409, "not_a_board", None),
    "chat message: to a board": ("bea", "POST", "/channels/{board}/messages", {"body": "salut"},
                                 409, "room_takes_posts", None),
    "comment: empty": ("chloe", "POST", "/posts/{post}/comments", {"body": ""},
                       422, "invalid_field", "body"),
    "comment: too long": ("chloe", "POST", "/posts/{post}/comments", {"body": TOO_LONG_COMMENT},
                          422, "invalid_field", "body"),
    "comment: malformed JSON": ("chloe", "POST", "/posts/{post}/comments", "[1, 2]",
                                400, "malformed_json", None),
    "comment: a reply to a reply": ("chloe", "POST", "/posts/{post}/comments",
                                    {"body": "b", "parent_id": "{reply}"},
                                    422, "invalid_field", "parent_id"),
    "comment: a parent of another post": ("chloe", "POST", "/posts/{other}/comments",
                                          {"body": "b", "parent_id": "{comment}"},
                                          422, "invalid_field", "parent_id"),
    "comment: an unknown parent": ("chloe", "POST", "/posts/{post}/comments",
                                   {"body": "b", "parent_id": 999999999},
                                   422, "invalid_field", "parent_id"),
    "comment: parent_id not an integer": ("chloe", "POST", "/posts/{post}/comments",
                                          {"body": "b", "parent_id": "un"},
                                          422, "invalid_field", "parent_id"),
    "comment: on a locked post": ("bea", "POST", "/posts/{locked}/comments", {"body": "b"},
                                  409, "post_locked", None),
    "pin: by a member": ("bea", "PUT", "/posts/{post}/pin", {"order": 1}, 403, "forbidden", None),
    "pin: no body, by a member": ("chloe", "PUT", "/posts/{other}/pin", None,
                                  403, "forbidden", None),
    "unpin: by a member": ("bea", "DELETE", "/posts/{post}/pin", None, 403, "forbidden", None),
    "lock: by a member": ("chloe", "PUT", "/posts/{other}/lock", None, 403, "forbidden", None),
    "unlock: by a member": ("chloe", "DELETE", "/posts/{locked}/lock", None,
                            403, "forbidden", None),
    "pin: an order that is not an integer": ("owner", "PUT", "/posts/{post}/pin",
                                             {"order": "first"}, 422, "invalid_field", "order"),
    "edit: someone else's post": ("chloe", "PATCH", "/posts/{post}", {"body": "à moi"},
                                  403, "forbidden", None),
    "edit: a host, someone else's post": ("owner", "PATCH", "/posts/{post}", {"title": "hôte"},
                                          403, "forbidden", None),
    "edit: someone else's comment": ("bea", "PATCH", "/comments/{comment}", {"body": "à moi"},
                                     403, "forbidden", None),
    "edit: an empty body": ("bea", "PATCH", "/posts/{post}", {"body": ""},
                            422, "invalid_field", "body"),
    "edit: a title too long": ("bea", "PATCH", "/posts/{post}", {"title": "t" * 201},
                               422, "invalid_field", "title"),
    "edit: a comment too long": ("chloe", "PATCH", "/comments/{comment}",
                                 {"body": TOO_LONG_COMMENT}, 422, "invalid_field", "body"),
    "edit: malformed JSON": ("bea", "PATCH", "/posts/{post}", "{", 400, "malformed_json", None),
    "remove: someone else's post": ("chloe", "DELETE", "/posts/{post}", None,
                                    403, "forbidden", None),
    "remove: someone else's comment": ("bea", "DELETE", "/comments/{comment}", None,
                                       403, "forbidden", None),
    "react: not an emoji": ("chloe", "PUT", "/posts/{post}/reactions/%2B1", None,
                            422, "invalid_field", "emoji"),
    "react: two emoji": ("chloe", "PUT", "/posts/{post}/reactions/" + emoji_path("👍👍"), None,
                         422, "invalid_field", "emoji"),
    "react: an emoji with text": ("bea", "PUT", "/comments/{comment}/reactions/"
                                  + emoji_path("👍ok"), None, 422, "invalid_field", "emoji"),
    "unreact: not an emoji": ("bea", "DELETE", "/comments/{comment}/reactions/ok", None,
                              422, "invalid_field", "emoji"),
}


def fill(body, ids):
    """A JSON body with "{name}" values replaced by the scene's ids."""
    if body is None:
        return None
    return {k: ids[v[1:-1]] if isinstance(v, str) and re.fullmatch(r"\{\w+\}", v) else v
            for k, v in body.items()}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_request_says_why_and_changes_nothing(world, scene, case):
    who, method, path, body, status, code, field = REFUSALS[case]
    client = getattr(world, who)
    before = state(world.owner, scene["board"])
    path = API + path.format(**scene)
    if isinstance(body, str):  # raw text: not JSON
        r = client.request(method, path, data=body, headers={"Content-Type": "application/json"})
    else:
        r = client.request(method, path, **({} if body is None else {"json": fill(body, scene)}))
    assert_error(r, status, code, field=field)
    assert state(world.owner, scene["board"]) == before
    if method == "POST" and path.endswith("/messages"):
        assert world.owner.history(scene["board"]) == [], "a board holds no chat message"


def test_unknown_ids_are_404(world, scene):
    for method, path, body in every_board_request(999999999, 999999999, 999999999):
        assert_error(send(world.owner, method, path, body), 404, "not_found")
    for method, path, body in every_board_request("abc", "0", "-1"):
        assert_error(send(world.owner, method, path, body), 404, "not_found")


def test_the_message_is_in_the_callers_language(world, scene):
    said = {}
    for who in ("bea", "chloe"):  # French, English
        r = send(getattr(world, who), "POST", f"/posts/{scene['locked']}/comments", {"body": "b"})
        said[who] = assert_error(r, 409, "post_locked")["message"]
    assert said["bea"] == "Les commentaires sont fermés sur cette publication."
    assert said["chloe"] == "Comments are closed on this post."
    for who in ("bea", "chloe"):
        r = send(getattr(world, who), "GET", "/posts/999999999/comments", None)
        said[who] = assert_error(r, 404, "not_found")["message"]
    assert said["bea"] != said["chloe"] and "publication" in said["bea"]


# --- who may see it --------------------------------------------------------------------------

def test_an_outsider_learns_nothing_of_a_board(world, scene):
    """Dom, a member of another community only, gets for the real ids exactly what he gets for
    ids that do not exist, on every route, the chat ones of a board included."""
    own_board = world.board(host=world.dom, community=world.dom_community["slug"])
    own_post = new_post(world.dom, own_board["id"], "chez moi")
    before = state(world.owner, scene["board"])
    real = every_board_request(scene["board"], scene["post"], scene["comment"])
    made_up = every_board_request(999999999, 999999999, 999999999)
    for (method, path, body), (_, unknown_path, _) in zip(real, made_up):
        r = send(world.dom, method, path, body)
        assert_error(r, 404, "not_found")
        assert r.json() == send(world.dom, method, unknown_path, body).json(), path
    for path in (f"/channels/{scene['board']}/messages", ):
        assert_error(send(world.dom, "GET", path, None), 404, "not_found")
        assert_error(send(world.dom, "POST", path, {"body": "x"}), 404, "not_found")
    # nor through his own board: a parent from our board is not one of his post's comments
    r = send(world.dom, "POST", f"/posts/{own_post['id']}/comments",
             {"body": "x", "parent_id": scene["comment"]})
    assert_error(r, 422, "invalid_field", field="parent_id")
    assert r.json() == send(world.dom, "POST", f"/posts/{own_post['id']}/comments",
                            {"body": "x", "parent_id": 999999999}).json()
    assert state(world.owner, scene["board"]) == before


def test_a_removed_member_gets_404_afterwards(world):
    board = world.board()
    eve = world.new_member("Ève")
    post = new_post(eve, board["id"], "la mienne")
    comment = new_comment(eve, post["id"], "le mien")
    r = world.owner.delete(f"{API}/communities/{world.slug}/members/{eve.id}")
    assert r.status_code == 204, r.text
    before = state(world.owner, board["id"])
    for method, path, body in every_board_request(board["id"], post["id"], comment["id"]):
        assert_error(send(eve, method, path, body), 404, "not_found")
    assert state(world.owner, board["id"]) == before
    # what she wrote stays, under her name
    assert [p["author"]["display_name"] for p in listed(world.bea, board["id"])] == ["Ève"]


def test_a_revoked_session_gets_401(world, scene):
    fred = world.new_member("Fred")
    cookie = fred.cookie
    assert fred.delete(f"{API}/sessions/current").status_code == 204
    ended = Client(world.server)
    ended.cookies.set("ps_session", cookie)
    before = state(world.owner, scene["board"])
    for method, path, body in every_board_request(scene["board"], scene["post"],
                                                  scene["comment"]):
        assert_error(send(ended, method, path, body), 401, "unauthenticated")
    assert state(world.owner, scene["board"]) == before


# PUT /posts/{id}/pin takes an optional body: the caller is checked before it is read.
def test_pin_with_a_bad_body_and_an_ended_session_is_401(world, scene):
    ended = Client(world.server)  # no session at all
    r = ended.put(f"{API}/posts/{scene['post']}/pin", json={"order": "first"})
    assert_error(r, 401, "unauthenticated")
    r = ended.put(f"{API}/posts/{scene['post']}/pin", data="{",
                  headers={"Content-Type": "application/json"})
    assert_error(r, 401, "unauthenticated")


# --- what is new since the last visit -------------------------------------------------------

# Commenting is not a visit: comments by others one was never shown still count as new.
def test_commenting_does_not_hide_the_comments_one_was_not_shown(world):
    board = world.board()
    post = new_post(world.chloe, board["id"], "Quoi de neuf ?")
    new_comment(world.owner, post["id"], "pas encore lu par Béa")
    new_comment(world.bea, post["id"], "Béa répond sans avoir ouvert la publication")
    (mine,) = listed(world.bea, board["id"])
    assert (mine["visited"], mine["new_comments"]) == (False, 1)


# Every answer with one post tells the reader's own visit, as the list does.
def test_the_post_of_an_opened_post_tells_the_readers_visit(world):
    board = world.board()
    post = new_post(world.chloe, board["id"], "déjà vue")
    new_comment(world.owner, post["id"], "un")
    opened(world.bea, post["id"])
    visit_recorded(world.bea, board["id"], post["id"])
    again = opened(world.bea, post["id"])["post"]
    assert (again["visited"], again["new_comments"]) == (True, 0), again
    new_comment(world.owner, post["id"], "deux, pas encore vu par Béa")
    # the answers of her own changes say what her list says, others' visits aside
    r = world.bea.put(f"{API}/posts/{post['id']}/reactions/{THUMB}")
    assert r.status_code == 200, r.text
    assert (r.json()["post"]["visited"], r.json()["post"]["new_comments"]) == (True, 1)
    r = world.owner.put(f"{API}/posts/{post['id']}/pin")
    assert r.status_code == 200, r.text
    assert (r.json()["post"]["visited"], r.json()["post"]["new_comments"]) == (False, 0), \
        "the host never opened it, and both comments are his"
    (mine,) = listed(world.bea, board["id"])
    assert (mine["visited"], mine["new_comments"]) == (True, 1)


def test_comments_seen_while_reading_are_marked_seen(world):
    board = world.board()
    post = new_post(world.chloe, board["id"], "en direct")
    opened(world.bea, post["id"])
    visit_recorded(world.bea, board["id"], post["id"])
    live = new_comment(world.owner, post["id"], "arrivé pendant la lecture")
    assert next(p for p in listed(world.bea, board["id"]) if p["id"] == post["id"])["new_comments"] == 1
    r = world.bea.put(f"{API}/posts/{post['id']}/seen", json={"comment_id": live["id"]})
    assert r.status_code == 204, r.text
    assert next(p for p in listed(world.bea, board["id"]) if p["id"] == post["id"])["new_comments"] == 0
    # A comment of another post, a missing field, someone outside: refused, nothing moves.
    other = new_post(world.chloe, board["id"], "ailleurs")
    elsewhere = new_comment(world.owner, other["id"], "pas ici")
    for body, status, code in (({"comment_id": elsewhere["id"]}, 422, "invalid_field"),
                               ({}, 422, "invalid_field"), ({"comment_id": "x"}, 422, "invalid_field")):
        r = world.bea.put(f"{API}/posts/{post['id']}/seen", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), r.text


# --- the stream -------------------------------------------------------------------------------

def community_position(client, community_id):
    with client.ws() as ws:
        return ws.wait_for("hello")["communities"][str(community_id)]


def board_frames(frames):
    return [f for f in frames if f.get("type") in BOARD_EVENTS]


def act_on_a_board(world, board_id):
    """What the stream tests watch: every kind of board event, and refusals between them."""
    post = new_post(world.bea, board_id, "En direct", title="Direct")
    comment = new_comment(world.chloe, post["id"], "Bravo")
    reply = new_comment(world.bea, post["id"], "Merci", parent_id=comment["id"])
    assert world.owner.put(f"{API}/posts/{post['id']}/pin", json={"order": 1}).status_code == 200
    assert world.bea.patch(f"{API}/posts/{post['id']}", json={"title": "Direct (modifié)"}) \
        .status_code == 200
    assert world.chloe.patch(f"{API}/comments/{comment['id']}", json={"body": "Bravo !"}) \
        .status_code == 200
    assert world.owner.put(f"{API}/comments/{reply['id']}/reactions/{THUMB}").status_code == 200
    # refused: no event
    assert world.chloe.put(f"{API}/posts/{post['id']}/lock").status_code == 403
    assert world.chloe.patch(f"{API}/posts/{post['id']}", json={"body": "x"}).status_code == 403
    assert world.owner.put(f"{API}/posts/{post['id']}/pin", json={"order": 1}).status_code == 200, \
        "pinned again in the same place: nothing changes, no event"
    gone = new_post(world.chloe, board_id, "retirée")
    assert world.owner.delete(f"{API}/posts/{gone['id']}").status_code == 204
    return post, comment, reply, gone


def test_members_see_the_board_live_and_outsiders_nothing(world):
    board = world.board()
    with world.chloe.ws() as ws, world.dom.ws() as outsider:
        ws.wait_for("hello")
        outsider.wait_for("hello")
        post, comment, reply, gone = act_on_a_board(world, board["id"])
        kinds = ["board.post.created", "board.comment.created", "board.comment.created",
                 "board.post.changed", "board.post.changed", "board.comment.changed",
                 "board.comment.changed", "board.post.created", "board.post.changed"]
        got = []
        while len(got) < len(kinds):
            got.append(ws.wait_for(lambda e: e.get("type") in BOARD_EVENTS, what="board events"))
        got += board_frames(ws.collect(0.5))
        assert [e["type"] for e in got] == kinds, [(e["type"], e["pos"]) for e in got]
        assert all(e["community_id"] == world.community["id"] for e in got)
        positions = [e["pos"] for e in got]
        assert positions == sorted(set(positions))
        created, c1, c2, pinned, edited, c_edited, reacted, g_created, g_removed = got

        assert set(created["post"]) == POST_FIELDS, "no reader's own field in an event"
        assert created["post"]["id"] == post["id"] and created["post"]["title"] == "Direct"
        assert c1["comment"]["id"] == comment["id"] and c1["post"]["id"] == post["id"]
        assert c1["post"]["comment_count"] == 1
        assert c2["comment"]["parent_id"] == comment["id"] and c2["post"]["comment_count"] == 2
        assert (pinned["post"]["pinned"], pinned["post"]["pin_order"]) == (True, 1)
        assert edited["post"]["title"] == "Direct (modifié)" and edited["post"]["edited_at"]
        assert c_edited["comment"]["body"] == "Bravo !"
        assert reacted["comment"]["id"] == reply["id"]
        assert reacted["comment"]["reactions"][0]["account_ids"] == [world.owner.id]
        assert g_created["post"]["id"] == gone["id"]
        assert g_removed["post"]["id"] == gone["id"] and g_removed["post"]["deleted"] is True
        assert g_removed["post"]["body"] == "" and g_removed["post"]["title"] is None
        # the last event says what the list says
        (now,) = [p for p in listed(world.chloe, board["id"]) if p["id"] == post["id"]]
        assert shared(now) == reacted["post"]

        leaked = board_frames(outsider.seen + outsider.collect(0.3))
        assert leaked == [], leaked
        leaked = [f for f in outsider.seen if f.get("community_id") == world.community["id"]]
        assert leaked == [], leaked


def test_a_member_offline_gets_each_board_event_once_on_resume(world):
    board = world.board()
    cid = world.community["id"]
    chloe_was_at = community_position(world.chloe, cid)
    dom_was_at = community_position(world.dom, world.dom_community["id"])
    with world.bea.ws() as live:  # Béa watches, to know what Chloé missed
        live.wait_for("hello")
        post, comment, reply, gone = act_on_a_board(world, board["id"])
        missed = []
        while len(missed) < 9:
            missed.append(live.wait_for(lambda e: e.get("type") in BOARD_EVENTS))
        missed += board_frames(live.collect(0.3))

    with world.chloe.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(cid): chloe_was_at}})
        resumed = ws.wait_for("resumed")
        replayed = board_frames(ws.seen)
        assert [(e["type"], e["pos"]) for e in replayed] == [
            (e["type"], e["pos"]) for e in missed], "each once, in order"
        assert resumed["communities"][str(cid)] >= missed[-1]["pos"]
        assert board_frames(ws.collect(0.3)) == [], "nothing twice after the resume"

    # each as it is now
    (now,) = [p for p in listed(world.chloe, board["id"]) if p["id"] == post["id"]]
    for e in replayed:
        if e["post"]["id"] == post["id"]:
            assert e["post"] == shared(now), e["type"]
    assert now["title"] == "Direct (modifié)" and now["pinned"] is True
    first_comment = next(e for e in replayed if e["type"] == "board.comment.created")
    assert first_comment["comment"]["id"] == comment["id"]
    assert first_comment["comment"]["body"] == "Bravo !", "the comment as edited since"
    for e in replayed:
        if e["post"]["id"] == gone["id"]:
            assert e["post"]["deleted"] is True and e["post"]["body"] == "", e["type"]

    # resuming from there replays nothing more
    with world.chloe.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(cid): resumed["communities"][str(cid)]}})
        ws.wait_for("resumed")
        assert board_frames(ws.seen) == []

    # and Dom, offline meanwhile too, gets nothing of it in his own community's replay
    with world.dom.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(world.dom_community["id"]): dom_was_at,
                                                   str(cid): 0}})
        ws.wait_for("resumed")
        frames = ws.seen + ws.collect(0.3)
        assert board_frames(frames) == [], frames
        # of the first community, only "not yours": a resync with pos 0
        about_it = [f for f in frames if f.get("community_id") == cid]
        assert all(f["type"] == "resync" and f["pos"] == 0 for f in about_it), about_it
