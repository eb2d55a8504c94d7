"""Rendering in worker processes: parallel equals serial, limits hold for real, the cache, batch.

The pathological renderers below run inside the worker processes (pickled by reference),
so a time limit or memory cap that failed to hold would hang or kill this test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from conftest import EXAMPLES, ROOT

from assessor.assessment import Answer, load_assessment
from assessor.cli import main
from assessor.documents import RenderError, RenderPool, available_documents, render_document, render_pack
from assessor.documents import cache as cache_mod
from assessor.documents.cache import RenderCache, assessment_key, document_key
from assessor.documents.context import build_context
from assessor.documents.pack import _specs
from assessor.documents.workers import Job, convert

PAGE = "<html><head><title>t</title></head><body><main><h1>Fine</h1><p>Hello.</p></main></body></html>"


# Run in the worker process: each misbehaves in one way.
def sleepy(html: str, fmt: str) -> bytes:
    time.sleep(60)
    return b""


def greedy(html: str, fmt: str) -> bytes:
    hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB, over any cap used here
    return bytes(len(hoard))


def dies(html: str, fmt: str) -> bytes:
    os._exit(3)


def fails(html: str, fmt: str) -> bytes:
    raise ValueError("no such thing")


def jinja_builds(html: str, fmt: str) -> bytes:
    from assessor.documents.html import environment

    return str(environment.cache_info().misses).encode()


@pytest.fixture(scope="module")
def youth(catalogue):
    return load_assessment(EXAMPLES / "youth-forum.yaml", catalogue)


@pytest.fixture
def pool():
    p = RenderPool(1, timeout=30, memory_mb=1024)
    yield p
    p.close()


# -- isolation -----------------------------------------------------------------------------


def test_a_slow_render_is_stopped_and_the_worker_replaced(pool):
    pool.timeout = 1.0
    started = time.monotonic()
    with pytest.raises(RenderError) as caught:
        pool.run(Job(sleepy, (PAGE, "pdf"), "House rules", "pdf"))
    assert time.monotonic() - started < 20
    assert caught.value.reason == "timeout"
    assert str(caught.value).startswith("Rendering House rules took longer than 1 s")
    assert pool.stats.replaced == 1
    assert pool.run(Job(convert, (PAGE, "md"), "House rules", "md")).startswith(
        b"# Fine"
    )  # the new worker works


def test_a_memory_hungry_render_is_stopped(pool):
    pool.memory_mb = 512
    with pytest.raises(RenderError) as caught:
        pool.run(Job(greedy, (PAGE, "pdf"), "Risk assessment", "pdf"))
    assert caught.value.reason in ("memory", "crash")
    assert "512 MiB" in str(caught.value) and "Risk assessment" in str(caught.value)
    assert pool.run(Job(convert, (PAGE, "pdf"), "Risk assessment", "pdf")).startswith(b"%PDF")


def test_a_worker_that_dies_or_fails_is_reported(pool):
    with pytest.raises(RenderError) as caught:
        pool.run(Job(dies, (PAGE, "docx"), "Member code", "docx"))
    assert caught.value.reason == "crash" and "Member code (DOCX) stopped unexpectedly" in str(caught.value)
    with pytest.raises(RenderError, match=r"Rendering Member code failed: ValueError: no such thing"):
        pool.run(Job(fails, (PAGE, "pdf"), "Member code", "pdf"))
    assert pool.run(Job(convert, (PAGE, "md"), "Member code", "md"))


def test_a_real_document_over_its_time_limit_is_stopped(youth, catalogue, pool):
    """A genuinely long document (every note 100,000 characters) against a short limit."""
    answers = {k: Answer(value=a.value, note="Long note. " * 9_000) for k, a in youth.answers.items()}
    long = youth.model_copy(update={"answers": answers})
    pool.timeout = 2.0
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"^Rendering Online safety risk assessment took longer than 2 s"):
        render_document("risk_report", long, catalogue, "pdf", workers=pool, cache=False)
    assert time.monotonic() - started < 15
    pool.timeout = 60
    assert render_document("behaviour_code", youth, catalogue, "md", workers=pool)


def test_cli_reports_a_render_timeout_without_a_traceback(tmp_path):
    env = {**os.environ, "ASSESSOR_RENDER_TIMEOUT": "0.2", "ASSESSOR_RENDER_WORKERS": "1"}
    r = subprocess.run(
        [sys.executable, "-m", "assessor", "pack", str(EXAMPLES / "youth-forum.yaml"), "-o", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 1
    assert "took longer than 0.2 s and was stopped" in r.stderr
    assert "Traceback" not in r.stderr


# -- parallel and serial -------------------------------------------------------------------


def test_parallel_pack_equals_serial_byte_for_byte(youth, catalogue):
    pool = RenderPool(2)
    try:
        seen = []
        parallel = render_pack(
            youth,
            catalogue,
            ["pdf", "md"],
            progress=lambda *a: seen.append(a),
            workers=pool,
            cache=False,
        )
    finally:
        pool.close()
    serial = render_pack(youth, catalogue, ["pdf", "md"], workers=0, cache=False)
    assert list(parallel) == list(serial)  # same files, same order
    assert all(parallel[name] == serial[name] for name in serial)
    total = len(available_documents(youth, catalogue))
    # one call per document, as each is finished, each title once
    assert [(n, t) for n, t, _ in seen] == [(n, total) for n in range(1, total + 1)]
    assert sorted(title for _, _, title in seen) == sorted(
        s.title for s in available_documents(youth, catalogue)
    )


def test_a_pack_of_chosen_documents(youth, catalogue):
    files = render_pack(youth, catalogue, ["md"], documents=["procedure", "house_rules"], cache=False)
    assert list(files) == ["md/03-house-rules.md", "md/07-escalation-procedure.md"]
    with pytest.raises(KeyError, match="member_code"):
        render_pack(youth, catalogue, ["md"], documents=["member_code"])


def test_many_jobs_from_an_iterator_all_come_back():
    pool = RenderPool(2)
    try:
        jobs = (
            Job(convert, (PAGE.replace("Fine", f"Doc {i}"), "md"), f"Doc {i}", "md", i) for i in range(12)
        )
        results = {job.tag: data for job, data in pool.imap(jobs)}
    finally:
        pool.close()
    assert sorted(results) == list(range(12))
    assert all(results[i].startswith(f"# Doc {i}".encode()) for i in results)


def test_the_app_process_never_imports_weasyprint():
    code = (
        "import sys; sys.path.insert(0, '.');"
        "import assessor.documents, assessor.documents.batch, assessor.cli, ui.state, ui.sections, ui.results;"
        "from assessor.catalogue import default_catalogue; from assessor.assessment import load_assessment;"
        "from assessor.documents import render_pack, render_document; from pathlib import Path;"
        "c = default_catalogue(); a = load_assessment(Path('examples/youth-forum.yaml'), c);"
        "f = render_pack(a, c, ['docx', 'md']); assert f['docx/01-risk-assessment.docx'].startswith(b'PK');"
        "assert render_document('behaviour_code', a, c, 'pdf').startswith(b'%PDF');"
        "print(sorted(m for m in ('weasyprint', 'docx', 'pydyf', 'fontTools') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "profile",
    [
        {},
        {"audience": ["age_13_17"]},
        {"audience": ["adults", "under_13"], "relationship": "audit_concern"},
        {"audience": ["adults_at_risk"], "relationship": "audit_before", "nation": "wales"},
    ],
)
def test_available_documents_need_no_scoring_but_match_the_context(youth, catalogue, profile):
    a = youth.model_copy(update={"profile": {**youth.profile, **profile}})
    assert available_documents(a, catalogue) == _specs(build_context(a, catalogue))


def test_templates_and_questionnaire_load_once_per_process(youth, catalogue):
    from assessor.catalogue import default_catalogue
    from assessor.documents.html import environment

    render_pack(youth, catalogue, ["html"], workers=0, cache=False)
    before = environment.cache_info()
    render_pack(youth, catalogue, ["html"], workers=0, cache=False)
    assert environment.cache_info().misses == before.misses == 1
    assert default_catalogue() is default_catalogue()
    pool = RenderPool(1)
    try:  # a worker inherits the environment built once in the fork server, and keeps it
        render_pack(youth, catalogue, ["md"], workers=pool, cache=False)
        assert pool.run(Job(jinja_builds, ("", ""), "check")) == b"1"
    finally:
        pool.close()


# -- cache ---------------------------------------------------------------------------------


def test_cache_hits_for_unchanged_answers_and_misses_for_any_change(youth, catalogue):
    store = RenderCache()
    first = render_pack(youth, catalogue, ["md"], cache=store)
    assert store.misses == len(first) and store.hits == 0
    started = time.perf_counter()
    again = render_pack(youth, catalogue, ["md"], cache=store)
    assert time.perf_counter() - started < 0.05
    assert again == first and store.hits == len(first)
    qid = next(k for k, a in youth.answers.items() if a.value == "in_place")
    changed = youth.model_copy(update={"answers": {**youth.answers, qid: Answer(value="partly")}})
    different = render_pack(changed, catalogue, ["md"], cache=store)
    assert store.hits == len(first)  # every document missed: each one shows the answers' version
    assert different != first
    assert (
        render_document("policy_statement", youth, catalogue, "md", cache=store)
        == first[next(k for k in first if "policy-statement" in k)]
    )


def test_cache_key_covers_format_document_questionnaire_and_templates(
    youth, catalogue, mini, tmp_path, monkeypatch
):
    key = assessment_key(youth, catalogue)
    assert key == assessment_key(youth.model_copy(), catalogue)
    assert document_key(key, "house_rules", "pdf") != document_key(key, "house_rules", "md")
    assert document_key(key, "house_rules", "pdf") != document_key(key, "staff_code", "pdf")
    assert assessment_key(youth, mini) != key
    newer = catalogue.model_copy(update={"meta": catalogue.meta.model_copy(update={"version": "999"})})
    assert assessment_key(youth, newer) != key
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "a.html").write_text("one")
    monkeypatch.setattr(cache_mod, "TEMPLATES_DIR", templates)
    before = assessment_key(youth, catalogue)
    (templates / "a.html").write_text("two!")
    assert assessment_key(youth, catalogue) != before


def test_disk_cache_is_shared_atomic_and_checked(tmp_path):
    folder = tmp_path / "cache"
    RenderCache(folder=folder).put("ab" + "0" * 62, b"%PDF-1.7 one")
    fresh = RenderCache(folder=folder)
    assert fresh.get("ab" + "0" * 62) == b"%PDF-1.7 one"
    (path,) = [p for p in folder.rglob("*") if p.is_file()]
    assert not list(folder.rglob(".tmp-*"))
    path.write_bytes(path.read_bytes()[:-3] + b"two")  # torn or tampered
    assert RenderCache(folder=folder).get("ab" + "0" * 62) is None
    assert not path.exists()


def test_small_memory_cache_evicts_least_recent():
    store = RenderCache(max_bytes=10)
    store.put("a", b"12345")
    store.put("b", b"12345")
    store.get("a")
    store.put("c", b"12345")
    assert store.get("a") == b"12345" and store.get("b") is None and store.get("c") == b"12345"


# -- batch ---------------------------------------------------------------------------------


def test_batch_renders_every_file_and_reports_a_bad_one(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("youth-forum", "adult-peer-support"):
        (src / f"{name}.yaml").write_bytes((EXAMPLES / f"{name}.yaml").read_bytes())
    (src / "broken.yaml").write_text(
        "schema_version: 1\norganisation: {name: X}\nanswers:\n  nope.q: {value: in_place}\n"
    )
    (src / "notes.txt").write_text("not an assessment")
    out = tmp_path / "out"
    assert main(["pack", "--batch", str(src), "-o", str(out), "--format", "md,docx"]) == 1
    captured = capsys.readouterr()
    assert f"{src / 'broken.yaml'}:4:3: unknown question id 'nope.q'" in captured.err
    assert sorted(p.name for p in out.iterdir()) == ["adult-peer-support", "youth-forum"]
    assert (
        "# Online safety risk assessment"
        in (out / "youth-forum" / "md" / "01-risk-assessment.md").read_text()
    )
    assert (out / "adult-peer-support" / "docx" / "01-risk-assessment.docx").read_bytes()[:2] == b"PK"
    assert "3 assessment file(s): 2 done, 1 failed" in captured.out

    assert main(["pack", "--batch", str(src), "-o", str(tmp_path / "scores"), "--score-only"]) == 1
    assert (tmp_path / "scores" / "youth-forum" / "score.json").read_text().startswith("{")
    src.joinpath("broken.yaml").unlink()
    assert main(["pack", "--batch", str(src), "-o", str(tmp_path / "scores"), "--score-only"]) == 0


def test_pack_needs_a_file_or_a_batch(tmp_path, capsys):
    assert main(["pack", "-o", str(tmp_path)]) == 2
    assert (
        main(["pack", str(EXAMPLES / "youth-forum.yaml"), "--batch", str(tmp_path), "-o", str(tmp_path)]) == 2
    )
    assert main(["pack", str(EXAMPLES / "youth-forum.yaml"), "--score-only", "-o", str(tmp_path)]) == 2
    assert "either an assessment FILE or --batch DIR" in capsys.readouterr().err
