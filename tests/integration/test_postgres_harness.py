"""The suite's PostgreSQL harness itself (conftest.py): each data folder gets a database of its
own, empty at start, that a restart keeps, and Server.sql / Server.db work on it as on SQLite."""

import pytest

from conftest import API, DATABASE_ENGINE, POSTGRES_ADMIN_URL, Client, _postgres_connect, \
    _sqlite_placeholders_to_psycopg2, signup

pytestmark = pytest.mark.skipif(DATABASE_ENGINE != "postgresql",
                                reason="the PostgreSQL harness: runs on the PostgreSQL engine only")


def _dbname(srv):
    return srv.database_url.rsplit("/", 1)[1]


def _databases():
    con = _postgres_connect(POSTGRES_ADMIN_URL)
    try:
        cur = con.cursor()
        cur.execute("SELECT datname FROM pg_database")
        return {r[0] for r in cur.fetchall()}
    finally:
        con.close()


def test_each_server_has_a_distinct_empty_database_given_with_database(server_factory):
    a = server_factory(name="pg-a", start=False)
    b = server_factory(name="pg-b", start=False)
    assert _dbname(a) != _dbname(b)
    assert {_dbname(a), _dbname(b)} <= _databases()
    # empty before the server first runs (its migrations are the server's business)
    assert a.tables() == [] and b.tables() == []
    a.start()
    with open(a.log_path, encoding="utf-8", errors="replace") as f:
        assert f"--database {a.database_url}" in f.read()
    assert b.tables() == [], "the first server wrote into the second one's database"


def test_sql_works_with_sqlite_placeholders(server_factory):
    srv = server_factory(name="pg-sql", start=False)
    assert srv.sql("SELECT 1") == [(1,)]
    assert srv.sql("SELECT ? || '?', ?", ("a%", 2)) == [("a%?", 2)]
    srv.sql("CREATE TABLE t (x bigint, b bytea)")
    assert srv.sql("INSERT INTO t VALUES (?, ?)", (7, b"\x00\x01")) == []  # no rows, as sqlite3
    assert srv.sql("SELECT * FROM t") == [(7, b"\x00\x01")]  # bytea as bytes, as a BLOB
    con = srv.db()
    try:
        assert con.execute("SELECT x FROM t WHERE x = ?", (7,)).fetchone() == (7,)
    finally:
        con.close()
    assert srv.tables() == ["t"]


def test_placeholders_inside_quotes_stay():
    assert _sqlite_placeholders_to_psycopg2("SELECT '?''?', \"a?\", ? WHERE x LIKE '5%'") == \
        "SELECT '?''?', \"a?\", %s WHERE x LIKE '5%%'"


def test_a_restart_keeps_its_database(server_factory):
    srv = server_factory(name="pg-restart")
    url = srv.database_url
    user = signup(srv)
    assert srv.stop() == 0
    srv.start()
    assert srv.database_url == url
    again = Client(srv)
    assert again.post(f"{API}/sessions", json={"email": user.email,
                                                "password": user.password}).status_code == 200


def test_servers_on_one_data_folder_share_one_database(server_factory, tmp_path):
    data = str(tmp_path / "shared-data")
    a = server_factory(name="pg-one", data_dir=data, start=False)
    b = server_factory(name="pg-two", data_dir=data, start=False)
    assert a.database_url == b.database_url


def test_the_engine_fixture_says_postgresql(database_engine):
    assert database_engine == "postgresql"
