"""Several communities: the portfolio over a folder, its one-page trustee summary PDF and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys

import yaml
from conftest import EXAMPLES, ROOT
from pypdf import PdfReader

from assessor.documents.fetcher import AssetFetcher
from assessor.documents.pdf import html_to_pdf
from assessor.portfolio import load_folder, portfolio_html

TODAY = dt.date(2026, 11, 30)
COMMUNITIES = EXAMPLES / "communities"


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_three_communities_side_by_side(catalogue):
    p = load_folder(COMMUNITIES, catalogue, TODAY)
    assert p.problems == [] and p.title == "Brightwater Youth Voice"
    by_name = {c.name: c for c in p.communities}
    assert sorted(by_name) == [
        "Discord server: youth council",
        "WhatsApp group: 11 to 13s club",
        "Youth forum (13 to 17)",
    ]
    wa = by_name["WhatsApp group: 11 to 13s club"]
    assert wa.review_overdue and wa.review_due == dt.date(2026, 10, 31)
    assert wa.risks["grooming"].label == "High" and wa.open_critical == 3
    forum = by_name["Youth forum (13 to 17)"]
    # The forum's critical action has the organisation's own due date (18 December): not overdue.
    assert [(a.owner, a.due, a.overdue) for a in forum.critical] == [
        ("Priya Natarajan", dt.date(2026, 12, 18), False)
    ]
    assert [x[0] for x in p.risks] == [a.id for a in catalogue.areas if a.kind == "key_risk"]
    assert p.communities[0] is wa  # most urgent first: the same rating, more open critical actions


def test_trustee_summary_is_one_page_and_reads_only_bundled_assets(catalogue):
    p = load_folder(COMMUNITIES, catalogue, TODAY)
    fetcher = AssetFetcher()
    pages, text = pdf_text(html_to_pdf(portfolio_html(p), fetcher))
    assert pages == 1
    assert fetcher.refused == [] and all("/templates/assets/" in url for url in fetcher.requests)
    for c in p.communities:
        assert c.name in text
    assert "Safeguarding across our communities" in text and "Overdue since 31 October 2026" in text
    assert "Grooming and inappropriate contact" in text and "Open critical actions" in text


def test_an_umbrella_body_over_member_groups_files(tmp_path, catalogue):
    """Eight member groups, three organisations, one file unreadable: the same one-page summary."""
    folder = tmp_path / "members"
    folder.mkdir()
    for src in [*COMMUNITIES.glob("*.yaml"), *EXAMPLES.glob("*.yaml")]:
        shutil.copy(src, folder / src.name)
    data = yaml.safe_load((COMMUNITIES / "forum.yaml").read_text())
    for i in range(2):
        data["meta"]["community"] = f"Member group {i + 1} <script>alert(1)</script>"
        (folder / f"group-{i}.yaml").write_text(yaml.safe_dump(data))
    (folder / "broken.yml").write_text("organisation: {}\n")
    p = load_folder(folder, catalogue, TODAY)
    assert len(p.communities) == 8 and p.title == "3 organisations"
    assert len(p.problems) == 1 and p.problems[0].startswith("broken.yml:1:1: ")
    html = portfolio_html(p)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    pages, text = pdf_text(html_to_pdf(html))
    assert pages == 1 and "Member group 2" in text and "problem in files left out" in text


def test_portfolio_command(tmp_path):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "assessor",
            "portfolio",
            str(COMMUNITIES),
            "-o",
            str(tmp_path),
            "--today",
            "2026-11-30",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert (
        "WhatsApp group: 11 to 13s club  High    3 open critical  review overdue since 2026-10-31" in r.stdout
    )
    pages, text = pdf_text((tmp_path / "portfolio.pdf").read_bytes())
    assert pages == 1 and "Discord server: youth council" in text
