"""Broadcasts (a room of kind "broadcast": only hosts post, members read and react) and their
polls: creation and its refusals, votes (single and multiple choice, changed, two at once),
what each reader is shown (counts once they voted, hosts always; who voted what only to hosts
of a named poll), the closing time (exact, then poll.closed once, live and on resume), outsiders,
ended sessions and bad input, each refusal with its status and code, changing nothing.

The people, in one community of the module: Olga the owner (a host, English), Béa (a member,
French) and Chloé (a member, English); Dom, an outsider with a community, a broadcast and a poll
of his own. Each test makes the rooms and polls it needs.
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
