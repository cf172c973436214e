"""Fashion-MNIST and MNIST: finding, verifying, downloading and batching the IDX files.

``find_dataset`` says where the data is (``python -m d2l_utils.data where``),
``python -m d2l_utils.data fetch`` gets it (``make data``), the loaders give
numpy arrays or fast mini-batch iterators.  Every problem raises ``DataError``.

Introduced in chapters/00_getting_started.ipynb and chapters/01_fashion_mnist.ipynb.
"""

from .idx import DataError, read_idx
from .loader import (
    FASHION_MNIST_LABELS,
    DataIter,
    get_fashion_mnist_labels,
    load_arrays,
    load_data,
    load_data_fashion_mnist,
    load_data_mnist,
    load_fashion_mnist_arrays,
)
from .locate import find_dataset
from .sources import DATASETS, Location, default_cache_dir
from .split import split_train_valid, stratified_indices

__all__ = ["DataError", "read_idx", "FASHION_MNIST_LABELS", "DataIter",
           "get_fashion_mnist_labels", "load_arrays", "load_data", "load_data_fashion_mnist",
           "load_data_mnist", "load_fashion_mnist_arrays", "find_dataset", "DATASETS",
           "Location", "default_cache_dir", "split_train_valid", "stratified_indices"]
