"""Issue 14, point 4: `pipx install .` gives an `assessor` command with the app and its data.

The wheel is built from a temporary copy of the files git knows (tracked, or new and not ignored),
so a local build/ or egg-info left from an older build cannot be packaged instead (pip fetches
setuptools from PyPI for the build, as pipx does). It is installed into a temporary folder; the
installed copy checks its own questionnaire and finds its templates, from outside the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def runtime_requirements() -> list[str]:
    """The '# Runtime' section of requirements.txt, without comments."""
    lines, section = [], None
    for raw in (ROOT / "requirements.txt").read_text().splitlines():
        if raw.startswith("#"):
            section = raw.strip("# ").lower()
            continue
        line = raw.split("#", 1)[0].strip()
        if line and section == "runtime":
            lines.append(line)
    return lines


def test_the_package_needs_what_the_app_needs_at_the_same_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert sorted(project["dependencies"]) == sorted(runtime_requirements()), (
        "pyproject.toml [project] dependencies must list requirements.txt's '# Runtime' section"
    )
    assert project["scripts"]["assessor"] == "assessor.cli:main"


def source_copy(dest: Path) -> Path:
    """The working tree's files that git tracks or would add (not ignored ones), copied to ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def test_the_installed_package_runs_from_anywhere(tmp_path):
    src = source_copy(tmp_path / "src")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(src),
            "--no-deps",
            "-q",
            "-w",
            str(wheels),
        ],
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (wheel,) = wheels.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for tree in ("questionnaires", "templates", "ui/components"):
        have = {n for n in names if n.startswith(f"{tree}/")}
        want = {
            str(p.relative_to(src))
            for p in (src / tree).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert have == want, f"{tree}: missing from the wheel: {sorted(want - have)}"
    assert any(re.fullmatch(r"assessor/store/migrations/versions/0001_\w+\.py", n) for n in names)
    assert "streamlit_app.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "assessor = assessor.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from assessor.cli import main; sys.exit(main(sys.argv[1:]))",
            "check",
        ],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import assessor.catalogue as c, assessor.documents.html as h; print(c.DEFAULT_DIR); print(h.TEMPLATES_DIR)",
        ],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(line.startswith(str(site)) for line in probe.stdout.split()), probe.stdout
