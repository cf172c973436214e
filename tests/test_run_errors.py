"""Abusive arguments and damaged run folders (issue 24, points 6-9, 12-14): each is one
line starting with "error:", exit status 2, and nothing left half-made."""

import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from d2l_utils.run import main

QUICK = ["--train-limit", "1200", "--valid-size", "200", "--hidden", "16", "--batch-size",
         "100", "--no-progress"]


def one_error(capsys, *args):
    """Run the command line in this process; return its single error line."""
    assert main([str(a) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err.strip()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, real_fashion_mnist):
    folder = tmp_path_factory.mktemp("errors") / "run"
    assert main(["train", "--run-dir", str(folder), "--epochs", "1", *QUICK]) == 0
    return folder


@pytest.fixture()
def copy(trained, tmp_path):
    """A fresh copy of the trained run folder, to damage."""
    return Path(shutil.copytree(trained, tmp_path / "run"))


@pytest.mark.parametrize(("args", "message"), [
    (["--seed", "-1"], r"argument --seed: must be an int in \[0, 4294967295\], got '-1'"),
    (["--seed", str(2**32)], r"--seed: must be an int in \[0, 4294967295\], got '4294967296'"),
    (["--epochs", str(10**9)], r"--epochs: must be an int in \[1, 10000\]"),
    (["--lr", "nan"], r"--lr: must be a finite number > 0, got 'nan'"),
    (["--lr", "-1"], r"--lr: must be a finite number > 0, got '-1'"),
    (["--valid-size", "60000"], "--valid-size 60000 leaves no training images: it must be "
                                "below the 60000 images"),
    (["--train-limit", "500", "--valid-size", "1000"], "--valid-size 1000 leaves no training"),
    (["--batch-size", str(10**9)], "--batch-size 1000000000 is larger than the 50000 training"),
    (["--hidden", str(10**8)], r"a 784-100000000-10 network with batches of 256 needs about "
                               r"\d+\.\d GB .*; \d+\.\d GB are available: use fewer --hidden"),
    (["--hidden"] + ["8"] * 9, "--hidden: at most 8 layers"),
    (["--train-limit", "70000"], r"--train-limit: must be an int in \[1, 60000\]"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_abusive_training_options(tmp_path, capsys, args, message):
    line = one_error(capsys, "train", "--run-dir", tmp_path / "new", *args)
    assert re.search(message, line), line
    assert not (tmp_path / "new").exists()  # a failed start leaves nothing behind


def test_an_empty_run_dir_is_refused(capsys):
    assert "--run-dir: must name a folder" in one_error(capsys, "train", "--run-dir", "")
    assert "--run-dir: must name a folder" in one_error(capsys, "predict", "--run-dir", " ")


@pytest.mark.parametrize("content", ["[1, 2]", "{}", "null", "{not json"])
def test_a_config_that_is_not_a_runs_options(copy, capsys, content):
    (copy / "config.json").write_text(content)
    line = one_error(capsys, "train", "--run-dir", copy, "--epochs", 2, *QUICK)
    assert re.search(r"config.json(: unreadable| holds ).*delete it or use another --run-dir",
                     line), line
    line = one_error(capsys, "predict", "--run-dir", copy)
    assert "config.json" in line


def test_the_train_limit_is_part_of_the_run(copy, capsys):
    assert json.loads((copy / "config.json").read_text())["train_limit"] == 1200
    args = [a if a != "1200" else "2000" for a in QUICK]
    line = one_error(capsys, "train", "--run-dir", copy, "--epochs", 2, *args)
    assert "holds a run trained with --train-limit 1200 (now 2000)" in line


def test_a_failed_start_does_not_block_the_folder(tmp_path, capsys, real_fashion_mnist):
    folder = tmp_path / "run"
    line = one_error(capsys, "train", "--run-dir", folder, "--data-dir", tmp_path / "nope",
                     *QUICK)
    assert "nope" in line and "not an existing folder" in line
    assert not folder.exists()  # it was created for this run: removed again
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"hidden": [99]}))  # never trained
    assert main(["train", "--run-dir", str(folder), "--epochs", "1", *QUICK]) == 0
    assert json.loads((folder / "config.json").read_text())["hidden"] == [16]


@pytest.mark.parametrize(("damage", "message"), [
    (lambda p: (p / "state.json").write_text("{}"), r"epoch-0001: not a readable checkpoint "
                                                   r"\(ValueError: epoch must be an int >= 0, "
                                                   r"got None\); delete .*epoch-0001 to go back"),
    (lambda p: (p / "trainer.params").unlink(), "epoch-0001: its optimizer state cannot be "
                                                r"read \(\w+Error: \S"),
    (lambda p: (p / "trainer.json").write_text("garbage"), "optimizer state cannot be read"),
    (lambda p: (p / "params").write_bytes(b"garbage"), r"not a readable checkpoint "
                                                       r"\(MXNetError: \S.*\); delete"),
])
def test_a_damaged_checkpoint_names_the_folder_and_what_to_do(copy, capsys, damage, message):
    damage(copy / "checkpoints" / "epoch-0001")
    line = one_error(capsys, "train", "--run-dir", copy, "--epochs", 2, *QUICK)
    assert re.search(message, line), line
    assert "latest_checkpoint" not in line and "Traceback" not in line


def test_a_bad_params_file_in_predict_gives_the_reason_and_the_folder(copy, capsys):
    (copy / "checkpoints" / "epoch-0001" / "params").write_bytes(b"garbage")
    line = one_error(capsys, "predict", "--run-dir", copy)
    assert re.search(r"epoch-0001: not a readable checkpoint \(MXNetError: \w.*\); delete \S+"
                     r"epoch-0001 to go back to the checkpoint before it", line), line


@pytest.mark.parametrize("content", ["[]", '{"checkpoint": 5}', '{"checkpoint": "epoch-0009"}'])
def test_a_stray_best_json_changes_nothing(copy, capsys, content):
    """The best checkpoint is read off the checkpoints: no index file is read or trusted."""
    (copy / "checkpoints" / "best.json").write_text(content)
    assert main(["predict", "--run-dir", str(copy), "-n", "2"]) == 0
    assert "checkpoint " in capsys.readouterr().out
    assert main(["train", "--run-dir", str(copy), "--epochs", "2", *QUICK]) == 0
    assert sorted(os.listdir(copy / "checkpoints")) == ["best.json", "epoch-0001",
                                                        "epoch-0002"]


def test_checkpoints_being_a_file(copy, capsys):
    shutil.rmtree(copy / "checkpoints")
    (copy / "checkpoints").write_text("")
    line = one_error(capsys, "train", "--run-dir", copy, "--epochs", 2, *QUICK)
    assert "checkpoints is a file, not a folder" in line
    assert "checkpoints is a file, not a folder" in one_error(capsys, "predict", "--run-dir",
                                                              copy)


def test_data_dir_that_does_not_exist_is_an_error_as_d2l_data_dir_is(trained, tmp_path, capsys,
                                                                     monkeypatch):
    monkeypatch.delenv("D2L_DATA_DIR", raising=False)
    line = one_error(capsys, "predict", "--run-dir", trained, "--data-dir", tmp_path / "typo")
    assert re.search("data folder .*typo is not an existing folder. Create it", line), line
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path / "typo"))
    assert "typo, which is not an existing folder" in one_error(capsys, "predict", "--run-dir",
                                                                trained)


@pytest.mark.parametrize(("args", "message"), [
    (["-n", "0"], r"-n: must be an int in \[1, 10000\], got '0'"),
    (["-n", str(10**9)], r"-n: must be an int in \[1, 10000\]"),
    (["--hidden", str(10**8)], "needs about"),
])
def test_abusive_predict_options(trained, capsys, args, message):
    assert re.search(message, one_error(capsys, "predict", "--run-dir", trained, *args))


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_run_files_get_the_permissions_the_umask_says(tmp_path, mask, real_fashion_mnist):
    old = os.umask(mask)
    try:
        assert main(["train", "--run-dir", str(tmp_path / "run"), "--epochs", "1", *QUICK]) == 0
    finally:
        os.umask(old)
    for path in [tmp_path / "run", *(tmp_path / "run").rglob("*")]:
        want = (0o777 if path.is_dir() else 0o666) & ~mask
        assert stat.S_IMODE(path.stat().st_mode) == want, (path, oct(path.stat().st_mode))
