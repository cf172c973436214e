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
damaged copy gets noticed and repaired instead of being shadowed.  Nothing here
touches the network unless no local folder is complete.

Introduced in chapters/00_getting_started.ipynb and chapters/01_fashion_mnist.ipynb.
"""

import hashlib
import math
import os
from dataclasses import dataclass

from .idx import DataError, check_images, check_labels, check_pair, read_idx
from .idx_header import Expected

__all__ = ["FileSpec", "DatasetSpec", "Location", "DATASETS", "FASHION_MNIST", "MNIST",
           "get_spec", "default_cache_dir", "candidate_folders", "folder_status", "find_local",
           "expected", "read_verified", "read_split", "remedy_for"]

ROLES = ("train_images", "train_labels", "test_images", "test_labels")


@dataclass(frozen=True)
class FileSpec:
    """One IDX file: raw name, decompressed size, and what we can check it against."""

    name: str                  # e.g. "train-images-idx3-ubyte" (".gz" is added when compressed)
    size: int                  # bytes after decompression, header included
    sha256: str | None = None  # of the decompressed content, so recompressed copies validate
    gz_md5: str | None = None  # of the original .gz as published (checked only on .gz files)


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset in IDX format: its four files, mirrors, and system copies."""

    name: str                     # folder and CLI name, e.g. "fashion-mnist"
    title: str                    # for messages, e.g. "Fashion-MNIST"
    files: tuple                  # four FileSpecs in ROLES order
    mirrors: tuple                # base URLs; "<mirror>/<name>.gz" is fetched
    system_dirs: tuple = ()
    apt_package: str | None = None
    num_classes: int = 10
    image_shape: tuple = (28, 28)

    def file(self, role):
        return self.files[ROLES.index(role)]


FASHION_MNIST = DatasetSpec(
    name="fashion-mnist", title="Fashion-MNIST",
    # SHA-256 of the decompressed files, checked by the lead against Debian's copy.
    files=(
        FileSpec("train-images-idx3-ubyte", 47040016,
                 "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        FileSpec("train-labels-idx1-ubyte", 60008,
                 "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        FileSpec("t10k-images-idx3-ubyte", 7840016,
                 "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        FileSpec("t10k-labels-idx1-ubyte", 10008,
                 "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ),
    mirrors=(
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/dataset/fashion-mnist/",
    ),
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    apt_package="dataset-fashion-mnist",
)

# MNIST: what is verified, and how.  We could not compute the SHA-256 of MNIST's
# decompressed files here (no internet, and no Debian package ships MNIST), so we
# do not claim one.  Checked instead:
#   * every copy: decompressed size, IDX structure (magic, dtype, shape, counts),
#     labels in 0..9, gzip's own CRC-32 for .gz files, and that the file is not a
#     Fashion-MNIST file (whose SHA-256 we know) under the same name;
#   * .gz files (all downloads, since the mirrors serve the originals): the MD5 of
#     the compressed file must equal the widely published MD5 of the original.
# So a raw (uncompressed) MNIST copy is checked by size and structure only.
MNIST = DatasetSpec(
    name="mnist", title="MNIST",
    files=(
        FileSpec("train-images-idx3-ubyte", 47040016, gz_md5="f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        FileSpec("train-labels-idx1-ubyte", 60008, gz_md5="d53e105ee54ea40749a09fcbcd1e9432"),
        FileSpec("t10k-images-idx3-ubyte", 7840016, gz_md5="9fb629c4189551a2d022fa330f9573f3"),
        FileSpec("t10k-labels-idx1-ubyte", 10008, gz_md5="ec29112dd5afa0611ce80d1b7f02629c"),
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/dataset/mnist/",
    ),
)

DATASETS = {spec.name: spec for spec in (FASHION_MNIST, MNIST)}


def get_spec(dataset):
    """A DatasetSpec from its name ('fashion-mnist', 'mnist') or the spec itself."""
    if isinstance(dataset, DatasetSpec):
        return dataset
    try:
        return DATASETS[dataset]
    except KeyError:
        raise ValueError(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}") from None


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


def candidate_folders(spec, root=None, cache_dir=None, system_dirs=None):
    """The folders to look in, in order, as a list of (kind, folder)."""
    spec = get_spec(spec)
    found = []
    for kind, base in (("argument", root), ("D2L_DATA_DIR", os.environ.get("D2L_DATA_DIR"))):
        if base:
            base = os.path.expanduser(os.fspath(base))
            found += [(kind, os.path.join(base, spec.name)), (kind, base)]
    found.append(("cache", os.fspath(cache_dir) if cache_dir else default_cache_dir(spec)))
    found += [("system", d) for d in (spec.system_dirs if system_dirs is None else system_dirs)]
    return found


def _file_in(folder, fspec):
    for candidate in (fspec.name, fspec.name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def folder_status(spec, kind, folder):
    """(Location or None, what is missing) for one folder; files are not yet verified."""
    paths = {role: _file_in(folder, f) for role, f in zip(ROLES, spec.files, strict=True)}
    missing = [f.name for role, f in zip(ROLES, spec.files, strict=True) if paths[role] is None]
    if not missing:
        return Location(spec.name, kind, folder, paths), ""
    if not os.path.isdir(folder):
        return None, "folder does not exist"
    return None, "missing " + ", ".join(f"{m}[.gz]" for m in missing)


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
        return f"Delete {path} and run: python -m d2l_utils.data fetch"
    if kind == "system" and spec.apt_package:
        return f"Reinstall the package: sudo apt-get install --reinstall {spec.apt_package}"
    if kind == "D2L_DATA_DIR":
        return f"Replace it with a good copy, or remove it and unset D2L_DATA_DIR ({folder})"
    return f"Replace it with a good copy of {spec.title}'s file, or delete it from {folder}"


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
            raise DataError(path, f"SHA-256 of the decompressed content is {sha}, "
                                  f"expected {fspec.sha256} (damaged or a different file)")
        return array
    other = _known_elsewhere(spec, sha)
    if other:
        raise DataError(path, f"this is {other}, not {spec.title}'s")
    gz = compressed if compressed is not None else os.fspath(path).endswith(".gz")
    if gz and fspec.gz_md5 is not None:
        with open(path, "rb") as f:
            md5 = hashlib.file_digest(f, "md5").hexdigest()
        if md5 != fspec.gz_md5:
            raise DataError(path, f"MD5 of the .gz file is {md5}, the published original's is "
                                  f"{fspec.gz_md5} (damaged, or recompressed: then gunzip it)")
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
