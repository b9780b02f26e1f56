#!/usr/bin/env python3
"""Checks the invariants of docs/ARCHITECTURE.md that a machine can check, in seconds.

    scripts/check-invariants.py [ROOT]      (ROOT: the repository, by default this script's)

Prints one line per violation, `path:line: what is wrong`, and exits 1 if there is any; exits 0
and prints one line when all hold. Python 3 and its standard library only.

1. Asio and Beast stay in src/http/: no file elsewhere in src/ includes a Boost.Asio or
   Boost.Beast header, directly or through an src/http/ header that includes one (such as
   http/asio.hpp or http/network_thread.hpp). bench/loadgen/ may: the load generator is a
   separate program, a client of its own that shares no code with the server (bench/CMakeLists.txt).
2. SQL stays in stores: no string literal holding an SQL statement in src/ outside files named
   store.cpp or *_store.cpp, a capability's migrations.cpp (its steps of the schema), src/db/
   (the database interface and the foundation's migrations), the unit tests
   (*_test.cpp) and src/testing/. The few exceptions are listed in SQL_EXCEPTIONS with the
   reason for each.
3. Only src/db/sqlite.cpp knows SQLite: no other file of src/ includes sqlite3.h or names
   anything of its C API (sqlite3*, sqlite3_open...) outside comments and strings.

How SQL is told from English: only string literals are looked at, never comments (a small C++
lexer below skips them, and knows raw strings, character literals and digit separators), and
adjacent literals are joined as the compiler joins them. A literal is SQL when it starts with a
statement's first words (`SELECT `, `INSERT INTO`, `UPDATE x SET`, `DELETE FROM`, `CREATE TABLE`,
...), or holds a statement's shape anywhere (`SELECT … FROM name`, `INSERT INTO name`, `UPDATE
name SET`, `DELETE FROM name`, `CREATE/ALTER/DROP TABLE/INDEX`), or starts with the rest of a
statement built by concatenation (` FROM t WHERE …`, `WHERE id = $1`). Keywords must be upper
case, as all SQL in this code base is written: "Select a channel from the list" is prose.

Not checked yet: that headers include <nlohmann/json_fwd.hpp> rather than <nlohmann/json.hpp>.
Every header but src/http/fields.hpp holds to it; add the rule once that one does.
"""

import os
import re
import sys

SOURCE_EXTENSIONS = (".cpp", ".hpp", ".h", ".cc")

# Where Asio and Beast may be included (paths relative to the root, with a trailing slash).
NETWORK_FOLDERS = ("src/http/", "bench/loadgen/")
NETWORK_HEADER = re.compile(r"boost/(asio|beast)(\.hpp|/)")

# Files (relative to the root) allowed to hold one exact SQL statement each, and why.
SQL_EXCEPTIONS = {
    # /healthz proves the database answers with the smallest query there is; a store for it
    # would be a file holding one constant. (Owned by the HTTP work: a db::database::ping() would
    # remove this entry.)
    "src/http/dispatcher.cpp": {"SELECT 1"},
}

SQL_START = re.compile(
    r"\s*(?:SELECT|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM"
    r"|(?:CREATE|ALTER|DROP)\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|VIEW|TRIGGER))(?:\s|$)"
    # the rest of a statement built by concatenation: " FROM t WHERE …", "WHERE id = $1"
    r"|\s*FROM\s+\w+\s+(?:\w+\s+)?(?:WHERE|JOIN|ORDER\s+BY)\s"
    r"|\s*WHERE\s+[\w.]+\s*(?:=|<>|!=|<=|>=|<|>|IS\s|IN\s*\()")
SQL_ANYWHERE = re.compile(
    r"\b(?:SELECT\s+(?:DISTINCT\s+)?(?:\S.*?\s)?FROM\s+\w"
    r"|INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\s+\w"
    r"|UPDATE\s+\w+\s+SET\s"
    r"|DELETE\s+FROM\s+\w"
    r"|(?:CREATE|ALTER|DROP)\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\s)",
    re.S)

RAW_STRING = re.compile(r'(?:u8|u|U|L)?R"([^()\\\s]{0,16})\(')
SQLITE_FILE = "src/db/sqlite.cpp"
SQLITE_NAME = re.compile(r"\bsqlite3\w*")

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]', re.M)


# --------------------------------------------------------------------------------------------
# A small C++ lexer: what is code, what is a comment, what is a string literal


def lex(text):
    """Returns (code, bare, literals): `code` is `text` with every comment blanked (newlines
    kept, so line numbers hold), `bare` the same with the string and character literals blanked
    too, and `literals` the string literals as (line, value), adjacent ones joined into one as
    the compiler joins them."""
    code = []
    bare = []
    literals = []
    i, n, line = 0, len(text), 1
    pending = None  # the literal being joined: [line, value]
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            code.append(" " * (end - i))
            bare.append(" " * (end - i))
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            comment = text[i:end]
            code.append(re.sub(r"[^\n]", " ", comment))
            bare.append(code[-1])
            line += comment.count("\n")
            i = end
            continue
        raw = RAW_STRING.match(text, i) if c in "uULR" else None
        if raw and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            close = ")" + raw.group(1) + '"'
            start = raw.end()
            end = text.find(close, start)
            end = n if end < 0 else end
            value = text[start:end]
            stop = min(n, end + len(close))
            pending = _join(pending, literals, line, value)
            code.append(text[i:stop])
            bare.append(re.sub(r"[^\n]", " ", text[i:stop]))
            line += text[i:stop].count("\n")
            i = stop
            continue
        if c == '"':
            j, value = i + 1, []
            while j < n and text[j] != '"' and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n:
                    value.append(text[j:j + 2])
                    j += 2
                else:
                    value.append(text[j])
                    j += 1
            pending = _join(pending, literals, line, "".join(value))
            code.append(text[i:j + 1])
            bare.append(re.sub(r"[^\n]", " ", text[i:j + 1]))
            line += text[i:j + 1].count("\n")  # a backslash-newline inside the literal
            i = j + 1
            continue
        if c == "'":
            # 60'000 is one number (a digit separator), not the start of a character literal.
            k = i
            while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "_.'"):
                k -= 1
            if k < i and text[k].isdigit():
                code.append(c)
                bare.append(c)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != "'" and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            code.append(text[i:j + 1])
            bare.append(re.sub(r"[^\n]", " ", text[i:j + 1]))
            i = j + 1
            continue
        if not c.isspace() and pending is not None:
            literals.append(tuple(pending))
            pending = None
        if c == "\n":
            line += 1
        code.append(c)
        bare.append(c)
        i += 1
    if pending is not None:
        literals.append(tuple(pending))
    return "".join(code), "".join(bare), literals


def _join(pending, literals, line, value):
    if pending is None:
        return [line, value]
    pending[1] += value
    return pending


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


# --------------------------------------------------------------------------------------------
# The checks


def source_files(root, top):
    base = os.path.join(root, top)
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(SOURCE_EXTENSIONS):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, root).replace(os.sep, "/")


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def includes_of(code):
    """(line, quoted?, path) for each #include of comment-free code."""
    return [(line_of(code, m.start()), m.group(1) == '"', m.group(2).strip())
            for m in INCLUDE.finditer(code)]


def network_headers_of_http(root, codes):
    """The src/http/ headers that bring Asio or Beast in, directly or through one another."""
    direct = {}
    for rel, code in codes.items():
        if rel.startswith("src/http/"):
            direct[rel] = includes_of(code)
    bringing = {rel for rel, incs in direct.items()
                if any(NETWORK_HEADER.search(path) for _, _, path in incs)}
    changed = True
    while changed:
        changed = False
        for rel, incs in direct.items():
            if rel not in bringing and any(q and "src/" + path in bringing for _, q, path in incs):
                bringing.add(rel)
                changed = True
    return bringing


def check_network(root, codes):
    problems = []
    via_http = network_headers_of_http(root, codes)
    for rel, code in codes.items():
        if rel.startswith(NETWORK_FOLDERS):
            continue
        for line, quoted, path in includes_of(code):
            if NETWORK_HEADER.search(path):
                problems.append(f"{rel}:{line}: includes <{path}>: Boost.Asio and Boost.Beast "
                                f"are for src/http/ only (docs/ARCHITECTURE.md, invariants)")
            elif quoted and "src/" + path in via_http:
                problems.append(f"{rel}:{line}: includes \"{path}\", which brings in Boost.Asio or "
                                f"Boost.Beast: they are for src/http/ only (docs/ARCHITECTURE.md, "
                                f"invariants)")
    return problems


def sql_allowed_in(rel):
    name = rel.rsplit("/", 1)[-1]
    return (name == "store.cpp" or name.endswith("_store.cpp") or name.endswith("_test.cpp")
            or name == "migrations.cpp"
            or rel.startswith(("src/db/", "src/testing/")))


def is_sql(literal):
    return bool(SQL_START.match(literal) or SQL_ANYWHERE.search(literal))


def check_sql(root, literals_by_file):
    problems = []
    for rel, literals in literals_by_file.items():
        if not rel.startswith("src/") or sql_allowed_in(rel):
            continue
        allowed = SQL_EXCEPTIONS.get(rel, set())
        for line, value in literals:
            if is_sql(value) and value.strip() not in allowed:
                shown = " ".join(value.split())
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                problems.append(f"{rel}:{line}: SQL outside a store: \"{shown}\" (SQL belongs in "
                                f"the capability's store.cpp or src/db/; docs/ARCHITECTURE.md, "
                                f"invariants)")
    return problems


def check_sqlite(root, codes, bares):
    problems = []
    for rel, bare in bares.items():
        if not rel.startswith("src/") or rel == SQLITE_FILE:
            continue
        found = {}  # line -> what: one report a line (an #include <sqlite3.h> also names it)
        for line, quoted, path in includes_of(codes[rel]):
            if SQLITE_NAME.search(path):
                found.setdefault(line, f'"{path}"' if quoted else f"<{path}>")
        for m in SQLITE_NAME.finditer(bare):
            found.setdefault(line_of(bare, m.start()), m.group(0))
        for line, what in sorted(found.items()):
            problems.append(f"{rel}:{line}: {what}: only {SQLITE_FILE} may know SQLite's C API; "
                            f"the rest goes through db/database.hpp (docs/ARCHITECTURE.md, "
                            f"invariants)")
    return problems


def check(root):
    codes, bares, literals = {}, {}, {}
    for top in ("src", "bench"):
        for rel in source_files(root, top):
            codes[rel], bares[rel], literals[rel] = lex(read(root, rel))
    return (check_network(root, codes) + check_sql(root, literals)
            + check_sqlite(root, codes, bares))


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    root = os.path.abspath(root)
    if not os.path.isdir(os.path.join(root, "src")):
        print(f"check-invariants: no src/ folder in {root}", file=sys.stderr)
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"check-invariants: {len(problems)} violation(s) of docs/ARCHITECTURE.md's invariants",
              file=sys.stderr)
        return 1
    print("check-invariants: Asio/Beast only in src/http/ and bench/loadgen/, SQL only in stores "
          "and src/db/, SQLite's API only in src/db/sqlite.cpp: all hold")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
