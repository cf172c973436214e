"""Where a dataset's four IDX files come from, and how each file is verified.

Lookup order (the first folder that holds all four files wins):

1. ``root=`` argument          kind ``'argument'``
2. ``$D2L_DATA_DIR``           kind ``'D2L_DATA_DIR'``
   (for 1 and 2, ``<folder>/<dataset>`` is tried before ``<folder>`` itself)
3. the user cache              kind ``'cache'``:
   ``$XDG_CACHE_HOME/d2l_utils/<dataset>``, default ``~/.cache/d2l_utils/<dataset>``
4. system copies               kind ``'system'``: ``/usr/share/datasets/fashion-mnist``
   (Debian/Ubuntu package ``dataset-fashion-mnist``)
5. download into the cache     kind ``'download'`` (see ``download.py``)

Each file may be gzip-compressed (``name.gz``) or raw (``name``); raw wins if both
are there.  A folder that holds only some of the files is skipped (and named in
the error if nothing is found).

Policy: a folder that holds all four files but where a file FAILS verification is
an error naming that file (never a silent fall-back to another copy), so a
damaged copy gets noticed and repaired instead of being shadowed.  For the same
reason a file name that exists but cannot be read (a directory, a symbolic link
loop or a broken link) is an error naming it, and so is ``D2L_DATA_DIR`` set to
a folder that does not exist.  Folders are made absolute (``root='data'`` gives
``Location.folder == '/current/dir/data'``).  Nothing here touches the network
unless no local folder is complete.

The datasets themselves (files, sizes, hashes, mirrors) are in ``specs.py``.

Introduced in chapters/00_getting_started.ipynb and chapters/01_fashion_mnist.ipynb.
"""

import errno
import hashlib
import math
import os
import stat
from dataclasses import dataclass

from ..language import text
from .idx import DataError, check_images, check_labels, check_pair, read_idx
from .idx_header import Expected
from .specs import DATASETS, FASHION_MNIST, MNIST, ROLES, DatasetSpec, FileSpec, get_spec

__all__ = ["FileSpec", "DatasetSpec", "Location", "DATASETS", "FASHION_MNIST", "MNIST",
           "get_spec", "default_cache_dir", "candidate_folders", "folder_status", "find_local",
           "expected", "read_verified", "read_split", "remedy_for", "ROLES"]


@dataclass(frozen=True)
class Location:
    """Where a dataset was found.

    ``kind`` is 'argument', 'D2L_DATA_DIR', 'cache', 'system' or 'download';
    ``folder`` the folder; ``paths`` maps each role ('train_images', ...) to its file.
    """

    dataset: str
    kind: str
    folder: str
    paths: dict

    def __str__(self):
        return f"{get_spec(self.dataset).title} ({self.kind}): {self.folder}"


def default_cache_dir(dataset):
    """``$XDG_CACHE_HOME/d2l_utils/<dataset>``, or ``~/.cache/d2l_utils/<dataset>``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec says to ignore relative paths
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "d2l_utils", get_spec(dataset).name)


def _folder_arg(name, value):
    """``value`` (str or os.PathLike) as an absolute folder path; TypeError names ``name``."""
    folder = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
    if not isinstance(folder, str):
        raise TypeError(f"{name} must be a folder as str or os.PathLike (e.g. pathlib.Path), "
                        f"not {type(value if folder is None else folder).__name__}: {value!r}")
    return os.path.abspath(os.path.expanduser(folder))


def candidate_folders(spec, root=None, cache_dir=None, system_dirs=None):
    """The folders to look in, in order, as a list of (kind, absolute folder).

    Raises DataError if ``$D2L_DATA_DIR`` names a folder that does not exist:
    it was set to be used, so skipping it silently would hide a typo.
    """
    spec = get_spec(spec)
    found = []
    env = os.environ.get("D2L_DATA_DIR") or None
    for kind, base in (("argument", root), ("D2L_DATA_DIR", env)):
        if base is not None and base != "":
            base = _folder_arg("root" if kind == "argument" else kind, base)
            if kind == "D2L_DATA_DIR" and not os.path.isdir(base):
                raise DataError(None, text(f"D2L_DATA_DIR is set to {base}, which is not an "
                                           "existing folder",
                                           f"D2L_DATA_DIR 被设为 {base}，但它不是一个已存在的"
                                           "文件夹"),
                                text(f"Create it and put the {spec.title} files in it, or "
                                     "unset D2L_DATA_DIR.",
                                     f"请创建它并把 {spec.title} 的文件放进去，或取消设置 "
                                     "D2L_DATA_DIR。"))
            found += [(kind, os.path.join(base, spec.name)), (kind, base)]
    found.append(("cache", _folder_arg("cache_dir", cache_dir) if cache_dir is not None
                  else default_cache_dir(spec)))
    found += [("system", d) for d in (spec.system_dirs if system_dirs is None else system_dirs)]
    return found


def _unusable(path):
    """Why ``path``, which exists as a name, cannot be read as a file (None if it can)."""
    try:
        st = os.stat(path)
    except OSError as err:
        if err.errno == errno.ELOOP:
            return text("is a symbolic link loop", "是一个循环的符号链接")
        if err.errno == errno.ENOENT:
            return text(f"is a broken symbolic link (to {os.readlink(path)})",
                        f"是一个失效的符号链接（指向 {os.readlink(path)}）")
        return text(f"cannot be opened ({type(err).__name__}: {err.strerror})",
                    f"无法打开（{type(err).__name__}: {err.strerror}）")
    if stat.S_ISDIR(st.st_mode):
        return text("is a directory, not a file", "是一个目录，而不是文件")
    if not stat.S_ISREG(st.st_mode):
        return text("is not a regular file", "不是普通文件")
    return None


def _file_in(folder, fspec):
    """The file of ``fspec`` in ``folder`` (raw, else .gz), or None if neither name exists.

    A name that exists but is not a readable file (a directory, a symbolic
    link loop or a broken link) is an error naming it, not a missing file.
    """
    for candidate in (fspec.name, fspec.name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.lexists(path):
            problem = _unusable(path)
            if problem:
                raise DataError(path, text(f"{problem}, where {fspec.name}[.gz] should be",
                                           f"{problem}，而这里应当是 {fspec.name}[.gz]"),
                                text(f"Remove or replace it (in {folder}).",
                                     f"请删除或替换它（在 {folder} 中）。"))
            return path
    return None


def folder_status(spec, kind, folder):
    """(Location or None, what is missing) for one folder; files are not yet verified."""
    paths = {role: _file_in(folder, f) for role, f in zip(ROLES, spec.files, strict=True)}
    missing = [f.name for role, f in zip(ROLES, spec.files, strict=True) if paths[role] is None]
    if not missing:
        return Location(spec.name, kind, folder, paths), ""
    if not os.path.isdir(folder):
        return None, text("folder does not exist", "文件夹不存在")
    names = ", ".join(f"{m}[.gz]" for m in missing)
    return None, text(f"missing {names}", f"缺少 {names}")


def find_local(spec, root=None, cache_dir=None, system_dirs=None):
    """First complete folder as a Location (files not yet verified), or None.

    Also returns the list of (kind, folder, what is missing) looked at, for messages.
    """
    spec = get_spec(spec)
    looked = []
    for kind, folder in candidate_folders(spec, root, cache_dir, system_dirs):
        location, status = folder_status(spec, kind, folder)
        if location is not None:
            return location, looked
        looked.append((kind, folder, status))
    return None, looked


def remedy_for(kind, path, spec):
    """What to do about a bad file, depending on where it was found."""
    folder = os.path.dirname(path)
    if kind in ("cache", "download"):
        return text(f"Delete {path} and run: python -m d2l_utils.data fetch",
                    f"请删除 {path} 并运行：python -m d2l_utils.data fetch")
    if kind == "system" and spec.apt_package:
        return text(f"Reinstall the package: sudo apt-get install --reinstall "
                    f"{spec.apt_package}",
                    f"请重新安装这个软件包：sudo apt-get install --reinstall "
                    f"{spec.apt_package}")
    if kind == "D2L_DATA_DIR":
        return text(f"Replace it with a good copy, or remove it and unset D2L_DATA_DIR "
                    f"({folder})",
                    f"请换成一份完好的副本，或删除它并取消设置 D2L_DATA_DIR（{folder}）")
    return text(f"Replace it with a good copy of {spec.title}'s file, or delete it from "
                f"{folder}",
                f"请换成 {spec.title} 的一份完好的文件，或把它从 {folder} 中删除")


def _known_elsewhere(spec, sha256):
    for other in DATASETS.values():
        for f in other.files:
            if other.name != spec.name and f.sha256 == sha256:
                return f"{other.title}'s {f.name}"
    return None


def expected(spec, fspec):
    """The ``Expected`` header of one of ``spec``'s files, from its role and size."""
    role = ROLES[spec.files.index(fspec)].split("_")[1]
    if role == "labels":
        dims = (fspec.size - 8,)
    else:
        item = math.prod(spec.image_shape)
        count, rest = divmod(fspec.size - 4 - 4 * (1 + len(spec.image_shape)), item)
        assert rest == 0, f"{fspec.name}: size {fspec.size} is not a whole number of images"
        dims = (count, *spec.image_shape)
    return Expected(f"{spec.title}'s {fspec.name}", role, dims)


def read_verified(path, fspec, spec, compressed=None):
    """Read one file and verify it against ``fspec``; return the numpy array.

    The header is checked against the file's role and size before the data is
    read (see ``idx_header``).  Raises DataError (without a location-specific
    remedy) on any mismatch.
    """
    digest = hashlib.sha256()
    array = read_idx(path, digest, compressed, expect=expected(spec, fspec))
    sha = digest.hexdigest()
    if fspec.sha256 is not None:
        if sha != fspec.sha256:
            raise DataError(path, text(f"SHA-256 of the decompressed content is {sha}, "
                                       f"expected {fspec.sha256} (damaged or a different file)",
                                       f"解压后内容的 SHA-256 为 {sha}，应为 {fspec.sha256}"
                                       "（文件已损坏，或是另一个文件）"))
        return array
    other = _known_elsewhere(spec, sha)
    if other:
        raise DataError(path, text(f"this is {other}, not {spec.title}'s",
                                   f"这是 {other}，不是 {spec.title} 的"))
    gz = compressed if compressed is not None else os.fspath(path).endswith(".gz")
    if gz and fspec.gz_md5 is not None:
        with open(path, "rb") as f:
            md5 = hashlib.file_digest(f, "md5").hexdigest()
        if md5 != fspec.gz_md5:
            raise DataError(path, text(f"MD5 of the .gz file is {md5}, the published "
                                       f"original's is {fspec.gz_md5} (damaged, or "
                                       "recompressed: then gunzip it)",
                                       f".gz 文件的 MD5 为 {md5}，公开发布的原文件为 "
                                       f"{fspec.gz_md5}（文件已损坏，或被重新压缩过："
                                       "那就用 gunzip 解压）"))
    return array


def read_split(location, split):
    """Read and verify one split of a located dataset.

    Returns (images uint8 (N, 28, 28), labels uint8 (N,)), N = 60000 for 'train'
    and 10000 for 'test' in Fashion-MNIST and MNIST.  Raises DataError naming the
    file and what to do, depending on ``location.kind``.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    spec = get_spec(location.dataset)
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    img_path, lbl_path = location.paths[f"{split}_images"], location.paths[f"{split}_labels"]
    current = img_path
    try:
        images = read_verified(img_path, spec.file(f"{split}_images"), spec)
        check_images(img_path, images, spec.image_shape)
        current = lbl_path
        labels = read_verified(lbl_path, spec.file(f"{split}_labels"), spec)
        check_labels(lbl_path, labels, spec.num_classes)
        check_pair(img_path, images, lbl_path, labels)
    except DataError as err:
        raise err.with_remedy(remedy_for(location.kind, err.path or current, spec)) from None
    return images, labels
