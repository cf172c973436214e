"""The command line's error lines with D2L_LANGUAGE: Chinese with zh, an error if invalid.

Each is still one line starting with "error: " (scripts and tests look for it), exit 2;
options, paths and commands stay as they are.  English lines: test_run_errors.py.
"""

import pytest

from d2l_utils.run import main


def one_error(capsys, *args):
    assert main([str(a) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err.strip()


@pytest.mark.parametrize("value", ["fr", "zh_CN"])
def test_an_invalid_language_is_an_error_line_naming_the_variable(monkeypatch, capsys, tmp_path,
                                                                  value):
    monkeypatch.setenv("D2L_LANGUAGE", value)
    assert main(["train", "--run-dir", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: D2L_LANGUAGE must be 'en' or 'zh', got '{value}'")
    assert not (tmp_path / "run").exists()  # nothing ran


@pytest.mark.parametrize(("args", "line"), [
    (["predict", "--run-dir", "{tmp}/none", "--hidden", "16"],
     "error: {tmp}/none/checkpoints 中没有检查点；请先训练：python -m d2l_utils.run train "
     "--run-dir {tmp}/none"),
    (["predict", "--run-dir", "{tmp}", "--hidden", "16", "--checkpoint", "{tmp}/gone"],
     "error: --checkpoint {tmp}/gone：没有这个检查点文件夹"),
    (["train", "--run-dir", "{tmp}/new", "--bogus"],
     "error: unrecognized arguments: --bogus（见 --help）"),
    (["train", "--run-dir", "{tmp}/new", "--batch-size", "1000000"],
     "error: --batch-size 1000000 大于 50000 张训练图像；请用更小的批量"),
])
def test_common_error_lines_in_chinese(monkeypatch, capsys, tmp_path, args, line):
    monkeypatch.setenv("D2L_LANGUAGE", "zh")
    args = [a.format(tmp=tmp_path) for a in args]
    assert one_error(capsys, *args) == line.format(tmp=tmp_path)
