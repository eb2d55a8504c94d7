"""Issue 15, class 7: a bad ASSESSOR_RENDER_* value is refused with a message that names the
variable and the accepted range, before any work; it never gives a traceback or silently
turns a limit off."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from assessor.cli import main

BAD = {
    "ASSESSOR_RENDER_TIMEOUT": ["abc", "inf", "1e308", "-1", "nan", "0", ""],
    "ASSESSOR_RENDER_MEMORY_MB": ["abc", "0.5", "-1", "inf", "1e308", "100", "nan"],
    "ASSESSOR_RENDER_WORKERS": ["abc", "-1", "1000", "2.5", "inf", "1e308"],
    "ASSESSOR_RENDER_CACHE_MB": ["abc", "-1", "inf", "1e308", "nan"],
}
CASES = [(name, value) for name, values in BAD.items() for value in values if value != ""]


@pytest.mark.parametrize("name,value", CASES)
def test_a_bad_setting_is_refused_with_its_range(tmp_path, capsys, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    for argv in (
        ["pack", str(EXAMPLES / "youth-forum.yaml"), "-o", str(tmp_path / "one"), "--format", "md"],
        ["pack", "--batch", str(EXAMPLES), "-o", str(tmp_path / "many"), "--format", "md"],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert name in err and "from" in err and repr(value) in err, err
        assert not (tmp_path / "one").exists() and not (tmp_path / "many").exists()


@pytest.mark.parametrize(
    "name,value",
    [
        ("ASSESSOR_RENDER_TIMEOUT", "0.2"),
        ("ASSESSOR_RENDER_TIMEOUT", " 90 "),
        ("ASSESSOR_RENDER_MEMORY_MB", "4096"),
        ("ASSESSOR_RENDER_WORKERS", "0"),
        ("ASSESSOR_RENDER_WORKERS", "8"),
        ("ASSESSOR_RENDER_CACHE_MB", "0"),
        ("ASSESSOR_RENDER_CACHE_MB", "0.5"),
    ],
)
def test_good_settings_are_accepted(monkeypatch, name, value):
    from assessor.documents.workers import check_settings

    monkeypatch.setenv(name, value)
    check_settings()
