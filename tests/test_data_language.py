"""The data errors a student meets, in Chinese after ``set_language('zh')``.

The English texts are tested where each error is (test_data_*.py); here the same
situations must give the Chinese text with the same folders, files and commands.
"""

import re

import pytest

from d2l_utils import language
from d2l_utils.data import DataError, find_dataset, read_idx
from d2l_utils.data import __main__ as cli

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def chinese():
    language.set_language("zh")
    yield
    language._current[0] = None


def test_not_found_lists_every_place_and_the_remedies_in_chinese(tiny_fashion_gz, chinese):
    with pytest.raises(DataError) as info:
        find_dataset(download=False)
    message = str(info.value)
    assert message.startswith("找不到 Fashion-MNIST\n查找过的位置：\n")
    assert f"  cache: {tiny_fashion_gz.cache} (文件夹不存在)" in message
    assert "  D2L_DATA_DIR：未设置" in message and "下载：未尝试（download=False）" in message
    assert "解决方法（任选其一）：" in message
    assert "sudo apt-get install dataset-fashion-mnist" in message  # commands stay as they are
    assert "python -m d2l_utils.data fetch" in message
    assert "Looked in" not in message and "To fix it" not in message


def test_a_missing_data_dir_names_the_variable_in_chinese(data_env, monkeypatch, tmp_path,
                                                           chinese):
    monkeypatch.setenv("D2L_DATA_DIR", str(tmp_path / "typo"))
    with pytest.raises(DataError, match=r"D2L_DATA_DIR 被设为 .*typo，但它不是一个已存在的文件夹"):
        find_dataset(download=False)


def test_a_missing_file_in_chinese_keeps_path_and_command(tmp_path, chinese):
    with pytest.raises(DataError) as info:
        read_idx(tmp_path / "nope")
    assert str(info.value) == (f"{tmp_path / 'nope'}: 找不到文件。请检查路径，或运行："
                               "python -m d2l_utils.data fetch")


def test_the_command_line_error_is_chinese_with_d2l_language(tiny_fashion_gz, monkeypatch,
                                                              capsys):
    monkeypatch.setenv("D2L_LANGUAGE", "zh")
    assert cli.main(["where"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: 找不到 Fashion-MNIST\n查找过的位置：")
    assert CJK.search(err.splitlines()[-1])
