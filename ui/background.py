"""Documents written in the background, so that a download is one click with no "Prepare" step.

When someone reaches Results or Documents, the documents for the answers as they stand are
rendered on the render workers by one background thread per server process. Results land in the
process-wide render cache (``assessor.documents.pack``), keyed by the content of the answers,
questionnaire and templates, so the download itself only reads them back. Only the newest
request is rendered: while someone types sign-off names, each pause asks again and the older
requests are dropped (a job stops between documents when a newer one is asked for); a request
waits ``SETTLE_S`` for typing to stop before it starts. A text box sends what was typed after a
1 s pause (``DEBOUNCE_MS`` in ``components/autosave.js``), so the next edit comes 1 s after the
next word is typed: waiting 2 s lets a word take up to 1 s without starting a job that the next
edit would stop (with 1.5 s, any word taking more than 0.5 s did). Documents are written one at
a time, so the workers keep room for what the person asks for meanwhile (a preview, a download).
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

SETTLE_S = 2.0
KEEP = 64  # progress records kept (one per version of the answers asked for)


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    error: str | None = None
    finished: bool = False


_lock = threading.Lock()
_wanted: tuple | None = None  # (key, answers_yaml, formats, documents, catalogue), the newest
_asked_at = 0.0
_thread: threading.Thread | None = None
_progress: dict[str, Progress] = {}


def job_key(answers_yaml: str, formats: list[str], documents: list[str]) -> str:
    text = "\n".join([answers_yaml, ",".join(formats), ",".join(documents)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def want(answers_yaml: str, formats: list[str], documents: list[str], catalogue) -> str:
    """Ask for these documents to be written (at once if nothing newer is asked meanwhile).

    ``catalogue`` is the app's one questionnaire object (``state.catalogue()``), passed in
    because the thread has no Streamlit session to fetch it from."""
    global _wanted, _asked_at, _thread
    key = job_key(answers_yaml, formats, documents)
    with _lock:
        if key in _progress and not _progress[key].error:
            return key
        _progress[key] = Progress(total=len(documents))
        while len(_progress) > KEEP:
            _progress.pop(next(iter(_progress)))
        _wanted = (key, answers_yaml, tuple(formats), tuple(documents), catalogue)
        _asked_at = time.monotonic()
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="assessor-documents", daemon=True)
            _thread.start()
    return key


def progress(key: str) -> Progress | None:
    with _lock:
        p = _progress.get(key)
        return Progress(p.done, p.total, p.error, p.finished) if p else None


def _run() -> None:
    global _wanted, _thread
    from assessor.assessment import parse_assessment
    from assessor.documents.pack import render_pack

    while True:
        with _lock:
            wait = _asked_at + SETTLE_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
            continue
        with _lock:
            job, _wanted = _wanted, None
            if job is None:
                _thread = None
                return
        key, answers_yaml, formats, documents, cat = job
        # One document at a time, so that the render workers always have room for what the
        # person asks for now (a preview, a download), and a newer request takes over at once.
        try:
            assessment = parse_assessment(answers_yaml, cat, "draft")
            for n, doc_id in enumerate(documents, 1):
                with _lock:
                    if _wanted is not None:  # newer answers: this version is no longer wanted
                        _progress.pop(key, None)
                        break
                render_pack(assessment, cat, list(formats), documents=[doc_id])
                with _lock:
                    if key in _progress:
                        _progress[key].done = n
            else:
                with _lock:
                    if key in _progress:
                        _progress[key].finished = True
        except Exception as exc:  # shown on the page; a download renders again on its own
            error = str(exc) or type(exc).__name__
            with _lock:
                if key in _progress:
                    _progress[key].error, _progress[key].finished = error, True
