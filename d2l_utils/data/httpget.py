"""One bounded HTTP(S) GET: a size cap, a per-read timeout and an overall deadline.

``get(url, write, max_bytes=..., timeout=..., deadline=...)`` streams the body
of ``url`` into ``write`` and stops with ``FetchError`` as soon as

* the server announces (Content-Length) or sends more than ``max_bytes``;
* one read waits longer than ``timeout`` seconds (urllib's socket timeout);
* the whole exchange, from connecting to the last byte, takes longer than
  ``deadline`` seconds, or the response headers longer than
  ``headers_within``.  A watchdog thread shuts the connection's socket down
  then, which wakes up a read blocked in the body *or* in the headers: a
  server that trickles one byte a second never trips the per-read timeout,
  but it does trip this;
* after ``grace`` seconds, the body has come slower than ``min_rate`` bytes/s.

``open_url`` is the only function here that touches the network (tests replace
it to forbid or count network access).

Introduced in chapters/00_getting_started.ipynb (``make data``).
"""

import functools
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request

__all__ = ["FetchError", "Watchdog", "open_url", "get"]

CHUNK = 1 << 16


class FetchError(Exception):
    """A GET that failed: ``reason`` for messages, and its ``kind``.

    Kinds: 'network' (connection refused, reset, timed out, cut short) and
    'server' (HTTP 5xx), worth retrying (``err.retry``); 'client' (HTTP 4xx),
    'url' (not a URL urllib can open), 'size' (too big), 'deadline' (too slow).
    """

    def __init__(self, reason, kind):
        super().__init__(reason)
        self.reason, self.kind = reason, kind

    @property
    def retry(self):
        return self.kind in ("network", "server")


class Watchdog:
    """Shuts down the socket handed to ``attach`` once ``seconds`` have passed.

    ``rearm(seconds)`` sets a new limit, counted from now.
    """

    def __init__(self, seconds):
        self.seconds, self.expired = seconds, False
        self._sock, self._timer, self._lock = None, None, threading.Lock()

    def __enter__(self):
        self.rearm(self.seconds)
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._timer.cancel()

    def rearm(self, seconds):
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self.seconds = seconds
            self._timer = threading.Timer(max(seconds, 0), self._expire)
            self._timer.daemon = True
            self._timer.start()

    def attach(self, sock):
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shut(sock)

    def _expire(self):
        with self._lock:
            self.expired = True
            if self._sock is not None:
                self._shut(self._sock)

    @staticmethod
    def _shut(sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)  # a closed socket refuses: its fd is not reused
        except OSError:
            pass


def _watched(base):
    class Watched(base):
        def __init__(self, *args, watchdog, **kwargs):
            super().__init__(*args, **kwargs)
            self._watchdog = watchdog

        def connect(self):
            create = self._create_connection

            def create_and_attach(*args, **kwargs):
                sock = create(*args, **kwargs)
                self._watchdog.attach(sock)
                return sock

            self._create_connection = create_and_attach
            super().connect()
            self._watchdog.attach(self.sock)  # for HTTPS, the TLS socket that replaced it
    return Watched


_HTTP, _HTTPS = _watched(http.client.HTTPConnection), _watched(http.client.HTTPSConnection)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog):
        super().__init__()
        self.watchdog = watchdog

    def http_open(self, req):
        return self.do_open(functools.partial(_HTTP, watchdog=self.watchdog), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog):
        super().__init__()
        self.watchdog = watchdog

    def https_open(self, req):
        return self.do_open(functools.partial(_HTTPS, watchdog=self.watchdog), req,
                            context=self._context)


def open_url(url, timeout, watchdog):
    """urllib's ``urlopen`` (proxies, redirects, HTTPS) with sockets under ``watchdog``."""
    opener = urllib.request.build_opener(_HTTPHandler(watchdog), _HTTPSHandler(watchdog))
    return opener.open(url, timeout=timeout)


def _mb(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n} bytes"


def get(url, write, *, max_bytes, timeout, deadline, headers_within=None, min_rate=0,
        grace=0.0, progress=False, label=None):
    """Stream the body of ``url`` into ``write(chunk)``; return the number of bytes.

    ``deadline``: seconds for the whole exchange; the response headers must
    arrive within ``headers_within`` seconds (default: the deadline).  After
    ``grace`` seconds the body must have come at ``min_rate`` bytes/s on
    average, so a trickling server is dropped long before the deadline.
    Raises FetchError (see its kinds).  Whatever ``write`` raises passes through.
    """
    from tqdm.auto import tqdm  # only a download shows a bar: not at `import d2l_utils`
    got, start, phase = 0, time.monotonic(), "headers"
    first = deadline if headers_within is None else min(deadline, headers_within)
    with Watchdog(first) as watchdog:
        try:
            with open_url(url, timeout, watchdog) as resp:
                if not watchdog.expired:  # (cut-off headers may look complete to http.client)
                    phase = "body"
                    watchdog.rearm(deadline - (time.monotonic() - start))
                total = resp.headers.get("Content-Length")
                total = int(total) if total and total.isdigit() else None
                if total is not None and total > max_bytes:
                    raise FetchError(f"the server announces {_mb(total)}, more than the "
                                     f"{_mb(max_bytes)} this file can have", "size")
                with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                          disable=not progress, leave=False) as bar:
                    while not watchdog.expired and (chunk := resp.read1(CHUNK)):
                        got += len(chunk)
                        if got > max_bytes:
                            raise FetchError(f"the server sent more than the {_mb(max_bytes)} "
                                             "this file can have; stopped reading", "size")
                        write(chunk)
                        bar.update(len(chunk))
                        seconds = time.monotonic() - start
                        if seconds > grace and got < min_rate * seconds:
                            raise FetchError(f"too slow: {_mb(got)} in {seconds:.1f} s, below "
                                             f"the minimum of {min_rate} bytes/s", "deadline")
                if not watchdog.expired and total is not None and got != total:
                    raise FetchError(f"connection closed after {got} of {total} bytes",
                                     "network")
        except urllib.error.HTTPError as err:
            err.close()
            raise FetchError(f"HTTP {err.code} {err.reason}",
                             "server" if err.code >= 500 else "client") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
            if not watchdog.expired:
                reason = getattr(err, "reason", None) or err
                # URLError's reason is an OSError for network trouble, a str for a bad URL
                bad_url = isinstance(err, ValueError) or (
                    isinstance(err, urllib.error.URLError) and not isinstance(reason, OSError))
                raise FetchError(f"{type(err).__name__}: {reason}",
                                 "url" if bad_url else "network") from err
        if watchdog.expired and phase == "headers":
            raise FetchError(f"no complete response headers within {first:g} s", "deadline")
        if watchdog.expired:
            raise FetchError(f"not complete after the {deadline:g} s deadline "
                             f"({_mb(got)} received)", "deadline")
    return got
