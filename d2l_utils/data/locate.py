"""``find_dataset``: local copies first, then a download, else one clear error.

Introduced in chapters/00_getting_started.ipynb (the environment check).
"""

import os

from ..language import text
from .download import TIMEOUT, DownloadFailed, download_missing, mirror_list
from .idx import DataError
from .sources import default_cache_dir, find_local, folder_status, get_spec, read_split

__all__ = ["find_dataset", "remedies"]


def remedies(spec):
    """The ways to get the data, as the lines of a message."""
    spec = get_spec(spec)
    flag = "" if spec.name == "fashion-mnist" else f" --dataset {spec.name}"
    lines = [text(f"  - connect to the internet once and run: python -m d2l_utils.data "
                  f"fetch{flag}",
                  f"  - 联网一次并运行：python -m d2l_utils.data fetch{flag}")]
    if spec.apt_package:
        lines.append(text(f"  - on Debian/Ubuntu: sudo apt-get install {spec.apt_package}",
                          f"  - 在 Debian/Ubuntu 上：sudo apt-get install {spec.apt_package}"))
    names = ", ".join(f.name + ".gz" for f in spec.files)
    lines.append(text(f"  - copy the four files ({names}, or uncompressed) into a folder "
                      f"and set D2L_DATA_DIR to it",
                      f"  - 把这四个文件（{names}，或未压缩的版本）复制到一个文件夹，"
                      f"并把 D2L_DATA_DIR 设为该文件夹"))
    return text("To fix it, do one of:\n", "解决方法（任选其一）：\n") + "\n".join(lines)


def _not_found(spec, looked, attempts):
    lines = [text(f"{spec.title} not found", f"找不到 {spec.title}")]
    lines += [text("Looked in:", "查找过的位置：")]
    lines += [f"  {kind}: {folder} ({status})" for kind, folder, status in looked]
    if "D2L_DATA_DIR" not in os.environ:
        lines.append(text("  D2L_DATA_DIR: not set", "  D2L_DATA_DIR：未设置"))
    if attempts is None:
        lines.append(text("Download: not attempted (download=False)",
                          "下载：未尝试（download=False）"))
    elif not attempts:
        lines.append(text("Download: no mirrors to try", "下载：没有可尝试的镜像"))
    else:
        lines.append(text("Tried to download:", "尝试过下载："))
        lines += [f"  {url}: {reason}" for url, reason in attempts]
    return "\n".join(lines)


def find_dataset(dataset="fashion-mnist", root=None, *, download=True, verify=True,
                 mirrors=None, cache_dir=None, system_dirs=None, progress=True,
                 timeout=TIMEOUT, deadline=None):
    """Find (and if needed download) a dataset; return its ``Location``.

    ``location.kind`` says where it came from: 'argument' (``root=``),
    'D2L_DATA_DIR', 'cache', 'system' (``/usr/share/datasets/...``) or
    'download' (just downloaded into the cache); ``location.folder`` is the
    folder and ``location.paths`` the four files.  Local folders are tried in
    that order and nothing touches the network when one of them is complete.

    With ``verify=True`` all four files are read and checked (SHA-256 of the
    decompressed content for Fashion-MNIST, see ``sources.MNIST`` for MNIST),
    which takes about a second; loading verifies anyway, so the loaders pass
    ``verify=False``.  A complete folder with a bad file is an error naming the
    file, never a silent fall-back.  If nothing is found and nothing can be
    downloaded, DataError lists every place tried and the remedies.

    ``cache_dir``/``system_dirs`` override the default folders (tests use them).
    ``timeout`` (seconds per read) and ``deadline`` (seconds per file) bound a
    download, see ``download.py``.

    Introduced in chapters/00_getting_started.ipynb.
    """
    spec = get_spec(dataset)
    location, looked = find_local(spec, root, cache_dir, system_dirs)  # also checks root's type
    if root not in (None, "") and not os.path.isdir(root):
        # as for $D2L_DATA_DIR: a folder named on purpose that is missing is a typo, not a
        # reason to use another copy silently
        raise DataError(None, text(f"the data folder {os.fspath(root)} is not an existing folder",
                                   f"数据文件夹 {os.fspath(root)} 不是一个已存在的文件夹"),
                        text(f"Create it and put the {spec.title} files in it, or give another "
                             "folder",
                             f"请创建它并把 {spec.title} 的文件放进去，或指定另一个文件夹"))
    if location is None:
        if not download:
            raise DataError(None, _not_found(spec, looked, None), remedies(spec))
        folder = os.fspath(cache_dir) if cache_dir else default_cache_dir(spec)
        try:
            download_missing(spec, folder, mirror_list(spec, mirrors), timeout=timeout,
                             progress=progress, deadline=deadline)
        except DownloadFailed as err:
            raise DataError(None, _not_found(spec, looked, err.attempts), remedies(spec)) from None
        location, status = folder_status(spec, "download", folder)
        assert location is not None, status  # download_missing wrote every missing file
    if verify:
        for split in ("train", "test"):
            read_split(location, split)
    return location
