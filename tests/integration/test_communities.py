"""Communities, members, roles, member numbers, removal."""

import re

import pytest

from conftest import API, Client, assert_error, uid


def test_create_community_makes_the_caller_owner_number_one(make_user):
    owner = make_user()
    slug = f"les-voisins-{uid()}"
    r = owner.post(f"{API}/communities", json={"name": "Les voisins", "slug": slug,
                                               "description": "Le quartier", "locale": "fr"})
    assert r.status_code == 201, r.text
    com = r.json()["community"]
    assert com["slug"] == slug
    assert com["name"] == "Les voisins"
    assert com["description"] == "Le quartier"
    assert com["locale"] == "fr"
    assert com["timezone"] == "America/Toronto"
    assert isinstance(com["id"], int)

    got = owner.get(f"{API}/communities/{slug}")
    assert got.status_code == 200, got.text
    com = got.json()["community"]
    assert com["member_count"] == 1
    assert com["members_can_invite"] is False, "members invite only when a host allows it"
    assert isinstance(com["member_invite_quota"], int)
    assert com["membership"]["role"] == "owner"
    assert com["membership"]["member_number"] == 1

    members = owner.members(slug)
    assert len(members) == 1
    m = members[0]
    assert m["account_id"] == owner.id
    assert m["member_number"] == 1
    assert m["role"] == "owner"
    assert m["invited_by"] is None
    assert m["display_name"] == owner.account["display_name"]
    assert m["joined_at"].endswith("Z")

    me = owner.get(f"{API}/me").json()
    [ms] = [x for x in me["memberships"] if x["community"]["slug"] == slug]
    assert ms["member_number"] == 1 and ms["role"] == "owner"


def test_slug_is_derived_from_the_name_with_accents_folded(make_user):
    owner = make_user()
    tag = uid()
    r = owner.post(f"{API}/communities", json={"name": f"Café Étoile {tag}"})
    assert r.status_code == 201, r.text
    slug = r.json()["community"]["slug"]
    assert re.fullmatch(r"[a-z0-9-]{2,40}", slug), slug
    assert slug.startswith("cafe-etoile"), slug


def test_timezone_and_slug_taken(make_user):
    owner = make_user()
    com = owner.create_community(timezone="Europe/Paris")
    assert com["timezone"] == "Europe/Paris"
    r = make_user().post(f"{API}/communities", json={"name": "Autre", "slug": com["slug"]})
    assert_error(r, 409, "slug_taken")


@pytest.mark.parametrize("field,body", [
    ("name", {}),
    ("name", {"name": ""}),
    ("name", {"name": "x" * 81}),
    ("slug", {"name": "Ok", "slug": "Bad Slug!"}),
    ("slug", {"name": "Ok", "slug": "a"}),
    ("slug", {"name": "Ok", "slug": "a" * 41}),
    ("description", {"name": "Ok", "description": "d" * 2001}),
    ("timezone", {"name": "Ok", "timezone": "Mars/Olympus_Mons"}),
    ("locale", {"name": "Ok", "locale": "de"}),
])
def test_create_community_invalid_fields(make_user, field, body):
    assert_error(make_user().post(f"{API}/communities", json=body), 422, "invalid_field",
                 field=field)


def test_non_member_gets_404_never_403(community, make_user):
    outsider = make_user()
    for path in (f"/communities/{community.slug}",
                 f"/communities/{community.slug}/members",
                 f"/communities/{community.slug}/channels",
                 f"/channels/{community.channel_id}/messages"):
        assert_error(outsider.get(API + path), 404, "not_found")
    assert_error(outsider.post(f"{API}/channels/{community.channel_id}/messages",
                               json={"body": "hi"}), 404, "not_found")
    assert_error(outsider.post(f"{API}/communities/{community.slug}/invitations", json={}),
                 404, "not_found")
    assert_error(outsider.delete(f"{API}/communities/{community.slug}/members/{community.member.id}"),
                 404, "not_found")
    # and an unknown community looks the same
    assert_error(outsider.get(f"{API}/communities/nope-{uid()}"), 404, "not_found")


def test_anonymous_gets_401_on_a_community(community, server):
    assert_error(Client(server).get(f"{API}/communities/{community.slug}"), 401, "unauthenticated")


def test_member_sees_the_community_and_members_with_invited_by(community):
    r = community.member.get(f"{API}/communities/{community.slug}")
    assert r.status_code == 200, r.text
    com = r.json()["community"]
    assert com["member_count"] == 2
    assert com["membership"]["role"] == "member"
    assert com["membership"]["member_number"] == 2
    members = community.member.members(community.slug)
    assert [m["member_number"] for m in members] == [1, 2]
    assert members[1]["account_id"] == community.member.id
    assert members[1]["invited_by"] == community.owner.id
    assert members[1]["role"] == "member"


def test_patch_community_hosts_only(community):
    r = community.owner.patch(f"{API}/communities/{community.slug}",
                              json={"name": "Nouveau nom", "description": "Desc"})
    assert r.status_code == 200, r.text
    assert r.json()["community"]["name"] == "Nouveau nom"
    assert_error(community.member.patch(f"{API}/communities/{community.slug}",
                                        json={"name": "Pirate"}), 403, "forbidden")


def test_roles_owner_promotes_a_host(community, make_user):
    third = community.add_member(make_user)
    # a plain member cannot change roles
    assert_error(community.member.patch(
        f"{API}/communities/{community.slug}/members/{third.id}", json={"role": "host"}),
        403, "forbidden")
    r = community.owner.patch(f"{API}/communities/{community.slug}/members/{community.member.id}",
                              json={"role": "host"})
    assert r.status_code == 200, r.text
    assert r.json()["member"]["role"] == "host"
    # now the host can create channels and invitations
    community.member.create_channel(community.slug)
    community.member.invite(community.slug)
    assert_error(community.owner.patch(
        f"{API}/communities/{community.slug}/members/{third.id}", json={"role": "owner"}),
        422, "invalid_field", field="role")


def test_member_numbers_are_never_reused(community, make_user):
    slug = community.slug
    third = community.add_member(make_user)
    fourth = community.add_member(make_user)
    numbers = {m["account_id"]: m["member_number"] for m in community.owner.members(slug)}
    assert numbers[third.id] == 3 and numbers[fourth.id] == 4

    # member 3 leaves, then comes back: a new number (5), 3 is never given again
    r = third.delete(f"{API}/communities/{slug}/members/{third.id}")
    assert r.status_code == 204, r.text
    assert_error(third.get(f"{API}/communities/{slug}"), 404, "not_found")
    fifth = community.add_member(make_user)
    back = third.accept(community.owner.invite(slug)["code"])
    assert back["member_number"] == 6
    numbers = {m["account_id"]: m["member_number"] for m in community.owner.members(slug)}
    assert numbers[fifth.id] == 5
    assert numbers[third.id] == 6
    assert sorted(numbers.values()) == [1, 2, 4, 5, 6]


def test_host_removes_a_member_who_loses_access_at_once(community, make_user):
    slug = community.slug
    victim = community.add_member(make_user)
    assert victim.get(f"{API}/channels/{community.channel_id}/messages").status_code == 200
    # a plain member cannot remove someone else
    assert_error(community.member.delete(f"{API}/communities/{slug}/members/{victim.id}"),
                 403, "forbidden")
    r = community.owner.delete(f"{API}/communities/{slug}/members/{victim.id}")
    assert r.status_code == 204, r.text
    assert_error(victim.get(f"{API}/communities/{slug}"), 404, "not_found")
    assert_error(victim.get(f"{API}/channels/{community.channel_id}/messages"), 404, "not_found")
    assert_error(victim.post(f"{API}/channels/{community.channel_id}/messages",
                             json={"body": "still here?"}), 404, "not_found")
    me = victim.get(f"{API}/me").json()
    assert all(m["community"]["slug"] != slug for m in me["memberships"])
    assert victim.id not in [m["account_id"] for m in community.owner.members(slug)]


def test_the_owner_cannot_be_removed(community):
    r = community.owner.patch(f"{API}/communities/{community.slug}/members/{community.member.id}",
                              json={"role": "host"})
    assert r.status_code == 200, r.text
    assert_error(community.member.delete(
        f"{API}/communities/{community.slug}/members/{community.owner.id}"), 403, "forbidden")


def test_me_lists_memberships(community):
    me = community.member.get(f"{API}/me")
    assert me.status_code == 200
    [ms] = [m for m in me.json()["memberships"] if m["community"]["slug"] == community.slug]
    assert ms["community"]["id"] == community.community["id"]
    assert ms["community"]["name"] == community.community["name"]
    assert ms["member_number"] == 2
    assert ms["role"] == "member"
    assert ms["invited_by"] == community.owner.id
    assert ms["joined_at"].endswith("Z")


TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_times_are_utc_iso_with_milliseconds_and_emails_stay_private(community):
    """Conventions: times like 2026-11-26T23:57:12.345Z; only the owner of an account sees its email."""
    owner, member = community.owner, community.member
    assert TIME.match(owner.account["created_at"]), owner.account["created_at"]
    assert TIME.match(community.community["created_at"]), community.community["created_at"]
    assert TIME.match(community.channel["created_at"]), community.channel["created_at"]
    m = member.post_message(community.channel_id, "heure")
    assert TIME.match(m["created_at"]), m["created_at"]
    edited = member.patch(f"{API}/messages/{m['id']}", json={"body": "heure 2"}).json()["message"]
    assert TIME.match(edited["edited_at"]), edited["edited_at"]
    inv = owner.invite(community.slug, expires_in_hours=2)
    assert TIME.match(inv["expires_at"]) and TIME.match(inv["created_at"]), inv
    for mem in owner.members(community.slug):
        assert TIME.match(mem["joined_at"]), mem
        assert "email" not in mem, "the member list shows no email"
    assert "email" not in m["author"]
    assert member.get(f"{API}/me").json()["account"]["email"] == member.email


# --- removal bars rejoining until a host lets the person back (issue 8, item 7) ---------------

def _remove(host, slug, who):
    r = host.delete(f"{API}/communities/{slug}/members/{who.id}")
    assert r.status_code == 204, r.text


def _removed(viewer, slug):
    r = viewer.get(f"{API}/communities/{slug}/removed")
    assert r.status_code == 200, r.text
    return r.json()["removed"]


def test_a_removed_member_cannot_rejoin_by_the_link_they_used(community, make_user):
    slug = community.slug
    victim = make_user()
    code = community.owner.invite(slug)["code"]  # no limit: it would let anyone in again
    victim.accept(code)
    _remove(community.owner, slug, victim)
    assert_error(victim.post(f"{API}/invitations/{code}/accept", json={}), 403,
                 "removed_from_community")
    assert_error(victim.get(f"{API}/communities/{slug}"), 404, "not_found")
    # A fresh link from a host does not let them in either, until a host lets them back.
    fresh = community.owner.invite(slug)["code"]
    assert_error(victim.post(f"{API}/invitations/{fresh}/accept", json={}), 403,
                 "removed_from_community")
    # The preview does not invite them to join; others still see it.
    assert_error(victim.get(f"{API}/invitations/{code}"), 403, "removed_from_community")
    assert Client(victim.server).get(f"{API}/invitations/{code}").status_code == 200
    assert make_user().post(f"{API}/invitations/{code}/accept", json={}).status_code == 201


def test_a_removed_members_own_links_stop_working(community, make_user):
    slug, owner = community.slug, community.owner
    r = owner.patch(f"{API}/communities/{slug}", json={"members_can_invite": True})
    assert r.status_code == 200, r.text
    victim = community.add_member(make_user)
    own = victim.invite(slug)["code"]
    _remove(owner, slug, victim)
    # Their link was revoked with the removal: nobody joins by it, themself included.
    assert_error(Client(owner.server).get(f"{API}/invitations/{own}"), 410, "invitation_revoked")
    assert_error(make_user().post(f"{API}/invitations/{own}/accept", json={}), 410,
                 "invitation_revoked")
    assert_error(victim.post(f"{API}/invitations/{own}/accept", json={}), 403,
                 "removed_from_community")
    listed = owner.get(f"{API}/communities/{slug}/invitations").json()["invitations"]
    assert [i["revoked"] for i in listed if i["code"] == own] == [True]


def test_leaving_does_not_bar_rejoining(community, make_user):
    slug = community.slug
    leaver = make_user()
    code = community.owner.invite(slug)["code"]
    first = leaver.accept(code)
    _remove(leaver, slug, leaver)  # leaves on their own
    assert _removed(community.owner, slug) == []
    back = leaver.accept(code)
    assert back["member_number"] > first["member_number"]


def test_hosts_list_removals_and_let_people_back_in(community, make_user):
    slug, owner, member = community.slug, community.owner, community.member
    host = community.add_member(make_user)
    assert owner.patch(f"{API}/communities/{slug}/members/{host.id}",
                       json={"role": "host"}).status_code == 200
    victim = make_user(display_name="Victime")
    code = owner.invite(slug)["code"]
    first = victim.accept(code)
    _remove(host, slug, victim)

    [entry] = _removed(owner, slug)
    assert entry["account_id"] == victim.id
    assert entry["display_name"] == "Victime"
    assert entry["member_number"] == first["member_number"]
    assert entry["role"] == "member"
    assert entry["removed_by"] == {"id": host.id, "display_name": host.account["display_name"]}
    assert entry["removed_at"].endswith("Z")
    assert _removed(host, slug) == [entry]
    # Members neither see the list nor lift a removal; the removed person neither.
    assert_error(member.get(f"{API}/communities/{slug}/removed"), 403, "forbidden")
    assert_error(member.delete(f"{API}/communities/{slug}/removed/{victim.id}"), 403, "forbidden")
    assert_error(victim.get(f"{API}/communities/{slug}/removed"), 404, "not_found")
    assert_error(victim.delete(f"{API}/communities/{slug}/removed/{victim.id}"), 404, "not_found")
    # Someone who was not removed: 404.
    assert_error(host.delete(f"{API}/communities/{slug}/removed/{member.id}"), 404, "not_found")

    r = host.delete(f"{API}/communities/{slug}/removed/{victim.id}")
    assert r.status_code == 204, r.text
    assert _removed(owner, slug) == []
    assert_error(host.delete(f"{API}/communities/{slug}/removed/{victim.id}"), 404, "not_found")
    # Let back in, they join again by the link they had, with a new number (never reused).
    back = victim.accept(code)
    assert back["member_number"] > first["member_number"]
    assert victim.get(f"{API}/communities/{slug}").status_code == 200


def test_only_the_owner_lets_a_removed_host_back_in(community, make_user):
    slug, owner = community.slug, community.owner
    hosts = [community.add_member(make_user) for _ in range(2)]
    for h in hosts:
        assert owner.patch(f"{API}/communities/{slug}/members/{h.id}",
                           json={"role": "host"}).status_code == 200
    kept, removed = hosts
    _remove(owner, slug, removed)
    [entry] = _removed(kept, slug)
    assert entry["role"] == "host"
    assert_error(kept.delete(f"{API}/communities/{slug}/removed/{removed.id}"), 403, "forbidden")
    assert owner.delete(f"{API}/communities/{slug}/removed/{removed.id}").status_code == 204
    # They come back as a member: the host role is for the owner to give again.
    back = removed.accept(owner.invite(slug)["code"])
    assert back["role"] == "member"


def test_a_host_of_another_community_cannot_see_or_lift_removals(community, make_user):
    slug, owner = community.slug, community.owner
    victim = community.add_member(make_user)
    _remove(owner, slug, victim)
    other_owner = make_user()
    other = other_owner.create_community()
    assert_error(other_owner.get(f"{API}/communities/{slug}/removed"), 404, "not_found")
    assert_error(other_owner.delete(f"{API}/communities/{slug}/removed/{victim.id}"), 404,
                 "not_found")
    # Their own community has no such removal.
    assert_error(other_owner.delete(f"{API}/communities/{other['slug']}/removed/{victim.id}"),
                 404, "not_found")
    assert [e["account_id"] for e in _removed(owner, slug)] == [victim.id]
    # And the removal from one community bars nothing elsewhere.
    victim.accept(other_owner.invite(other["slug"])["code"])
