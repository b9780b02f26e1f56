"""Invitations: links, opening without a login, accepting, max uses, expiry, revocation."""


import pytest

from conftest import API, Client, assert_error, at_once, uid


def test_create_and_open_an_invitation_without_login(server, make_user):
    owner = make_user(display_name="Hôte Ana")
    com = owner.create_community(description="Pour les proches")
    r = owner.post(f"{API}/communities/{com['slug']}/invitations",
                   json={"max_uses": 10, "expires_in_hours": 48, "note": "pour Béa"})
    assert r.status_code == 201, r.text
    inv = r.json()["invitation"]
    code = inv["code"]
    assert inv["url"] == f"{server.url}/i/{code}"
    assert inv["max_uses"] == 10
    assert inv["uses"] == 0
    assert inv["expires_at"] is not None
    assert inv["note"] == "pour Béa"
    assert inv["revoked"] is False
    assert inv["created_by"] == owner.id

    anon = Client(server)
    r = anon.get(f"{API}/invitations/{code}")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["community"]["name"] == com["name"]
    assert body["community"]["description"] == "Pour les proches"
    assert body["community"]["slug"] == com["slug"]
    assert body["inviter"]["display_name"] == "Hôte Ana"
    assert body["invitation"]["max_uses"] == 10
    assert body["invitation"]["uses"] == 0
    assert "note" not in body["invitation"], "the private note is for hosts only"
    listed = owner.get(f"{API}/communities/{com['slug']}/invitations").json()["invitations"]
    assert [i["note"] for i in listed if i["code"] == code] == ["pour Béa"], "hosts see the note"


def test_invitation_without_expiry_or_limit(make_user):
    owner = make_user()
    com = owner.create_community()
    inv = owner.invite(com["slug"])
    assert inv["expires_at"] is None
    assert inv["max_uses"] is None


def test_unknown_invitation_is_404(server):
    assert_error(Client(server).get(f"{API}/invitations/nope{uid()}"), 404, "not_found")


def test_accept_makes_a_member_with_the_next_number_and_records_the_inviter(make_user):
    owner = make_user()
    com = owner.create_community()
    inv = owner.invite(com["slug"])
    joiner = make_user()
    r = joiner.post(f"{API}/invitations/{inv['code']}/accept", json={})
    assert r.status_code == 201, r.text
    ms = r.json()["membership"]
    assert ms["member_number"] == 2
    assert ms["role"] == "member"
    assert ms["invited_by"] == owner.id
    assert ms["community"]["slug"] == com["slug"]
    [m] = [m for m in owner.members(com["slug"]) if m["account_id"] == joiner.id]
    assert m["invited_by"] == owner.id and m["member_number"] == 2

    # accepting again: 200 with the existing membership, no use consumed
    again = joiner.post(f"{API}/invitations/{inv['code']}/accept", json={})
    assert again.status_code == 200, again.text
    assert again.json()["membership"]["member_number"] == 2
    uses = Client(owner.server).get(f"{API}/invitations/{inv['code']}").json()["invitation"]["uses"]
    assert uses == 1


def test_accept_needs_a_login(server, make_user):
    owner = make_user()
    inv = owner.invite(owner.create_community()["slug"])
    assert_error(Client(server).post(f"{API}/invitations/{inv['code']}/accept", json={}),
                 401, "unauthenticated")


def test_used_up_invitation_is_410(server, make_user):
    owner = make_user()
    com = owner.create_community()
    inv = owner.invite(com["slug"], max_uses=1)
    make_user().accept(inv["code"])
    late = make_user()
    assert_error(late.post(f"{API}/invitations/{inv['code']}/accept", json={}),
                 410, "invitation_used_up")
    assert_error(Client(server).get(f"{API}/invitations/{inv['code']}"), 410, "invitation_used_up")
    assert_error(late.get(f"{API}/communities/{com['slug']}"), 404, "not_found")


def test_expired_invitation_is_410(server, make_user):
    owner = make_user()
    com = owner.create_community()
    inv = owner.invite(com["slug"], expires_in_hours=1)
    server.sql("UPDATE invitations SET expires_at = 1 WHERE code = ?", (inv["code"],))
    assert_error(Client(server).get(f"{API}/invitations/{inv['code']}"), 410, "invitation_expired")
    assert_error(make_user().post(f"{API}/invitations/{inv['code']}/accept", json={}),
                 410, "invitation_expired")


def test_revoked_invitation_is_410(server, make_user):
    owner = make_user()
    com = owner.create_community()
    inv = owner.invite(com["slug"])
    r = owner.delete(f"{API}/invitations/{inv['code']}")
    assert r.status_code == 204, r.text
    assert_error(Client(server).get(f"{API}/invitations/{inv['code']}"), 410, "invitation_revoked")
    assert_error(make_user().post(f"{API}/invitations/{inv['code']}/accept", json={}),
                 410, "invitation_revoked")
    listed = owner.get(f"{API}/communities/{com['slug']}/invitations").json()["invitations"]
    assert [i["revoked"] for i in listed if i["code"] == inv["code"]] == [True]


def test_a_member_cannot_revoke_a_hosts_invitation(make_user):
    owner = make_user()
    com = owner.create_community()
    member = make_user()
    member.accept(owner.invite(com["slug"])["code"])
    inv = owner.invite(com["slug"])
    assert_error(member.delete(f"{API}/invitations/{inv['code']}"), 403, "forbidden")


def test_members_invite_only_when_allowed_and_within_quota(make_user):
    owner = make_user()
    slug = owner.create_community()["slug"]
    member = make_user()
    member.accept(owner.invite(slug)["code"])

    assert_error(member.post(f"{API}/communities/{slug}/invitations", json={}), 403, "forbidden")

    r = owner.patch(f"{API}/communities/{slug}",
                    json={"members_can_invite": True, "member_invite_quota": 2})
    assert r.status_code == 200, r.text
    assert r.json()["community"]["members_can_invite"] is True
    assert r.json()["community"]["member_invite_quota"] == 2

    first = member.invite(slug)
    member.invite(slug)
    assert_error(member.post(f"{API}/communities/{slug}/invitations", json={}), 403, "forbidden")

    # who invited whom: the member is recorded as the inviter
    friend = make_user()
    ms = friend.accept(first["code"])
    assert ms["invited_by"] == member.id
    [m] = [m for m in owner.members(slug) if m["account_id"] == friend.id]
    assert m["invited_by"] == member.id

    # members see their own invitations; hosts see all
    mine = member.get(f"{API}/communities/{slug}/invitations").json()["invitations"]
    assert {i["created_by"] for i in mine} == {member.id}
    all_ = owner.get(f"{API}/communities/{slug}/invitations").json()["invitations"]
    assert len(all_) >= 3

    # the member who created an invitation may revoke it
    assert member.delete(f"{API}/invitations/{first['code']}").status_code == 204


@pytest.mark.parametrize("field,body", [
    ("max_uses", {"max_uses": 0}),
    ("max_uses", {"max_uses": 100_001}),
    ("max_uses", {"max_uses": "ten"}),
    ("expires_in_hours", {"expires_in_hours": 0}),
    ("expires_in_hours", {"expires_in_hours": 8761}),
    ("note", {"note": "n" * 501}),
])
def test_invitation_invalid_fields(make_user, field, body):
    owner = make_user()
    slug = owner.create_community()["slug"]
    assert_error(owner.post(f"{API}/communities/{slug}/invitations", json=body),
                 422, "invalid_field", field=field)


def test_several_people_join_through_one_invitation(make_user):
    owner = make_user()
    slug = owner.create_community()["slug"]
    inv = owner.invite(slug, max_uses=3)
    for _ in range(3):
        make_user().accept(inv["code"])
    com = owner.get(f"{API}/communities/{slug}").json()["community"]
    assert com["member_count"] == 4
    assert [m["member_number"] for m in owner.members(slug)] == [1, 2, 3, 4]
    listed = owner.get(f"{API}/communities/{slug}/invitations").json()["invitations"]
    assert [i["uses"] for i in listed if i["code"] == inv["code"]] == [3]


def test_last_use_of_an_invitation_is_given_once_under_concurrency(make_user):
    owner = make_user()
    slug = owner.create_community()["slug"]
    inv = owner.invite(slug, max_uses=1)
    joiners = [make_user() for _ in range(6)]
    results = at_once([
        (lambda j=j: j.post(f"{API}/invitations/{inv['code']}/accept", json={})) for j in joiners])
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [410] * 5, [r.text for r in results]
    for r in results:
        if r.status_code == 410:
            assert_error(r, 410, "invitation_used_up")
    assert len(owner.members(slug)) == 2


def test_concurrent_joins_get_distinct_consecutive_numbers(make_user):
    owner = make_user()
    slug = owner.create_community()["slug"]
    inv = owner.invite(slug)
    joiners = [make_user() for _ in range(10)]
    results = at_once([
        (lambda j=j: j.post(f"{API}/invitations/{inv['code']}/accept", json={})) for j in joiners])
    assert [r.status_code for r in results] == [201] * 10, [r.text for r in results]
    numbers = sorted(r.json()["membership"]["member_number"] for r in results)
    assert numbers == list(range(2, 12))
