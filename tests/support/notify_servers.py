"""Real receivers for notices, inside the test process: an SMTP server (aiosmtpd) that accepts
a login and keeps every e-mail, and an HTTP server that keeps every webhook post (Apprise's
json:// and form:// send here), and a slow HTTP server that answers 200 and then trickles its
body a byte at a time. Tests switch them down and up to play an outage.

Fixtures: `mail_server`, `webhook`, `trickle` (import them into a test module);
`running_webhook()`, `running_mail_server()` and `running_trickle()` are the same servers as
context managers (benchmarks use them).
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Webhook:
    """A local HTTP server; `status` is what it answers (503 plays a channel that is down)."""

    server: ThreadingHTTPServer
    posts: list[Post] = field(default_factory=list)
    status: int = 200
    answered: int = 0  # every request, failed ones included
    on_post: Callable[[], None] | None = None  # runs as a post arrives, before the answer

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, scheme: str = "json", path: str = "/hook", userinfo: str = "") -> str:
        return f"{scheme}://{userinfo + '@' if userinfo else ''}127.0.0.1:{self.port}{path}"


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return str(self.message.get_content()).replace("\r\n", "\n")


@dataclass
class MailServer:
    port: int
    mails: list[Mail] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    refuse: bool = False  # True: every message is refused with 451
    reject_login: bool = False  # True: every login is refused (535)


@contextmanager
def running_webhook() -> Iterator[Webhook]:
    hook: Webhook

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(size)
            hook.answered += 1
            if hook.on_post is not None:
                hook.on_post()
            if hook.status < 300:
                hook.posts.append(Post(self.path, dict(self.headers), body))
            self.send_response(hook.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            """Quiet: the test asserts what arrived."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook = Webhook(server)
    # a short poll: shutdown() waits up to one poll interval (0.5 s by default), per test
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_mail_server() -> Iterator[MailServer]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    box = MailServer(_free_port())

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if box.refuse:
                return "451 Try again later"
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            box.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
            return "250 OK"

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        box.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=not box.reject_login, handled=False)  # 535 when refused

    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=box.port,
        auth_require_tls=False,
        authenticator=authenticate,
    )
    controller.start()
    yield box
    controller.stop()


@dataclass
class Trickle:
    """A webhook that answers 200 at once, then sends its body one byte every `every` seconds
    (for minutes): a per-read timeout never fires, only a total budget ends the wait."""

    port: int
    every: float = 0.1
    connections: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, scheme: str = "json") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/slow"


@contextmanager
def running_trickle() -> Iterator[Trickle]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    slow = Trickle(int(listener.getsockname()[1]))

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)  # the request (small: a test message)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
            )
            while not slow.stop.wait(slow.every):
                try:
                    conn.sendall(b".")
                except OSError:  # the client gave up
                    return

    def serve() -> None:
        while not slow.stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            slow.connections += 1
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield slow
    slow.stop.set()
    thread.join()
    listener.close()


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    with running_trickle() as slow:
        yield slow


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    with running_webhook() as hook:
        yield hook


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    with running_mail_server() as box:
        yield box
