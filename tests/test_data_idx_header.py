"""d2l_utils/data/idx_header.py: damaged or hostile headers are rejected before they cost memory.

Damaged files of every kind, checked against the real Fashion-MNIST spec
(sizes from the published files); the files themselves are generated.
"""

import gzip
import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest
from helpers import gzip_of_zeros, idx_bytes, write_file

from d2l_utils.data import DataError, read_idx
from d2l_utils.data.sources import FASHION_MNIST, MNIST, expected, read_verified

HUGE = 1_500_000_000  # labels a hostile 1.4 MB .gz can declare
MAX32 = 2**32 - 1


def labels_header(count):
    return b"\x00\x00\x08\x01" + struct.pack(">I", count)


def images_header(*dims):
    return b"\x00\x00\x08\x03" + struct.pack(">3I", *dims)


def verify(path, role, spec=FASHION_MNIST):
    return read_verified(path, spec.file(role), spec)


def test_expected_headers_follow_from_the_published_sizes():
    assert expected(FASHION_MNIST, FASHION_MNIST.file("train_images")).dims == (60000, 28, 28)
    assert expected(FASHION_MNIST, FASHION_MNIST.file("train_labels")).dims == (60000,)
    assert expected(MNIST, MNIST.file("test_images")).dims == (10000, 28, 28)
    assert expected(MNIST, MNIST.file("test_labels")).dims == (10000,)


def test_huge_label_count_is_rejected_from_the_header(tmp_path):
    path = gzip_of_zeros(tmp_path / "train-labels-idx1-ubyte.gz", labels_header(HUGE), HUGE)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(DataError) as info:
        verify(path, "train_labels")
    assert info.value.path == str(path)
    assert ("header declares 1500000000 labels, Fashion-MNIST's train-labels-idx1-ubyte "
            "(labels) has 60000 (decompressed size would be 1500000008 bytes, expected 60008)"
            in str(info.value))


@pytest.mark.parametrize("name", ["train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"])
def test_labels_file_with_the_images_magic_names_the_file(tmp_path, name):
    labels = np.arange(60000) % 10
    content = bytearray(idx_bytes(labels))
    content[3] = 3  # 2049 -> 2051: the next 8 label bytes are read as two more dimensions
    path = write_file(tmp_path / name, bytes(content))
    with pytest.raises(DataError) as info:
        verify(path, "train_labels")
    assert str(info.value).startswith(
        f"{path}: magic number 2051 (0x00000803: unsigned byte, 3 dimensions, an image file), "
        "expected 2049 (0x00000801: unsigned byte, 1 dimension, a label file) for "
        "Fashion-MNIST's train-labels-idx1-ubyte (labels)")
    with pytest.raises(DataError, match="truncated: header .* needs "):  # without a role, too
        read_idx(path)


@pytest.mark.parametrize("name", ["x", "x.gz"])
def test_dimensions_that_overflow_64_bits_give_the_exact_byte_count(tmp_path, name):
    path = write_file(tmp_path / name, images_header(MAX32, MAX32, MAX32) + b"\0" * 10)
    needs = MAX32**3
    assert needs == 79228162458924105385300197375
    with pytest.raises(DataError, match=f"needs {needs} data bytes"):
        read_idx(path)
    with pytest.raises(DataError, match=r"header declares items of 4294967295x4294967295"):
        verify(path, "train_images")


def test_wrong_item_shape_and_dtype(tmp_path):
    path = write_file(tmp_path / "i", idx_bytes(np.zeros((60000, 28, 27), np.uint8)))
    with pytest.raises(DataError, match=r"items of 28x27 \(dimensions \(60000, 28, 27\)\), "
                                        r"Fashion-MNIST's train-images-idx3-ubyte \(images\) "
                                        r"has 28x28"):
        verify(path, "train_images")
    path = write_file(tmp_path / "l", idx_bytes(np.zeros(10000), code=0x0C))
    with pytest.raises(DataError, match=r"magic number 3073 \(0x00000C01: int, 1 dimension\), "
                                        r"expected 2049"):
        verify(path, "test_labels")


def test_raw_file_length_is_checked_before_reading(tmp_path):
    path = write_file(tmp_path / "l", labels_header(HUGE) + b"\0" * 100)
    with pytest.raises(DataError, match=f"truncated: header \\({HUGE},\\) needs {HUGE} data "
                                        "bytes, file has 100"):
        read_idx(path)


def test_gzip_too_small_for_its_header_is_truncated(tmp_path):
    path = write_file(tmp_path / "l.gz", labels_header(HUGE) + b"\0" * 100)
    with pytest.raises(DataError, match=f"needs {HUGE} data bytes, more than a "
                                        r"\d+-byte .gz file can hold \(1032 times its size\)"):
        read_idx(path)


# ----------------------------------------------------------------------------- peak memory
CHILD = r"""
import json, sys
from d2l_utils.data import DataError, read_idx
from d2l_utils.data.sources import FASHION_MNIST, read_verified


def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key + ":"))


results = {}
for name, path, role in json.loads(sys.argv[1]):
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident size
    before = status("VmRSS")
    try:
        if role:
            read_verified(path, FASHION_MNIST.file(role), FASHION_MNIST)
        else:
            read_idx(path)
        outcome = "accepted"
    except DataError:
        outcome = "DataError"
    except BaseException as err:  # noqa: BLE001 - report whatever the old code did
        outcome = type(err).__name__
    results[name] = [outcome, status("VmHWM") - before]
print(json.dumps(results))
"""


def peak_memory_of_rejecting(cases):
    """{name: (outcome, peak resident bytes above the start)} of reading each file in a child."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(cases)], env=env,
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def half_images(path):
    """Train images cut after half of their (random, hardly compressible) pixels."""
    pixels = np.random.default_rng(0).integers(0, 256, 60000 * 28 * 28 // 2, dtype=np.uint8)
    path.write_bytes(gzip.compress(images_header(60000, 28, 28) + pixels.tobytes(),
                                   compresslevel=1, mtime=0))
    return path


@pytest.mark.skipif(not os.access("/proc/self/clear_refs", os.W_OK),
                    reason="needs Linux's /proc/self/clear_refs to measure peak memory")
def test_peak_memory_of_rejecting_damaged_files_stays_below_the_real_size(tmp_path):
    labels = idx_bytes(np.arange(60000) % 10)
    images_magic = bytearray(labels)
    images_magic[3] = 3
    real = {"labels": FASHION_MNIST.file("train_labels").size,
            "images": FASHION_MNIST.file("train_images").size}
    files = {  # name: (path, role or None for read_idx without one, the real file's size)
        "1.5e9 labels (.gz)": (gzip_of_zeros(tmp_path / "huge.gz", labels_header(HUGE), HUGE),
                               "train_labels", real["labels"]),
        "labels + 1.5e9 extra bytes (.gz)": (
            gzip_of_zeros(tmp_path / "bomb.gz", labels, HUGE), "train_labels", real["labels"]),
        "images magic in labels": (write_file(tmp_path / "magic", bytes(images_magic)),
                                   "train_labels", real["labels"]),
        "images magic in labels, no role": (write_file(tmp_path / "magic", bytes(images_magic)),
                                            None, real["labels"]),
        "images magic in labels, no role (.gz)": (
            write_file(tmp_path / "magic.gz", bytes(images_magic)), None, real["labels"]),
        "dims (2^32-1)^3, no role": (write_file(tmp_path / "max", images_header(*[MAX32] * 3)),
                                     None, real["labels"]),
        "images cut at half (.gz)": (half_images(tmp_path / "half.gz"), "train_images",
                                     real["images"]),
    }
    peaks = peak_memory_of_rejecting([[name, str(path), role]
                                      for name, (path, role, _) in files.items()])
    print("\n".join(f"{name}: {outcome}, peak +{peak / 2**20:.1f} MiB"
                    for name, (outcome, peak) in peaks.items()))
    few_mb = 4 * 2**20
    for name, (_, _, size) in files.items():
        assert peaks[name][0] == "DataError", (name, peaks[name])
        assert peaks[name][1] < size + few_mb, (name, peaks[name])
