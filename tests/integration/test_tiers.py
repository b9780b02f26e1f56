"""Tiers over HTTP and the stream (issue 14, first part): hosts define them (contract: POST
…/tiers {name, description?} → 201 {tier:{id, …}}, GET …/tiers, PUT …/members/{id}/tiers
{tier_ids} → 200), members read them in their language, grants end on their date, each change
reaches the stream live and on resume, and bad input is refused with a clear error."""

import datetime

from conftest import API, assert_error
from test_event_log import community_id_of, position, resume


def test_hosts_define_tiers_members_read_them(community):
    owner, member, slug = community.owner, community.member, community.slug
    r = owner.post(f"{API}/communities/{slug}/tiers",
                   json={"name": "Premier rang", "description": "Les billets avant tout le monde",
                         "translations": {"en": {"name": "Front row"}},
                         "price": {"amount_cents": 500, "currency": "CAD", "period": "month"}})
    assert r.status_code == 201, r.text
    tier = r.json()["tier"]
    assert isinstance(tier["id"], int) and tier["members"] == 0
    assert tier["translations"]["en"]["name"] == "Front row"
    assert tier["price"] == {"amount_cents": 500, "currency": "CAD", "period": "month"}
    r = owner.post(f"{API}/communities/{slug}/tiers", json={"name": "Ami"})
    assert r.status_code == 201 and r.json()["tier"]["price"] is None

    seen = member.get(f"{API}/communities/{slug}/tiers")
    assert seen.status_code == 200
    names = [t["name"] for t in seen.json()["tiers"]]
    # The owner wrote in their language (the Client's Accept-Language is English): both shown.
    assert len(names) == 2 and "members" not in seen.json()["tiers"][0]

    r = owner.patch(f"{API}/tiers/{tier['id']}", json={"translations": {"fr": {"name": "Premier rang!"}}})
    assert r.status_code == 200 and r.json()["tier"]["translations"]["fr"]["name"] == "Premier rang!"


def test_grants_contract_end_dates_and_the_stream(community):
    owner, member, slug = community.owner, community.member, community.slug
    cid = community_id_of(community)
    ami = owner.post(f"{API}/communities/{slug}/tiers", json={"name": "Ami"}).json()["tier"]
    rang = owner.post(f"{API}/communities/{slug}/tiers", json={"name": "Premier rang"}).json()["tier"]
    pos = position(member, cid)

    with member.ws() as ws:
        ws.wait_for("hello")
        r = owner.put(f"{API}/communities/{slug}/members/{member.id}/tiers",
                      json={"tier_ids": [ami["id"], rang["id"]]})
        assert r.status_code == 200, r.text
        assert sorted(t["tier_id"] for t in r.json()["tiers"]) == sorted([ami["id"], rang["id"]])
        live = ws.wait_for(lambda e: e.get("type") == "member.tiers.changed", what="tiers live")
        assert live["account_id"] == member.id and len(live["tiers"]) == 2

    frames, _ = resume(member, cid, pos)
    replayed = [f for f in frames if f.get("type") in ("tier.changed", "member.tiers.changed")]
    assert [f["type"] for f in replayed].count("member.tiers.changed") == 1
    assert member.get(f"{API}/communities/{slug}/members/{member.id}/tiers").json()["tiers"]
    listed = owner.get(f"{API}/communities/{slug}/tiers").json()["tiers"]
    assert {t["id"]: t["members"] for t in listed} == {ami["id"]: 1, rang["id"]: 1}

    # An end date (the extension `tiers: [{tier_id, ends_at}]`).
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).replace(microsecond=0).isoformat()
    r = owner.put(f"{API}/communities/{slug}/members/{member.id}/tiers",
                  json={"tiers": [{"tier_id": ami["id"], "ends_at": soon}]})
    assert r.status_code == 200, r.text
    assert r.json()["tiers"][0]["ends_at"] is not None

    # A deleted tier is held by nobody.
    assert owner.delete(f"{API}/tiers/{ami['id']}").status_code == 204
    assert member.get(f"{API}/communities/{slug}/members/{member.id}/tiers").json()["tiers"] == []
    assert [t["id"] for t in member.get(f"{API}/communities/{slug}/tiers").json()["tiers"]] == [rang["id"]]


def test_bad_input_and_other_communities(community, make_user):
    owner, member, slug = community.owner, community.member, community.slug
    tier = owner.post(f"{API}/communities/{slug}/tiers", json={"name": "Ami"}).json()["tier"]
    stranger = make_user(display_name="Ailleurs")
    other = stranger.create_community(name="Ailleurs")
    theirs = stranger.post(f"{API}/communities/{other['slug']}/tiers", json={"name": "Eux"}).json()["tier"]

    assert_error(member.post(f"{API}/communities/{slug}/tiers", json={"name": "x"}), 403)
    assert_error(stranger.get(f"{API}/communities/{slug}/tiers"), 404)
    assert_error(owner.post(f"{API}/communities/{slug}/tiers", json={}), 422, field="name")
    assert_error(owner.post(f"{API}/communities/{slug}/tiers", json={"name": "x" * 61}), 422, field="name")
    assert_error(owner.post(f"{API}/communities/{slug}/tiers", json={"name": 3}), 422, field="name")
    assert_error(owner.post(f"{API}/communities/{slug}/tiers",
                            json={"name": "x", "price": {"amount_cents": -5}}), 422,
                 field="price.amount_cents")
    assert_error(owner.post(f"{API}/communities/{slug}/tiers",
                            json={"name": "x", "price": {"amount_cents": 5, "period": "week"}}), 422,
                 field="price.period")
    nested = {"name": "x"}
    for _ in range(200):
        nested = {"translations": nested}
    r = owner.post(f"{API}/communities/{slug}/tiers", json=nested)
    assert r.status_code in (400, 422) and "application/json" in r.headers["Content-Type"]

    url = f"{API}/communities/{slug}/members/{member.id}/tiers"
    assert_error(member.put(url, json={"tier_ids": [tier["id"]]}), 403)
    assert_error(owner.put(url, json={"tier_ids": [theirs["id"]]}), 422, field="tier_ids")
    assert_error(owner.put(url, json={"tier_ids": "1"}), 422, field="tier_ids")
    assert_error(owner.put(url, json={"tier_ids": list(range(1, 30))}), 422, field="tier_ids")
    assert_error(owner.put(url, json={"tiers": [{"tier_id": tier["id"], "ends_at": "hier"}]}), 422,
                 field="ends_at")
    assert_error(owner.put(url, json={"tiers": [{"tier_id": tier["id"],
                                                  "ends_at": "2001-01-01T00:00:00Z"}]}), 422,
                 field="ends_at")
    assert_error(owner.put(f"{API}/communities/{slug}/members/{stranger.id}/tiers",
                           json={"tier_ids": [tier["id"]]}), 404)
    assert_error(owner.patch(f"{API}/tiers/{theirs['id']}", json={"name": "À moi"}), 404)
    assert_error(owner.delete(f"{API}/tiers/{theirs['id']}"), 404)
    assert_error(stranger.get(url), 404)
    assert owner.get(url).json()["tiers"] == [], "nothing was granted"


def test_an_invitation_link_gives_its_tiers(community, make_user):
    owner, member, slug = community.owner, community.member, community.slug
    tier = owner.post(f"{API}/communities/{slug}/tiers", json={"name": "Premier rang"}).json()["tier"]
    r = owner.post(f"{API}/communities/{slug}/invitations", json={"tier_ids": [tier["id"]]})
    assert r.status_code == 201, r.text
    inv = r.json()["invitation"]
    assert inv["tier_ids"] == [tier["id"]]
    listed = owner.get(f"{API}/communities/{slug}/invitations").json()["invitations"]
    assert [i["tier_ids"] for i in listed if i["code"] == inv["code"]] == [[tier["id"]]]
    guest = make_user(display_name="Invitée")
    guest.accept(inv["code"])
    held = guest.get(f"{API}/communities/{slug}/members/{guest.id}/tiers").json()["tiers"]
    assert [g["tier_id"] for g in held] == [tier["id"]]
    # A member may not make a link that gives tiers, even where members may invite.
    assert owner.patch(f"{API}/communities/{slug}", json={"members_can_invite": True}).status_code == 200
    assert_error(member.post(f"{API}/communities/{slug}/invitations", json={"tier_ids": [tier["id"]]}), 403)
    assert_error(owner.post(f"{API}/communities/{slug}/invitations", json={"tier_ids": [tier["id"] + 99]}),
                 422, field="tier_ids")
