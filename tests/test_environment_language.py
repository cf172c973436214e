"""check_environment in Chinese: the rows, every problem with its fix, the closing line.

The English report is tested in test_environment.py; the same cases here must read
in Chinese after ``set_language('zh')``, with versions and commands unchanged.
"""

import pytest

from d2l_utils import language
from d2l_utils.environment import EnvironmentProblem, check_environment

PINNED = {"Python": "3.11", "MXNet": "1.9.1", "NumPy": "1.23.5"}


@pytest.fixture(autouse=True)
def chinese():
    language.set_language("zh")
    yield
    language._current[0] = None


def test_the_report_reads_in_chinese_and_stays_aligned(tiny_fashion_gz, capsys):
    check_environment(root=tiny_fashion_gz.files, versions=PINNED)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Python  3.11（与固定版本一致）"
    assert lines[3].startswith("设备    CPU")  # two Chinese characters take four columns
    assert lines[4] == f"数据    fashion-mnist，已校验（argument: {tiny_fashion_gz.files}）"
    assert lines[-1] == "本课程需要的一切都已就绪。"


def test_every_problem_and_its_fix_in_chinese(tiny_fashion_gz, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EnvironmentProblem) as err:
        check_environment(root=empty, versions=dict(PINNED, Python="3.12"))
    message = str(err.value)
    assert message.startswith("本课程在当前环境下无法运行：\n"
                              "- Python：找到的是 3.12，本课程需要 3.11")
    assert "请重建环境：`make clean && make lab`" in message
    assert "- 数据：找不到 Fashion-MNIST" in message


def test_an_unsupported_platform_says_so_in_chinese(capsys):
    with pytest.raises(EnvironmentProblem, match="^本课程无法在这台机器上运行：\n- macOS"):
        check_environment(platform_id=("Darwin", "arm64"), versions=PINNED)
    assert capsys.readouterr().out.startswith("平台  Darwin arm64（不受支持）")
