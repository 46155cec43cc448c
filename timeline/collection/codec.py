"""Records as nested tuples of plain values, and back: the form the cache stores them in.

Records are stored as nested tuples of plain values and rebuilt without validation:
they were validated when first read. `pickle` of the Pydantic models was measured at
0.96 s for 10,000 events, slower than parsing them; this form loads in about a tenth of
that.

Rebuilding writes a model's four instance slots directly, as `BaseModel.model_construct`
does, in a function compiled per model (see `Decoder`). That depends on how Pydantic lays
out an instance, so it is used only while that layout is the one it was written for
(`FAST_BUILD`); otherwise records are rebuilt through `model_construct`, Pydantic's public
API, which is slower but always right. `tests/test_codec.py` fails loudly when the layout
changes, so the fast path is never lost without notice.
"""

from __future__ import annotations

import marshal
import types
import typing
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from pydantic import BaseModel

from timeline.collection.facts_codec import encode_facts
from timeline.core.dates import DateSpan
from timeline.core.facts import Facts
from timeline.core.model import Actor, Event, Placed
from timeline.core.problems import Problem

#: The instance slots of a Pydantic model that the compiled builders fill, as in Pydantic
#: 2.10 to 2.14 (the releases tested): what `model_construct` sets.
_BUILT_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
#: True when this Pydantic lays out a model as the compiled builders expect.
FAST_BUILD = tuple(BaseModel.__slots__) == _BUILT_SLOTS

_SPAN, _DAY, _MODEL, _MODELS = "span", "day", "model", "models"


def _field_kind(annotation: Any) -> tuple[str, type[BaseModel] | None] | None:
    """How a field's values are stored: as they are (None), or converted."""
    if annotation is DateSpan:
        return (_SPAN, None)
    if annotation is date:
        return (_DAY, None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return (_MODEL, annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        inner = _field_kind(args[0]) if args else None
        if inner is None:
            return None
        if inner[0] != _MODEL:
            raise TypeError(f"cannot cache a list of {args[0]!r}")
        return (_MODELS, inner[1])
    if origin is typing.Annotated:
        return _field_kind(args[0])
    if origin is typing.Union or origin is types.UnionType:
        kinds = {_field_kind(arg) for arg in args if arg is not type(None)}
        if len(kinds) != 1:
            raise TypeError(f"cannot cache a field of type {annotation!r}")
        return kinds.pop()
    return None


class _Codec:
    """Converts one model class to nested tuples and back, field by field."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.names = tuple(model.model_fields)
        self.bits = {name: 1 << bit for bit, name in enumerate(self.names)}  # of the set mask
        self.special: list[tuple[int, str, str, type[BaseModel] | None]] = []
        for index, (name, info) in enumerate(model.model_fields.items()):
            kind = _field_kind(info.annotation)
            if kind is not None:
                self.special.append((index, name, kind[0], kind[1]))
        self.placed = issubclass(model, Placed)
        # Small records (an actor and a role, a place) repeat across events: built once and
        # shared. Larger ones (sources, updates) rarely repeat: hashing them costs more.
        self.shared = not self.placed and len(self.names) <= 2 and not self.special
        self.sets: dict[int, frozenset[str]] = {}


_CODECS: dict[type[BaseModel], _Codec] = {}


def _codec(model: type[BaseModel]) -> _Codec:
    codec = _CODECS.get(model)
    if codec is None:
        codec = _CODECS[model] = _Codec(model)
    return codec


def _encode_model(record: BaseModel) -> tuple[Any, ...]:
    codec = _codec(type(record))
    values = record.__dict__
    out = [values[name] for name in codec.names]
    for index, _, kind, _ in codec.special:
        value = out[index]
        if value is None:
            continue
        if kind == _SPAN:
            end = None if value.end is None else value.end.toordinal()
            out[index] = (value.text, value.start.toordinal(), end, value.precision,
                          value.approximate, value.uncertain, value.label)  # fmt: skip
        elif kind == _DAY:
            out[index] = value.toordinal()
        elif kind == _MODEL:
            out[index] = _encode_model(value)
        else:
            out[index] = [_encode_model(item) for item in value]
    bits = codec.bits
    out.append(sum(bits[name] for name in record.model_fields_set if name in bits))
    if codec.placed:
        out.extend((record.line, record.column, record.doc, record.index))  # type: ignore[attr-defined]
    return tuple(out)


_set_attribute = object.__setattr__


class Decoder:
    """Rebuilds records from nested tuples; equal small nested records are built once and
    shared (they are frozen, so sharing is safe).

    Each model gets a builder function written for its fields (`_builder_source`) and
    compiled once: a loop over the fields that works for any model took twice as long,
    and rebuilding is most of the time a warm `render` of 100,000 events takes. With
    `fast` (the default where `FAST_BUILD`), the builders fill the instance's slots
    themselves; without, they call `model_construct`.
    """

    def __init__(self, *, fast: bool = FAST_BUILD) -> None:
        self.fast = fast
        self.spans: dict[tuple[Any, ...], DateSpan] = {}
        self.shared: dict[tuple[Any, ...], BaseModel] = {}
        self._builders: dict[type[BaseModel], Callable[..., Any]] = {}

    def model(self, model: type[BaseModel], data: tuple[Any, ...], path: str = "") -> Any:
        return self.builder(model)(data, path)

    def builder(self, model: type[BaseModel]) -> Callable[..., Any]:
        """`build(data, path)` for records of `model`."""
        return self._builders.get(model) or self._builder(model)

    def _builder(self, model: type[BaseModel]) -> Callable[..., Any]:
        codec = _codec(model)
        inner = {kind_model for _, _, _, kind_model in codec.special if kind_model is not None}
        scope: dict[str, Any] = {
            "new": model.__new__, "Model": model, "setattr": _set_attribute,
            "sets": codec.sets, "make_set": partial(_fields_set, codec),
            "shared": self.shared, "spans": self.spans, "make_span": _span,
            "fromordinal": date.fromordinal,
            **{f"build_{m.__name__}": self._builders.get(m) or self._builder(m) for m in inner},
        }  # fmt: skip
        # the source is made of field names only
        exec(_builder_source(codec, fast=self.fast), scope)
        build: Callable[..., Any] = scope["build"]
        self._builders[model] = build
        return build


def _fields_set(codec: _Codec, mask: int) -> frozenset[str]:
    fields_set = codec.sets[mask] = frozenset(
        name for bit, name in enumerate(codec.names) if mask >> bit & 1
    )
    return fields_set


def _builder_source(codec: _Codec, *, fast: bool) -> str:
    """The source of `build(data, path)` for one model: what model_construct does, without
    its per-field defaults (every field is stored) and with nested records rebuilt; or,
    unless `fast`, a call of model_construct itself."""
    kinds = {index: (kind, inner) for index, _, kind, inner in codec.special}
    entries = []
    for index, name in enumerate(codec.names):
        value = f"data[{index}]"
        kind, inner = kinds.get(index, (None, None))
        if kind == _SPAN:
            value = f"spans.get(v{index}) or span(v{index})"
        elif kind == _DAY:
            value = f"fromordinal(v{index})"
        elif kind == _MODEL:
            value = f"build_{inner.__name__}(v{index}, '')"  # type: ignore[union-attr]
        elif kind == _MODELS:  # an empty list is a new one each time: lists are mutable
            value = f"[build_{inner.__name__}(item, '') for item in v{index}]"  # type: ignore[union-attr]
        if kind is not None:
            value = f"None if (v{index} := data[{index}]) is None else {value}"
        entries.append(f"{name!r}: {value}")
    count = len(codec.names)
    lines = ["def span(value):", "    made = spans[value] = make_span(value)", "    return made",
             "def build(data, path):"]  # fmt: skip
    if codec.shared:
        lines += ["    found = shared.get(data)", "    if found is not None:",
                  "        return found"]  # fmt: skip
    lines += [
        "    values = {" + ", ".join(entries) + "}",
        f"    fields_set = set(sets.get(mask := data[{count}]) or make_set(mask))",
    ]
    place = f"path, data[{count + 1}], data[{count + 2}], data[{count + 3}], data[{count + 4}]"
    if not fast:
        lines.append("    record = Model.model_construct(fields_set, **values)")
        if codec.placed:
            lines.append(f"    record.place({place})")
    else:
        lines += [
            "    record = new(Model)",
            "    setattr(record, '__dict__', values)",
            "    setattr(record, '__pydantic_fields_set__', fields_set)",
            "    setattr(record, '__pydantic_extra__', None)",
        ]
        if codec.placed:
            lines.append(
                "    setattr(record, '__pydantic_private__', {'_path': path, "
                f"'_line': data[{count + 1}], '_column': data[{count + 2}], "
                f"'_doc': data[{count + 3}], '_index': data[{count + 4}]}})"
            )
        else:
            lines.append("    setattr(record, '__pydantic_private__', None)")
    if codec.shared:
        lines.append("    shared[data] = record")
    lines.append("    return record")
    return "\n".join(lines) + "\n"


def _span(value: tuple[Any, ...]) -> DateSpan:
    text, start, end, precision, approximate, uncertain, label = value
    last = None if end is None else date.fromordinal(end)
    return DateSpan(text, date.fromordinal(start), last, precision, approximate, uncertain, label)


#: A file's facts and problems, as `encode_records` stores them, and its records.
Packed = tuple[bytes, bytes]


def encode_records(
    display: str, events: list[Event], actors: list[Actor], problems: list[Problem],
    facts: Facts,
) -> Packed | None:  # fmt: skip
    """A file's facts, problems and records as bytes, or None if they cannot be stored
    faithfully."""
    if any(p.path != display for p in problems) or any(
        r.path != display for r in (*events, *actors)
    ):
        return None  # positions are stored without the path: it must be the file's own
    try:
        return (
            encode_facts(facts, problems),
            marshal.dumps(
                (
                    [_encode_model(event) for event in events],
                    [_encode_model(actor) for actor in actors],
                )
            ),
        )
    except (ValueError, TypeError):  # a value marshal cannot hold: parse this file each time
        return None


def decode_records(
    payload: bytes, display: str, decoder: Decoder
) -> tuple[list[Event], list[Actor]]:
    """The records stored by `encode_records`, placed in `display`."""
    events, actors = marshal.loads(payload)
    event, actor = decoder.builder(Event), decoder.builder(Actor)
    return [event(item, display) for item in events], [actor(item, display) for item in actors]
