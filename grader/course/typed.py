"""Typed configuration files (course.yaml, the quiz files): the model base they are built on,
and one way of turning pydantic's errors into lines an author can act on.

Every problem reads ``<key path>: <what was expected>, got <value>``, where the key path is
written as the author wrote the file: ``assignments[2](id=backprop).parts[0](id=forward).points``
(list items that have an ``id`` are named by it too). Trusted side only: nothing under
``grader.learner`` imports this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError


def _no_bool(value: Any) -> Any:
    # YAML turns yes/no/true into booleans, and pydantic would read those as 1 and 0.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value}")
    return value


#: Numbers in course.yaml and quiz files: a YAML boolean (rtol: yes) is an error, not 1.0.
Number = Annotated[float, BeforeValidator(_no_bool), Field(allow_inf_nan=False)]
WholeNumber = Annotated[int, BeforeValidator(_no_bool)]


class Strict(BaseModel):
    """A part of a configuration file: unknown keys are errors (a misspelt key is never ignored), values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class TaggedUnion:
    """The data validated is one of several models told apart by the value of one key (a question's ``type``)."""

    key: str
    #: What a value of ``key`` is called in messages: "question type".
    meaning: str
    tags: Sequence[str]


#: Patterns of the formats, said in words.
_PATTERNS = {
    r"^[a-z][a-z0-9_]*$": "use lower-case letters, digits and _ , starting with a letter",
    r"^[a-z0-9][a-z0-9-]*$": "use lower-case letters, digits and -, starting with a letter or digit",
    r"^[a-z]$": "use one lower-case letter",
}


#: pydantic's error type -> what was expected instead, for errors that are a value of the wrong kind.
_EXPECTED = {
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "dict_type": "a mapping of keys",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "list_type": "a list",
    "tuple_type": "a list",
    "timezone_aware": "a date and time with its zone (ISO 8601, e.g. 2026-12-10T23:59:00+01:00)",
    "datetime_type": "a date and time with its zone (ISO 8601, e.g. 2026-12-10T23:59:00+01:00)",
    "datetime_parsing": "a date and time with its zone (ISO 8601, e.g. 2026-12-10T23:59:00+01:00)",
    "datetime_from_date_parsing": "a date and time with its zone (ISO 8601, e.g. 2026-12-10T23:59:00+01:00)",
}


def key_path(loc: Sequence[Any], data: Any, prefix: str = "") -> str:
    """pydantic's location as the key path an author would write, after ``prefix``: assignments[2](id=bce).notebook

    Where a value may take one of several forms (a parameter: choices, or low/high/step), pydantic names the
    form it tried in the location; that name is said at the end instead: ``parameters.lr.low (if lr is a GridParameter)``.
    """
    out = prefix
    node = data
    name = prefix
    forms: list[str] = []
    for item in loc:
        if isinstance(item, str) and isinstance(node, dict) and item not in node and item[:1].isupper():
            forms.append(f"{name} is a {item}")  # keys are lower-case; this is the name of a form
            continue
        name = str(item) if isinstance(item, str) else name
        if isinstance(item, int):
            out += f"[{item}]"
            entry = node[item] if isinstance(node, list) and -len(node) <= item < len(node) else None
            ident = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(ident, (str, int)) and not isinstance(ident, bool) and str(ident).strip():
                out += f"(id={ident})"
        else:
            out += ("." if out else "") + str(item)
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return out + (f" (if {', and '.join(forms)})" if forms else "")


def _unquoted(text: str) -> str:
    return ", ".join(t.strip().strip("'\"") for t in text.split(",") if t.strip())


def _tag_key(error: dict[str, Any], union: TaggedUnion | None) -> str:
    """The key that says which model of a tagged union is meant."""
    return union.key if union else _unquoted(str((error.get("ctx") or {}).get("discriminator", "type")))


def _what(error: dict[str, Any], file_format: str, union: TaggedUnion | None) -> str:
    """What was expected (and what was found), in the author's words."""
    kind, got = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"unknown key (not part of the {file_format} format; check its spelling)"
    if kind == "missing" and error["loc"] and isinstance(error["loc"][-1], int):
        return "required item is missing (the list is too short)"
    if kind == "missing":
        return "required key is missing"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        meaning = union.meaning if union else _tag_key(error, union)
        tags = ", ".join(union.tags) if union else _unquoted(str(ctx.get("expected_tags", "")))
        if kind == "union_tag_not_found":
            return f"required key is missing (the {meaning}: one of {tags})" if tags else "required key is missing"
        return f"unknown {meaning} {ctx.get('tag', got)!r} (expected one of {tags})"
    if kind in _EXPECTED:
        # A time YAML has already read is shown as the author wrote it, not as Python's repr.
        shown = got.isoformat() if hasattr(got, "isoformat") else repr(got)
        return f"expected {_EXPECTED[kind]}, got {shown}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"{got!r} is not allowed: {_PATTERNS.get(pattern, f'it must match the pattern {pattern}')}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        return f"{message.replace('Input should be', 'must be')}, got {got!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{message.replace('Input should be', 'must be')}, got {got!r}"
    return message if "got" in message else f"{message} (got {got!r})"


def describe_error(
    error: dict[str, Any], data: Any, file_format: str, prefix: str = "", union: TaggedUnion | None = None
) -> str:
    """One pydantic error of validating ``data`` as ``<key path>: <what was expected>``.

    ``file_format`` names the format in "unknown key" messages; ``prefix`` is put before the key path
    (a quiz question's id); ``union`` says that ``data`` is one of a tagged union's models.
    """
    loc = list(error["loc"])
    if union is not None and loc and isinstance(data, dict) and loc[0] == data.get(union.key):
        loc = loc[1:]  # pydantic puts the tag first; the author never wrote it
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        loc.append(_tag_key(error, union))
    where = key_path(loc, data, prefix) or "(top level)"
    return f"{where}: {_what(error, file_format, union)}"


def validation_problems(
    exc: ValidationError, data: Any, file_format: str, prefix: str = "", union: TaggedUnion | None = None
) -> list[str]:
    """Every error of ``exc`` (raised validating ``data``) as one line, in pydantic's order."""
    return [describe_error(e, data, file_format, prefix, union) for e in exc.errors()]
