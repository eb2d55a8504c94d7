from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessor.catalogue import default_catalogue, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def mini():
    return load_catalogue(FIXTURES / "mini")


@pytest.fixture(scope="session")
def catalogue():
    return default_catalogue()


@pytest.fixture
def mini_copy(tmp_path):
    """A writable copy of the mini questionnaire, for breaking on purpose."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest
