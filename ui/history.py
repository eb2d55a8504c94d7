"""History: every saved version of the open assessment, what each changed, and restoring one.

Restoring makes the old version current again *as a new version*, so a restore is itself in the
history and can be undone the same way. Deleting is on the Start page (soft, with Undo for 30
days); "Delete now" is here, for the browser that created the assessment only.
"""

from __future__ import annotations

import streamlit as st

from assessor.store import UNDO_DAYS, Revision
from ui import auth, state, sync
from ui.text import md

KINDS = {
    "create": "Started",
    "edit": "Answers saved",
    "restore": "Earlier version restored",
    "recover": "Recovered after a damaged save",
    "resolve": "Choice between two edits",
    "import": "Opened from a file",
}
SHOWN = 50  # newest versions listed; the store keeps up to KEEP_REVISIONS


def _questions(rev: Revision) -> int:
    """How many questions (or other items) a version changed: a value and its note count once."""
    return len({path.rsplit("/", 1)[0] if path.startswith("answers/") else path for path in rev.changed})


def _restore(rev: int) -> None:
    draft = state.draft_id()
    before = state.store().head(draft)
    new = state.store().restore(draft, rev, state.catalogue(), author=state.tab())
    state.open_draft(draft)
    state._reseed(None)
    st.session_state["undo_restore"] = (before, new, rev)


def _delete_now() -> None:
    draft = state.draft_id()
    state.store().purge(draft)
    state.forget(draft)
    state.close_draft()
    state.flash("success", "The assessment and all its versions have been deleted.")
    st.session_state["go_to"] = "start"


def history_page() -> None:
    st.title("History")
    state.show_flash()
    draft = state.draft_id()
    store = state.store()
    undo = st.session_state.get("undo_restore")
    if undo:
        before, new, rev = undo
        st.success(f"Version {rev} is current again, saved as version {new}.")
        if st.button(f"Undo: go back to version {before}", key="undo-restore"):
            _restore(before)
            st.session_state.pop("undo_restore", None)
            st.rerun()
    st.write(
        "Every save is kept as a version. Open one to see what it changed; restoring an earlier "
        "version saves it again as the newest, so nothing is lost and a restore can be undone."
    )
    revisions = store.revisions(draft)
    head = revisions[0].rev if revisions else 0
    for r in revisions[:SHOWN]:
        n = _questions(r)
        who = f" · {r.author}" if r.author else ""
        what = KINDS.get(r.kind, r.kind)
        count = f" · {n} item{'s' if n != 1 else ''} changed" if r.kind != "create" else ""
        title = (
            f"Version {r.rev}{' (current)' if r.rev == head else ''} · {r.saved.astimezone():%d %b %Y, %H:%M}"
        )
        with st.expander(f"{title} · {what}{count}{who}"):
            changes = store.changes_in(draft, r.rev)
            if not changes:
                st.write("No answers changed.")
            for path, (old, new) in list(changes.items())[:40]:
                st.markdown(
                    f"**{md(sync.describe(path))}**: {md(sync.label(path, old))} → {md(sync.label(path, new))}"
                )
            if len(changes) > 40:
                st.write(f"…and {len(changes) - 40} more.")
            if (
                r.rev != head
                and auth.may("answer")
                and st.button(f"Restore version {r.rev}", key=f"restore|{r.rev}")
            ):
                _restore(r.rev)
                st.rerun()
    if len(revisions) > SHOWN:
        st.write(f"Older versions ({len(revisions) - SHOWN}) are kept but not listed here.")

    if auth.enabled() and auth.may("read_audit"):
        from ui.members import audit_table

        st.header("Audit log")
        st.write(
            "Every change to this assessment in the organisation's audit log: who, when and which answers."
        )
        audit_table(store.audit(auth.current_org(), draft_id=draft, limit=200))
    if auth.enabled() and not auth.may("delete"):
        return
    st.header("Delete this assessment")
    if store.is_owner(draft, state.browser_id()) or auth.enabled():
        st.write(
            f"Delete it from the Start page to keep it for {UNDO_DAYS} days with Undo. "
            "**Delete now** removes it and every version at once: it cannot be undone."
        )
        if st.session_state.get("confirm-purge"):
            st.warning("Delete this assessment and all its versions now? This cannot be undone.")
            yes, no = st.columns(2)
            if yes.button("Yes, delete it now", type="primary"):
                _delete_now()
                st.rerun()
            if no.button("Keep it"):
                st.session_state.pop("confirm-purge")
                st.rerun()
        elif st.button("Delete now"):
            st.session_state["confirm-purge"] = True
            st.rerun()
    else:
        st.write(
            f"Only the browser that started this assessment can delete it at once. You can delete it "
            f"from the Start page; it is kept for {UNDO_DAYS} days and can be brought back."
        )
