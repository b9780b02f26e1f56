"""A real SMTP server on loopback for the tests (Debian's python3-aiosmtpd), keeping each message's
bytes exactly as received (DKIM is checked on them), with faults on demand: refuse some recipients
for good (550) or for now (451), drop the connection in the middle of a message, or answer slowly.
"""

import asyncio
import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("bounce"):
            return "550 5.1.1 No such user here"
        if local.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        if any(r.split("@")[0].startswith("drop") for r in envelope.rcpt_tos):
            server.transport.close()  # the connection drops before the reply
            return "421 closing"
        with self.sink.lock:
            self.sink.sessions.add(id(session))
            for rcpt in envelope.rcpt_tos:
                self.sink.messages.append((rcpt, bytes(envelope.original_content)))
        return "250 OK"


class SmtpSink:
    def __init__(self, port, delay=0.0):
        self.port = port
        self.delay = delay
        self.lock = threading.Lock()
        self.messages = []   # (recipient, raw bytes)
        self.sessions = set()  # SMTP sessions that carried a message
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=port,
                                     data_size_limit=10 * 1024 * 1024)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def received(self):
        with self.lock:
            return list(self.messages)

    def parsed(self, to=None):
        return [email.message_from_bytes(raw, policy=email.policy.default)
                for rcpt, raw in self.received() if to is None or rcpt.lower() == to.lower()]

    def wait_for(self, count, timeout=30.0, to=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [m for m in self.received() if to is None or m[0].lower() == to.lower()]
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{len(self.received())} emails received, {count} expected"
                             + (f" for {to}" if to else ""))
