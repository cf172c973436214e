"""The command-line program: train, resume, predict (test images and image files), and
one-line errors with exit status 2. Run as a user runs it, in a subprocess."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import modules_loaded_by
from PIL import Image

from d2l_utils.run import main, parser

ROOT = Path(__file__).resolve().parents[1]
QUICK = ["--train-limit", "3000", "--valid-size", "500", "--hidden", "16", "--no-progress"]


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "d2l_utils.run", *map(str, args)],
                          capture_output=True, text=True, env=env, check=False, timeout=900)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, real_fashion_mnist):
    folder = tmp_path_factory.mktemp("runs") / "mlp"
    first = run("train", "--run-dir", folder, "--epochs", 1, *QUICK)
    assert first.returncode == 0, first.stderr
    second = run("train", "--run-dir", folder, "--epochs", 2, "--keep", 1, *QUICK)
    assert second.returncode == 0, second.stderr
    return folder, first, second


def test_train_writes_config_checkpoints_and_logs_and_resumes(trained):
    folder, first, second = trained
    assert json.loads((folder / "config.json").read_text())["hidden"] == [16]
    assert first.stdout.splitlines()[0].startswith("epoch 1, loss ")
    assert second.stdout.splitlines()[0] == "resumed from epoch-0001 (epoch 1, step 10)"
    assert second.stdout.splitlines()[1].startswith("epoch 2, loss ")
    assert "done: 2 epochs, validation accuracy" in second.stdout
    names = set(os.listdir(folder / "checkpoints"))
    assert names == {"epoch-0002"}  # --keep 1; the best is epoch 2 too
    assert any(name.startswith("events.out.tfevents") for name in os.listdir(folder / "logs"))


def test_predict_prints_true_and_predicted_classes_with_the_accuracy(trained):
    folder, _, _ = trained
    done = run("predict", "--run-dir", folder, "-n", 8)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("checkpoint ") and lines[0].endswith("(784-16-10)")
    assert len(lines) == 10 and lines[1].split()[:3] == ["0", "true", "ankle"]
    ok = sum(line.endswith(" ok") for line in lines[1:9])
    assert lines[-1] == f"accuracy on these 8: {ok / 8:.3f}"


def test_predict_classifies_an_image_file_with_the_top_three(trained, tmp_path):
    folder, _, _ = trained
    a = np.full((50, 50), 250, np.uint8)
    a[5:45, 15:35] = 20
    Image.fromarray(a).save(tmp_path / "mine.png")
    done = run("predict", "--run-dir", folder, "--image", tmp_path / "mine.png")
    assert done.returncode == 0, done.stderr
    line = done.stdout.splitlines()[-1]
    assert line.startswith(f"{tmp_path / 'mine.png'}: ")
    probs = [float(part.rsplit(" ", 1)[1]) for part in line.split(": ", 1)[1].split(", ")]
    assert len(probs) == 3 and probs == sorted(probs, reverse=True) and sum(probs) <= 1.001


@pytest.mark.parametrize(("args", "message"), [
    (["predict", "--run-dir", "{empty}"], "has no config.json; say the network with --hidden"),
    (["predict", "--run-dir", "{empty}", "--hidden", "16"], "no checkpoint in .*train first"),
    (["predict", "--run-dir", "{run}", "--hidden", "32"],
     r"parameter '0.weight' has shape \(16, 784\) in the checkpoint but \(32, 784\)"),
    (["predict", "--run-dir", "{run}", "--image", "{bad}"], "bad.png: cannot read it as an image"),
    (["predict", "--run-dir", "{run}", "--checkpoint", "{empty}"], "no such checkpoint folder"),
    (["train", "--run-dir", "{run}", "--hidden", "32", "--epochs", "1"],
     r"holds a run trained with --hidden \[16\] \(now \[32\]\)"),
    (["train", "--run-dir", "{empty}", "--lr", "-1"], "--lr: must be a finite number > 0"),
])
def test_bad_input_is_one_error_line_and_exit_status_2(trained, tmp_path, args, message, capsys):
    folder, _, _ = trained
    (tmp_path / "bad.png").write_text("no image")
    args = [a.format(empty=tmp_path / "empty", run=folder, bad=tmp_path / "bad.png")
            for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert re.search(message, err), err


def test_the_process_itself_exits_with_status_2_and_no_traceback(tmp_path):
    done = run("predict", "--run-dir", tmp_path, "--hidden", "16")
    assert done.returncode == 2
    assert done.stderr.startswith("error: no checkpoint in ") and "Traceback" not in done.stderr


def test_the_command_line_does_not_load_pyplot_or_pandas():
    # each run (chapter 11 starts six) would pay about 0.45 s for libraries it never uses
    assert not {"matplotlib.pyplot", "pandas"} & modules_loaded_by("import d2l_utils.run")


def test_help_explains_every_option(capsys):
    commands = parser()._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        text = " ".join(capsys.readouterr().out.split())
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings} has no help"
            assert " ".join(action.help.split()) in text
