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
