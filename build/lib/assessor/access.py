"""Who may do what, in hosted mode: roles in an organisation, and a store that checks them.

Pure functions that the web app (``ui/``) and the command line both call. The app never relies
on hiding a button: every read and every change goes through ``CheckedStore``, which asks the
store which organisation a draft belongs to and what the signed-in person's role there is, and
refuses otherwise. A draft of an organisation the person does not belong to is reported exactly
as a draft that does not exist (``DraftNotFound``), so an id or a return code tells an outsider
nothing, not even that it exists.

Roles (one per person per organisation):

- **owner**: manages members and invitations, reads the audit log; also answers and deletes.
- **editor**: answers questions, restores earlier versions, creates assessments.
- **reviewer**: the safeguarding lead: reads, comments and marks an assessment as reviewed.
- **trustee**: reads everything, downloads the documents, and approves.
- **viewer**: reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from assessor.store.base import DraftNotFound, normal_email

if TYPE_CHECKING:
    from assessor.store.base import DraftStore, DraftSummary

ROLES = ("owner", "editor", "reviewer", "trustee", "viewer")

ROLE_TEXT = {
    "owner": "Owner: manages members and invitations, reads the audit log, answers and deletes",
    "editor": "Editor: answers the questions",
    "reviewer": "Reviewer (safeguarding lead): comments and marks as reviewed",
    "trustee": "Trustee: reads everything, downloads the documents and approves",
    "viewer": "Viewer: reads",
}

# What each action means; pages and store calls name one of these.
ACTIONS = {
    "read": "open and read an assessment, its results, documents and history",
    "answer": "change answers (and restore an earlier version, settle a conflict)",
    "create": "start a new assessment in the organisation",
    "delete": "delete an assessment, or bring a deleted one back",
    "download": "download the documents",
    "comment": "comment on answers",
    "review": "mark an assessment as reviewed",
    "approve": "approve an assessment for adoption",
    "manage_members": "add, change and remove members, and invite people",
    "read_audit": "read the organisation's audit log",
}

PERMISSIONS: Mapping[str, frozenset[str]] = {
    "owner": frozenset(
        {"read", "answer", "create", "delete", "download", "comment", "manage_members", "read_audit"}
    ),
    "editor": frozenset({"read", "answer", "create", "download", "comment"}),
    "reviewer": frozenset({"read", "comment", "review", "download"}),
    "trustee": frozenset({"read", "download", "approve"}),
    "viewer": frozenset({"read"}),
}

# The action each page of the app needs (see ui/router.py). Pages not listed need a signed-in
# member of the open assessment's organisation with "read".
PAGES = {
    "start": None,  # anyone signed in
    "members": "manage_members",
    "history": "read",
    "documents": "read",
    "results": "read",
    "review": "read",
}


# Each role's part in the sign-off chain (assessor.lifecycle names them): the UI passes it as
# ``role=`` to the lifecycle functions, and CheckedStore checks a saved transition against it.
LIFECYCLE_ROLE = {
    "owner": "editor",
    "editor": "editor",
    "reviewer": "safeguarding_lead",
    "trustee": "trustee",
}
# The action named in the refusal when a role may not take a sign-off step.
STEP_ACTION = {
    "submit": "answer",
    "review": "review",
    "approve": "approve",
    "send_back": "review",
    "start_review": "answer",
}


def lifecycle_role(role: str | None) -> str | None:
    """This role's part in the sign-off chain (None: a viewer, or not a member, takes no step)."""
    return LIFECYCLE_ROLE.get(role or "")


def sign_off_step(changes: Mapping[str, Any]) -> str | None:
    """The sign-off step a set of changed fields takes (None: it moves no status).

    Read from the status the change sets: submitted, reviewed, approved; back to draft is the
    next yearly review when it files the current version under earlier ones, else a send-back."""
    if "lifecycle/current/status" not in changes and "lifecycle/earlier" not in changes:
        return None
    target = changes.get("lifecycle/current/status") or "draft"
    if target == "draft":
        return "start_review" if "lifecycle/earlier" in changes else "send_back"
    return {"submitted": "submit", "reviewed": "review", "approved": "approve"}.get(target, "approve")


def may_change(role: str | None, changes: Mapping[str, Any]) -> str | None:
    """None when this role may save these changed fields; else the action it lacks.

    Answers, notes and every other field need "answer"; a sign-off step (a change of status, with
    the names, dates and minute it records) needs the role the chain gives that step
    (``assessor.lifecycle.MAY``): a trustee approves without being able to change an answer."""
    step = sign_off_step(changes)
    content = [k for k in changes if not k.startswith("lifecycle/current/") and k != "lifecycle/earlier"]
    if (step is None or content) and not can(role, "answer"):
        return "answer"
    if step is not None:
        from assessor.lifecycle import MAY

        if lifecycle_role(role) not in MAY.get(step, frozenset()):
            return STEP_ACTION.get(step, "approve")
    return None


class Forbidden(PermissionError):
    """A member may read this, but their role does not allow the change."""

    def __init__(self, action: str, role: str | None) -> None:
        self.action, self.role = action, role
        who = f"a {role}" if role else "someone who is not a member"
        super().__init__(f"As {who} you cannot {ACTIONS.get(action, action)}.")


def can(role: str | None, action: str) -> bool:
    """True when this role may take this action. No role (not a member) may take none."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return role is not None and action in PERMISSIONS.get(role, frozenset())


def require(role: str | None, action: str) -> None:
    if not can(role, action):
        raise Forbidden(action, role)


def allowed(role: str | None) -> frozenset[str]:
    return PERMISSIONS.get(role or "", frozenset())


def page_allowed(role: str | None, page: str) -> bool:
    """May this role see this page of an open assessment? Start is open to anyone signed in."""
    action = PAGES.get(page, "read")
    return action is None or can(role, action)


def can_remove(members: list, email: str, by_role: str | None) -> bool:
    """An owner may remove or demote anyone except the last owner (someone must manage members)."""
    if not can(by_role, "manage_members"):
        return False
    owners = [m.email for m in members if m.role == "owner"]
    return owners != [normal_email(email)]


class CheckedStore:
    """A store as one signed-in person may use it: every call is checked against their role.

    Reads of a draft need "read" in its organisation; without it the draft does not exist for
    them (``DraftNotFound``). Changes need the action's permission (``Forbidden``). Listing
    shows only their organisations' drafts. Anything not listed here is refused, so a new store
    method cannot be reached unchecked by mistake.
    """

    _READS = (
        "head",
        "load_text",
        "load",
        "revisions",
        "changes_in",
        "conflicts",
        "summary",
        "approved_revisions",  # the sign-off page and History's comparison
    )

    def __init__(self, inner: DraftStore, email: str) -> None:
        self.inner = inner
        self.email = normal_email(email)
        self._roles: dict[str | None, str | None] = {}

    # -- who --
    def role_in(self, org_id: str | None) -> str | None:
        if org_id is None:
            return None
        if org_id not in self._roles:
            self._roles[org_id] = self.inner.role_of(org_id, self.email)
        return self._roles[org_id]

    def role_for(self, draft_id: str) -> str | None:
        """This person's role in the draft's organisation (None: not a member, or no draft)."""
        return self.role_in(self.inner.draft_org(draft_id))

    def _check(self, draft_id: str, action: str) -> None:
        role = self.role_for(draft_id)
        if not can(role, "read"):
            raise DraftNotFound(draft_id)  # the same answer as for an id that does not exist
        require(role, action)

    # -- drafts --
    def __getattr__(self, name: str) -> Any:
        if name in self._READS:
            method = getattr(self.inner, name)

            def read(draft_id: str, *args: Any, **kwargs: Any) -> Any:
                self._check(draft_id, "read")
                return method(draft_id, *args, **kwargs)

            return read
        raise AttributeError(f"{name} is not available to a signed-in person's store")

    def exists(self, draft_id: str) -> bool:
        return can(self.role_for(draft_id), "read") and self.inner.exists(draft_id)

    def open(self, draft_id: str, catalogue: Any, *, author: str | None = None) -> Any:
        self._check(draft_id, "read")  # opening may save a recovered version: a repair, not an edit
        return self.inner.open(draft_id, catalogue, author=author)

    def create(self, assessment: Any, progress: float = 0.0, *, org: str | None = None, **kw: Any) -> str:
        require(self.role_in(org), "create")
        kw["author"] = self.email
        return self.inner.create(assessment, progress, org=org, **kw)

    def apply(self, draft_id: str, base: int, changes: Mapping[str, Any], catalogue: Any, **kw: Any) -> Any:
        # No changes only brings a tab up to date with the head: a read.
        self._check(draft_id, "read")
        lacking = may_change(self.role_for(draft_id), changes) if changes else None
        if lacking:
            raise Forbidden(lacking, self.role_for(draft_id))
        kw["author"] = self.email
        return self.inner.apply(draft_id, base, changes, catalogue, **kw)

    def save(self, draft_id: str, assessment: Any, progress: float = 0.0, **kw: Any) -> int:
        self._check(draft_id, "answer")
        kw["author"] = self.email
        return self.inner.save(draft_id, assessment, progress, **kw)

    def restore(self, draft_id: str, rev: int, catalogue: Any, **kw: Any) -> int:
        self._check(draft_id, "answer")
        kw["author"] = self.email
        return self.inner.restore(draft_id, rev, catalogue, **kw)

    def resolve(self, draft_id: str, conflict_id: int, value: Any, catalogue: Any, **kw: Any) -> Any:
        self._check(draft_id, "answer")
        kw["author"] = self.email
        return self.inner.resolve(draft_id, conflict_id, value, catalogue, **kw)

    def delete(self, draft_id: str) -> None:
        self._check(draft_id, "delete")
        self.inner.delete(draft_id)
        self.inner.log(self.inner.draft_org(draft_id), self.email, "delete", draft_id=draft_id)

    def undelete(self, draft_id: str) -> None:
        self._check(draft_id, "delete")
        self.inner.undelete(draft_id)
        self.inner.log(self.inner.draft_org(draft_id), self.email, "undelete", draft_id=draft_id)

    def purge(self, draft_id: str | None = None) -> int:
        if draft_id is None:
            raise Forbidden("delete", None)  # the periodic purge of every organisation is the host's
        self._check(draft_id, "delete")
        org = self.inner.draft_org(draft_id)
        n = self.inner.purge(draft_id)
        self.inner.log(org, self.email, "purge", draft_id=draft_id)
        return n

    def is_owner(self, draft_id: str, browser: str | None) -> bool:
        return False  # in hosted mode deleting is a role's right, not the creating browser's

    def list(
        self, ids: list[str] | None = None, *, deleted: bool = False, org: str | None = None
    ) -> list[DraftSummary]:
        orgs = [m.org_id for m in self.inner.orgs_for(self.email) if can(m.role, "read")]
        if org is not None:
            orgs = [o for o in orgs if o == org]
        out: list[DraftSummary] = []
        for o in orgs:
            out += self.inner.list(ids, deleted=deleted, org=o)
        return sorted(out, key=lambda d: d.updated, reverse=True)

    def find_code(self, code: str) -> str | None:
        found = self.inner.find_code(code)
        return found if found is not None and can(self.role_for(found), "read") else None

    def draft_org(self, draft_id: str) -> str | None:
        org = self.inner.draft_org(draft_id)
        return org if can(self.role_in(org), "read") else None

    # -- organisations --
    def orgs(self) -> list:
        return self.inner.orgs_for(self.email)

    def create_org(self, name: str) -> str:
        return self.inner.create_org(name, owner=self.email)

    def org(self, org_id: str) -> Any:
        self._member(org_id)
        return self.inner.org(org_id)

    def _member(self, org_id: str, action: str = "read") -> None:
        role = self.role_in(org_id)
        if role is None:
            from assessor.store.base import OrgNotFound

            raise OrgNotFound(org_id)
        require(role, action)

    def members(self, org_id: str) -> list:
        self._member(org_id, "manage_members")
        return self.inner.members(org_id)

    def set_member(self, org_id: str, email: str, role: str) -> None:
        self._member(org_id, "manage_members")
        if role != "owner" and not can_remove(self.inner.members(org_id), email, "owner"):
            raise Forbidden("manage_members", "owner")  # would leave no owner
        self.inner.set_member(org_id, email, role, by=self.email)
        self._roles.clear()

    def remove_member(self, org_id: str, email: str) -> None:
        self._member(org_id, "manage_members")
        if not can_remove(self.inner.members(org_id), email, "owner"):
            raise Forbidden("manage_members", "owner")
        self.inner.remove_member(org_id, email, by=self.email)
        self._roles.clear()

    def invite(self, org_id: str, email: str, role: str) -> str:
        self._member(org_id, "manage_members")
        return self.inner.invite(org_id, email, role, by=self.email)

    def invitations(self, org_id: str) -> list:
        self._member(org_id, "manage_members")
        return self.inner.invitations(org_id)

    def cancel_invite(self, org_id: str, invite_id: int) -> None:
        self._member(org_id, "manage_members")
        self.inner.cancel_invite(org_id, invite_id, by=self.email)

    def accept_invite(self, token: str) -> Any:
        joined = self.inner.accept_invite(token, self.email)
        self._roles.clear()
        return joined

    def audit(self, org_id: str, *, draft_id: str | None = None, limit: int = 500) -> list:
        self._member(org_id, "read_audit")
        return self.inner.audit(org_id, draft_id=draft_id, limit=limit)

    def log(self, draft_id: str, action: str, *, fields: tuple[str, ...] = (), detail: str = "") -> None:
        """Log an action on a draft this person may read (a download, an approval, ...)."""
        self._check(draft_id, "read")
        self.inner.log(
            self.inner.draft_org(draft_id),
            self.email,
            action,
            draft_id=draft_id,
            fields=fields,
            detail=detail,
        )

    def close(self) -> None:
        pass  # the inner store is shared; its owner closes it
