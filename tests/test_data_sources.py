"""d2l_utils/data/sources.py and locate.py: where the files are found, and verification."""

import gzip
import os
import shutil

import numpy as np
import pytest
from helpers import idx_bytes, write_file

from d2l_utils.data import DataError, find_dataset
from d2l_utils.data.sources import (
    DATASETS,
    FASHION_MNIST,
    MNIST,
    candidate_folders,
    default_cache_dir,
    read_split,
)


def copy_files(src, dest):
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        shutil.copy(f, dest / f.name)
    return dest


def test_real_specs_carry_the_published_values():
    sizes = [f.size for f in FASHION_MNIST.files]
    assert sizes == [47040016, 60008, 7840016, 10008] == [f.size for f in MNIST.files]
    assert FASHION_MNIST.file("train_images").sha256 == (
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888")
    assert all(f.sha256 is None for f in MNIST.files)  # not invented: see the comment in sources
    assert MNIST.file("test_labels").gz_md5 == (
        "ec29112dd5afa0611ce80d1b7f02629c")
    assert FASHION_MNIST.system_dirs == ("/usr/share/datasets/fashion-mnist",)


def test_cache_dir_honours_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir("mnist") == str(tmp_path / "d2l_utils" / "mnist")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    assert default_cache_dir("fashion-mnist") == os.path.expanduser(
        "~/.cache/d2l_utils/fashion-mnist")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir("mnist") == os.path.expanduser("~/.cache/d2l_utils/mnist")


def test_candidate_order(data_env, monkeypatch, tmp_path):
    (tmp_path / "env").mkdir()
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path / "env"))
    got = candidate_folders("fashion-mnist", root=tmp_path / "arg", system_dirs=["/sys1"])
    assert got == [("argument", str(tmp_path / "arg" / "fashion-mnist")),
                   ("argument", str(tmp_path / "arg")),
                   ("D2L_DATA_DIR", str(tmp_path / "env" / "fashion-mnist")),
                   ("D2L_DATA_DIR", str(tmp_path / "env")),
                   ("cache", str(data_env.cache_home / "d2l_utils" / "fashion-mnist")),
                   ("system", "/sys1")]


def test_lookup_order_argument_env_cache_system(tiny_fashion, monkeypatch, tmp_path):
    t = tiny_fashion
    places = {"argument": tmp_path / "arg", "D2L_DATA_DIR": tmp_path / "env",
              "cache": t.cache, "system": t.system}
    for folder in places.values():
        copy_files(t.files, folder)
    monkeypatch.setenv("D2L_DATA_DIR", str(places["D2L_DATA_DIR"]))
    for kind in places:  # each source beats the ones after it; remove it and the next one wins
        loc = find_dataset(root=places["argument"] if kind == "argument" else None)
        assert (loc.kind, loc.folder) == (kind, str(places[kind]))
        shutil.rmtree(places[kind])
        places[kind].mkdir()  # empty: D2L_DATA_DIR must name an existing folder
    with pytest.raises(DataError, match="not found"):
        find_dataset(download=False)


def test_subfolder_named_after_the_dataset_is_found(tiny_fashion_gz, monkeypatch, tmp_path):
    copy_files(tiny_fashion_gz.files, tmp_path / "data" / "fashion-mnist")
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path / "data"))
    assert find_dataset().folder == str(tmp_path / "data" / "fashion-mnist")


def test_no_network_when_data_is_present(tiny_fashion, data_env):
    copy_files(tiny_fashion.files, tiny_fashion.system)
    loc = find_dataset(download=True)  # download allowed, but not needed
    assert loc.kind == "system" and data_env.calls == []


def test_partial_folder_is_skipped_and_reported(tiny_fashion_gz, tmp_path):
    t = tiny_fashion_gz
    copy_files(t.files, tmp_path / "part")
    os.remove(tmp_path / "part" / "t10k-labels-idx1-ubyte.gz")
    copy_files(t.files, t.system)
    assert find_dataset(root=tmp_path / "part").kind == "system"
    shutil.rmtree(t.system)
    with pytest.raises(DataError) as info:
        find_dataset(root=tmp_path / "part", download=False)
    assert f"argument: {tmp_path / 'part'} (missing t10k-labels-idx1-ubyte[.gz])" in str(info.value)


def test_raw_file_preferred_over_gz(tiny_fashion_gz, tmp_path):
    folder = copy_files(tiny_fashion_gz.files, tmp_path / "d")
    raw = folder / "train-labels-idx1-ubyte"
    raw.write_bytes(gzip.decompress((folder / "train-labels-idx1-ubyte.gz").read_bytes()))
    assert find_dataset(root=folder).paths["train_labels"] == str(raw)


def test_read_split_returns_the_arrays(tiny_fashion):
    copy_files(tiny_fashion.files, tiny_fashion.system)
    loc = find_dataset()
    for split, (images, labels) in (("train", tiny_fashion.arrays[:2]),
                                    ("test", tiny_fashion.arrays[2:])):
        got_images, got_labels = read_split(loc, split)
        np.testing.assert_array_equal(got_images, images)
        np.testing.assert_array_equal(got_labels, labels)
    with pytest.raises(ValueError, match="split must be"):
        read_split(loc, "validation")


def damage(path):
    """Flip one pixel, keeping the file a valid IDX file (and a valid gzip)."""
    content = bytearray(gzip.decompress(path.read_bytes()) if path.suffix == ".gz"
                        else path.read_bytes())
    content[100] ^= 0xFF
    write_file(path, bytes(content))


@pytest.mark.parametrize("kind", ["argument", "D2L_DATA_DIR", "cache", "system"])
def test_bad_copy_is_an_error_naming_file_and_remedy(tiny_fashion_gz, monkeypatch, tmp_path,
                                                      kind):
    t = tiny_fashion_gz
    folder = {"argument": tmp_path / "arg", "D2L_DATA_DIR": tmp_path / "env",
              "cache": t.cache, "system": t.system}[kind]
    copy_files(t.files, folder)
    copy_files(t.files, t.system if kind != "system" else tmp_path / "unused")
    damage(folder / "train-images-idx3-ubyte.gz")
    (tmp_path / "env").mkdir(exist_ok=True)
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path / "env"))
    remedy = {"argument": "Replace it with a good copy", "D2L_DATA_DIR": "unset D2L_DATA_DIR",
              "cache": "Delete", "system": "sudo apt-get install --reinstall "
                                           "dataset-fashion-mnist"}[kind]
    # Found but bad: an error, never a silent fall-back to the good system copy.
    with pytest.raises(DataError) as info:
        find_dataset(root=tmp_path / "arg" if kind == "argument" else None)
    message = str(info.value)
    assert str(folder / "train-images-idx3-ubyte.gz") in message
    assert "SHA-256 of the decompressed content" in message and remedy in message


def test_wrong_size_is_reported_before_the_hash(tiny_fashion_gz):
    t = tiny_fashion_gz
    copy_files(t.files, t.system)
    write_file(t.system / "t10k-labels-idx1-ubyte.gz", idx_bytes(t.arrays[3][:-1]))
    with pytest.raises(DataError, match=r"header declares 19 labels, Fashion-MNIST's "
                                        r"t10k-labels-idx1-ubyte \(labels\) has 20 \(decompressed "
                                        r"size would be 27 bytes, expected 28\)"):
        find_dataset()


def raw_copy(src, dest):
    """Copy a folder of .gz files as raw (decompressed) files."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        (dest / f.stem).write_bytes(gzip.decompress(f.read_bytes()))
    return dest


def test_mnist_gz_is_checked_by_the_md5_of_the_original(tiny_mnist, tmp_path):
    folder = copy_files(tiny_mnist.files, tmp_path / "d")
    assert find_dataset("mnist", root=folder).kind == "argument"
    path = folder / "train-labels-idx1-ubyte.gz"
    # Same content, recompressed: the MD5 of the original no longer holds.
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()), compresslevel=1))
    with pytest.raises(DataError, match="MD5 of the .gz file is .*published original's"):
        find_dataset("mnist", root=folder)


def test_mnist_raw_files_are_checked_by_size_and_structure(tiny_mnist, tmp_path):
    folder = raw_copy(tiny_mnist.files, tmp_path / "d")
    assert find_dataset("mnist", root=folder).paths["test_images"] == str(
        folder / "t10k-images-idx3-ubyte")
    labels = tiny_mnist.arrays[1].copy()
    labels[7] = 12  # same size, valid IDX, but not a digit
    write_file(folder / "train-labels-idx1-ubyte", idx_bytes(labels))
    with pytest.raises(DataError, match="train-labels-idx1-ubyte: label 12 at index 7 is outside"):
        find_dataset("mnist", root=folder)
    write_file(folder / "train-labels-idx1-ubyte", b"\x00\x00\x08\x02" + idx_bytes(labels)[4:])
    with pytest.raises(DataError, match=r"train-labels-idx1-ubyte: magic number 2050 .*"
                                        r"expected 2049 \(0x00000801: unsigned byte, 1 dimension"):
        find_dataset("mnist", root=folder)


def test_fashion_file_under_an_mnist_name_is_rejected(tiny_mnist, tiny_fashion_gz, tmp_path):
    # Raw MNIST files have no hash to check, but a Fashion-MNIST file is recognised.
    assert DATASETS["fashion-mnist"] is tiny_fashion_gz.spec
    folder = raw_copy(tiny_fashion_gz.files, tmp_path / "d")
    with pytest.raises(DataError, match="this is Fashion-MNIST's train-images-idx3-ubyte, "
                                        "not MNIST's"):
        find_dataset("mnist", root=folder)


# ----------------------------------------------------------------------------- no silent fall-backs
def make_directory(path):
    path.mkdir()


def make_loop(path):
    os.symlink(path.name, path)  # a link to itself: stat fails with ELOOP


def make_broken_link(path):
    os.symlink("gone.gz", path)


@pytest.mark.parametrize("make, problem", [
    (make_directory, "is a directory, not a file"),
    (make_loop, "is a symbolic link loop"),
    (make_broken_link, "is a broken symbolic link (to gone.gz)"),
])
@pytest.mark.parametrize("name", ["train-labels-idx1-ubyte", "train-labels-idx1-ubyte.gz"])
def test_unusable_file_is_an_error_not_a_switch_to_the_system_copy(tiny_fashion_gz, tmp_path,
                                                                   make, problem, name):
    t = tiny_fashion_gz
    copy_files(t.files, t.system)  # a good copy that must not silently take over
    folder = copy_files(t.files, tmp_path / "arg")
    os.remove(folder / "train-labels-idx1-ubyte.gz")
    make(folder / name)
    with pytest.raises(DataError) as info:
        find_dataset(root=folder)
    assert info.value.path == str(folder / name)
    assert f"{folder / name}: {problem}, where train-labels-idx1-ubyte[.gz] should be" in str(
        info.value)


def test_d2l_data_dir_naming_no_folder_is_an_error(tiny_fashion_gz, monkeypatch, tmp_path):
    copy_files(tiny_fashion_gz.files, tiny_fashion_gz.system)  # must not silently take over
    for missing in (tmp_path / "typo", tmp_path / "a-file"):
        monkeypatch.setenv("D2L_DATA_DIR", str(missing))
        with pytest.raises(DataError) as info:
            find_dataset()
        assert str(info.value).startswith(f"D2L_DATA_DIR is set to {missing}, which is not an "
                                          "existing folder")
        assert "unset D2L_DATA_DIR" in str(info.value)
        (tmp_path / "a-file").write_text("not a folder")


def test_relative_root_is_made_absolute(tiny_fashion_gz, monkeypatch, tmp_path):
    copy_files(tiny_fashion_gz.files, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    loc = find_dataset(root="data")
    assert (loc.kind, loc.folder) == ("argument", str(tmp_path / "data"))
    assert all(os.path.isabs(p) for p in loc.paths.values())
    monkeypatch.chdir("/")  # the location stays valid after a change of directory
    assert read_split(loc, "test")[1].tolist() == tiny_fashion_gz.arrays[3].tolist()


@pytest.mark.parametrize("root", [b"data", 3, ["data"]])
def test_root_of_the_wrong_type_is_a_type_error_naming_it(tiny_fashion_gz, root):
    with pytest.raises(TypeError, match=r"root must be a folder as str or os.PathLike"):
        find_dataset(root=root)
