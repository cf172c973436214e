import pytest

from d2l_utils import language


@pytest.fixture(autouse=True)
def english_after(monkeypatch):
    monkeypatch.delenv("D2L_LANGUAGE", raising=False)
    yield
    language._current[0] = None


def test_english_by_default_whatever_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert language.get_language() == "en"
    assert language.text("correct", "正确") == "correct"


def test_set_language_selects_chinese():
    language.set_language("zh")
    assert language.text("correct", "正确") == "正确"
    language.set_language("en")
    assert language.text("correct", "正确") == "correct"


def test_environment_variable_for_the_command_line(monkeypatch):
    monkeypatch.setenv("D2L_LANGUAGE", "zh")
    assert language.get_language() == "zh"


def test_unknown_language_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="'en', 'zh', got 'fr'"):
        language.set_language("fr")


def test_empty_environment_variable_means_english(monkeypatch):
    monkeypatch.setenv("D2L_LANGUAGE", "")
    assert language.get_language() == "en"


@pytest.mark.parametrize("value", ["fr", "zh_CN", "ZH", "chinese"])
def test_invalid_environment_variable_is_an_error_naming_it(monkeypatch, value):
    # A typo must not silently give English: the error names the variable and the choices.
    monkeypatch.setenv("D2L_LANGUAGE", value)
    with pytest.raises(ValueError, match=f"D2L_LANGUAGE must be 'en' or 'zh', got '{value}'"):
        language.text("correct", "正确")


def test_set_language_overrides_an_invalid_environment_variable(monkeypatch):
    monkeypatch.setenv("D2L_LANGUAGE", "fr")
    language.set_language("zh")
    assert language.text("correct", "正确") == "正确"


def test_text_map_reads_each_value_in_the_current_language():
    table = language.TextMap(lambda: {"a": language.text("yes", "是")})
    assert dict(table) == {"a": "yes"} and list(table) == ["a"] and len(table) == 1
    language.set_language("zh")
    assert table["a"] == "是" and dict(table.items()) == {"a": "是"}
