#!/usr/bin/python3
"""Turns bench/run.sh's results into the table of docs/benchmarks.md and the growth chart.

    report.py wrk WRK_OUTPUT [--pid PID]       prints wrk's figures as one JSON line
    report.py render RESULTS.jsonl [--doc docs/benchmarks.md] [--svg bench/charts/growth.svg]
                                   [--command CMD] [--quick 0|1]

Standard library only. The generated part of the page lies between the markers
<!-- bench:begin --> and <!-- bench:end -->; the rest of the page is left as it is.
"""
import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


# --- wrk ------------------------------------------------------------------------------------
def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def parse_wrk(path, scenario="history"):
    text = open(path).read()
    out = {"scenario": scenario}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else 0.0
    for q in ("50", "99"):
        m = re.search(rf"^\s+{q}(?:\.000)?%\s+(\S+)", text, re.M)
        out[f"p{q}_ms"] = to_ms(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", text)
    out["socket_errors"] = m.group(1).strip() if m else ""
    m = re.search(r"(\d+) threads and (\d+) connections", text)
    if m:
        out["threads"], out["connections"] = int(m.group(1)), int(m.group(2))
    return out


# --- render ---------------------------------------------------------------------------------
def med(rows, key):
    vals = [r[key] for r in rows if key in r]
    return statistics.median(vals) if vals else float("nan")


def fmt(x, digits=1):
    if x != x:  # nan
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def runs_of(rows, key, digits=1):
    return " / ".join(fmt(r[key], digits) for r in rows if key in r)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    git = lambda *a: subprocess.run(["git", *a], capture_output=True, text=True).stdout.strip()
    commit = "`" + git("rev-parse", "--short", "HEAD") + "`"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_gib": mem_kib / 1048576,
        "kernel": os.uname().release,
        "commit": commit,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def growth_svg(points, path):
    """points: [(stored, {series: value_ms})]; a log-x line chart, standard library only."""
    series = [
        ("history_p50_ms", "history, latest page (p50)", "#1f77b4", ""),
        ("deep_p50_ms", "history, page in the middle (p50)", "#2ca02c", ""),
        ("post_p50_ms", "post (p50)", "#d62728", ""),
        ("history_p99_ms", "history, latest page (p99)", "#1f77b4", "4 3"),
        ("post_p99_ms", "post (p99)", "#d62728", "4 3"),
    ]
    import math

    w, h, left, right, top, bottom = 720, 400, 70, 250, 40, 50
    xs = [math.log10(p[0]) for p in points]
    values = [d[k] for _, d in points for k, *_ in series if d.get(k, 0) > 0]
    # Log scale on both axes: p50 and p99 differ by an order of magnitude.
    lo = math.floor(math.log10(min(values + [1.0])))
    hi = math.ceil(math.log10(max(values + [1.0])))
    if hi == lo:
        hi += 1
    x0, x1 = min(xs) - 0.2, max(xs) + 0.2
    px = lambda x: left + (x - x0) / (x1 - x0) * (w - left - right)
    py = lambda y: h - bottom - (math.log10(y) - lo) / (hi - lo) * (h - top - bottom)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">',
        f'<rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="14" font-weight="bold">Latency against messages '
        f"already stored (one client, one request at a time)</text>",
    ]
    for e in range(lo, hi + 1):
        for m in (1, 2, 5):
            y = m * 10**e
            if e == hi and m > 1:
                break
            strong = "#bbb" if m == 1 else "#eee"
            out.append(
                f'<line x1="{left}" x2="{w - right}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="{strong}"/>'
                f'<text x="{left - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>'
            )
    out.append(
        f'<text x="18" y="{(top + h - bottom) / 2}" transform="rotate(-90 18 {(top + h - bottom) / 2})" '
        f'text-anchor="middle">milliseconds (log scale)</text>'
    )
    for (stored, _), x in zip(points, xs):
        label = f"{stored / 1e6:g} M" if stored >= 1e6 else f"{stored / 1e3:g} k"
        out.append(
            f'<text x="{px(x):.1f}" y="{h - bottom + 18}" text-anchor="middle">{label}</text>'
        )
    out.append(
        f'<text x="{(left + w - right) / 2}" y="{h - 10}" text-anchor="middle">'
        f"messages stored in the channel (log scale)</text>"
    )
    for n, (key, label, color, dash) in enumerate(series):
        pts = [(px(x), py(d[key])) for (stored, d), x in zip(points, xs) if d.get(key, 0) > 0]
        if not pts:
            continue
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash_attr} points="'
            + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)
            + '"/>'
        )
        for a, b in pts:
            out.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{color}"/>')
        ly = top + 10 + n * 20
        out.append(
            f'<line x1="{w - right + 15}" x2="{w - right + 45}" y1="{ly}" y2="{ly}" '
            f'stroke="{color}" stroke-width="2"{dash_attr}/>'
            f'<text x="{w - right + 52}" y="{ly + 4}">{label}</text>'
        )
    out.append("</svg>")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def describe_build(b):
    """The commit that was built, and the uncommitted changes to the server it included."""
    text = f"`{b['commit']}`"
    dirty = b.get("dirty", "").split()
    if dirty:
        shown = ", ".join(f"`{d}`" for d in dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        text += f" plus uncommitted changes (diff `{b.get('diff_sha', '?')}`) to {shown}: the working tree was measured"
    return text


def render(results, command, quick, svg_path, doc_path):
    rows = []
    load = float("nan")
    with open(results) as f:
        for line in f:
            line = line.strip()
            if line:
                row = json.loads(line)
                if row.get("scenario") == "load":
                    load = row["loadavg"]
                else:
                    row["load"] = load  # the load average when this run started
                rows.append(row)
    by = lambda name: [r for r in rows if r.get("scenario") == name]
    m = machine()
    if by("build"):
        m["commit"] = describe_build(by("build")[-1])
    L = []
    L.append(
        f"Measured {m['date']} on {m['nproc']} cores ({m['cpu']}), {m['mem_gib']:.1f} GiB of memory, "
        f"Linux {m['kernel']}; commit {m['commit']}; command `{command}`"
        + (" (quick mode: smaller sizes, one run)" if quick else "")
        + ". Figures are medians of the runs; the load generator runs on the same two cores."
    )
    loads = sorted(r["loadavg"] for r in by("load"))
    if loads:
        L.append("")
        L.append(
            f"The machine is shared: the 1-minute load average when each run started was "
            f"{loads[0]:.1f} to {loads[-1]:.1f} (median {statistics.median(loads):.1f}); the suite "
            f"alone brings it to about 1–2. Above 2, other work competed for the two cores."
        )
    L.append("")

    # --- targets
    T = []
    fan = {}
    for r in by("fanout"):
        fan.setdefault((int(r["members"]), r["rate"]), []).append(r)

    def fan_target(n, rate, p99_limit):
        rs = fan.get((n, rate))
        name = f"fan-out, {n:,} members, {rate:g} posts/s"
        target = f"p99 ≤ {p99_limit} ms, 100 % delivered"
        if not rs:
            T.append((name, target, "not run", "–"))
            return
        p99 = med(rs, "p99_ms")
        worst = min(r["delivered_pct"] for r in rs)
        ok = p99 <= p99_limit and worst >= 100.0
        T.append(
            (name, target, f"p99 {fmt(p99, 2)} ms, {fmt(worst, 2)} % delivered (worst run)",
             "yes" if ok else "**no**")
        )

    fan_target(1000, 50, 10)
    fan_target(2000, 20, 15)
    fan_target(10000, 5, 100)

    ing, ing_plain = {}, {}
    for r in by("ingest"):
        (ing if r.get("client_ids", 1) else ing_plain).setdefault(int(r["posters"]), []).append(r)
    if ing:
        best = max(ing, key=lambda c: med(ing[c], "msgs_per_s"))
        rate = med(ing[best], "msgs_per_s")
        T.append(
            ("ingest, acknowledged after commit", "≥ 20,000 messages/s",
             f"{fmt(rate)} messages/s (best: {best} posters; p99 ack {fmt(med(ing[best], 'ack_p99_ms'), 1)} ms)",
             "yes" if rate >= 20000 else "**no**")
        )
    else:
        T.append(("ingest, acknowledged after commit", "≥ 20,000 messages/s", "not run", "–"))

    con = by("connections")
    if con:
        kib = med(con, "kib_per_conn")
        n = med(con, "connected")
        T.append(
            ("idle connections", "≤ 10 KiB of server memory each",
             f"{fmt(kib)} KiB each ({fmt(n)} connected, {fmt(med(con, 'connect_s'), 1)} s to connect them)",
             "yes" if kib <= 10 else "**no**")
        )
    else:
        T.append(("idle connections", "≤ 10 KiB of server memory each", "not run", "–"))

    his = by("history")
    if his:
        rps = med(his, "rps")
        T.append(
            ("history reads (50 messages)", "≥ 20,000 requests/s",
             f"{fmt(rps)} requests/s, p99 {fmt(med(his, 'p99_ms'), 1)} ms",
             "yes" if rps >= 20000 else "**no**")
        )
    else:
        T.append(("history reads (50 messages)", "≥ 20,000 requests/s", "not run", "–"))

    lat = {}
    for r in by("latency"):
        if r.get("label", "").isdigit():
            lat.setdefault(int(r["label"]), []).append(r)
    points = []
    for size in sorted(lat):
        d = {k: med(lat[size], k) for k in lat[size][0] if k.endswith("_ms")}
        points.append((size, d))
    if len(points) >= 2:
        (s0, d0), (s1, d1) = points[0], points[-1]
        ratios = {k: d1[k] / d0[k] for k in ("history_p50_ms", "deep_p50_ms", "post_p50_ms") if d0.get(k)}
        worst = max(ratios.values())
        T.append(
            (f"growth {s0:,} → {s1:,} messages", "history and post latency within 2×",
             f"history p50 {fmt(d0['history_p50_ms'], 2)} → {fmt(d1['history_p50_ms'], 2)} ms, "
             f"deep page {fmt(d0['deep_p50_ms'], 2)} → {fmt(d1['deep_p50_ms'], 2)} ms, "
             f"post {fmt(d0['post_p50_ms'], 2)} → {fmt(d1['post_p50_ms'], 2)} ms (worst ×{worst:.2f})",
             "yes" if worst <= 2 else "**no**")
        )
    else:
        T.append(("growth", "history and post latency within 2×", "not run", "–"))

    st = {}
    for r in by("start"):
        st.setdefault(r.get("db", ""), []).append(r)
    binary = by("binary")
    if st.get("empty") and binary:
        ready = med(st["empty"], "ready_ms")
        idle = med(st["empty"], "idle_rss_mib")
        size = binary[-1]["stripped_mib"]
        ok = ready <= 100 and idle <= 20 and size <= 25
        T.append(
            ("start", "≤ 100 ms to healthy (empty database); idle ≤ 20 MiB; stripped binary ≤ 25 MiB",
             f"{fmt(ready, 1)} ms; idle {fmt(idle, 1)} MiB; binary {fmt(size, 1)} MiB",
             "yes" if ok else "**no**")
        )
    else:
        T.append(("start", "≤ 100 ms; ≤ 20 MiB idle; ≤ 25 MiB binary", "not run", "–"))

    L.append("### Against the targets of issue 4")
    L.append("")
    L.append("| scenario | target | measured | met? |")
    L.append("| --- | --- | --- | --- |")
    for t in T:
        L.append("| " + " | ".join(t) + " |")
    L.append("")

    # --- details
    if fan:
        L.append("### Fan-out")
        L.append("")
        L.append(
            "One channel; N members connected to the stream; the owner posts at a steady rate "
            "for the duration. Latency: from just before the POST is written to the moment a "
            "member's connection has read the frame."
        )
        L.append("")
        L.append(
            "| members | posts/s | delivered | p50 ms | p99 ms | max ms | POST ack p99 ms | "
            "server CPU % | server RSS MiB | connect all s | p99 of each run | load avg |"
        )
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (n, rate), rs in sorted(fan.items()):
            delivered = sum(r["delivered"] for r in rs)
            expected = sum(r["expected"] for r in rs)
            L.append(
                f"| {n:,} | {rate:g} | {int(delivered):,} / {int(expected):,} | {fmt(med(rs, 'p50_ms'), 2)} | "
                f"{fmt(med(rs, 'p99_ms'), 2)} | {fmt(med(rs, 'max_ms'), 1)} | {fmt(med(rs, 'ack_p99_ms'), 2)} | "
                f"{fmt(med(rs, 'server_cpu_pct'))} | {fmt(med(rs, 'server_rss_mib'))} | "
                f"{fmt(med(rs, 'connect_s'), 2)} | {runs_of(rs, 'p99_ms', 2)} | {runs_of(rs, 'load')} |"
            )
        L.append("")
        L.append("CPU is a percentage of one core (the machine has 200 %).")
        L.append("")
    if ing:
        L.append("### Ingest")
        L.append("")
        L.append(
            "C members, each on its own keep-alive connection, post to one channel as fast as "
            "the acknowledgements come back. `stored` is the channel's last seq after minus "
            "before: every acknowledged message was stored."
        )
        L.append("")
        L.append("| posters | messages/s | ack p50 ms | ack p99 ms | acked / stored (last run) | server CPU % | messages/s of each run | load avg |")
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for label, group in (("", ing), (" (no client_id)", ing_plain)):
            for c, rs in sorted(group.items()):
                last = rs[-1]
                L.append(
                    f"| {c}{label} | {fmt(med(rs, 'msgs_per_s'))} | {fmt(med(rs, 'ack_p50_ms'), 2)} | "
                    f"{fmt(med(rs, 'ack_p99_ms'), 2)} | {int(last['acked']):,} / {int(last['stored']):,} | "
                    f"{fmt(med(rs, 'server_cpu_pct'))} | {runs_of(rs, 'msgs_per_s', 0)} | {runs_of(rs, 'load')} |"
                )
        L.append("")
        if ing_plain:
            L.append(
                "Every post carries a `client_id`, as the web app's do, except in the last row: "
                "there the same load posts without one, so no lookup in, and no insert into, the "
                "`messages_client_id` index (see \"Where the time goes\")."
            )
            L.append("")
    if his:
        h0 = his[0]
        L.append("### History reads")
        L.append("")
        L.append(
            f"`wrk -t{h0.get('threads', '?')} -c{h0.get('connections', '?')}` for the run's duration on "
            "`GET /api/v1/channels/ID/messages?limit=50` with a bearer token (the latest page of a "
            "channel with a few hundred thousand messages)."
        )
        L.append("")
        L.append("| requests/s | p50 ms | p99 ms | non-2xx | requests/s of each run | load avg |")
        L.append("| --- | --- | --- | --- | --- | --- |")
        L.append(
            f"| {fmt(med(his, 'rps'))} | {fmt(med(his, 'p50_ms'), 2)} | {fmt(med(his, 'p99_ms'), 2)} | "
            f"{sum(r.get('non_2xx', 0) for r in his)} | {runs_of(his, 'rps', 0)} | {runs_of(his, 'load')} |"
        )
        L.append("")
        unc = by("history_uncached")
        if unc:
            L.append(
                "The latest page is served from the history cache (`chat/history_cache.hpp`) while "
                "nothing changes in the channel. The same 50 messages read through the path that "
                "does not use it (`before=` a cursor past the end: membership check, page query, "
                "reactions, JSON), the cost of every miss and of any older page:"
            )
            L.append("")
            L.append("| requests/s | p50 ms | p99 ms | non-2xx | requests/s of each run | load avg |")
            L.append("| --- | --- | --- | --- | --- | --- |")
            L.append(
                f"| {fmt(med(unc, 'rps'))} | {fmt(med(unc, 'p50_ms'), 2)} | {fmt(med(unc, 'p99_ms'), 2)} | "
                f"{sum(r.get('non_2xx', 0) for r in unc)} | {runs_of(unc, 'rps', 0)} | {runs_of(unc, 'load')} |"
            )
            L.append("")
    if con:
        L.append("### Idle connections")
        L.append("")
        L.append(
            "Streams opened by two load-generator processes, bound to 8 source addresses "
            "(127.0.0.2–127.0.0.9); server memory = (RSS with them open, 3 s after the last one "
            "− RSS before) / connections."
        )
        L.append("")
        L.append("| connected | failed | time to connect all s | RSS before MiB | RSS after MiB | KiB per connection (each run) | load avg |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        L.append(
            f"| {fmt(med(con, 'connected'))} | {fmt(med(con, 'failed'), 0)} | {fmt(med(con, 'connect_s'), 2)} | "
            f"{fmt(med(con, 'rss_before_mib'))} | {fmt(med(con, 'rss_after_mib'))} | "
            f"{fmt(med(con, 'kib_per_conn'))} ({runs_of(con, 'kib_per_conn')}) | {runs_of(con, 'load')} |"
        )
        L.append("")
    if points:
        L.append("### Growth")
        L.append("")
        L.append(
            "The channel is filled by `bench/seed.py` (straight into SQLite, server stopped), "
            "then one client, one request at a time: 1,000 reads of the latest page, 1,000 reads "
            "of a page in the middle (`before` = half the last seq), 1,000 posts."
        )
        L.append("")
        L.append("| messages stored | history p50 / p99 ms | middle page p50 / p99 ms | post p50 / p99 ms |")
        L.append("| --- | --- | --- | --- |")
        for size, d in points:
            L.append(
                f"| {size:,} | {fmt(d['history_p50_ms'], 2)} / {fmt(d['history_p99_ms'], 2)} | "
                f"{fmt(d['deep_p50_ms'], 2)} / {fmt(d['deep_p99_ms'], 2)} | "
                f"{fmt(d['post_p50_ms'], 2)} / {fmt(d['post_p99_ms'], 2)} |"
            )
        L.append("")
        if svg_path:
            growth_svg(points, svg_path)
            L.append("![Latency against messages stored](../bench/charts/growth.svg)")
            L.append("")
    if st:
        L.append("### Start")
        L.append("")
        L.append("| database | launch → 200 on /healthz, ms (each run) | idle RSS MiB |")
        L.append("| --- | --- | --- |")
        for label, rs in sorted(st.items(), key=lambda kv: (kv[0] != "empty", kv[0])):
            name = "empty (new data folder)" if label == "empty" else f"{int(label):,} messages"
            L.append(
                f"| {name} | {fmt(med(rs, 'ready_ms'), 1)} ({runs_of(rs, 'ready_ms')}) | {fmt(med(rs, 'idle_rss_mib'))} |"
            )
        if binary:
            L.append("")
            L.append(
                f"Binary: {binary[-1]['stripped_mib']:.2f} MiB stripped "
                f"({binary[-1]['unstripped_mib']:.2f} MiB as built: release with debug information)."
            )
        L.append("")

    block = "\n".join(L).rstrip() + "\n"
    if not doc_path:
        sys.stdout.write(block)
        return
    text = open(doc_path).read() if os.path.exists(doc_path) else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + BEGIN + "\n" + block + END + tail
    else:
        text = text.rstrip() + "\n\n## Server benchmarks (issue 4)\n\n" + BEGIN + "\n" + block + END + "\n"
    with open(doc_path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wrk")
    w.add_argument("path")
    w.add_argument("--pid", type=int, default=0)
    w.add_argument("--scenario", default="history")
    r = sub.add_parser("render")
    r.add_argument("results")
    r.add_argument("--doc")
    r.add_argument("--svg")
    r.add_argument("--command", default="bench/run.sh")
    r.add_argument("--quick", default="0")
    a = ap.parse_args()
    if a.cmd == "wrk":
        print(json.dumps(parse_wrk(a.path, a.scenario)))
    else:
        render(a.results, a.command, a.quick == "1", a.svg, a.doc)


if __name__ == "__main__":
    main()
