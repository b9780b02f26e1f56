"""scripts/check-invariants.py: it fails, naming file and line, on each kind of violation it
checks (Asio or Beast outside src/http/, SQL outside a store, SQLite's API outside
src/db/sqlite.cpp), says nothing of what only looks like one (English in comments and messages,
SQL in a store, the load generator's Beast, sqlite3 in a comment), and passes on this
repository. No server needed."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCRIPT = os.path.join(ROOT, "scripts", "check-invariants.py")

# A tree that holds every invariant, with what a careless check would flag anyway.
CLEAN = {
    "src/http/asio.hpp": "#pragma once\n#include <boost/asio.hpp>\n#include <boost/beast/http.hpp>\n",
    "src/http/network_thread.hpp": '#pragma once\n#include "http/asio.hpp"\n',
    "src/http/message.hpp": "#pragma once\n#include <string>\n",
    "src/http/server.cpp": '#include "http/network_thread.hpp"\n',
    "src/http/dispatcher.cpp": 'void healthz() { s.query("SELECT 1"); }\n',
    "src/chat/routes.cpp": '#include "http/message.hpp"\n',  # a Beast-free http/ header
    "src/chat/store.cpp": (
        'auto sql = "SELECT id, body FROM messages "\n'
        '           "WHERE channel_id = $1";\n'
        'void f() { tx.execute(R"sql(UPDATE messages SET body = $1 WHERE id = $2)sql"); }\n'),
    "src/mail/outbox_store.cpp": 'void g() { tx.execute("DELETE FROM outbox WHERE id = $1"); }\n',
    "src/db/migrations.cpp": 'constexpr auto s = R"sql(\nCREATE TABLE t (id INTEGER);\n)sql";\n',
    "src/chat/chat_test.cpp": 'auto n = s.query_one("SELECT COUNT(*) FROM messages");\n',
    "src/testing/test_app.hpp": 'inline void reset() { tx.execute("DELETE FROM outbox"); }\n',
    "src/chat/service.cpp": (
        "// SELECT the rows FROM messages, then UPDATE messages SET nothing: prose in a comment\n"
        '// as "SELECT id FROM messages" would: a quoted statement in a comment is no literal\n'
        '/* INSERT INTO a comment, "CREATE TABLE t" in a block comment,\n'
        '   over two lines: "DELETE FROM t" */\n'
        'const char* help = "Select a channel from the list, then update it.";\n'
        "constexpr long minute = 60'000;  // a digit separator, not a character literal\n"
        "char quote = '\"'; char other = 'x';\n"
        'const char* after = "still prose";\n'),
    "bench/loadgen/client.cpp": "#include <boost/beast/websocket.hpp>\n",
    "src/db/sqlite.cpp": "#include <sqlite3.h>\nsqlite3* handle = nullptr;\n",
    "src/db/database.hpp": "// stores never see a sqlite3* or a PGconn*\n",
    "src/cli/serve.cpp": 'const char* note = "the sqlite3 file is in the data folder";\n',
}

# One violation of each kind, each on a known line.
VIOLATIONS = {
    "src/chat/service.cpp": ("#include <string>\n"
                             "#include <boost/beast/http.hpp>\n"),             # line 2: Beast
    "src/realtime/hub.cpp": ('#include "realtime/hub.hpp"\n'
                             '#include "http/network_thread.hpp"\n'),          # line 2: Asio via http/
    "src/communities/service.cpp": ("void f() {\n"
                                    '  tx.execute("UPDATE communities SET name = $1 "\n'
                                    '             "WHERE id = $2", n, id);\n'  # line 2: SQL
                                    "}\n"),
    "src/accounts/service.cpp": ('void g() {\n  s.query(R"(\n    SELECT id FROM accounts\n  )");\n}\n'),
    "src/http/dispatcher.cpp": 'void healthz() { s.query("SELECT * FROM accounts"); }\n',
    # The lexer must not take the quote in '"' for a string, nor 1'000 for a character literal:
    # either would swallow the SQL that follows on the line.
    "src/invitations/service.cpp": ("char q = '\"'; void f() { "
                                    's.query("DELETE FROM invitations WHERE id = $1"); }\n'),
    "src/mail/outbox.cpp": "constexpr long n = 1'000; void f() { s.query(\"SELECT id FROM outbox\"); }\n",
    "src/db/backup.cpp": "#include <sqlite3.h>\n",                   # line 1: SQLite's API
    "src/cli/backup.cpp": "void f() {\n  sqlite3_close(handle);\n}\n",  # line 2
}


def write_tree(base, files):
    for rel, text in files.items():
        path = os.path.join(base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def run(root):
    return subprocess.run([sys.executable, SCRIPT, str(root)], capture_output=True, text=True,
                          timeout=60)


def test_a_clean_tree_passes(tmp_path):
    write_tree(tmp_path, CLEAN)
    r = run(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("all hold")


def test_each_kind_of_violation_fails_naming_its_file_and_line(tmp_path):
    write_tree(tmp_path, {**CLEAN, **VIOLATIONS})
    r = run(tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    expected = [
        ("src/chat/service.cpp:2:", "boost/beast/http.hpp"),
        ("src/realtime/hub.cpp:2:", "http/network_thread.hpp"),
        ("src/communities/service.cpp:2:", "UPDATE communities SET name = $1 WHERE id = $2"),
        ("src/accounts/service.cpp:2:", "SELECT id FROM accounts"),
        # an exception is for its one statement, not for any SQL in its file
        ("src/http/dispatcher.cpp:1:", "SELECT * FROM accounts"),
        ("src/invitations/service.cpp:1:", "DELETE FROM invitations WHERE id = $1"),
        ("src/mail/outbox.cpp:1:", "SELECT id FROM outbox"),
        ("src/db/backup.cpp:1:", "<sqlite3.h>"),
        ("src/cli/backup.cpp:2:", "sqlite3_close"),
    ]
    for where, what in expected:
        assert any(l.startswith(where) and what in l for l in lines), \
            f"no violation reported as {where} … {what}:\n{r.stdout}"
    assert len(lines) == len(expected), r.stdout
    assert "violation" in r.stderr


def test_each_violation_alone_is_enough_to_fail(tmp_path):
    for rel, text in VIOLATIONS.items():
        base = tmp_path / rel.replace("/", "_")
        write_tree(base, {**CLEAN, rel: text})
        r = run(base)
        assert r.returncode == 1, f"{rel} alone passed:\n{r.stdout}"
        assert [l for l in r.stdout.splitlines() if l.startswith(rel + ":")], r.stdout


def test_a_tree_without_src_is_an_error_not_a_pass(tmp_path):
    r = run(tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr


def test_this_repository_holds_its_invariants():
    r = run(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("literal", [
    '"SELECT "',  # the start of a statement built by concatenation
    '" FROM accounts WHERE email = $1"',
    '"WHERE id = $1"',
    '"INSERT INTO outbox (a) VALUES ($1)"',
    '"DELETE FROM sessions WHERE id = $1"',
    '"CREATE UNIQUE INDEX x ON t(a)"',
    '"ALTER TABLE sessions ADD COLUMN device TEXT"',
    'u8R"x(SELECT a FROM b)x"',
])
def test_sql_is_recognised_in_every_form_of_literal(tmp_path, literal):
    write_tree(tmp_path, {**CLEAN, "src/chat/service.cpp": f"auto s = {literal};\n"})
    r = run(tmp_path)
    assert r.returncode == 1 and r.stdout.startswith("src/chat/service.cpp:1:"), r.stdout
