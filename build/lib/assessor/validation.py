"""Turn pydantic validation errors into positioned, plain-language problems."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from assessor.errors import Problem, SourceErrors
from assessor.sourcemap import SourceMap

T = TypeVar("T")


def _describe(err: dict[str, Any]) -> tuple[str, bool]:
    """Message for one pydantic error, and whether to point at a key.

    An unknown key points at itself; a missing key at the key of its parent.
    """
    loc = [p for p in err["loc"] if isinstance(p, (str, int))]
    name = next((p for p in reversed(loc) if isinstance(p, str)), None)
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{name}'", True
    if kind == "missing":
        return f"missing required key '{name}'", True
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if kind == "enum" and "expected" in err.get("ctx", {}):
        message = f"must be one of {err['ctx']['expected']}"
    if name and kind != "value_error":
        message = f"{name}: {message}"
    return message, False


def problems_from(exc: ValidationError, data: Any, smap: SourceMap) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        message, at_key = _describe(err)
        out.append(smap.problem(data, tuple(err["loc"]), message, key=at_key))
    # One mistake in a tagged union can surface once per branch: keep each message once.
    return sorted(set(out))


def validate(model: type[T] | TypeAdapter[T], data: Any, smap: SourceMap) -> T:
    """Validate ``data`` and raise SourceErrors with file positions on failure."""
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(data)
        assert issubclass(model, BaseModel)
        return model.model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        raise SourceErrors(problems_from(exc, data, smap)) from None
