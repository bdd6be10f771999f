"""Malware scanning of uploads by a ClamAV daemon (clamd), over its INSTREAM protocol.

``DHR_CLAMD_URL`` names the daemon: ``unix:///run/clamav/clamd.ctl`` or
``tcp://127.0.0.1:3310``. With it set, every upload is scanned before it is stored; an
infected file is refused, and a daemon that does not answer refuses the upload too (the
check fails closed). Without it nothing is scanned, which production allows only when
``DHR_UPLOAD_SCAN=off`` says so explicitly.
"""
from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

CHUNK = 64 * 1024


class ScannerUnavailable(RuntimeError):
    """The daemon could not be reached or gave an answer we do not understand."""


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    raise ScannerUnavailable("DHR_CLAMD_URL must be unix:///path or tcp://host:port")


def scan(url: str, content: bytes, timeout: float = 60) -> str | None:
    """None if clamd finds nothing; otherwise the name of what it found."""
    try:
        with _connect(url, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as error:
        raise ScannerUnavailable(f"{type(error).__name__}: {error}") from error
    answer = reply.rstrip(b"\0").decode("utf-8", "replace")
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream: ").removesuffix(" FOUND")
    raise ScannerUnavailable(f"unexpected answer from clamd: {answer[:200]}")
