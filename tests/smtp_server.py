#!/usr/bin/env python3
"""A real SMTP server for greenops' delivery tests (started by scripts/test.sh).

aiosmtpd on 127.0.0.1:PORT requiring STARTTLS (with the given certificate) and AUTH PLAIN/LOGIN
(over TLS only) for the single user whose name and password are in the environment variables
GREENOPS_TEST_SMTP_USER and GREENOPS_TEST_SMTP_PASSWORD. With --smtps-port it also listens with
implicit TLS (SMTPS) on that port, same user.

Each accepted message is saved into MAILDIR as N.eml (the raw bytes received) and N.json (the
envelope, whether TLS and AUTH were used, and the MIME parts as Python's email package parses
them). Recipients whose local part starts with "tempfail" are refused with 451 (a transient
failure) and "reject" with 550; each refusal is appended to MAILDIR/refused.jsonl.

Usage: smtp_server.py --port PORT --cert CERT.pem --key KEY.pem MAILDIR [--smtps-port PORT2]
"""

import argparse
import base64
import email
import email.policy
import itertools
import json
import os
import signal
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def parts_of(message):
    """The MIME tree as a nested structure of content types, leaves with their decoded bytes."""
    if message.is_multipart():
        return {
            "content_type": message.get_content_type(),
            "parts": [parts_of(p) for p in message.iter_parts()],
        }
    payload = message.get_payload(decode=True) or b""
    return {
        "content_type": message.get_content_type(),
        "charset": message.get_content_charset(),
        "disposition": message.get_content_disposition(),
        "filename": message.get_filename(),
        "content_id": message.get("Content-ID"),
        "transfer_encoding": message.get("Content-Transfer-Encoding"),
        "base64": base64.b64encode(payload).decode("ascii"),
    }


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Handler:
    def __init__(self, maildir):
        self.maildir = maildir
        self.lock = threading.Lock()
        existing = [int(n.split(".")[0]) for n in os.listdir(maildir) if n.endswith(".eml")]
        self.counter = itertools.count(max(existing, default=0) + 1)

    def refuse(self, address, reply):
        with self.lock, open(os.path.join(self.maildir, "refused.jsonl"), "a") as f:
            f.write(json.dumps({"address": address, "reply": reply}) + "\n")
        return reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("tempfail"):
            return self.refuse(address, "451 4.3.0 Mailbox temporarily unavailable, try later")
        if local.startswith("reject"):
            return self.refuse(address, "550 5.1.1 No such user here")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        sidecar = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            # session.ssl is set by STARTTLS only; an implicit-TLS socket has an ssl_object
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "subject": str(parsed.get("Subject", "")),
            "message_id": str(parsed.get("Message-ID", "")),
            "mime": parts_of(parsed),
        }
        with self.lock:
            n = next(self.counter)
        base = os.path.join(self.maildir, str(n))
        # the sidecar first: a reader that finds N.eml finds N.json too
        write_atomically(base + ".json", json.dumps(sidecar, indent=1).encode())
        write_atomically(base + ".eml", raw)
        return "250 2.0.0 Message accepted as %d" % n


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if mechanism not in ("LOGIN", "PLAIN") or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("maildir")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--smtps-port", type=int)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    user = os.environ.get("GREENOPS_TEST_SMTP_USER")
    password = os.environ.get("GREENOPS_TEST_SMTP_PASSWORD")
    if not user or not password:
        sys.exit("set GREENOPS_TEST_SMTP_USER and GREENOPS_TEST_SMTP_PASSWORD")
    os.makedirs(args.maildir, exist_ok=True)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Handler(args.maildir)
    common = dict(
        hostname=args.host,
        server_hostname="localhost",
        authenticator=authenticator_for(user, password),
        auth_required=True,
    )
    controllers = [
        Controller(
            handler,
            port=args.port,
            tls_context=context,
            require_starttls=True,
            auth_require_tls=True,
            **common,
        )
    ]
    if args.smtps_port:
        # aiosmtpd only counts STARTTLS as TLS for auth_require_tls; this socket is TLS throughout
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        controllers.append(
            Controller(
                handler,
                port=args.smtps_port,
                ssl_context=context,
                auth_require_tls=False,
                **common,
            )
        )
    for controller in controllers:
        controller.start()
    print("SMTP test server listening on %s:%d" % (args.host, args.port), flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    for controller in controllers:
        controller.stop()


if __name__ == "__main__":
    main()
