"""Broadcasts (a room of kind "broadcast": only hosts post, members read and react) and their
polls: creation and its refusals, votes (single and multiple choice, changed, two at once),
what each reader is shown (counts once they voted, hosts always; who voted what only to hosts
of a named poll), the closing time (exact, then poll.closed once, live and on resume), outsiders,
ended sessions and bad input, each refusal with its status and code, changing nothing.
Question prompts too: asked by hosts, answered privately (an answer reaches its author and the
hosts only, over HTTP, live and on resume), closed and reopened, listed to hosts, and answered
back in a direct conversation (past from_known_only, not past direct messages turned off).

The people, in one community of the module: Olga the owner (a host, English), Béa (a member,
French) and Chloé (a member, English); Dom, an outsider with a community, a broadcast and a poll
of his own; for prompts, Hugo, a second host. Each test makes the rooms and polls it needs.
"""

import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import API, Client, assert_error, at_once, emoji_path, signup, uid

THUMB = emoji_path("👍")
POLL_EVENTS = ("poll.created", "poll.voted", "poll.closed")
POLL_FIELDS = {"id", "channel_id", "message_id", "question", "options", "multiple", "anonymous",
               "closes_at", "closed", "created_at", "results_visible", "my_option_ids"}


class World:
    def __init__(self, server):
        self.server = server
        self.owner = signup(server, locale="en", display_name="Olga")
        self.community = self.owner.create_community("La Criée", timezone="America/Toronto")
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

    def broadcast(self, host=None, community=None):
        host = host or self.owner
        r = host.post(f"{API}/communities/{community or self.slug}/channels",
                      json={"name": f"annonces-{uid()}", "kind": "broadcast"})
        assert r.status_code == 201, r.text
        return r.json()["channel"]


@pytest.fixture(scope="module")
def world(server):
    return World(server)


# --- helpers --------------------------------------------------------------------------------

def send(client, method, path, body=None):
    if isinstance(body, str):  # raw text: not JSON
        return client.request(method, API + path, data=body,
                              headers={"Content-Type": "application/json"})
    return client.request(method, API + path, **({} if body is None else {"json": body}))


def new_poll(client, room_id, question="On mange quoi ?", options=("Pizza", "Sushi", "Tacos"),
             **fields):
    r = send(client, "POST", f"/channels/{room_id}/polls",
             {"question": question, "options": list(options), **fields})
    assert r.status_code == 201, r.text
    return r.json()["poll"]


def poll_of(client, poll_id):
    r = send(client, "GET", f"/polls/{poll_id}")
    assert r.status_code == 200, r.text
    return r.json()["poll"]


def vote(client, poll_id, option_ids):
    r = send(client, "PUT", f"/polls/{poll_id}/vote", {"option_ids": option_ids})
    assert r.status_code == 200, r.text
    return r.json()["poll"]


def ids(poll):
    return [o["id"] for o in poll["options"]]


def counts(poll):
    return [o["count"] for o in poll["options"]]


def state(world, room_id):
    """What a refused request must not change: the room's polls as a host sees them (counts,
    names) and its history."""
    r = send(world.owner, "GET", f"/channels/{room_id}/polls")
    assert r.status_code == 200, r.text
    return r.json()["polls"], world.owner.history(room_id)


def iso(at):
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{at.astimezone(timezone.utc).microsecond // 1000:03d}Z"


def community_position(client, community_id):
    with client.ws() as ws:
        return ws.wait_for("hello")["communities"][str(community_id)]


def poll_frames(frames, poll_id=None):
    return [f for f in frames if f.get("type") in POLL_EVENTS
            and (poll_id is None or f["poll"]["id"] == poll_id)]


# --- the room -------------------------------------------------------------------------------

def test_a_host_makes_a_broadcast_listed_with_its_kind(world):
    room = world.broadcast()
    assert room["kind"] == "broadcast"
    listed = {c["id"]: c for c in world.bea.channels(world.slug)}
    assert listed[room["id"]]["kind"] == "broadcast"
    r = world.bea.post(f"{API}/communities/{world.slug}/channels",
                       json={"name": f"x-{uid()}", "kind": "broadcast"})
    assert_error(r, 403, "forbidden")


def test_only_hosts_post_members_read_and_react(world):
    room = world.broadcast()
    before = world.owner.history(room["id"])
    r = send(world.bea, "POST", f"/channels/{room['id']}/messages", {"body": "moi aussi"})
    err = assert_error(r, 403, "hosts_only_room")
    assert err["message"] == ("Dans ce salon, seuls les hôtes publient. "
                              "Tu peux réagir aux messages.")
    assert world.owner.history(room["id"]) == before == []

    news = world.owner.post_message(room["id"], "La fête est samedi")
    r = send(world.chloe, "POST", f"/channels/{room['id']}/messages",
             {"body": "super", "parent_id": news["id"]})
    assert_error(r, 403, "hosts_only_room")
    # several at once (the posts a server writes together) are refused each
    answers = at_once([lambda i=i: send(world.chloe, "POST", f"/channels/{room['id']}/messages",
                                        {"body": f"n° {i}", "client_id": f"c-{uid()}"})
                       for i in range(4)])
    for r in answers:
        assert_error(r, 403, "hosts_only_room")
    # a host replies in a thread
    reply = world.owner.post_message(room["id"], "à 14 h", parent_id=news["id"])
    assert reply["parent_id"] == news["id"]
    # members read and react
    assert [m["id"] for m in world.bea.history(room["id"])] == [news["id"], reply["id"]]
    r = world.bea.put(f"{API}/messages/{news['id']}/reactions/{THUMB}")
    assert r.status_code == 200, r.text
    assert r.json()["message"]["reactions"] == [
        {"emoji": "👍", "count": 1, "account_ids": [world.bea.id]}]
    r = world.bea.delete(f"{API}/messages/{news['id']}/reactions/{THUMB}")
    assert r.status_code == 200 and r.json()["message"]["reactions"] == [], r.text


# --- polls: creation ------------------------------------------------------------------------

def test_a_host_asks_a_poll_posted_as_a_message(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"], question="  Quel jour ?  ",
                 options=["Samedi", " Dimanche "])
    assert POLL_FIELDS <= set(p), p
    assert p["question"] == "Quel jour ?"
    assert [o["text"] for o in p["options"]] == ["Samedi", "Dimanche"]
    assert all(isinstance(o["id"], int) for o in p["options"])
    assert p["channel_id"] == room["id"]
    assert p["multiple"] is False and p["anonymous"] is True
    assert p["closes_at"] is None and p["closed"] is False
    assert p["results_visible"] is True and p["my_option_ids"] == [], "a host sees results"
    assert counts(p) == [0, 0] and p["voters"] == 0
    # its message in the history, the question as its body, by the host
    (m,) = world.bea.history(room["id"])
    assert m["id"] == p["message_id"] and m["body"] == "Quel jour ?"
    assert m["author"]["id"] == world.owner.id
    # listed, newest first
    q = new_poll(world.owner, room["id"], options=[str(i) for i in range(10)], multiple=True)
    assert len(q["options"]) == 10 and q["multiple"] is True
    r = send(world.chloe, "GET", f"/channels/{room['id']}/polls")
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["polls"]] == [q["id"], p["id"]]
    assert poll_of(world.chloe, p["id"])["question"] == "Quel jour ?"


def test_closes_at_with_an_offset_or_in_the_communitys_time_zone(world):
    room = world.broadcast()
    later = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
    with_offset = later.astimezone(timezone(timedelta(hours=2)))
    p = new_poll(world.owner, room["id"], closes_at=with_offset.isoformat())
    assert p["closes_at"] == iso(later) and p["closed"] is False
    # a wall-clock time in the community's zone (America/Toronto)
    local = datetime(later.year + 1, 7, 1, 20, 0)  # summer: UTC-4
    p = new_poll(world.owner, room["id"], closes_at=local.strftime("%Y-%m-%dT%H:%M"))
    assert p["closes_at"] == iso(local.replace(tzinfo=ZoneInfo("America/Toronto")))
    assert p["closes_at"].endswith("T00:00:00.000Z")
    local = datetime(later.year + 1, 1, 15, 20, 0)  # winter: UTC-5
    p = new_poll(world.owner, room["id"], closes_at=local.strftime("%Y-%m-%dT%H:%M:%S"))
    assert p["closes_at"] == f"{later.year + 1}-01-16T01:00:00.000Z"
    # an hour the spring change skips is no time there; one the fall repeats is its first
    year = later.year + 1
    spring = next(datetime(year, 3, d, 2, 30) for d in range(8, 15)
                  if datetime(year, 3, d).weekday() == 6)
    r = send(world.owner, "POST", f"/channels/{room['id']}/polls",
             {"question": "q", "options": ["a", "b"],
              "closes_at": spring.strftime("%Y-%m-%dT%H:%M")})
    assert_error(r, 422, "invalid_field", "closes_at")
    fall = next(datetime(year, 11, d, 1, 30) for d in range(1, 8)
                if datetime(year, 11, d).weekday() == 6)
    p = new_poll(world.owner, room["id"], closes_at=fall.strftime("%Y-%m-%dT%H:%M"))
    assert p["closes_at"] == fall.strftime("%Y-%m-%dT05:30:00.000Z"), "EDT, UTC-4: the first"


@pytest.fixture(scope="module")
def scene(world):
    room = world.broadcast()
    poll = new_poll(world.owner, room["id"])
    return {"room": room["id"], "poll": poll["id"], "options": ids(poll),
            "chat": world.chat["id"]}


PAST = "2001-01-01T00:00:00Z"
# (who, body, status, code, field) for POST /channels/{room}/polls
CREATION_REFUSALS = {
    "one option": ("owner", {"question": "q", "options": ["a"]}, 422, "invalid_field", "options"),
    "no option": ("owner", {"question": "q", "options": []}, 422, "invalid_field", "options"),
    "eleven options": ("owner", {"question": "q", "options": [str(i) for i in range(11)]},
                       422, "invalid_field", "options"),
    "options left out": ("owner", {"question": "q"}, 422, "invalid_field", "options"),
    "options not an array": ("owner", {"question": "q", "options": "a,b"},
                             422, "invalid_field", "options"),
    "an option not a string": ("owner", {"question": "q", "options": ["a", 2]},
                               422, "invalid_field", "options"),
    "a blank option": ("owner", {"question": "q", "options": ["a", "  "]},
                       422, "invalid_field", "options"),
    "an option too long": ("owner", {"question": "q", "options": ["a", "b" * 101]},
                           422, "invalid_field", "options"),
    "duplicate options": ("owner", {"question": "q", "options": ["Oui", "Non", "Oui"]},
                          422, "invalid_field", "options"),
    "duplicates once trimmed": ("owner", {"question": "q", "options": ["Oui", " Oui "]},
                                422, "invalid_field", "options"),
    "no question": ("owner", {"options": ["a", "b"]}, 422, "invalid_field", "question"),
    "a blank question": ("owner", {"question": " ", "options": ["a", "b"]},
                         422, "invalid_field", "question"),
    "a question too long": ("owner", {"question": "q" * 301, "options": ["a", "b"]},
                            422, "invalid_field", "question"),
    "multiple not a boolean": ("owner", {"question": "q", "options": ["a", "b"],
                                         "multiple": "yes"}, 422, "invalid_field", "multiple"),
    "closes_at in the past": ("owner", {"question": "q", "options": ["a", "b"],
                                        "closes_at": PAST}, 422, "invalid_field", "closes_at"),
    "closes_at malformed": ("owner", {"question": "q", "options": ["a", "b"],
                                      "closes_at": "samedi soir"},
                            422, "invalid_field", "closes_at"),
    "closes_at not a date": ("owner", {"question": "q", "options": ["a", "b"],
                                       "closes_at": "2030-02-30T10:00:00Z"},
                             422, "invalid_field", "closes_at"),
    "closes_at a number": ("owner", {"question": "q", "options": ["a", "b"],
                                     "closes_at": 1893456000000},
                           422, "invalid_field", "closes_at"),
    "malformed JSON": ("owner", "{\"question\": ", 400, "malformed_json", None),
    "an array body": ("owner", "[1, 2]", 400, "malformed_json", None),
    "by a member": ("bea", {"question": "q", "options": ["a", "b"]}, 403, "forbidden", None),
}


@pytest.mark.parametrize("case", list(CREATION_REFUSALS))
def test_a_refused_poll_says_why_and_changes_nothing(world, scene, case):
    who, body, status, code, field = CREATION_REFUSALS[case]
    before = state(world, scene["room"])
    r = send(getattr(world, who), "POST", f"/channels/{scene['room']}/polls", body)
    assert_error(r, status, code, field=field)
    assert state(world, scene["room"]) == before


def test_too_few_and_too_many_say_the_limit_in_the_callers_language(world, scene):
    path = f"/channels/{scene['room']}/polls"
    r = send(world.owner, "POST", path, {"question": "q", "options": ["a"]})
    assert "at least 2" in assert_error(r, 422, "invalid_field", "options")["message"]
    r = send(world.owner, "POST", path, {"question": "q", "options": list("abcdefghijk")})
    assert "at most 10" in assert_error(r, 422, "invalid_field", "options")["message"]
    r = send(world.bea, "PUT", f"/polls/{scene['poll']}/vote",
             {"option_ids": scene["options"][:2]})
    assert assert_error(r, 422, "invalid_field", "option_ids")["message"] == \
        "Le champ « option_ids » compte trop d’éléments (au plus 1)."


def test_polls_go_in_a_broadcast_only(world, scene):
    before = world.owner.history(world.chat["id"])
    r = send(world.owner, "POST", f"/channels/{world.chat['id']}/polls",
             {"question": "q", "options": ["a", "b"]})
    assert_error(r, 409, "not_a_broadcast")
    assert world.owner.history(world.chat["id"]) == before


def test_an_outsider_cannot_ask_a_poll(world, scene):
    before = state(world, scene["room"])
    body = {"question": "q", "options": ["a", "b"]}
    r = send(world.dom, "POST", f"/channels/{scene['room']}/polls", body)
    assert_error(r, 404, "not_found")
    assert r.json() == send(world.dom, "POST", "/channels/999999999/polls", body).json()
    assert state(world, scene["room"]) == before


def test_an_archived_broadcast_takes_no_poll_and_no_vote(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"])
    r = world.owner.patch(f"{API}/channels/{room['id']}", json={"archived": True})
    assert r.status_code == 200, r.text
    r = send(world.owner, "POST", f"/channels/{room['id']}/polls",
             {"question": "q", "options": ["a", "b"]})
    assert_error(r, 409, "channel_archived")
    assert_error(send(world.bea, "PUT", f"/polls/{p['id']}/vote", {"option_ids": [ids(p)[0]]}),
                 409, "channel_archived")
    assert poll_of(world.owner, p["id"])["voters"] == 0


# --- votes ----------------------------------------------------------------------------------

def test_single_choice_takes_exactly_one_option_and_may_change(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"])
    a, b, c = ids(p)
    for bad in ([a, b], [], [a, b, c]):
        r = send(world.chloe, "PUT", f"/polls/{p['id']}/vote", {"option_ids": bad})
        assert_error(r, 422, "invalid_field", "option_ids")
    assert poll_of(world.owner, p["id"])["voters"] == 0
    got = vote(world.chloe, p["id"], [b])
    assert got["my_option_ids"] == [b] and counts(got) == [0, 1, 0] and got["voters"] == 1
    got = vote(world.chloe, p["id"], [c])  # changes her vote
    assert got["my_option_ids"] == [c] and counts(got) == [0, 0, 1] and got["voters"] == 1
    got = vote(world.chloe, p["id"], [c, c])  # the same option twice is one
    assert got["my_option_ids"] == [c] and counts(got) == [0, 0, 1]
    got = vote(world.bea, p["id"], [c])
    assert counts(got) == [0, 0, 2] and got["voters"] == 2


def test_multiple_choice_takes_one_or_more(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"], options=["a", "b", "c", "d"], multiple=True)
    a, b, c, d = ids(p)
    got = vote(world.bea, p["id"], [d, a])
    assert got["my_option_ids"] == [a, d], "in the options' order"
    assert counts(got) == [1, 0, 0, 1] and got["voters"] == 1
    got = vote(world.bea, p["id"], [b])
    assert got["my_option_ids"] == [b] and counts(got) == [0, 1, 0, 0]
    got = vote(world.chloe, p["id"], [a, b, c, d])
    assert counts(got) == [1, 2, 1, 1] and got["voters"] == 2
    assert_error(send(world.bea, "PUT", f"/polls/{p['id']}/vote", {"option_ids": []}),
                 422, "invalid_field", "option_ids")
    assert poll_of(world.bea, p["id"])["my_option_ids"] == [b]


def test_an_option_of_another_poll_is_refused(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"])
    other = new_poll(world.owner, room["id"], multiple=True)
    attempts = [(p, [ids(other)[0]]), (p, [0]), (p, [-1]), (p, [999999999]),
                (other, [ids(other)[0], ids(p)[1]])]  # one of its own, one of the other's
    for target, bad in attempts:
        r = send(world.bea, "PUT", f"/polls/{target['id']}/vote", {"option_ids": bad})
        assert_error(r, 422, "invalid_field", "option_ids")
    assert poll_of(world.owner, p["id"])["voters"] == 0
    assert poll_of(world.owner, other["id"])["voters"] == 0


def test_counts_are_shown_once_one_voted_and_always_to_hosts(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"])
    a, b, _ = ids(p)
    vote(world.bea, p["id"], [a])
    seen = poll_of(world.chloe, p["id"])  # Chloé has not voted
    assert seen["results_visible"] is False and seen["my_option_ids"] == []
    assert "voters" not in seen
    assert all(set(o) == {"id", "text"} for o in seen["options"]), seen["options"]
    r = send(world.chloe, "GET", f"/channels/{room['id']}/polls")
    (listed,) = r.json()["polls"]
    assert listed == seen
    host = poll_of(world.owner, p["id"])  # the host has not voted either
    assert host["results_visible"] is True and counts(host) == [1, 0, 0]
    assert host["voters"] == 1
    assert all("voter_ids" not in o for o in host["options"]), "an anonymous poll names nobody"
    mine = vote(world.chloe, p["id"], [b])
    assert mine["results_visible"] is True and counts(mine) == [1, 1, 0]
    assert poll_of(world.chloe, p["id"]) == mine


def test_a_named_poll_names_the_voters_to_hosts_only(world):
    room = world.broadcast()
    p = new_poll(world.owner, room["id"], anonymous=False, multiple=True)
    a, b, c = ids(p)
    assert p["anonymous"] is False
    vote(world.bea, p["id"], [a, b])
    got = vote(world.chloe, p["id"], [b])
    assert all("voter_ids" not in o for o in got["options"]), "a member sees counts, not names"
    assert counts(got) == [1, 2, 0]
    host = poll_of(world.owner, p["id"])
    assert [o["voter_ids"] for o in host["options"]] == [
        [world.bea.id], sorted([world.bea.id, world.chloe.id]), []]
    r = send(world.owner, "GET", f"/channels/{room['id']}/polls")
    assert r.json()["polls"][0]["options"] == host["options"]


def test_two_votes_at_once_from_one_member_leave_one(world):
    room = world.broadcast()
    for _ in range(3):
        p = new_poll(world.owner, room["id"])
        a, b, c = ids(p)
        answers = at_once([lambda o=o: send(world.bea, "PUT", f"/polls/{p['id']}/vote",
                                            {"option_ids": [o]}) for o in (a, b, c, a, b)])
        assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
        now = poll_of(world.owner, p["id"])
        assert now["voters"] == 1 and sum(counts(now)) == 1, now
        assert len(poll_of(world.bea, p["id"])["my_option_ids"]) == 1


# --- the closing time, and the events -------------------------------------------------------

def test_a_poll_closes_at_its_time_then_poll_closed_once_live_and_on_resume(world):
    room = world.broadcast()
    cid = world.community["id"]
    chloe_was_at = community_position(world.chloe, cid)
    with world.bea.ws() as live:
        live.wait_for("hello")
        closes = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=3)
        p = new_poll(world.owner, room["id"], closes_at=closes.isoformat().replace("+00:00", "Z"))
        assert p["closes_at"] == iso(closes) and p["closed"] is False
        a, b, _ = ids(p)
        vote(world.chloe, p["id"], [a])
        created = live.wait_for("poll.created")
        voted = live.wait_for("poll.voted")
        for e in (created, voted):  # no results in events
            assert e["poll"]["id"] == p["id"] and e["community_id"] == cid
            assert e["poll"]["results_visible"] is False and "voters" not in e["poll"]
            assert all(set(o) == {"id", "text"} for o in e["poll"]["options"])
        left = (closes - datetime.now(timezone.utc)).total_seconds()
        if left > 0:
            time.sleep(left)
        r = send(world.bea, "PUT", f"/polls/{p['id']}/vote", {"option_ids": [b]})
        assert_error(r, 409, "poll_closed")
        r = send(world.chloe, "PUT", f"/polls/{p['id']}/vote", {"option_ids": [b]})
        assert_error(r, 409, "poll_closed")
        closed = live.wait_for("poll.closed", timeout=5)
        assert closed["poll"]["id"] == p["id"] and closed["poll"]["closed"] is True
        assert closed["poll"]["results_visible"] is False and "voters" not in closed["poll"]
        assert poll_frames(live.collect(0.5), p["id"]) == [], "poll.closed once"
    now = poll_of(world.chloe, p["id"])
    assert now["closed"] is True and now["my_option_ids"] == [a] and counts(now) == [1, 0, 0]
    rows = world.server.sql("SELECT COUNT(*) FROM events WHERE type = 'poll.closed' AND "
                            "subject_id = ?", (p["id"],))
    assert rows[0][0] == 1, "the server logs poll.closed once"

    with world.chloe.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(cid): chloe_was_at}})
        ws.wait_for("resumed")
        replayed = poll_frames(ws.seen, p["id"])
        assert [e["type"] for e in replayed] == ["poll.created", "poll.voted", "poll.closed"]
        assert [e["pos"] for e in replayed] == [created["pos"], voted["pos"], closed["pos"]]
        assert replayed[0]["poll"]["closed"] is False, "as it was then"
        assert replayed[2]["poll"]["closed"] is True
        assert all("voters" not in e["poll"] for e in replayed)
        assert poll_frames(ws.collect(0.3), p["id"]) == [], "nothing twice after the resume"


def test_an_outsider_hears_nothing_of_polls(world):
    room = world.broadcast()
    with world.dom.ws() as outsider:
        outsider.wait_for("hello")
        p = new_poll(world.owner, room["id"])
        vote(world.bea, p["id"], [ids(p)[0]])
        assert poll_frames(outsider.collect(0.5)) == []


# --- outsiders, ended sessions, bad input ---------------------------------------------------

def every_poll_request(room, poll, option):
    return [("POST", f"/channels/{room}/polls", {"question": "q", "options": ["a", "b"]}),
            ("GET", f"/channels/{room}/polls", None),
            ("GET", f"/polls/{poll}", None),
            ("PUT", f"/polls/{poll}/vote", {"option_ids": [option]})]


def test_an_outsider_gets_404_on_every_poll_path(world, scene):
    own_room = world.broadcast(host=world.dom, community=world.dom_community["slug"])
    own_poll = new_poll(world.dom, own_room["id"])
    before = state(world, scene["room"])
    real = every_poll_request(scene["room"], scene["poll"], scene["options"][0])
    made_up = every_poll_request(999999999, 999999999, scene["options"][0])
    for (method, path, body), (_, unknown, _) in zip(real, made_up):
        r = send(world.dom, method, path, body)
        assert_error(r, 404, "not_found")
        assert r.json() == send(world.dom, method, unknown, body).json(), path
    # nor with his own poll's options, nor ours on his
    r = send(world.dom, "PUT", f"/polls/{scene['poll']}/vote", {"option_ids": ids(own_poll)[:1]})
    assert_error(r, 404, "not_found")
    r = send(world.dom, "PUT", f"/polls/{own_poll['id']}/vote",
             {"option_ids": scene["options"][:1]})
    assert_error(r, 422, "invalid_field", "option_ids")
    assert state(world, scene["room"]) == before
    # and we do not see his
    for method, path, body in every_poll_request(own_room["id"], own_poll["id"],
                                                 ids(own_poll)[0]):
        assert_error(send(world.bea, method, path, body), 404, "not_found")
    assert poll_of(world.dom, own_poll["id"])["voters"] == 0


def test_unknown_ids_are_404(world):
    for method, path, body in every_poll_request(999999999, 999999999, 1):
        assert_error(send(world.owner, method, path, body), 404, "not_found")
    for method, path, body in every_poll_request("abc", "-1", 1):
        assert_error(send(world.owner, method, path, body), 404, "not_found")


def test_an_ended_session_gets_401(world, scene):
    fred = world.new_member("Fred")
    cookie = fred.cookie
    assert fred.delete(f"{API}/sessions/current").status_code == 204
    ended = Client(world.server)
    ended.cookies.set("ps_session", cookie)
    before = state(world, scene["room"])
    for method, path, body in every_poll_request(scene["room"], scene["poll"],
                                                 scene["options"][0]):
        assert_error(send(ended, method, path, body), 401, "unauthenticated")
        if body is not None:  # the caller before the body
            assert_error(send(ended, method, path, "{"), 401, "unauthenticated")
    assert state(world, scene["room"]) == before


VOTE_REFUSALS = {
    "option_ids left out": ({}, 422, "invalid_field", "option_ids"),
    "option_ids null": ({"option_ids": None}, 422, "invalid_field", "option_ids"),
    "option_ids not an array": ({"option_ids": "{a}"}, 422, "invalid_field", "option_ids"),
    "option_ids an integer": ({"option_ids": "{a:int}"}, 422, "invalid_field", "option_ids"),
    "an id as a string": ({"option_ids": ["{a:str}"]}, 422, "invalid_field", "option_ids"),
    "a fraction": ({"option_ids": [1.5]}, 422, "invalid_field", "option_ids"),
    "a boolean": ({"option_ids": [True]}, 422, "invalid_field", "option_ids"),
    "an object": ({"option_ids": [{"id": 1}]}, 422, "invalid_field", "option_ids"),
    "eleven ids": ({"option_ids": list(range(1, 12))}, 422, "invalid_field", "option_ids"),
    "malformed JSON": ("{\"option_ids\": [", 400, "malformed_json", None),
    "an array body": ("[1]", 400, "malformed_json", None),
}


@pytest.mark.parametrize("case", list(VOTE_REFUSALS))
def test_a_refused_vote_says_why_and_changes_nothing(world, scene, case):
    body, status, code, field = VOTE_REFUSALS[case]
    a = scene["options"][0]
    if isinstance(body, dict) and isinstance(body.get("option_ids"), str):
        body = {"option_ids": a if body["option_ids"] == "{a:int}" else f"{a}"}
    elif isinstance(body, dict) and body.get("option_ids") == ["{a:str}"]:
        body = {"option_ids": [str(a)]}
    before = state(world, scene["room"])
    mine = poll_of(world.chloe, scene["poll"])["my_option_ids"]
    r = send(world.chloe, "PUT", f"/polls/{scene['poll']}/vote", body)
    assert_error(r, status, code, field=field)
    assert state(world, scene["room"]) == before
    assert poll_of(world.chloe, scene["poll"])["my_option_ids"] == mine


# --- mutes ----------------------------------------------------------------------------------

def test_a_member_mutes_a_broadcast_and_only_their_devices_hear_of_it(world):
    room = world.broadcast()
    with world.bea.ws() as mine, world.chloe.ws() as theirs:
        mine.wait_for("hello")
        theirs.wait_for("hello")
        assert send(world.bea, "PUT", f"/channels/{room['id']}/mute").status_code == 204
        assert send(world.bea, "PUT", f"/channels/{room['id']}/mute").status_code == 204  # once
        frame = mine.wait_for("channel.muted")
        assert (frame["channel_id"], frame["muted"]) == (room["id"], True)
        assert [f for f in theirs.collect(0.5) if f.get("type", "").startswith("channel.m")] == []
    r = send(world.bea, "GET", f"/communities/{world.slug}/mutes")
    assert r.status_code == 200 and room["id"] in r.json()["channel_ids"], r.text
    r = send(world.chloe, "GET", f"/communities/{world.slug}/mutes")
    assert room["id"] not in r.json()["channel_ids"]
    # Still readable, and the outsider gets the answer of a room that does not exist.
    assert send(world.bea, "GET", f"/channels/{room['id']}/messages").status_code == 200
    assert_error(send(world.dom, "PUT", f"/channels/{room['id']}/mute"), 404, "not_found")
    assert send(world.bea, "DELETE", f"/channels/{room['id']}/mute").status_code == 204
    r = send(world.bea, "GET", f"/communities/{world.slug}/mutes")
    assert room["id"] not in r.json()["channel_ids"]


# --- question prompts -----------------------------------------------------------------------
# A host asks; members answer privately (only the answer's author and the community's hosts
# ever see an answer, on every path: HTTP, the stream, resume); hosts list the answers and
# answer one back in the direct conversation of the two. Hugo joins as a second host, so that
# "each host" means more than one.

PROMPT_FIELDS = {"id", "channel_id", "message_id", "question", "closed", "closed_at",
                 "created_at", "my_answer"}  # + answer_count, to hosts only
ANSWER_FIELDS = {"id", "prompt_id", "account_id", "display_name", "member_number", "body",
                 "answered_at", "changed_at", "reply_channel_id", "replied_at"}
PROMPT_EVENTS = ("prompt.created", "prompt.changed", "prompt.answered", "prompt.replied")
ANSWER_EVENTS = ("prompt.answered", "prompt.replied")
QUESTION = "Qu’est-ce qui vous ferait venir samedi ?"


@pytest.fixture(scope="module")
def hugo(world):
    """A second host of the community."""
    hugo = world.new_member("Hugo")
    r = world.owner.patch(f"{API}/communities/{world.slug}/members/{hugo.id}",
                          json={"role": "host"})
    assert r.status_code == 200, r.text
    return hugo


def new_prompt(client, room_id, question=QUESTION):
    r = send(client, "POST", f"/channels/{room_id}/prompts", {"question": question})
    assert r.status_code == 201, r.text
    return r.json()["prompt"]


def prompt_of(client, prompt_id):
    r = send(client, "GET", f"/prompts/{prompt_id}")
    assert r.status_code == 200, r.text
    return r.json()["prompt"]


def prompts_in(client, room_id):
    r = send(client, "GET", f"/channels/{room_id}/prompts")
    assert r.status_code == 200, r.text
    return r.json()["prompts"]


def answer(client, prompt_id, body):
    r = send(client, "PUT", f"/prompts/{prompt_id}/answer", {"body": body})
    assert r.status_code == 200, r.text
    return r.json()["prompt"]


def answers_of(client, prompt_id, before=None):
    path = f"/prompts/{prompt_id}/answers" + ("" if before is None else f"?before={before}")
    r = send(client, "GET", path)
    assert r.status_code == 200, r.text
    page = r.json()
    assert set(page) == {"answers", "next_before"}, page
    return page


def set_closed(client, prompt_id, closed):
    r = send(client, "PUT" if closed else "DELETE", f"/prompts/{prompt_id}/close")
    assert r.status_code == 200, r.text
    return r.json()["prompt"]


def reply(client, prompt_id, account_id, body="Merci, bonne idée !"):
    return send(client, "POST", f"/prompts/{prompt_id}/answers/{account_id}/reply", {"body": body})


def replied(client, prompt_id, account_id, body="Merci, bonne idée !"):
    r = reply(client, prompt_id, account_id, body)
    assert r.status_code == 201, r.text
    return r.json()


def number_of(world, client):
    (m,) = [m for m in world.owner.members(world.slug) if m["account_id"] == client.id]
    return m["member_number"]


def conversations_of(client, slug):
    r = client.get(f"{API}/communities/{slug}/conversations")
    assert r.status_code == 200, r.text
    return r.json()["channels"]


def first(ws, pred, timeout=5.0):
    """The first frame matching pred: among those already read (wait_for consumes the frames
    it skips), else the next ones."""
    for f in ws.seen:
        if pred(f):
            return f
    return ws.wait_for(pred, timeout=timeout)


def prompt_event(kind, prompt_id, author=None):
    return lambda f: (f.get("type") == kind and f["prompt"]["id"] == prompt_id
                      and (author is None or f["answer"]["account_id"] == author))


def prompt_frames_of(frames, prompt_id):
    return [f for f in frames if f.get("type") in PROMPT_EVENTS and f["prompt"]["id"] == prompt_id]


def replay(client, community_id, pos):
    """Resumes from `pos`: every frame replayed (until `resumed`)."""
    with client.ws() as ws:
        ws.wait_for("hello")
        ws.send({"type": "resume", "communities": {str(community_id): pos}})
        ws.wait_for("resumed")
        return list(ws.seen)


def answer_rows(world, prompt_id, kind="prompt.answered"):
    """For whom each `kind` event of the prompt was logged (None: the whole room)."""
    return sorted((r[0] for r in world.server.sql(
        "SELECT only_account_id FROM events WHERE type = ? AND subject_id = ?", (kind, prompt_id))),
        key=lambda v: (v is None, v or 0))


def count_rows(world, statement, params=()):
    return world.server.sql(statement, params)[0][0]


def reply_state(world):
    """What a refused reply must not change: the direct conversations, every message, and
    which answers were answered back."""
    return (count_rows(world, "SELECT COUNT(*) FROM channels WHERE kind = 'direct'"),
            count_rows(world, "SELECT COUNT(*) FROM messages"),
            sorted(world.server.sql("SELECT id, reply_channel_id FROM prompt_answers")))


@pytest.fixture(scope="module")
def prompt_scene(world, hugo):
    """A broadcast with a question that Béa and the owner answered; nobody else did."""
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(world.bea, p["id"], "Ma réponse")
    answer(world.owner, p["id"], "La mienne, d’hôte")
    return {"room": room["id"], "prompt": p["id"]}


def prompt_state(world, room_id, prompt_id):
    """What a refused question or answer must not change: the room's prompts, its history, the
    answers (as a host sees them) and Béa's own."""
    return (prompts_in(world.owner, room_id), world.owner.history(room_id),
            answers_of(world.owner, prompt_id), prompt_of(world.bea, prompt_id))


# asking

def test_a_host_asks_a_question_posted_as_a_message_of_the_room(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"], question=f"  {QUESTION}  ")
    assert set(p) == PROMPT_FIELDS | {"answer_count"}, p
    assert p["question"] == QUESTION and p["channel_id"] == room["id"]
    assert p["closed"] is False and p["closed_at"] is None
    assert p["my_answer"] is None and p["answer_count"] == 0
    # its message in the history, the question as its body, by the host
    (m,) = world.bea.history(room["id"])
    assert m["id"] == p["message_id"] and m["body"] == QUESTION
    assert m["author"]["id"] == world.owner.id
    # 300 characters (code points) is the most; listed newest first
    longest = new_prompt(hugo, room["id"], question="é" * 300)
    assert longest["question"] == "é" * 300
    assert [x["id"] for x in prompts_in(world.chloe, room["id"])] == [longest["id"], p["id"]]
    # a member is shown neither how many answered nor anyone's answer
    seen = prompt_of(world.chloe, p["id"])
    assert set(seen) == PROMPT_FIELDS and seen["my_answer"] is None
    assert prompts_in(world.chloe, room["id"])[1] == seen
    assert prompt_of(hugo, p["id"])["answer_count"] == 0
    # a room without prompts, a chat room too, lists none
    assert prompts_in(world.bea, world.chat["id"]) == []


def test_a_member_cannot_ask_a_question(world, prompt_scene):
    before = prompt_state(world, prompt_scene["room"], prompt_scene["prompt"])
    r = send(world.bea, "POST", f"/channels/{prompt_scene['room']}/prompts", {"question": "Moi ?"})
    assert_error(r, 403, "forbidden")
    assert prompt_state(world, prompt_scene["room"], prompt_scene["prompt"]) == before


def test_questions_go_in_a_broadcast_only(world):
    before = world.owner.history(world.chat["id"])
    r = send(world.owner, "POST", f"/channels/{world.chat['id']}/prompts", {"question": "Et ici ?"})
    assert_error(r, 409, "not_a_broadcast")
    assert world.owner.history(world.chat["id"]) == before
    assert prompts_in(world.owner, world.chat["id"]) == []


def test_an_archived_broadcast_takes_no_question_and_no_answer(world):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(world.bea, p["id"], "avant l’archive")
    r = world.owner.patch(f"{API}/channels/{room['id']}", json={"archived": True})
    assert r.status_code == 200, r.text
    assert_error(send(world.owner, "POST", f"/channels/{room['id']}/prompts", {"question": "q"}),
                 409, "channel_archived")
    assert_error(send(world.bea, "PUT", f"/prompts/{p['id']}/answer", {"body": "après"}),
                 409, "channel_archived")
    assert_error(send(world.chloe, "PUT", f"/prompts/{p['id']}/answer", {"body": "moi"}),
                 409, "channel_archived")
    assert prompt_of(world.bea, p["id"])["my_answer"]["body"] == "avant l’archive"
    assert [a["account_id"] for a in answers_of(world.owner, p["id"])["answers"]] == [world.bea.id]
    assert len(prompts_in(world.owner, room["id"])) == 1


QUESTION_REFUSALS = {
    "a line break": ("owner", {"question": "Ça va ?\nVraiment ?"}, 422, "invalid_field", "question"),
    "a carriage return": ("owner", {"question": "Ça va ?\rVraiment ?"}, 422, "invalid_field",
                          "question"),
    "a tab": ("owner", {"question": "Ça\tva ?"}, 422, "invalid_field", "question"),
    "an invisible character": ("owner", {"question": "Ça\u200bva ?"}, 422, "invalid_field",
                               "question"),
    "too long": ("owner", {"question": "q" * 301}, 422, "invalid_field", "question"),
    "blank": ("owner", {"question": "   "}, 422, "invalid_field", "question"),
    "empty": ("owner", {"question": ""}, 422, "invalid_field", "question"),
    "left out": ("owner", {}, 422, "invalid_field", "question"),
    "null": ("owner", {"question": None}, 422, "invalid_field", "question"),
    "not a string": ("owner", {"question": ["q"]}, 422, "invalid_field", "question"),
    "malformed JSON": ("owner", "{\"question\": ", 400, "malformed_json", None),
    "an array body": ("owner", "[\"q\"]", 400, "malformed_json", None),
    "no body at all": ("owner", "", 400, "malformed_json", None),
    "by a member": ("bea", {"question": "q"}, 403, "forbidden", None),
}


@pytest.mark.parametrize("case", list(QUESTION_REFUSALS))
def test_a_refused_question_says_why_and_makes_nothing(world, prompt_scene, case):
    who, body, status, code, field = QUESTION_REFUSALS[case]
    before = prompt_state(world, prompt_scene["room"], prompt_scene["prompt"])
    r = send(getattr(world, who), "POST", f"/channels/{prompt_scene['room']}/prompts", body)
    assert_error(r, status, code, field=field)
    assert prompt_state(world, prompt_scene["room"], prompt_scene["prompt"]) == before


def test_a_body_that_is_not_json_is_415(world, prompt_scene):
    before = prompt_state(world, prompt_scene["room"], prompt_scene["prompt"])
    text = {"Content-Type": "text/plain"}
    r = world.owner.post(f"{API}/channels/{prompt_scene['room']}/prompts", data="question=q",
                         headers=text)
    assert_error(r, 415, "unsupported_media_type")
    r = world.bea.put(f"{API}/prompts/{prompt_scene['prompt']}/answer", data="body=b", headers=text)
    assert_error(r, 415, "unsupported_media_type")
    assert prompt_state(world, prompt_scene["room"], prompt_scene["prompt"]) == before


# answering

def test_a_member_answers_and_changes_their_answer_in_place(world):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    got = answer(world.bea, p["id"], "  Un covoiturage\ndepuis le village  ")
    assert set(got) == PROMPT_FIELDS, "no answer_count for a member, even in her own answer"
    mine = got["my_answer"]
    assert set(mine) == ANSWER_FIELDS, mine
    assert mine["body"] == "Un covoiturage\ndepuis le village", "trimmed, line breaks kept"
    assert (mine["prompt_id"], mine["account_id"]) == (p["id"], world.bea.id)
    assert mine["display_name"] == "Béa" and mine["member_number"] == number_of(world, world.bea)
    assert mine["answered_at"] == mine["changed_at"]
    assert mine["reply_channel_id"] is None and mine["replied_at"] is None
    assert prompt_of(world.bea, p["id"]) == got
    time.sleep(0.01)
    changed = answer(world.bea, p["id"], "Finalement, une navette")["my_answer"]
    assert changed["id"] == mine["id"], "the same answer, replaced"
    assert changed["body"] == "Finalement, une navette"
    assert changed["answered_at"] == mine["answered_at"]
    assert changed["changed_at"] > mine["changed_at"]
    # the same text again changes nothing
    time.sleep(0.01)
    assert answer(world.bea, p["id"], "Finalement, une navette")["my_answer"] == changed
    # 2,000 characters (code points, not bytes) is the most
    assert answer(world.bea, p["id"], "é" * 2000)["my_answer"]["body"] == "é" * 2000
    host = answers_of(world.owner, p["id"])["answers"]
    assert [a["id"] for a in host] == [mine["id"]] and host[0]["body"] == "é" * 2000
    assert prompt_of(world.owner, p["id"])["answer_count"] == 1


def test_a_member_sees_only_their_own_answer(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(world.bea, p["id"], "La réponse de Béa")
    seen = prompt_of(world.chloe, p["id"])
    assert seen["my_answer"] is None and "answer_count" not in seen
    (listed,) = prompts_in(world.chloe, room["id"])
    assert listed == seen
    chloe = answer(world.chloe, p["id"], "Celle de Chloé")["my_answer"]
    assert chloe["body"] == "Celle de Chloé" and chloe["account_id"] == world.chloe.id
    assert prompt_of(world.bea, p["id"])["my_answer"]["body"] == "La réponse de Béa"
    assert prompts_in(world.bea, room["id"])[0]["my_answer"]["body"] == "La réponse de Béa"
    assert prompt_of(world.chloe, p["id"])["my_answer"] == chloe
    # the host, who did not answer, has no answer of their own but sees how many answered
    host = prompt_of(world.owner, p["id"])
    assert host["my_answer"] is None and host["answer_count"] == 2
    assert prompts_in(hugo, room["id"])[0]["answer_count"] == 2
    # a member may not list the answers, nor may the answer's own author
    for member in (world.bea, world.chloe):
        assert_error(send(member, "GET", f"/prompts/{p['id']}/answers"), 403, "forbidden")
        assert_error(send(member, "GET", f"/prompts/{p['id']}/answers?before=999999999"),
                     403, "forbidden")


def test_hosts_list_the_answers_with_names_and_member_numbers(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    first_answer = answer(world.bea, p["id"], "Béa, d’abord")["my_answer"]
    second = answer(world.chloe, p["id"], "Chloé, ensuite")["my_answer"]
    answer(world.bea, p["id"], "Béa, changée")  # a change keeps its place
    for host in (world.owner, hugo):
        page = answers_of(host, p["id"])
        assert page["next_before"] is None
        assert [a["id"] for a in page["answers"]] == [second["id"], first_answer["id"]], \
            "newest first, by answer id"
        by = {a["account_id"]: a for a in page["answers"]}
        assert set(by) == {world.bea.id, world.chloe.id}
        assert all(set(a) == ANSWER_FIELDS for a in page["answers"])
        assert by[world.bea.id]["body"] == "Béa, changée"
        assert (by[world.bea.id]["display_name"], by[world.chloe.id]["display_name"]) == (
            "Béa", "Chloé")
        assert by[world.bea.id]["member_number"] == number_of(world, world.bea)
        assert by[world.chloe.id]["member_number"] == number_of(world, world.chloe)


def test_answers_page_with_before(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    for who in (world.bea, world.chloe, hugo):
        answer(who, p["id"], f"de {who.account['display_name']}")
    ids_ = [a["id"] for a in answers_of(world.owner, p["id"])["answers"]]
    assert len(ids_) == 3 and ids_ == sorted(ids_, reverse=True)
    page = answers_of(world.owner, p["id"], before=ids_[0])
    assert [a["id"] for a in page["answers"]] == ids_[1:] and page["next_before"] is None
    assert answers_of(world.owner, p["id"], before=ids_[-1]) == {"answers": [], "next_before": None}
    assert answers_of(world.owner, p["id"], before=0)["answers"] == []
    assert [a["id"] for a in answers_of(world.owner, p["id"], before=10**15)["answers"]] == ids_
    for bad in ("abc", "1.5", "1e3", "-"):
        r = send(world.owner, "GET", f"/prompts/{p['id']}/answers?before={bad}")
        assert_error(r, 422, "invalid_field", "before")


def test_a_closed_question_takes_no_answer_until_reopened(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(world.bea, p["id"], "avant")
    closed = set_closed(hugo, p["id"], True)
    assert closed["closed"] is True and isinstance(closed["closed_at"], str)
    assert closed["answer_count"] == 1
    again = set_closed(world.owner, p["id"], True)  # twice is once
    assert again["closed_at"] == closed["closed_at"]
    assert_error(send(world.bea, "PUT", f"/prompts/{p['id']}/answer", {"body": "après"}),
                 409, "prompt_closed")
    assert_error(send(world.chloe, "PUT", f"/prompts/{p['id']}/answer", {"body": "moi"}),
                 409, "prompt_closed")
    assert prompt_of(world.bea, p["id"])["my_answer"]["body"] == "avant"
    assert prompt_of(world.chloe, p["id"])["my_answer"] is None
    assert prompt_of(world.chloe, p["id"])["closed"] is True
    assert [a["body"] for a in answers_of(world.owner, p["id"])["answers"]] == ["avant"]
    # only hosts close and reopen
    for method in ("PUT", "DELETE"):
        assert_error(send(world.bea, method, f"/prompts/{p['id']}/close"), 403, "forbidden")
    assert prompt_of(world.owner, p["id"])["closed"] is True
    reopened = set_closed(world.owner, p["id"], False)
    assert reopened["closed"] is False and reopened["closed_at"] is None
    assert set_closed(world.owner, p["id"], False) == reopened  # twice is once
    assert answer(world.bea, p["id"], "après")["my_answer"]["body"] == "après"
    assert answer(world.chloe, p["id"], "moi")["my_answer"]["body"] == "moi"
    assert answer_rows(world, p["id"], "prompt.changed") == [None, None], \
        "one prompt.changed for the close, one for the reopening, to the whole room"


ANSWER_REFUSALS = {
    "a body too long": ({"body": "x" * 2001}, 422, "invalid_field", "body"),
    "a body too long in code points": ({"body": "é" * 2001}, 422, "invalid_field", "body"),
    "an empty body": ({"body": ""}, 422, "invalid_field", "body"),
    "a blank body": ({"body": " \n\t "}, 422, "invalid_field", "body"),
    "body left out": ({}, 422, "invalid_field", "body"),
    "body null": ({"body": None}, 422, "invalid_field", "body"),
    "body not a string": ({"body": 42}, 422, "invalid_field", "body"),
    "an override character": ({"body": "abc\u202edef"}, 422, "invalid_field", "body"),
    "malformed JSON": ("{\"body\": ", 400, "malformed_json", None),
    "an array body": ("[\"oui\"]", 400, "malformed_json", None),
    "no body at all": ("", 400, "malformed_json", None),
}


@pytest.mark.parametrize("case", list(ANSWER_REFUSALS))
def test_a_refused_answer_says_why_and_changes_nothing(world, prompt_scene, case):
    body, status, code, field = ANSWER_REFUSALS[case]
    before = prompt_state(world, prompt_scene["room"], prompt_scene["prompt"])
    for who in (world.bea, world.chloe):  # a change, and a first answer
        r = send(who, "PUT", f"/prompts/{prompt_scene['prompt']}/answer", body)
        assert_error(r, status, code, field=field)
    assert prompt_state(world, prompt_scene["room"], prompt_scene["prompt"]) == before
    assert prompt_of(world.chloe, prompt_scene["prompt"])["my_answer"] is None


# outsiders, other communities, ended sessions

def every_prompt_request(room, prompt, account):
    return [("POST", f"/channels/{room}/prompts", {"question": "Une question ?"}),
            ("GET", f"/channels/{room}/prompts", None),
            ("GET", f"/prompts/{prompt}", None),
            ("PUT", f"/prompts/{prompt}/answer", {"body": "Une réponse"}),
            ("PUT", f"/prompts/{prompt}/close", None),
            ("DELETE", f"/prompts/{prompt}/close", None),
            ("GET", f"/prompts/{prompt}/answers", None),
            ("GET", f"/prompts/{prompt}/answers?before=999999999", None),
            ("POST", f"/prompts/{prompt}/answers/{account}/reply", {"body": "Merci"})]


def test_prompts_of_another_community_are_404_on_every_path(world, prompt_scene):
    dom_room = world.broadcast(host=world.dom, community=world.dom_community["slug"])
    dom_prompt = new_prompt(world.dom, dom_room["id"], question="Chez Dom ?")
    answer(world.dom, dom_prompt["id"], "Chez moi")
    # we do not see his, hosts included; exactly the answer of an id that does not exist
    mine_before = prompt_state(world, prompt_scene["room"], prompt_scene["prompt"])
    his = every_prompt_request(dom_room["id"], dom_prompt["id"], world.dom.id)
    made_up = every_prompt_request(999999999, 999999999, world.dom.id)
    for who in (world.bea, world.owner):
        for (method, path, body), (_, unknown, _) in zip(his, made_up):
            r = send(who, method, path, body)
            assert_error(r, 404, "not_found")
            assert r.json() == send(who, method, unknown, body).json(), path
    dom_view = prompt_of(world.dom, dom_prompt["id"])
    assert dom_view["closed"] is False and dom_view["answer_count"] == 1
    assert [a["account_id"] for a in answers_of(world.dom, dom_prompt["id"])["answers"]] == [
        world.dom.id]
    # and he does not see ours
    ours = every_prompt_request(prompt_scene["room"], prompt_scene["prompt"], world.bea.id)
    made_up = every_prompt_request(999999999, 999999999, world.bea.id)
    for (method, path, body), (_, unknown, _) in zip(ours, made_up):
        r = send(world.dom, method, path, body)
        assert_error(r, 404, "not_found")
        assert r.json() == send(world.dom, method, unknown, body).json(), path
    assert prompt_state(world, prompt_scene["room"], prompt_scene["prompt"]) == mine_before


def test_unknown_and_malformed_prompt_ids_are_404(world, prompt_scene):
    for room, prompt, account in ((999999999, 999999999, 1), ("abc", "-1", "x"), ("0", "0", "0")):
        for method, path, body in every_prompt_request(room, prompt, account):
            assert_error(send(world.owner, method, path, body), 404, "not_found")
    # a real prompt, an account id that names nobody
    for account in ("abc", "0", "-3", "999999999"):
        r = reply(world.owner, prompt_scene["prompt"], account)
        assert_error(r, 404, "not_found")


def test_an_ended_session_gets_401_on_every_prompt_path(world, prompt_scene):
    fred = world.new_member("Fred")
    cookie = fred.cookie
    assert fred.delete(f"{API}/sessions/current").status_code == 204
    ended = Client(world.server)
    ended.cookies.set("ps_session", cookie)
    before = prompt_state(world, prompt_scene["room"], prompt_scene["prompt"])
    for method, path, body in every_prompt_request(prompt_scene["room"], prompt_scene["prompt"],
                                                   world.bea.id):
        assert_error(send(ended, method, path, body), 401, "unauthenticated")
        if body is not None:  # the caller before the body
            assert_error(send(ended, method, path, "{"), 401, "unauthenticated")
    assert prompt_state(world, prompt_scene["room"], prompt_scene["prompt"]) == before


# answering back

def quote_and_words(body):
    """A reply's message: the quoted lines (without their "> ") and the host's words."""
    quote, blank, words = body.partition("\n\n")
    assert blank, f"no blank line between the quote and the words: {body!r}"
    lines = quote.split("\n")
    assert all(line.startswith("> ") or line == ">" for line in lines), body
    return [line[2:] for line in lines], words


def test_a_host_answers_back_in_a_direct_conversation(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    mine = answer(world.bea, p["id"], "Un covoiturage\ndepuis le village")["my_answer"]
    sent = replied(world.owner, p["id"], world.bea.id, "  Bonne idée, je t’inscris.  ")
    assert set(sent) == {"channel_id", "message", "answer"}, sent
    dm, m, a = sent["channel_id"], sent["message"], sent["answer"]
    assert m["channel_id"] == dm and m["author"]["id"] == world.owner.id
    quoted, words = quote_and_words(m["body"])
    assert quoted == [f"**{QUESTION}**", "Un covoiturage", "depuis le village"]
    assert words == "Bonne idée, je t’inscris."
    assert "<blockquote>" in m["html"] and f"<strong>{QUESTION}</strong>" in m["html"]
    assert set(a) == ANSWER_FIELDS and a["id"] == mine["id"] and a["body"] == mine["body"]
    assert a["reply_channel_id"] == dm and isinstance(a["replied_at"], str)
    # Béa has the direct conversation with the host, and the message in it
    (conv,) = [c for c in conversations_of(world.bea, world.slug) if c["id"] == dm]
    assert conv["kind"] == "direct"
    assert sorted(x["id"] for x in conv["participants"]) == sorted([world.owner.id, world.bea.id])
    assert [(x["id"], x["body"]) for x in world.bea.history(dm)][-1] == (m["id"], m["body"])
    # her answer says so, to her and to the hosts
    assert prompt_of(world.bea, p["id"])["my_answer"]["reply_channel_id"] == dm
    (listed,) = answers_of(hugo, p["id"])["answers"]
    assert (listed["reply_channel_id"], listed["replied_at"]) == (dm, a["replied_at"])
    # the conversation is theirs alone: another member, another host get 404
    for other in (world.chloe, hugo):
        assert_error(other.get(f"{API}/channels/{dm}/messages"), 404, "not_found")


def test_answering_back_again_reuses_the_conversation(world, hugo):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(world.chloe, p["id"], "Je viendrai à vélo")
    one = replied(world.owner, p["id"], world.chloe.id, "Super")
    two = replied(world.owner, p["id"], world.chloe.id, "Et il y a un support à vélos")
    assert two["channel_id"] == one["channel_id"]
    dm = one["channel_id"]
    assert [x["id"] for x in world.chloe.history(dm)][-2:] == [one["message"]["id"],
                                                                two["message"]["id"]]
    assert [c["id"] for c in conversations_of(world.chloe, world.slug)].count(dm) == 1
    # another question, the same conversation
    q = new_prompt(world.owner, room["id"], question="Et dimanche ?")
    answer(world.chloe, q["id"], "Dimanche aussi")
    assert replied(world.owner, q["id"], world.chloe.id)["channel_id"] == dm
    # she left it: answering back brings her back into it, its history with it
    assert world.chloe.delete(f"{API}/channels/{dm}/participants/me").status_code == 204
    assert dm not in [c["id"] for c in conversations_of(world.chloe, world.slug)]
    back = replied(world.owner, p["id"], world.chloe.id, "Tu es là ?")
    assert back["channel_id"] == dm
    assert dm in [c["id"] for c in conversations_of(world.chloe, world.slug)]
    assert world.chloe.history(dm)[-1]["id"] == back["message"]["id"]
    # a direct conversation that existed before is the one used
    r = hugo.post(f"{API}/communities/{world.slug}/conversations",
                  json={"member_ids": [world.chloe.id]})
    assert r.status_code in (200, 201), r.text
    existing = r.json()["channel"]["id"]
    assert replied(hugo, p["id"], world.chloe.id, "Hugo ici")["channel_id"] == existing != dm



def test_two_answers_at_once_from_one_member_leave_one(world):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    texts = [f"réponse n° {i}" for i in range(5)]
    answers = at_once([lambda t=t: send(world.bea, "PUT", f"/prompts/{p['id']}/answer",
                                        {"body": t}) for t in texts])
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    (one,) = answers_of(world.owner, p["id"])["answers"]
    assert one["body"] in texts and prompt_of(world.owner, p["id"])["answer_count"] == 1
    assert prompt_of(world.bea, p["id"])["my_answer"] == one
    assert len({r.json()["prompt"]["my_answer"]["id"] for r in answers}) == 1


def test_replies_at_once_and_a_conversation_started_meanwhile_make_one(world):
    """A host's double click, while the member starts the direct conversation with that host:
    one direct conversation for the two, both replies in it."""
    kim = world.new_member("Kim")
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(kim, p["id"], "Je peux apporter des chaises")
    got = at_once([
        lambda: reply(world.owner, p["id"], kim.id, "Merci Kim"),
        lambda: reply(world.owner, p["id"], kim.id, "Merci Kim"),
        lambda: kim.post(f"{API}/communities/{world.slug}/conversations",
                         json={"member_ids": [world.owner.id]}),
    ])
    assert [r.status_code for r in got[:2]] == [201, 201], [r.text for r in got]
    assert got[2].status_code in (200, 201), got[2].text
    rooms = {got[0].json()["channel_id"], got[1].json()["channel_id"], got[2].json()["channel"]["id"]}
    assert len(rooms) == 1, rooms
    (dm,) = rooms
    assert [c["id"] for c in conversations_of(kim, world.slug)] == [dm]
    mine = {got[0].json()["message"]["id"], got[1].json()["message"]["id"]}
    assert mine <= {m["id"] for m in kim.history(dm)}

def test_answering_back_quotes_a_long_answer_cut_to_500_characters(world):
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(world.bea, p["id"], "é" * 1990 + " FIN")
    sent = replied(world.owner, p["id"], world.bea.id, "Lu jusqu’au bout !")
    quoted, words = quote_and_words(sent["message"]["body"])
    assert quoted == [f"**{QUESTION}**", "é" * 500 + "…"]
    assert words == "Lu jusqu’au bout !"
    assert sent["answer"]["body"] == "é" * 1990 + " FIN", "the answer itself is whole"


def test_a_full_reply_to_an_answer_of_many_lines_is_sent(world):
    """The longest reply (3,000 characters) to an answer of many short lines: the message's
    quote prefixes every line with "> ", yet the reply must still go (its limit is 3,000)."""
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"], question="Qu’apportez-vous ? " + "x" * 200)
    answer(world.bea, p["id"], "\n".join("abcdefghijklmnopqrstuvwxyz" * 40)[:2000])
    r = reply(world.owner, p["id"], world.bea.id, "m" * 3000)
    assert r.status_code == 201, r.text
    assert r.json()["message"]["body"].endswith("\n\n" + "m" * 3000)


def test_answering_back_passes_from_known_only(world):
    fiona = world.new_member("Fiona")
    r = fiona.patch(f"{API}/communities/{world.slug}/conversation-settings",
                    json={"from_known_only": True})
    assert r.status_code == 200 and r.json()["settings"]["from_known_only"] is True, r.text
    # she refuses conversations from strangers, the host included ...
    r = world.owner.post(f"{API}/communities/{world.slug}/conversations",
                         json={"member_ids": [fiona.id]})
    assert_error(r, 403, "refuses_direct_messages")
    # ... but she wrote to the hosts: answering her answer back is fine
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(fiona, p["id"], "Je peux aider à ranger")
    sent = replied(world.owner, p["id"], fiona.id, "Merci Fiona !")
    assert sent["channel_id"] in [c["id"] for c in conversations_of(fiona, world.slug)]
    assert fiona.history(sent["channel_id"])[-1]["id"] == sent["message"]["id"]


def test_answering_back_is_refused_when_hosts_turned_direct_messages_off(world):
    paule = signup(world.server, locale="en", display_name="Paule")
    slug = paule.create_community(f"Ailleurs {uid()}")["slug"]
    remi = signup(world.server, locale="en", display_name="Rémi")
    remi.accept(paule.invite(slug)["code"])
    room = world.broadcast(host=paule, community=slug)
    p = new_prompt(paule, room["id"])
    answer(remi, p["id"], "Présent")
    r = paule.patch(f"{API}/communities/{slug}/conversation-settings",
                    json={"direct_messages": False})
    assert r.status_code == 200 and r.json()["settings"]["direct_messages"] is False, r.text
    before = reply_state(world)
    assert_error(reply(paule, p["id"], remi.id), 403, "direct_messages_off")
    assert reply_state(world) == before, "nothing sent, nothing opened"
    assert conversations_of(remi, slug) == []
    (listed,) = answers_of(paule, p["id"])["answers"]
    assert listed["reply_channel_id"] is None and listed["replied_at"] is None
    # the answers still come
    assert answer(remi, p["id"], "Présent, vraiment")["my_answer"]["body"] == "Présent, vraiment"
    r = paule.patch(f"{API}/communities/{slug}/conversation-settings",
                    json={"direct_messages": True})
    assert r.status_code == 200, r.text
    sent = replied(paule, p["id"], remi.id)
    assert [c["id"] for c in conversations_of(remi, slug)] == [sent["channel_id"]]


# (who, account (an attribute of world, or a literal), body, status, code, field)
REPLY_REFUSALS = {
    "to a member who did not answer": ("owner", "chloe", {"body": "Merci"}, 404, "not_found",
                                       None),
    "to an account that names nobody": ("owner", 999999999, {"body": "Merci"}, 404, "not_found",
                                        None),
    "by a member": ("bea", "owner", {"body": "Merci"}, 403, "forbidden", None),
    "by a member, to her own answer": ("bea", "bea", {"body": "Merci"}, 403, "forbidden", None),
    "to the host's own answer": ("owner", "owner", {"body": "Merci"}, 422, "invalid_field",
                                 "account_id"),
    "an empty body": ("owner", "bea", {"body": ""}, 422, "invalid_field", "body"),
    "a blank body": ("owner", "bea", {"body": "  \n "}, 422, "invalid_field", "body"),
    "a body too long": ("owner", "bea", {"body": "m" * 3001}, 422, "invalid_field", "body"),
    "body left out": ("owner", "bea", {}, 422, "invalid_field", "body"),
    "body not a string": ("owner", "bea", {"body": ["Merci"]}, 422, "invalid_field", "body"),
    "malformed JSON": ("owner", "bea", "{\"body\": ", 400, "malformed_json", None),
    "no body at all": ("owner", "bea", "", 400, "malformed_json", None),
}


@pytest.mark.parametrize("case", list(REPLY_REFUSALS))
def test_a_refused_reply_says_why_and_sends_nothing(world, prompt_scene, case):
    who, account, body, status, code, field = REPLY_REFUSALS[case]
    account_id = getattr(world, account).id if isinstance(account, str) else account
    before = reply_state(world)
    r = send(getattr(world, who), "POST",
             f"/prompts/{prompt_scene['prompt']}/answers/{account_id}/reply", body)
    assert_error(r, status, code, field=field)
    assert reply_state(world) == before


def test_someone_who_left_is_still_listed_but_not_answered_back(world):
    gus = world.new_member("Gus")
    room = world.broadcast()
    p = new_prompt(world.owner, room["id"])
    answer(gus, p["id"], "Je serai là")
    assert world.owner.delete(f"{API}/communities/{world.slug}/members/{gus.id}").status_code == 204
    (listed,) = answers_of(world.owner, p["id"])["answers"]
    assert listed["account_id"] == gus.id and listed["display_name"] == "Gus"
    assert listed["member_number"] is None, "no number once they left"
    assert prompt_of(world.owner, p["id"])["answer_count"] == 1
    before = reply_state(world)
    assert_error(reply(world.owner, p["id"], gus.id), 404, "not_found")
    assert reply_state(world) == before
    for method, path, body in every_prompt_request(room["id"], p["id"], gus.id):
        assert_error(send(gus, method, path, body), 404, "not_found")


# the stream and resume

def test_answers_reach_only_their_author_and_the_hosts_live(world, hugo):
    room = world.broadcast()
    cid = world.community["id"]
    with world.owner.ws() as olga_ws, hugo.ws() as hugo_ws, world.bea.ws() as bea_ws, \
            world.chloe.ws() as chloe_ws:
        streams = {"olga": olga_ws, "hugo": hugo_ws, "bea": bea_ws, "chloe": chloe_ws}
        for ws in streams.values():
            ws.wait_for("hello")
        p = new_prompt(world.owner, room["id"])
        for ws in streams.values():
            created = first(ws, prompt_event("prompt.created", p["id"]))
            assert created["community_id"] == cid
            assert set(created["prompt"]) == PROMPT_FIELDS, "no answer_count, even to hosts"
            assert created["prompt"]["my_answer"] is None and created["prompt"]["question"] == QUESTION
            first(ws, lambda f: f.get("type") == "message.created"
                  and f["message"]["id"] == p["message_id"])

        answer(world.bea, p["id"], "Un covoiturage")
        pos = {}
        for name in ("bea", "olga", "hugo"):
            e = first(streams[name], prompt_event("prompt.answered", p["id"], world.bea.id))
            assert set(e) == {"type", "community_id", "pos", "prompt", "answer"}, e
            assert set(e["answer"]) == ANSWER_FIELDS and e["answer"]["body"] == "Un covoiturage"
            assert set(e["prompt"]) == PROMPT_FIELDS and e["prompt"]["my_answer"] is None
            pos[name] = e["pos"]
        assert len(set(pos.values())) == 3, f"one event per recipient, each its own: {pos}"
        answer(world.bea, p["id"], "Un covoiturage")  # the same text: no event
        answer(world.chloe, p["id"], "Rien, je serai là")
        for name in ("chloe", "olga", "hugo"):
            first(streams[name], prompt_event("prompt.answered", p["id"], world.chloe.id))
        sent = replied(world.owner, p["id"], world.bea.id, "Je t’inscris !")
        for name in ("olga", "hugo"):
            e = first(streams[name], prompt_event("prompt.replied", p["id"], world.bea.id))
            assert e["answer"]["reply_channel_id"] == sent["channel_id"]
        first(bea_ws, lambda f: f.get("type") == "message.created"
              and f["message"]["id"] == sent["message"]["id"])
        # closing it is for everyone, after all the above: once each stream has it, every
        # earlier event for that stream has come (a community's events go out in order)
        set_closed(world.owner, p["id"], True)
        for ws in streams.values():
            first(ws, prompt_event("prompt.changed", p["id"]))
        for ws in streams.values():
            ws.collect(0.3)

        def answers_seen(name):
            return sorted((f["type"], f["answer"]["account_id"])
                          for f in prompt_frames_of(streams[name].seen, p["id"])
                          if f["type"] in ANSWER_EVENTS)

        assert answers_seen("bea") == [("prompt.answered", world.bea.id)], \
            "her own answer once; not Chloé's; no prompt.replied"
        assert answers_seen("chloe") == [("prompt.answered", world.chloe.id)]
        for host in ("olga", "hugo"):
            assert answers_seen(host) == sorted([("prompt.answered", world.bea.id),
                                                 ("prompt.answered", world.chloe.id),
                                                 ("prompt.replied", world.bea.id)])
        for name, ws in streams.items():  # nobody's copy carries another's text
            for f in ws.seen:
                if f.get("type") in ANSWER_EVENTS and name in ("bea", "chloe"):
                    assert f["answer"]["account_id"] == getattr(world, name).id
        assert sent["message"]["id"] not in [f.get("message", {}).get("id")
                                             for f in chloe_ws.seen + hugo_ws.seen]
    assert answer_rows(world, p["id"]) == sorted(
        [world.bea.id, world.owner.id, hugo.id, world.chloe.id, world.owner.id, hugo.id])
    assert answer_rows(world, p["id"], "prompt.replied") == sorted([world.owner.id, hugo.id])
    assert answer_rows(world, p["id"], "prompt.created") == [None]


def test_answers_reach_only_their_author_and_the_hosts_on_resume(world, hugo):
    room = world.broadcast()
    cid = world.community["id"]
    ines = world.new_member("Inès")  # a host while they answer, a member when she resumes
    r = world.owner.patch(f"{API}/communities/{world.slug}/members/{ines.id}", json={"role": "host"})
    assert r.status_code == 200, r.text
    people = {"olga": world.owner, "hugo": hugo, "bea": world.bea, "chloe": world.chloe,
              "ines": ines}
    was_at = {name: community_position(c, cid) for name, c in people.items()}
    p = new_prompt(world.owner, room["id"])
    answer(world.bea, p["id"], "Première idée")
    answer(world.bea, p["id"], "Deuxième idée")
    answer(world.chloe, p["id"], "L’idée de Chloé")
    sent = replied(world.owner, p["id"], world.bea.id, "Merci Béa")
    set_closed(world.owner, p["id"], True)
    r = world.owner.patch(f"{API}/communities/{world.slug}/members/{ines.id}",
                          json={"role": "member"})
    assert r.status_code == 200, r.text

    replayed = {}
    for name, client in people.items():
        frames = replay(client, cid, was_at[name])
        positions = [f["pos"] for f in frames if f.get("pos")]
        assert positions == sorted(set(positions)), f"{name}: each once, in order"
        replayed[name] = prompt_frames_of(frames, p["id"])
        for f in replayed[name]:
            assert set(f["prompt"]) == PROMPT_FIELDS and f["prompt"]["my_answer"] is None
        if name == "bea":  # her conversation with the host came too
            assert sent["message"]["id"] in [f["message"]["id"] for f in frames
                                              if f.get("type") == "message.created"]

    def kinds(name):
        return [(f["type"], f["answer"]["account_id"] if "answer" in f else None)
                for f in replayed[name]]

    bea, chloe = world.bea.id, world.chloe.id
    assert kinds("chloe") == [("prompt.created", None), ("prompt.answered", chloe),
                              ("prompt.changed", None)]
    assert kinds("bea") == [("prompt.created", None), ("prompt.answered", bea),
                            ("prompt.answered", bea), ("prompt.changed", None)]
    for host in ("olga", "hugo"):
        assert kinds(host) == [("prompt.created", None), ("prompt.answered", bea),
                               ("prompt.answered", bea), ("prompt.answered", chloe),
                               ("prompt.replied", bea), ("prompt.changed", None)], host
    assert kinds("ines") == [("prompt.created", None), ("prompt.changed", None)], \
        "no longer a host: the answers logged for her are not replayed"
    # the answer as it is now: the second text, answered back
    for name in ("bea", "olga"):
        for f in replayed[name]:
            if f["type"] in ANSWER_EVENTS and f["answer"]["account_id"] == bea:
                assert f["answer"]["body"] == "Deuxième idée"
                assert f["answer"]["reply_channel_id"] == sent["channel_id"]
    # each recipient's copy is its own event: no position is shared between two people
    answer_positions = {name: {f["pos"] for f in replayed[name] if f["type"] in ANSWER_EVENTS}
                        for name in people}
    names = list(people)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not (answer_positions[a] & answer_positions[b]), (a, b)


def test_an_outsider_hears_nothing_of_prompts(world):
    room = world.broadcast()
    with world.dom.ws() as outsider:
        outsider.wait_for("hello")
        p = new_prompt(world.owner, room["id"])
        answer(world.bea, p["id"], "Oui")
        replied(world.owner, p["id"], world.bea.id)
        set_closed(world.owner, p["id"], True)
        assert [f for f in outsider.collect(0.5) if f.get("type") in PROMPT_EVENTS] == []
