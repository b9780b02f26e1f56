#!/usr/bin/env python3
"""Issue 15's figure: hand N personalised newsletter emails to an SMTP server on loopback.

Starts the server (a release build) on a fresh data folder with --smtp-url pointing at an SMTP
sink on loopback, signs up a host, imports N subscribers from a CSV file, writes an issue, and
times from the send request until all N emails are handed over (each one personalised: name,
language, unsubscribe links; DKIM-signed with an Ed25519 and an RSA key when --dkim is given).
Prints one RESULT line of JSON.

The sink: Postfix's smtp-sink (C; Debian's postfix package) when installed, which discards what it
gets, the end being when the issue's `sent` count reaches N; else aiosmtpd in this process
(tests/integration/smtp_sink.py), which keeps every message (the end: all N received), but whose
Python takes most of a core at these rates and is then what is measured.

  bench/newsletter.py --server build-bench/petitesalle --count 10000 [--concurrency 4] [--dkim]
                      [--sink smtp-sink|aiosmtpd]
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))
from smtp_sink import SmtpSink  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--dkim", action="store_true")
    ap.add_argument("--database", default="")
    ap.add_argument("--sink", choices=["smtp-sink", "aiosmtpd"],
                    default="smtp-sink" if os.path.exists("/usr/sbin/smtp-sink") else "aiosmtpd")
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="ps-bench-newsletter.")
    sink_port = free_port()
    sink, sink_proc = None, None
    if a.sink == "aiosmtpd":
        sink = SmtpSink(sink_port).start()
    else:
        # -c: count; a backlog of 256; it answers every command 250 and drops the message.
        sink_proc = subprocess.Popen(["/usr/sbin/smtp-sink", "-c"] + (["-u", "nobody"] if os.geteuid() == 0 else []) + [f"127.0.0.1:{sink_port}", "256"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", sink_port), timeout=0.2).close()
                break
            except OSError:
                if sink_proc.poll() is not None:
                    sys.exit("smtp-sink did not start")
                time.sleep(0.05)
    port = free_port()
    args = [a.server, "serve", "--listen", f"127.0.0.1:{port}", "--data", f"{work}/data",
            "--public-url", f"http://127.0.0.1:{port}", "--fast-password-hashing",
            "--smtp-url", f"smtp://127.0.0.1:{sink_port}", "--mail-from", "nouvelles@fanfare.test",
            "--mail-concurrency", str(a.concurrency), "--jobs-poll-ms", "100"]
    if a.database:
        args += ["--database", a.database]
    if a.dkim:
        for alg, sel in (("ed25519", "ed"), ("rsa", "rsa")):
            subprocess.run([a.server, "dkim-keygen", "--algorithm", alg, "--selector", sel, "--domain",
                            "fanfare.test", "--out", f"{work}/{sel}.pem"], check=True,
                           capture_output=True)
            args += ["--dkim-key", f"{sel}:{work}/{sel}.pem"]
    log = open(f"{work}/server.log", "wb")
    server = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            try:
                if requests.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.05)
        c = requests.Session()
        c.headers["X-Requested-With"] = "bench"
        r = c.post(url + "/api/v1/accounts", json={"email": "host@example.com", "password": "un mot de passe sûr",
                                                   "display_name": "Ana", "locale": "fr"})
        assert r.status_code == 201, r.text
        slug = c.post(url + "/api/v1/communities", json={"name": "La Fanfare"}).json()["community"]["slug"]
        c.put(f"{url}/api/v1/communities/{slug}/subscriptions/settings",
              json={"postal_address": "123 rue Saint-Denis, Montréal QC"})
        csv = "email,name,language\n" + "".join(
            f"fan{i}@example.com,Fan{i} Roy,{'en' if i % 3 == 0 else 'fr'}\n" for i in range(a.count - 1))
        r = c.post(f"{url}/api/v1/communities/{slug}/subscribers/import", data=csv.encode(),
                   headers={"Content-Type": "text/csv"}, timeout=300)
        assert r.status_code == 200 and r.json()["imported"] == a.count - 1, r.text
        body = ("# Le show de décembre\n\n" + "On joue **jeudi** au *Quai des brumes*, puis à Québec. " * 30
                + "\n\n[Les billets](https://fanfare.test/billets)\n")
        nid = c.post(f"{url}/api/v1/communities/{slug}/newsletters",
                     json={"subject": "Le show de décembre — trois dates", "body": body}).json()["newsletter"]["id"]
        began = time.monotonic()
        assert c.post(f"{url}/api/v1/newsletters/{nid}/send", json={}).status_code == 202
        deadline = began + 300

        def sent():
            return c.get(f"{url}/api/v1/newsletters/{nid}").json()["newsletter"]["counts"]["sent"]

        if sink:
            while len(sink.received()) < a.count and time.monotonic() < deadline:
                time.sleep(0.02)
        else:
            while sent() < a.count and time.monotonic() < deadline:
                time.sleep(0.05)
        elapsed = time.monotonic() - began
        handed = len(sink.received()) if sink else sent()
        got = sink.received() if sink else []
        sizes = sorted(len(raw) for _, raw in got)
        personalised = len({re.search(rb"^To: (.*)$", raw, re.M).group(1) for _, raw in got}) if sink else None
        rss_kb = int(re.search(r"VmHWM:\s+(\d+)", open(f"/proc/{server.pid}/status").read()).group(1))
        print("RESULT " + json.dumps({
            "scenario": "newsletter", "sink": a.sink, "count": a.count, "handed_over": handed,
            "distinct_recipients": personalised,
            "seconds": round(elapsed, 2), "emails_per_s": round(handed / elapsed, 1),
            "concurrency": a.concurrency, "dkim": a.dkim,
            "smtp_sessions": len(sink.sessions) if sink else None,
            "median_bytes": sizes[len(sizes) // 2] if sizes else 0, "server_rss_hwm_mib": round(rss_kb / 1024, 1),
            "engine": "postgresql" if a.database else "sqlite"}), flush=True)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        if sink:
            sink.stop()
        if sink_proc:
            sink_proc.terminate()
            sink_proc.wait(10)
        log.close()


if __name__ == "__main__":
    main()
