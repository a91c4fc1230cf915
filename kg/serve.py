"""``kg serve``: the Oxigraph server over a kg store, for daily use.

What this adds to running ``oxigraph serve-read-only`` by hand:

- the store folder must be a kg store, and kg's lock is held on it while the server runs (shared
  when read-only, so ``kg query`` may read but ``kg build`` is refused until it stops);
- a busy port or an address that cannot be bound is one line, before any banner;
- Ctrl-C (or SIGTERM) stops the server and exits 0: the server runs in its own session, so the
  terminal's Ctrl-C reaches kg only, and kg stops the server;
- the Oxigraph server has no switch to turn off ``SERVICE`` federation nor to predeclare prefixes,
  so kg listens on loopback addresses only unless ``public=True``: any client that can reach the
  endpoint can make it fetch URLs with ``SERVICE``, including addresses inside your network.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO

from kg.endpoint import oxigraph_server
from kg.errors import ParameterError, StoreError
from kg.store import Store, release_lock, take_lock
from kg.storedir import is_kg_store

DEFAULT_PORT = 7878


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``127.0.0.1``, ``::1``, ``localhost``).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, public: bool) -> None:
    """Refuse a non-loopback ``host`` unless ``public`` says the user means it.

    Raises:
        ParameterError: ``host`` is not a loopback address and ``public`` is False.
    """
    if not is_loopback(host) and not public:
        raise ParameterError("listening beyond this machine needs --public", source=f"--host {host}",
                             hint="the Oxigraph server cannot turn off SERVICE, so any client could make it "
                                  "fetch internal addresses; see the README section kg serve")


def check_port(host: str, port: int) -> None:
    """Fail now, with one line, when ``host:port`` cannot be listened on.

    Raises:
        StoreError: the port is in use or the address is not this machine's.
    """
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: a closing port is free
    try:
        probe.bind((host.strip("[]"), port))
    except OSError as error:
        if error.errno in (98, 48):  # EADDRINUSE on Linux, macOS
            raise StoreError("the port is in use", source=f"{host}:{port}",
                             hint="stop what listens there, or pick another with --port") from None
        raise StoreError(f"cannot listen there: {error.strerror}", source=f"{host}:{port}",
                         hint="use an address of this machine with --host") from None
    finally:
        probe.close()


class Server:
    """The Oxigraph server running over a kg store on ``host:port`` (see :func:`serve`).

    Args:
        store_path: the kg store folder.
        host, port: where to listen.
        allow_update: accept SPARQL updates and Graph Store writes.
        public: allow a non-loopback ``host``.
    """

    def __init__(self, store_path: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 allow_update: bool = False, public: bool = False) -> None:
        self.store_path = Path(store_path)
        self.host, self.port = host, port
        self.allow_update, self.public = allow_update, public
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[bytes] | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query URL."""
        return f"{self.url}/query"

    def start(self, timeout: float = 20.0) -> Server:
        """Check everything, start the server and wait until it answers.

        Raises:
            ParameterError: a non-loopback host without ``public``.
            StoreError: no kg store there, it is being written, the port is busy, or the server fails.
        """
        check_host(self.host, public=self.public)
        if not is_kg_store(self.store_path):
            raise StoreError("no store here", source=str(self.store_path),
                             hint="run `kg build` first or pass --store")
        program = oxigraph_server()
        check_port(self.host, self.port)
        if self.allow_update:
            Store(self.store_path, create=False).close()  # the ontology graph in place before others write
        self._lock = take_lock(self.store_path, shared=not self.allow_update)
        command = [program, "serve" if self.allow_update else "serve-read-only", "--location",
                   str(self.store_path), "--bind", f"{self.url.split('//', 1)[1]}", "--union-default-graph"]
        # its own session: the terminal's Ctrl-C goes to kg, which then stops the server cleanly
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                         start_new_session=True, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise self._failed()
            try:
                ask = urllib.parse.urlencode({"query": "ASK {}"})
                with urllib.request.urlopen(f"{self.query_url}?{ask}", timeout=2):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise StoreError(f"the Oxigraph server did not answer within {timeout:.0f} s", source=self.url)

    def _failed(self) -> StoreError:
        process = self._process
        error = (process.stderr.read() if process is not None and process.stderr else b"").decode("utf-8", "replace")
        self._process = None
        self._release()
        text = " ".join(error.split())
        if "in use" in text.lower():
            return StoreError("the port is in use", source=f"{self.host}:{self.port}",
                              hint="stop what listens there, or pick another with --port")
        return StoreError(f"the Oxigraph server stopped: {text[:200] or 'no message'}", source=str(self.store_path))

    def wait(self) -> None:
        """Block until Ctrl-C (KeyboardInterrupt), then stop the server; :func:`serve` turns SIGTERM
        into the same.

        Raises:
            StoreError: the server stopped by itself.
        """
        process = self._process
        if process is None:
            raise StoreError("the server is not running", source=self.url)
        try:
            while True:
                try:
                    process.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    continue
                raise self._failed()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the server (if it runs) and release the store."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self._release()

    def _release(self) -> None:
        release_lock(self._lock)
        self._lock = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(store_path: str | Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, allow_update: bool = False,
          public: bool = False, ready: Callable[[Server], None] | None = None) -> None:
    """Serve a kg store as a SPARQL endpoint until Ctrl-C or SIGTERM (``kg serve``).

    Args:
        store_path: the kg store folder.
        host, port: where to listen; a non-loopback host needs ``public``.
        allow_update: accept SPARQL updates and Graph Store writes.
        public: allow a non-loopback host (SERVICE federation stays on in the Oxigraph server).
        ready: called once the server answers (the command line prints its banner then).

    Raises:
        ParameterError: a non-loopback host without ``public``.
        StoreError: the store, the port or the server fails; raised before ``ready`` is called
            whenever the failure is known by then.
    """
    server = Server(store_path, host=host, port=port, allow_update=allow_update, public=public)
    # SIGTERM is a requested stop as Ctrl-C is, from the moment kg starts the server
    previous = signal.signal(signal.SIGTERM, _interrupt) if threading.current_thread() is threading.main_thread() \
        else None
    try:
        server.start()
        if ready is not None:
            ready(server)
        server.wait()
    except KeyboardInterrupt:  # before wait() was reached
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _die_with_parent() -> None:
    """In the server's process, before it starts: on Linux, stop when kg dies, even by SIGKILL, so no
    server is left holding the port (elsewhere kg's own stop() is all there is)."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _interrupt(_number: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt
