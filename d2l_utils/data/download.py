"""Downloading a dataset's IDX files into the cache, safely and within bounds.

Each missing file is fetched from the mirrors in order (see ``httpget``: a
timeout for connecting and for each read, an overall deadline per file and
URL, a size cap), with a few retries and back-off for transient errors,
streamed into a hidden temporary file *in the cache folder*, verified (see
``sources.read_verified``) and only then renamed into place with
``os.replace``.  Whatever goes wrong, the temporary file is removed, so the
cache never holds a half-written or unverified file; temporary files left by
a process that was killed (SIGKILL, a kernel restart) are removed by the next
download.  Cached files get the usual permissions (0644 under umask 022).

Bounds, per file and URL:

* size: ``max_gz_bytes(fspec)``.  A .gz of an n-byte file is at most
  n + n/8 + 64 KiB: deflate's stored blocks add 5 bytes per 64 KiB, fixed
  Huffman codes at most 9 bits per byte (+12.5%), gzip's header and trailer
  18 bytes plus an optional file name and comment (64 KiB is plenty).
* time: the response headers within 2 x ``timeout``; after ``GRACE`` (30 s)
  at least ``MIN_RATE`` (32 KiB/s, a 256 kbit/s line) on average, so a
  trickle is dropped after 30 s; and all of it within ``deadline=`` seconds,
  by default ``file_deadline``: GRACE + the largest size at MIN_RATE (27
  minutes for the training images, 34 s for a label file).

Every failure is a ``DataError``: ``CacheWriteError`` (the cache cannot be
written, whenever that shows up, closing the file included) or
``DownloadFailed`` (every URL tried, each with its reason).

Mirrors: the ``mirrors=`` argument, else ``$D2L_DATA_MIRRORS`` (base URLs
separated by commas or spaces; ``{dataset}`` is replaced by the dataset name),
else the dataset's own list.

Introduced in chapters/00_getting_started.ipynb.
"""

import os
import re
import secrets
import time

from ..language import text
from . import httpget
from .idx import DataError
from .sources import get_spec, read_verified

__all__ = ["mirror_list", "download_missing", "max_gz_bytes", "file_deadline",
           "remove_stale_parts", "DownloadFailed", "CacheWriteError"]

TIMEOUT = 30.0         # seconds, for connecting and for each read
RETRIES = 2            # extra attempts per URL after a transient error
RETRY_BACKOFF = 1.0    # seconds before the first retry, doubled each time
MIN_RATE = 32 * 1024   # bytes per second on average (a 256 kbit/s line) ...
GRACE = 30.0           # ... once this many seconds have passed


class CacheWriteError(DataError):
    """The cache folder cannot be written (no permission, disk full...)."""

    def __init__(self, path, err):
        super().__init__(path, text(f"cannot write the download ({type(err).__name__}: {err})",
                                    f"无法写入下载的文件（{type(err).__name__}: {err}）"),
                         text("Free some disk space, or set XDG_CACHE_HOME to a writable "
                              "folder.",
                              "请释放一些磁盘空间，或把 XDG_CACHE_HOME 设为一个可写的文件夹。"))


class DownloadFailed(DataError):
    """No mirror delivered a file; ``attempts`` lists (url, reason)."""

    def __init__(self, name, attempts):
        self.name, self.attempts = name, attempts
        tried = ("\n".join(f"  {url}: {reason}" for url, reason in attempts)
                 or text("  no mirrors", "  没有镜像"))
        super().__init__(None, text(f"could not download {name}; tried:\n{tried}",
                                    f"无法下载 {name}；尝试过：\n{tried}"),
                         text("Check the internet connection, or set D2L_DATA_MIRRORS to a "
                              "mirror that has the files.",
                              "请检查网络连接，或把 D2L_DATA_MIRRORS 设为一个有这些文件的镜像。"))


def max_gz_bytes(fspec):
    """The most bytes a .gz of ``fspec`` (decompressed size ``fspec.size``) can take."""
    return fspec.size + fspec.size // 8 + 65536


def file_deadline(fspec):
    """Default seconds one URL gets to deliver ``fspec``'s .gz: its largest size at MIN_RATE."""
    return GRACE + max_gz_bytes(fspec) / MIN_RATE


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


# ----------------------------------------------------------------------------- temporary files
def _part_pattern(spec):
    """Our temporary files: .<file>.gz.<pid>.<random>.part."""
    names = "|".join(re.escape(f.name + ".gz") for f in spec.files)
    return re.compile(rf"^\.({names})\.(\d+)\.[a-z0-9_]+\.part$")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process
        pass
    return True


def remove_stale_parts(spec, folder):
    """Remove the temporary files in ``folder`` whose download is no longer running.

    Only files named like ours for ``spec``'s files; a file stays while the
    process named in it runs.  Returns the names removed.
    """
    pattern, removed = _part_pattern(get_spec(spec)), []
    with os.scandir(folder) as entries:
        for entry in entries:
            match = pattern.match(entry.name)
            if not match or not entry.is_file(follow_symlinks=False):
                continue
            if _alive(int(match.group(2))):
                continue
            try:
                os.unlink(entry.path)
            except FileNotFoundError:
                continue  # another process cleaned it up
            except OSError as err:
                raise CacheWriteError(entry.path, err) from err
            removed.append(entry.name)
    return removed


def _new_part(dest):
    """Create dest's temporary file (mode 0666 minus the umask); return (fd, path)."""
    folder, base = os.path.split(dest)
    while True:
        path = os.path.join(folder, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.part")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue
        except OSError as err:
            raise CacheWriteError(folder, err) from err


def _download_to(tmp, fd, url, fspec, timeout, deadline, progress):
    """Download ``url`` into the new file ``tmp`` (open as ``fd``), flushed to disk."""
    try:
        out = os.fdopen(fd, "wb")
    except OSError as err:
        os.close(fd)
        raise CacheWriteError(tmp, err) from err

    def write(chunk):
        try:
            out.write(chunk)
        except OSError as err:
            raise CacheWriteError(tmp, err) from err

    try:
        httpget.get(url, write, max_bytes=max_gz_bytes(fspec), timeout=timeout,
                    deadline=deadline, headers_within=2 * timeout, min_rate=MIN_RATE,
                    grace=GRACE, progress=progress, label=fspec.name)
        try:
            out.flush()
            os.fsync(out.fileno())
        except OSError as err:
            raise CacheWriteError(tmp, err) from err
    finally:
        try:
            out.close()  # a full disk (NFS, quotas) may only show up here
        except OSError as err:
            raise CacheWriteError(tmp, err) from err


def _fetch(url, dest, fspec, spec, timeout, retries, progress, deadline):
    """Download ``url`` to ``dest`` (verified, atomic).  Raises FetchError or DataError."""
    for attempt in range(retries + 1):
        fd, tmp = _new_part(dest)
        try:
            _download_to(tmp, fd, url, fspec, timeout, deadline, progress)
            read_verified(tmp, fspec, spec, compressed=True)
            try:
                os.replace(tmp, dest)
            except OSError as err:
                raise CacheWriteError(dest, err) from err
            return
        except httpget.FetchError as err:
            if not err.retry or attempt == retries:
                raise
            time.sleep(RETRY_BACKOFF * 2 ** attempt)
        finally:
            if os.path.lexists(tmp):
                os.unlink(tmp)


def download_missing(spec, folder, mirrors=None, *, timeout=TIMEOUT, retries=RETRIES,
                     progress=True, deadline=None):
    """Download into ``folder`` every file of ``spec`` not already there (as raw or .gz).

    Returns the list of paths written.  Raises DownloadFailed for the first file
    no mirror could deliver (files already written stay: they are verified).
    A mirror that stays unreachable after the retries, or misses a deadline, is
    not asked again.  ``deadline``: seconds per file and URL (default:
    ``file_deadline``).  Stale temporary files in ``folder`` are removed first.
    """
    spec = get_spec(spec)
    urls = mirror_list(spec, mirrors)
    created = not os.path.isdir(folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise CacheWriteError(folder, err) from err
    remove_stale_parts(spec, folder)
    written, dead = [], set()
    for fspec in spec.files:
        if any(os.path.isfile(os.path.join(folder, fspec.name + ext)) for ext in ("", ".gz")):
            continue
        dest = os.path.join(folder, fspec.name + ".gz")
        attempts = []
        for mirror in urls:
            url = _url(mirror, fspec)
            if mirror in dead:
                attempts.append((url, "skipped: unreachable or too slow for an earlier file"))
                continue
            try:
                _fetch(url, dest, fspec, spec, timeout, retries, progress,
                       file_deadline(fspec) if deadline is None else deadline)
            except httpget.FetchError as err:
                if err.retry:
                    dead.add(mirror)
                    attempts.append((url, f"unreachable after {retries + 1} attempts ({err})"))
                else:
                    dead.update([mirror] if err.kind == "deadline" else [])
                    attempts.append((url, err.reason))
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
