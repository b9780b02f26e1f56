"""copy-database (issue 11): an SQLite server filled through the API with every kind of row,
stopped, its data folder copied into a fresh PostgreSQL database, then the whole API on a server
of the copy: the same history, members and reactions, the next seq and ids, the old passwords,
sessions, tokens and login links. And what the command refuses, in one line with exit code 1."""

import os
import subprocess

import pytest

from conftest import (API, BIN, DATABASE_ENGINE, PASSWORD, Client, Server, _postgres_database_for,
                      emoji_path, login_token_from, signup, wait_for_mail)

pytestmark = [
    pytest.mark.skipif(not BIN, reason="PETITESALLE_BIN is not set"),
    pytest.mark.skipif(DATABASE_ENGINE != "postgresql",
                       reason="PostgreSQL only: copy-database copies into PostgreSQL"),
]


def copy_database(*args, env=None, timeout=120):
    return subprocess.run([BIN, "copy-database", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env or {})})


def fresh_database(workdir, name):
    """The URL of a new, empty PostgreSQL database (dropped at the end of the run)."""
    return _postgres_database_for(os.path.join(workdir, name))


def error_lines(result):
    return [line for line in (result.stdout + result.stderr).splitlines() if "error" in line]


class Moved:
    """What the source server held when it stopped, and the server of the copy."""


@pytest.fixture(scope="module")
def moved(module_workdir):
    src = Server(module_workdir, name="sqlite", sqlite=True).start()
    m = Moved()
    owner = signup(src, display_name="Owner")
    member = signup(src, display_name="Member")
    third = signup(src, display_name="Third")
    com = owner.create_community()
    slug = com["slug"]
    member.accept(owner.invite(slug)["code"])
    third.accept(owner.invite(slug)["code"])
    owner.invite(slug, max_uses=5, note="for the neighbours")  # one left unused
    chan = owner.create_channel(slug, "general")
    other = owner.create_channel(slug, "other")
    first = owner.post_message(chan["id"], "Hello **everyone**", client_id="c-1")
    second = member.post_message(chan["id"], "Hi")
    third.post_message(chan["id"], "A reply", parent_id=first["id"])
    gone = owner.post_message(chan["id"], "Oops")
    member.post_message(other["id"], "Elsewhere")
    r = member.post(f"{API}/communities/{slug}/files", params={"name": "notes.txt"},
                    data=b"les paroles\n", headers={"Content-Type": "text/plain"})
    assert r.status_code == 201, r.text
    m.file = r.json()["file"]
    member.post_message(chan["id"], "", file_ids=[m.file["id"]])
    assert member.patch(f"{API}/messages/{second['id']}", json={"body": "Hi all"}).status_code == 200
    assert owner.delete(f"{API}/messages/{gone['id']}").status_code == 204
    for who, emoji in ((member, "👍"), (third, "🎉"), (owner, "👍")):
        r = who.put(f"{API}/messages/{first['id']}/reactions/{emoji_path(emoji)}")
        assert r.status_code == 200, r.text
    r = member.post(f"{API}/channels/{chan['id']}/read", json={"seq": second["seq"]})
    assert r.status_code == 200, r.text
    m.token = owner.new_token("script")
    r = Client(src).post(f"{API}/login-links", json={"email": third.email})
    assert r.status_code == 202, r.text
    m.link = login_token_from(wait_for_mail(src.maildir, third.email)[-1], src.url)

    # What the API shows before the move, to compare with the copy's.
    m.history = owner.all_messages(chan["id"])
    m.other_history = member.all_messages(other["id"])
    m.thread = member.get(f"{API}/messages/{first['id']}/thread").json()
    m.members = owner.members(slug)
    m.channels = member.channels(slug)
    m.me = {c.email: c.get(f"{API}/me").json() for c in (owner, member, third)}
    m.largest_message_id = max(msg["id"] for msg in m.history + m.other_history)
    m.largest_account_id = max(c.id for c in (owner, member, third))
    assert src.stop() == 0
    m.src = src

    m.url = fresh_database(module_workdir, "target")
    m.copied = copy_database("--from", src.data, "--to", m.url)
    assert m.copied.returncode == 0, m.copied.stdout + m.copied.stderr
    # The uploaded files stay where they are: the copy's node is pointed at them.
    dst = Server(module_workdir, data_dir=os.path.join(module_workdir, "copy-data"), name="copy",
                 database_url=m.url,
                 extra_args=["--files-dir", os.path.join(src.data, "files")]).start()
    # The same people, now talking to the copy (their cookies were copied with the sessions).
    for c in (owner, member, third):
        c.server = dst
    m.dst, m.owner, m.member, m.third = dst, owner, member, third
    m.slug, m.chan, m.first = slug, chan, first
    yield m
    dst.stop()


def test_the_command_reports_every_table_with_its_rows(moved):
    out = moved.copied.stdout + moved.copied.stderr
    for table in ("accounts", "sessions", "personal_tokens", "login_links", "communities",
                  "memberships", "invitations", "channels", "messages", "reactions",
                  "read_markers", "outbox", "events"):
        assert f"{table}: " in out, out
    assert "counts verified" in out, out


def test_history_threads_and_reactions_are_the_same(moved):
    assert moved.owner.all_messages(moved.chan["id"])[:len(moved.history)] == moved.history
    assert moved.member.all_messages(moved.other_history[0]["channel_id"]) == moved.other_history
    thread = moved.member.get(f"{API}/messages/{moved.first['id']}/thread")
    assert thread.status_code == 200, thread.text
    assert thread.json() == moved.thread
    [first] = [msg for msg in moved.history if msg["id"] == moved.first["id"]]
    assert sorted(r["emoji"] for r in first["reactions"]) == ["🎉", "👍"]


def test_files_are_served_by_the_copy_from_the_folder_they_were_in(moved):
    r = moved.owner.get(moved.file["url"])
    assert r.status_code == 200 and r.content == b"les paroles\n"
    assert moved.owner.all_messages(moved.chan["id"])[len(moved.history) - 1]["files"][0]["id"] == \
        moved.file["id"]


def test_members_channels_and_read_markers_are_the_same(moved):
    assert moved.owner.members(moved.slug) == moved.members
    assert moved.member.channels(moved.slug) == moved.channels


def test_sessions_tokens_and_login_links_still_work(moved):
    for c in (moved.owner, moved.member, moved.third):
        r = c.get(f"{API}/me")
        assert r.status_code == 200, r.text
        assert r.json() == moved.me[c.email]
    bot = Client(moved.dst, token=moved.token, csrf_header=False)
    assert bot.get(f"{API}/me").status_code == 200
    r = Client(moved.dst).post(f"{API}/login-links/{moved.link}", json={})
    assert r.status_code == 200, r.text
    assert r.json()["account"]["id"] == moved.third.id


def test_the_old_password_logs_in(moved):
    c = Client(moved.dst)
    r = c.post(f"{API}/sessions", json={"email": moved.member.email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["account"]["id"] == moved.member.id


def test_new_rows_come_after_the_copied_ones(moved):
    last = moved.owner.all_messages(moved.chan["id"])[-1]
    posted = moved.member.post_message(moved.chan["id"], "After the move")
    assert posted["seq"] == last["seq"] + 1
    assert posted["id"] > moved.largest_message_id
    newcomer = signup(moved.dst, display_name="Newcomer")
    assert newcomer.id > moved.largest_account_id
    joined = newcomer.accept(moved.owner.invite(moved.slug)["code"])
    assert joined["member_number"] == max(x["member_number"] for x in moved.members) + 1
    channel = moved.owner.create_channel(moved.slug, "after")
    assert channel["id"] > max(c["id"] for c in moved.channels)


def test_a_target_that_is_not_empty_is_refused(moved):
    before = moved.dst.sql("SELECT COUNT(*) FROM messages")
    r = copy_database("--from", moved.src.data, "--to", moved.url)
    assert r.returncode == 1, r.stdout + r.stderr
    [line] = error_lines(r)
    assert "not empty" in line, line
    assert moved.dst.sql("SELECT COUNT(*) FROM messages") == before


def test_a_missing_source_is_refused(moved, tmp_path):
    r = copy_database("--from", str(tmp_path / "nothing-here"),
                      "--to", "postgresql://nobody@127.0.0.1:1/none")
    assert r.returncode == 1, r.stdout + r.stderr
    [line] = error_lines(r)
    assert "no database at" in line, line
    assert not (tmp_path / "nothing-here" / "petitesalle.db").exists()


def test_a_target_that_is_not_postgresql_is_refused(moved, tmp_path):
    r = copy_database("--from", moved.src.data, "--to", str(tmp_path / "copy.db"))
    assert r.returncode == 1, r.stdout + r.stderr
    [line] = error_lines(r)
    assert "postgresql://" in line, line
    r = copy_database("--from", moved.src.data, env={"PETITESALLE_DATABASE_URL": ""})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "--to" in error_lines(r)[0]


def test_the_target_may_come_from_the_environment(moved, tmp_path):
    url = fresh_database(str(tmp_path), "from-env")
    r = copy_database("--from", moved.src.data, env={"PETITESALLE_DATABASE_URL": url})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "counts verified" in r.stdout + r.stderr


def test_backup_refuses_a_server_on_postgresql(moved, tmp_path):
    """petitesalle backup copies an SQLite file: for a node on PostgreSQL it would copy nothing,
    or the old file kept from before the move."""
    for args, env in (((f"--database={moved.url}",), None),
                      ((), {"PETITESALLE_DATABASE_URL": moved.url})):
        target = tmp_path / "backup.db"
        r = subprocess.run([BIN, "backup", "--data", moved.src.data, *args, str(target)],
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                           env={**os.environ, **(env or {})})
        assert r.returncode == 1, r.stdout + r.stderr
        [line] = error_lines(r)
        assert "pg_dump" in line, line
        assert not target.exists()
