"""The datasets: their four IDX files, sizes and hashes, mirrors and system copies.

``DATASETS`` maps a name ('fashion-mnist', 'mnist') to its ``DatasetSpec``;
``get_spec`` accepts either.  ``sources.py`` re-exports every name here.

Introduced in chapters/00_getting_started.ipynb and chapters/01_fashion_mnist.ipynb.
"""

from dataclasses import dataclass

__all__ = ["ROLES", "FileSpec", "DatasetSpec", "DATASETS", "FASHION_MNIST", "MNIST", "get_spec"]

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
    # SHA-256 of the decompressed files; Debian's dataset-fashion-mnist has the same.
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
