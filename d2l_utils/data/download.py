"""Downloading a dataset's IDX files into the cache, safely.

Each missing file is fetched from the mirrors in order (urllib, a timeout for
connecting and for each read, a few retries with back-off for transient
errors), streamed into a temporary file *in the cache folder*, verified
(see ``sources.read_verified``) and only then renamed into place with
``os.replace``.  Whatever goes wrong, the temporary file is removed, so the
cache never holds a half-written or unverified file.

Mirrors: the ``mirrors=`` argument, else ``$D2L_DATA_MIRRORS`` (base URLs
separated by commas or spaces; ``{dataset}`` is replaced by the dataset name),
else the dataset's own list.

Introduced in chapters/00_getting_started.ipynb.
"""

import http.client
import os
import re
import tempfile
import time
import urllib.error
import urllib.request

from tqdm.auto import tqdm

from .idx import DataError
from .sources import get_spec, read_verified

__all__ = ["mirror_list", "download_missing", "DownloadFailed", "CacheWriteError"]

TIMEOUT = 30.0        # seconds, for connecting and for each read
RETRIES = 2           # extra attempts per URL after a transient error
RETRY_BACKOFF = 1.0   # seconds before the first retry, doubled each time
CHUNK = 1 << 16


class _Transient(Exception):
    """Worth retrying the same URL (connection refused, timeout, HTTP 5xx...)."""


class CacheWriteError(DataError):
    """The cache folder cannot be written (no permission, disk full...)."""

    def __init__(self, path, err):
        super().__init__(path, f"cannot write the download ({type(err).__name__}: {err})",
                         "Free some disk space, or set XDG_CACHE_HOME to a writable folder.")


class DownloadFailed(Exception):
    """No mirror delivered a file; ``attempts`` lists (url, reason)."""

    def __init__(self, name, attempts):
        self.name, self.attempts = name, attempts
        super().__init__(f"could not download {name}")


def mirror_list(spec, mirrors=None):
    """Base URLs to try, in order: argument, else $D2L_DATA_MIRRORS, else the spec's."""
    spec = get_spec(spec)
    if mirrors is None:
        env = os.environ.get("D2L_DATA_MIRRORS", "").strip()
        mirrors = re.split(r"[,\s]+", env) if env else spec.mirrors
    elif isinstance(mirrors, str):
        mirrors = [mirrors]
    return [m.replace("{dataset}", spec.name) for m in mirrors if m]


def _url(mirror, fspec):
    return mirror.rstrip("/") + "/" + fspec.name + ".gz"


def _stream(url, out, path, timeout, progress, label):
    """Copy the body of ``url`` into ``out``, open on ``path``; raise _Transient or HTTPError."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            got = 0
            with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                      disable=not progress, leave=False) as bar:
                while chunk := resp.read(CHUNK):
                    try:
                        out.write(chunk)
                    except OSError as err:
                        raise CacheWriteError(path, err) from err
                    got += len(chunk)
                    bar.update(len(chunk))
            if total is not None and got != total:
                raise _Transient(f"connection closed after {got} of {total} bytes")
    except urllib.error.HTTPError as err:
        if err.code >= 500:
            raise _Transient(f"HTTP {err.code} {err.reason}") from err
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
        reason = getattr(err, "reason", None) or err
        raise _Transient(f"{type(err).__name__}: {reason}") from err


def _fetch(url, dest, fspec, spec, timeout, retries, progress):
    """Download ``url`` to ``dest`` (verified, atomic).  Raises _Transient, HTTPError, DataError."""
    for attempt in range(retries + 1):
        try:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(dest),
                                       prefix=f".{os.path.basename(dest)}.", suffix=".part")
        except OSError as err:
            raise CacheWriteError(os.path.dirname(dest), err) from err
        try:
            with os.fdopen(fd, "wb") as out:
                _stream(url, out, tmp, timeout, progress, fspec.name)
            read_verified(tmp, fspec, spec, compressed=True)
            os.replace(tmp, dest)
            return
        except _Transient:
            if attempt == retries:
                raise
            time.sleep(RETRY_BACKOFF * 2 ** attempt)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def download_missing(spec, folder, mirrors=None, *, timeout=TIMEOUT, retries=RETRIES,
                     progress=True):
    """Download into ``folder`` every file of ``spec`` not already there (as raw or .gz).

    Returns the list of paths written.  Raises DownloadFailed for the first file
    no mirror could deliver (files already written stay: they are verified).
    A mirror that stays unreachable after the retries is not asked again.
    """
    spec = get_spec(spec)
    urls = mirror_list(spec, mirrors)
    created = not os.path.isdir(folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise CacheWriteError(folder, err) from err
    written, dead = [], set()
    for fspec in spec.files:
        if any(os.path.isfile(os.path.join(folder, fspec.name + ext)) for ext in ("", ".gz")):
            continue
        dest = os.path.join(folder, fspec.name + ".gz")
        attempts = []
        for mirror in urls:
            url = _url(mirror, fspec)
            if mirror in dead:
                attempts.append((url, "skipped: unreachable for an earlier file"))
                continue
            try:
                _fetch(url, dest, fspec, spec, timeout, retries, progress)
            except _Transient as err:
                dead.add(mirror)
                attempts.append((url, f"unreachable after {retries + 1} attempts ({err})"))
            except urllib.error.HTTPError as err:
                attempts.append((url, f"HTTP {err.code} {err.reason}"))
            except CacheWriteError:
                raise
            except DataError as err:
                attempts.append((url, f"served a bad file: {err.problem}"))
            else:
                written.append(dest)
                break
        else:
            if created and not os.listdir(folder):
                os.rmdir(folder)  # leave no empty folder behind
            raise DownloadFailed(fspec.name + ".gz", attempts)
    return written
