"""Issue 15, class 6: every file the CLI and the batch write stays inside the output folder,
never goes through a symlink, and is written whole or not at all; a folder that cannot be
written gives a message, not a traceback."""

from __future__ import annotations

import errno
import io
import os
import resource
import signal
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from assessor.cli import main

EXAMPLE = EXAMPLES / "youth-forum.yaml"


def _everything(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_symlinked_folder_inside_the_output_is_not_followed(tmp_path, capsys):
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    victim.mkdir()
    (out / "md").symlink_to(victim, target_is_directory=True)
    assert main(["pack", str(EXAMPLE), "-o", str(out), "--format", "md"]) == 1
    assert list(victim.iterdir()) == []
    assert "symbolic link" in capsys.readouterr().err


def test_a_symlinked_file_inside_the_output_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "md").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch")
    (out / "md" / "01-risk-assessment.md").symlink_to(secret)
    assert main(["pack", str(EXAMPLE), "-o", str(out), "--format", "md"]) == 1
    assert secret.read_text() == "do not touch"
    assert "symbolic link" in capsys.readouterr().err


def _small_files(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_leaves_the_previous_file_whole(tmp_path):
    """RLIMIT_FSIZE stands in for a full disk: the Word file cannot be written in full."""
    out = tmp_path / "out"
    (out / "docx").mkdir(parents=True)
    previous = out / "docx" / "01-risk-assessment.docx"
    previous.write_bytes(b"previous")
    r = subprocess.run(
        [sys.executable, "-m", "assessor", "pack", str(EXAMPLE), "-o", str(out), "--format", "docx"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=_small_files(20_000),
        env={**os.environ, "ASSESSOR_RENDER_WORKERS": "0"},
    )  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr, r.stderr[-800:]
    assert "not written" in r.stderr
    assert previous.read_bytes() == b"previous"
    assert [p.name for p in (out / "docx").iterdir()] == ["01-risk-assessment.docx"]  # no temporary left


def test_batch_names_cannot_escape_or_collide(tmp_path, capsys):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    text = EXAMPLE.read_bytes()
    for name in ("...yaml", "a.yml", "a-yml.yaml", "a.yaml", "A.yaml"):
        (src / name).write_bytes(text.replace(b"Brightwater Youth Voice", name.encode()))
    assert main(["pack", "--batch", str(src), "-o", str(out), "--score-only"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # nothing written beside OUT
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 5 and all((p / "score.json").is_file() for p in folders)
    assert len({p.name.casefold() for p in folders}) == 5  # distinct even on a case-blind disk
    assert not any(p.name.startswith(".") for p in folders)


def test_an_existing_file_as_the_output_folder_is_a_message(tmp_path, capsys):
    target = tmp_path / "out"
    target.write_text("a file")
    assert main(["pack", str(EXAMPLE), "-o", str(target), "--format", "md"]) == 1
    assert "is not a folder" in capsys.readouterr().err
    assert target.read_text() == "a file"
    assert main(["pack", "--batch", str(EXAMPLES), "-o", str(target), "--score-only"]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_a_read_only_folder_is_a_message(tmp_path, capsys, monkeypatch):
    """Tests run as root here, so a read-only folder is simulated: every attempt to create or
    write under OUT fails with EROFS, as on a read-only mount."""
    out = tmp_path / "out"
    out.mkdir()
    inside = str(out)
    real_open, real_mkdir, real_io_open = os.open, os.mkdir, io.open

    def refuse(path, dir_fd=None):
        if dir_fd is not None or str(path).startswith(inside):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    def fake_open(path, flags, mode=0o777, *, dir_fd=None):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path, dir_fd)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    def fake_mkdir(path, mode=0o777, *, dir_fd=None):
        refuse(path, dir_fd)
        return real_mkdir(path, mode, dir_fd=dir_fd)

    def fake_io_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            refuse(file)
        return real_io_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(io, "open", fake_io_open)
    assert main(["pack", str(EXAMPLE), "-o", str(out), "--format", "md", "--zip"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err
    assert main(["pack", "--batch", str(EXAMPLES), "-o", str(out), "--score-only"]) == 1
    assert "read-only" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["../x", "/etc/x", "a/../../x", "", ".", "a\x00b"])
def test_the_writer_refuses_names_that_escape(tmp_path, name):
    from assessor.output import OutputError, OutputFolder

    folder = OutputFolder(tmp_path / "out")
    with pytest.raises(OutputError):
        folder.write(name, b"x")
    assert _everything(tmp_path) == []
