"""petitesalle dkim-keygen: the private key file (mode 0600, never overwritten), and the DNS
record it prints, checked against the key with python3-cryptography and, as a receiver would,
with python3-dkim (an email signed by dkimpy with the key verifies against the printed record).
The end-to-end check of emails the server signs belongs with the outbox's tests."""

import base64
import os
import re
import stat
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import BIN

pytestmark = pytest.mark.skipif(not BIN, reason="PETITESALLE_BIN is not set")

MESSAGE = (b"From: Petite Salle <noreply@example.org>\r\n"
           b"To: ana@example.net\r\n"
           b"Subject: Hello\r\n"
           b"\r\n"
           b"Bonjour.\r\n")


def keygen(*args, timeout=60):
    return subprocess.run([BIN, "dkim-keygen", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def printed(stdout, label):
    m = re.search(rf"^\s*{label}:\s*(.+)$", stdout, re.M)
    assert m, stdout
    return m.group(1).strip()


def record_tags(value):
    return dict(part.strip().split("=", 1) for part in value.split(";") if part.strip())


def zone_strings(stdout):
    line = next(l for l in stdout.splitlines() if " IN TXT " in l)
    return re.findall(r'"([^"]*)"', line)


@pytest.mark.parametrize("algorithm", ["ed25519", "rsa"])
def test_keygen_writes_a_private_key_and_prints_its_record(tmp_path, algorithm):
    out = tmp_path / "dkim.pem"
    r = keygen("--algorithm", algorithm, "--selector", "s2026", "--domain", "example.org",
               "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600

    assert printed(r.stdout, "name") == "s2026._domainkey.example.org"
    assert printed(r.stdout, "type") == "TXT"
    value = printed(r.stdout, "value")
    tags = record_tags(value)
    assert tags["v"] == "DKIM1"
    assert tags["k"] == algorithm

    # The zone file form: strings of 255 characters at most that join into the value.
    strings = zone_strings(r.stdout)
    assert all(len(s) <= 255 for s in strings)
    assert "".join(strings) == value
    if algorithm == "rsa":
        assert len(strings) == 2  # 2048 bits do not fit in one string

    pem = out.read_bytes()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    private = serialization.load_pem_private_key(pem, password=None)
    published = base64.b64decode(tags["p"])
    if algorithm == "ed25519":
        assert isinstance(private, ed25519.Ed25519PrivateKey)
        assert published == private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        assert isinstance(private, rsa.RSAPrivateKey)
        assert private.key_size == 2048
        assert published == private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    # The hint names the serve options and the key by its full path.
    assert f"--dkim-domain example.org --dkim-key s2026:{out}" in r.stdout


@pytest.mark.parametrize("algorithm", ["ed25519", "rsa"])
def test_a_receiver_verifies_with_the_printed_record(tmp_path, algorithm):
    dkim = pytest.importorskip("dkim")
    out = tmp_path / "dkim.pem"
    r = keygen("--algorithm", algorithm, "--selector", "s1", "--domain", "example.org",
               "--out", str(out))
    assert r.returncode == 0, r.stderr
    value = printed(r.stdout, "value").encode()
    private = serialization.load_pem_private_key(out.read_bytes(), password=None)
    if algorithm == "ed25519":
        # dkimpy takes an Ed25519 key as its raw 32 bytes in base64, not as PEM.
        key = base64.b64encode(private.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption()))
        signature = dkim.sign(MESSAGE, b"s1", b"example.org", key,
                              signature_algorithm=b"ed25519-sha256")
    else:
        signature = dkim.sign(MESSAGE, b"s1", b"example.org", out.read_bytes())

    def dns(name, timeout=5):
        return value if name == b"s1._domainkey.example.org." else None

    assert dkim.verify(signature + MESSAGE, dnsfunc=dns)
    assert not dkim.verify(signature + MESSAGE.replace(b"Bonjour", b"Bonsoir"), dnsfunc=dns)


def test_keygen_never_overwrites(tmp_path):
    out = tmp_path / "dkim.pem"
    out.write_text("an older key\n")
    r = keygen("--algorithm", "ed25519", "--selector", "s", "--domain", "example.org",
               "--out", str(out))
    assert r.returncode == 1
    assert "exists" in r.stderr + r.stdout
    assert out.read_text() == "an older key\n"


@pytest.mark.parametrize("args, says", [
    (["--algorithm", "dsa", "--selector", "s", "--domain", "example.org"], "algorithm"),
    (["--algorithm", "rsa", "--selector", "s;t=1", "--domain", "example.org"], "selector"),
    (["--algorithm", "rsa", "--selector", "s", "--domain", "example .org"], "domain"),
    (["--selector", "s", "--domain", "example.org"], "algorithm"),
])
def test_keygen_refuses_bad_arguments(tmp_path, args, says):
    out = tmp_path / "dkim.pem"
    r = keygen(*args, "--out", str(out))
    assert r.returncode != 0
    assert says in (r.stderr + r.stdout).lower()
    assert not out.exists()
