"""d2l_utils/data/idx.py: reading IDX files and every way they can be broken."""

import gzip
import hashlib
import struct

import numpy as np
import pytest
from helpers import idx_bytes, write_file

from d2l_utils.data.idx import DataError, check_images, check_labels, check_pair, read_idx

IMAGES = np.arange(3 * 28 * 28, dtype=np.int64).reshape(3, 28, 28).astype(np.uint8)
LABELS = np.array([0, 9, 4], dtype=np.uint8)


@pytest.mark.parametrize("name", ["x-idx3-ubyte", "x-idx3-ubyte.gz"])
def test_reads_raw_and_gzip_identically(tmp_path, name):
    path = write_file(tmp_path / name, idx_bytes(IMAGES))
    got = read_idx(path)
    assert got.dtype == np.uint8 and got.shape == (3, 28, 28)
    np.testing.assert_array_equal(got, IMAGES)


def test_digest_covers_the_decompressed_bytes(tmp_path):
    content = idx_bytes(LABELS)
    digest = hashlib.sha256()
    read_idx(write_file(tmp_path / "l.gz", content), digest)
    assert digest.hexdigest() == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("code", [0x09, 0x0B, 0x0C, 0x0D, 0x0E])
def test_other_idx_dtypes_are_big_endian_and_come_back_native(tmp_path, code):
    values = np.array([[-3, 1], [2, 100]])
    got = read_idx(write_file(tmp_path / "v", idx_bytes(values, code)))
    assert got.dtype.isnative
    np.testing.assert_array_equal(got, values)


def test_compressed_flag_overrides_the_name(tmp_path):
    path = write_file(tmp_path / "download.part", idx_bytes(LABELS), compress=True)
    np.testing.assert_array_equal(read_idx(path, compressed=True), LABELS)


def expect_error(path, *fragments):
    with pytest.raises(DataError) as info:
        read_idx(path)
    message = str(info.value)
    assert str(path) in message and info.value.path == str(path)
    for fragment in fragments:
        assert fragment in message
    assert "fetch" in message  # says what to do
    return info.value


def test_bad_magic(tmp_path):
    path = write_file(tmp_path / "f", b"\x01\x02\x08\x01" + b"\0" * 8)
    expect_error(path, "magic number 01020801")


def test_empty_file(tmp_path):
    expect_error(write_file(tmp_path / "f", b""), "magic number missing")


def test_unknown_dtype_code(tmp_path):
    content = bytearray(idx_bytes(LABELS))
    content[2] = 0x07
    expect_error(write_file(tmp_path / "f", bytes(content)), "unknown IDX dtype code 0x07")


def test_zero_dimensions(tmp_path):
    expect_error(write_file(tmp_path / "f", b"\x00\x00\x08\x00"), "0 dimensions")


def test_truncated_header(tmp_path):
    expect_error(write_file(tmp_path / "f", b"\x00\x00\x08\x03" + struct.pack(">I", 3)),
                 "truncated header", "4 of 12 bytes")


@pytest.mark.parametrize("name", ["f", "f.gz"])
def test_truncated_data(tmp_path, name):
    path = write_file(tmp_path / name, idx_bytes(IMAGES)[:-100])
    expect_error(path, "truncated", f"needs {IMAGES.size} data bytes, file has {IMAGES.size - 100}")


def test_extra_bytes_after_the_data(tmp_path):
    expect_error(write_file(tmp_path / "f", idx_bytes(LABELS) + b"\0"), "extra bytes")


def test_not_gzip_although_named_gz(tmp_path):
    path = write_file(tmp_path / "f.gz", idx_bytes(LABELS), compress=False)
    expect_error(path, "cannot read the file", "BadGzipFile")


def test_gzip_cut_short(tmp_path):
    data = gzip.compress(idx_bytes(IMAGES))
    expect_error(write_file(tmp_path / "f.gz", data[: len(data) // 2], compress=False),
                 "cannot read the file")


def test_gzip_crc_mismatch(tmp_path):
    data = bytearray(gzip.compress(idx_bytes(IMAGES)))
    data[-8] ^= 0xFF  # CRC-32 of the member
    expect_error(write_file(tmp_path / "f.gz", bytes(data), compress=False), "CRC")


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope", "file not found")


def test_error_parts_and_remedy_swap(tmp_path):
    err = DataError(tmp_path / "a", "it is broken", "Do this")
    assert str(err) == f"{tmp_path / 'a'}: it is broken. Do this"
    other = err.with_remedy("Do that")
    assert (other.path, other.problem, str(other)) == (err.path, err.problem,
                                                       f"{tmp_path / 'a'}: it is broken. Do that")
    assert str(DataError(None, "nothing\nanywhere", "fix")) == "nothing\nanywhere\nfix"


def test_check_images_dtype_and_dims():
    check_images("p", IMAGES)
    with pytest.raises(DataError, match=r"p: images have dtype >?int16"):
        check_images("p", IMAGES.astype(np.int16))
    with pytest.raises(DataError, match=r"shape \(3, 28, 27\), expected \(N, 28, 28\)"):
        check_images("p", IMAGES[:, :, :27])
    with pytest.raises(DataError, match=r"shape \(3, 784\)"):
        check_images("p", IMAGES.reshape(3, 784))


def test_check_labels_range_dtype_and_dims():
    check_labels("p", LABELS)
    with pytest.raises(DataError, match="label 10 at index 2 is outside 0..9"):
        check_labels("p", np.array([1, 2, 10, 11], dtype=np.uint8))
    with pytest.raises(DataError, match="labels have dtype"):
        check_labels("p", LABELS.astype(np.int32))
    with pytest.raises(DataError, match=r"shape \(3, 1\)"):
        check_labels("p", LABELS[:, None])


def test_check_pair_counts():
    check_pair("i", IMAGES, "l", LABELS)
    with pytest.raises(DataError, match="i: 3 images but 2 labels in l"):
        check_pair("i", IMAGES, "l", LABELS[:2])
