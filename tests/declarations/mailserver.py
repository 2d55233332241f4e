"""A real SMTP server on loopback (aiosmtpd) for the mail tests, and what it received, decoded."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    to: list[str]
    subject: str
    body: str
    sender: str


class Inbox:
    """aiosmtpd's handler: keeps each message as the recipient's mail program would show it."""

    port: int = 0  # where the server listens, once started

    def __init__(self):
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self.refuse: set[str] = set()  # addresses the server answers 550, as for an unknown mailbox
        self.delay = 0.0  # seconds each message takes to be accepted (a slow or scanning server)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        with self._lock:
            # Django folds a long encoded subject onto the next line ("Subject: \n =?utf-8?…"); a
            # mail program shows it without the fold's leading space, and so does this.
            self._messages.append(Received(list(envelope.rcpt_tos), str(message["Subject"]).strip(), body,
                                           envelope.mail_from))
        return "250 Message accepted"

    def take(self) -> list[Received]:
        """The messages received since the last take, and forget them."""
        with self._lock:
            taken, self._messages = self._messages, []
        return taken


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(inbox: Inbox) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    return controller


class Silent:
    """A server that accepts connections and never answers (a mail server hung, or a firewall
    that swallows the greeting): counts the connections it was offered."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:  # closed: the test is over
                return
            self.accepted.append(conn)

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.socket.close()
