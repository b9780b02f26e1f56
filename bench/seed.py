#!/usr/bin/python3
"""Fills a channel of a stopped server's database with messages, straight into SQLite.

Posting millions of messages through HTTP would take hours; this writes the rows the server
would write (the real schema: the server created the file and ran its migrations) in large
transactions, then moves the channel's last_seq. Standard library only.

    bench/seed.py --db DATA/petitesalle.db --channel 1 --total 1000000
"""
import argparse
import os
import sqlite3
import time

CHUNK = 500_000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--channel", type=int, required=True)
    ap.add_argument("--total", type=int, required=True, help="messages the channel should hold")
    args = ap.parse_args()

    con = sqlite3.connect(args.db, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-262144")  # 256 MiB
    (author, last_seq) = con.execute(
        "SELECT created_by, last_seq FROM channels WHERE id = ?", (args.channel,)
    ).fetchone()
    now_ms = int(time.time() * 1000)
    start = time.time()
    seq = last_seq
    while seq < args.total:
        upto = min(args.total, seq + CHUNK)
        con.execute("BEGIN")
        # One message every 10 ms of the past, a realistic line of text, rendered as the server
        # renders a plain paragraph.
        con.execute(
            """
            WITH RECURSIVE n(s) AS (SELECT ? UNION ALL SELECT s + 1 FROM n WHERE s < ?)
            INSERT INTO messages (channel_id, seq, author_id, body, html, created_at)
            SELECT ?, s, ?,
                   'Message ' || s || ' of the seeded history: a line of ordinary chat text.',
                   '<p>Message ' || s || ' of the seeded history: a line of ordinary chat text.</p>' || char(10),
                   ? - (? - s) * 10
            FROM n
            """,
            (seq + 1, upto, args.channel, author, now_ms, args.total),
        )
        con.execute("UPDATE channels SET last_seq = ? WHERE id = ?", (upto, args.channel))
        con.execute("COMMIT")
        seq = upto
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    seeded = time.time() - start
    # Written with synchronous=OFF: flush it all now, or the kernel's write-back of gigabytes
    # would compete with the server's fsyncs during the measurement.
    os.sync()
    print(
        f"seeded channel {args.channel} from {last_seq} to {seq} messages in {seeded:.1f} s"
        f" (+ {time.time() - start - seeded:.1f} s to sync)"
    )


if __name__ == "__main__":
    main()
