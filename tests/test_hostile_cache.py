"""Issue 15, class 8 (render cache): the disk cache serves only entries it signed itself.

Entries carry an HMAC-SHA256 over their key and bytes, with a secret key kept beside the cache
folder (0600); a forged, swapped, truncated or symlinked entry is never served, the document is
rendered afresh instead, and no symlink is followed when reading, writing or pruning."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest
from conftest import EXAMPLES

from assessor.assessment import load_assessment
from assessor.documents import render_pack
from assessor.documents.cache import RenderCache, assessment_key, document_key

K1, K2 = "ab" + "1" * 62, "ab" + "2" * 62


def _entry(folder, key):
    return folder / key[:2] / key


def _old_style(data: bytes) -> bytes:
    """An entry as the first disk cache wrote it: a bare SHA-256, which anyone can compute."""
    return hashlib.sha256(data).digest() + data


def test_a_forged_entry_is_not_served(tmp_path):
    folder = tmp_path / "cache"
    RenderCache(folder=folder).put(K1, b"%PDF-1.7 real")
    _entry(folder, K1).write_bytes(_old_style(b"%PDF-1.7 forged policy"))
    assert RenderCache(folder=folder).get(K1) is None


def test_a_swapped_entry_is_not_served(tmp_path):
    folder = tmp_path / "cache"
    cache = RenderCache(folder=folder)
    cache.put(K1, b"%PDF-1.7 organisation one")
    cache.put(K2, b"%PDF-1.7 organisation two")
    _entry(folder, K2).write_bytes(_entry(folder, K1).read_bytes())
    assert RenderCache(folder=folder).get(K2) is None
    assert RenderCache(folder=folder).get(K1) == b"%PDF-1.7 organisation one"


def test_a_symlinked_entry_is_not_followed(tmp_path):
    folder = tmp_path / "cache"
    RenderCache(folder=folder).put(K1, b"%PDF-1.7 real")
    other = tmp_path / "other-file"
    other.write_bytes(_old_style(b"%PDF-1.7 someone else's file"))
    _entry(folder, K1).unlink()
    _entry(folder, K1).symlink_to(other)
    assert RenderCache(folder=folder).get(K1) is None
    assert other.read_bytes() == _old_style(b"%PDF-1.7 someone else's file")  # left alone


def test_a_symlinked_subfolder_is_not_written_through(tmp_path):
    folder, victim = tmp_path / "cache", tmp_path / "victim"
    folder.mkdir(mode=0o700)
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    (folder / "ab").symlink_to(victim, target_is_directory=True)
    cache = RenderCache(folder=folder)
    cache.put(K1, b"%PDF-1.7 real")
    cache._prune(keep=0)
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]


def test_cache_folder_entries_and_key_are_private(tmp_path):
    folder = tmp_path / "deep" / "cache"
    RenderCache(folder=folder).put(K1, b"%PDF-1.7 real")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(_entry(folder, K1).parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(_entry(folder, K1).stat().st_mode) == 0o600
    key = folder.parent / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32


def test_a_key_others_can_read_is_not_used(tmp_path):
    folder = tmp_path / "cache"
    key = tmp_path / "cache.key"
    key.write_bytes(b"k" * 32)
    os.chmod(key, 0o644)
    cache = RenderCache(folder=folder)
    cache.put(K1, b"%PDF-1.7 real")
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))
    assert RenderCache(folder=folder).get(K1) is None


def test_a_pack_renders_afresh_over_a_forged_entry(tmp_path, catalogue):
    youth = load_assessment(EXAMPLES / "youth-forum.yaml", catalogue)
    folder = tmp_path / "cache"
    genuine = render_pack(youth, catalogue, ["md"], workers=0, cache=RenderCache(0, folder))
    key = document_key(assessment_key(youth, catalogue), "risk_report", "md")
    _entry(folder, key).write_bytes(_old_style(b"# Forged policy"))
    again = render_pack(youth, catalogue, ["md"], workers=0, cache=RenderCache(0, folder))
    assert again == genuine


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_damaged_entry_is_dropped(tmp_path, damage):
    folder = tmp_path / "cache"
    RenderCache(folder=folder).put(K1, b"%PDF-1.7 real document")
    path = _entry(folder, K1)
    blob = path.read_bytes()
    path.write_bytes(blob[:-3] if damage == "truncate" else blob[:-1] + bytes([blob[-1] ^ 1]))
    assert RenderCache(folder=folder).get(K1) is None
    assert not path.exists()
