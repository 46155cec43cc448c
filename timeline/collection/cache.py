"""The content cache: each file's records and problems, kept by the hash of its bytes.

Three files per collection, in `TIMELINE_CACHE_DIR`:

- the pack (`.pack`) holds, for every file read, its identity on disk (inode, size,
  modification and change times), the BLAKE2b hash of its bytes, its problems, and the
  facts the checks read of its records (`timeline.core.facts`): all that `validate` needs;
- the records (`.records`) hold each file's records in a compact form, by the hash of
  the bytes they were read from; only commands that use records read this file;
- the last result of the checks across the collection (`.checked`), with the state it
  was computed from (every file's name and hash, and the as-of day).

A file whose identity is unchanged is taken from the pack without being read; one whose
identity changed is read and hashed, and taken from the pack when the hash still
matches; anything else is parsed again. Every file of the cache is valid only for the
same tool, format, Python and record code (see `_fingerprint`), so a change to the
parser or the checks can never serve results made the old way, and each carries a
checksum so that a damaged one is never trusted.

Records are stored as nested tuples of plain values and rebuilt without validation:
they were validated when first read. `pickle` of the Pydantic models was measured at
0.96 s for 10,000 events, slower than parsing them; this form loads in about a tenth of
that.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import time
import types
import typing
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from timeline import FORMAT_VERSION, __version__
from timeline.core.dates import DateSpan
from timeline.core.facts import ActorFacts, EventFacts, pack_facts, unpack_facts
from timeline.core.model import Actor, Event, Placed
from timeline.core.problems import Problem
from timeline.store.atomic import WriteError, write_atomic

_MAGIC = b"timeline-cache\n"
_DIGEST = 16
#: A file changed this close to the last scan may have changed again within the same
#: timestamp tick (coarse file systems tick once a second or two): hash it to be sure.
_RACY_NS = 3_000_000_000

Identity = tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns


def default_cache_dir() -> Path:
    """`TIMELINE_CACHE_DIR`, or the user's cache folder."""
    configured = os.environ.get("TIMELINE_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs  # imported lazily: only runs that use the cache need it

    return Path(platformdirs.user_cache_dir("timeline"))


def digest(data: bytes) -> bytes:
    """The hash a file's bytes are known by."""
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def _checksum(body: bytes) -> bytes:
    """What tells a damaged cache file: CRC-32, as zip and PNG use for the same purpose.
    It is not a content key (files are known by `digest`), and at 75 MB it takes 11 ms
    where BLAKE2b takes 54 ms, on every warm run."""
    return zlib.crc32(body).to_bytes(4, "big")


def identity(stat: os.stat_result) -> Identity:
    """What tells, without reading a file, that it is the one that was hashed."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


# --- records as plain values ------------------------------------------------------------

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
    mask = 0
    for bit, name in enumerate(codec.names):
        if name in record.model_fields_set:
            mask |= 1 << bit
    out.append(mask)
    if isinstance(record, Placed):
        out.extend((record.line, record.column, record.doc, record.index))
    return tuple(out)


_set_attribute = object.__setattr__


class Decoder:
    """Rebuilds records from nested tuples; equal small nested records are built once and
    shared (they are frozen, so sharing is safe).

    Each model gets a builder function written for its fields (`_builder_source`) and
    compiled once: a loop over the fields that works for any model took twice as long,
    and rebuilding is most of the time a warm `render` of 100,000 events takes.
    """

    def __init__(self) -> None:
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
        exec(_builder_source(codec), scope)  # the source is made of field names only
        build: Callable[..., Any] = scope["build"]
        self._builders[model] = build
        return build


def _fields_set(codec: _Codec, mask: int) -> frozenset[str]:
    fields_set = codec.sets[mask] = frozenset(
        name for bit, name in enumerate(codec.names) if mask >> bit & 1
    )
    return fields_set


def _builder_source(codec: _Codec) -> str:
    """The source of `build(data, path)` for one model: what model_construct does, without
    its per-field defaults (every field is stored) and with nested records rebuilt."""
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
        f"    mask = data[{count}]",
        "    record = new(Model)",
        "    setattr(record, '__dict__', values)",
        "    setattr(record, '__pydantic_fields_set__', set(sets.get(mask) or make_set(mask)))",
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


@dataclass(slots=True)
class Entry:
    """What the pack knows of one file."""

    identity: Identity
    digest: bytes
    actors: bool
    display: str
    facts: bytes  # marshal of (facts, problems): all that validating needs


#: A file's facts and problems, as `encode_facts` stores them, and its records.
Packed = tuple[bytes, bytes]
Facts = tuple[list[EventFacts], list[ActorFacts]]


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
            marshal.dumps(
                (
                    marshal.dumps(pack_facts(*facts)),  # read only when the checks run
                    [(p.line, p.column, p.level, p.code, p.message) for p in problems],
                )
            ),
            marshal.dumps(
                (
                    [_encode_model(event) for event in events],
                    [_encode_model(actor) for actor in actors],
                )
            ),
        )
    except (ValueError, TypeError):  # a value marshal cannot hold: parse this file each time
        return None


def decode_problems(data: bytes, display: str) -> tuple[bytes, list[Problem]]:
    """The problems stored by `encode_records`, placed in `display`, and the facts still
    packed (for `decode_facts`)."""
    facts, problems = marshal.loads(data)
    return facts, [
        Problem(display, line, column, level, code, message)
        for line, column, level, code, message in problems
    ]


def decode_facts(packed: bytes) -> Facts:
    """The facts `decode_problems` left packed."""
    return unpack_facts(marshal.loads(packed))


def decode_records(
    payload: bytes, display: str, decoder: Decoder
) -> tuple[list[Event], list[Actor]]:
    """The records stored by `encode_records`, placed in `display`."""
    events, actors = marshal.loads(payload)
    event, actor = decoder.builder(Event), decoder.builder(Actor)
    return [event(item, display) for item in events], [actor(item, display) for item in actors]


#: The folders whose code decides what the cache holds: the record format, and the reading
#: and checking of files. Their source is hashed as files, not imported, so that the cache
#: depends on no module above it (and editing the parser or a check invalidates it).
_CODE_FOLDERS = ("core", "collection")


def _fingerprint() -> bytes:
    """What the stored records depend on: the tool, the format, Python, and the code that
    reads and checks records."""
    hasher = hashlib.blake2b(digest_size=_DIGEST)
    hasher.update(f"{__version__}|{FORMAT_VERSION}|{sys.version}|{marshal.version}".encode())
    package = Path(__file__).resolve().parent.parent
    for folder in _CODE_FOLDERS:
        for source in sorted((package / folder).glob("*.py")):
            hasher.update(f"{folder}/{source.name}\0".encode())
            hasher.update(source.read_bytes())
    return hasher.digest()


class ContentCache:
    """The pack of one collection: look files up, store what was parsed, save once.

    Besides the files, the pack remembers the result of the last run's checks across the
    collection, with the state it was computed from (every file's hash and name, and the
    as-of day): when nothing changed, the checks' result is known without running them.
    """

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        folder = folder if folder is not None else default_cache_dir()
        name = hashlib.blake2b(str(root.resolve()).encode(), digest_size=_DIGEST).hexdigest()
        self.path = folder / f"{name}.pack"
        # The last checks' result: small, and keyed by content, so kept in a file of its own
        # (remembering it never rewrites the pack).
        self.checked_path = folder / f"{name}.checked"
        # The records, by the hash of the bytes they were read from: only commands that
        # need records read this file, the largest of the three.
        self.records_path = folder / f"{name}.records"
        self._records: dict[bytes, bytes] | None = None  # read on first use
        self._new_records: dict[bytes, bytes] = {}
        self.started = time.time_ns()
        self.decoder = Decoder()
        self._key = b""
        self._entries: dict[str, Entry] = {}
        self._kept: dict[str, Entry] = {}
        self._changed = False
        try:
            self._key = _fingerprint()
            self._entries, scanned = self._read()
        except Exception:
            self._entries, scanned = {}, 0
        self._racy_after = scanned - _RACY_NS

    def _load(self, path: Path) -> Any:
        """What a file of this cache holds, or None if it is missing, damaged or stale."""
        try:
            data = path.read_bytes()
        except OSError:
            return None
        header = len(_MAGIC) + _DIGEST + 4
        if not data.startswith(_MAGIC) or data[len(_MAGIC) : len(_MAGIC) + _DIGEST] != self._key:
            return None
        body = data[header:]
        if _checksum(body) != data[len(_MAGIC) + _DIGEST : header]:
            return None  # damaged: never trusted
        return marshal.loads(body)

    def _dump(self, path: Path, value: Any) -> None:
        body = marshal.dumps(value)
        with contextlib.suppress(WriteError, OSError):
            write_atomic(path, _MAGIC + self._key + _checksum(body) + body)

    def _read(self) -> tuple[dict[str, Entry], int]:
        loaded = self._load(self.path)
        if loaded is None:
            return {}, 0
        scanned, raw = loaded
        entries = {path: Entry(tuple(item[0]), *item[1:]) for path, item in raw.items()}
        return entries, scanned

    def find(self, path: Path, display: str, actors: bool) -> Entry | None:
        """The stored entry of a file if its content is unchanged, else None."""
        key = os.path.abspath(path)
        entry = self._kept.get(key)
        if entry is not None and entry.actors == actors and entry.display == display:
            return entry  # confirmed earlier in this run
        entry = self._entries.get(key)
        if entry is None or entry.actors != actors or entry.display != display:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        current = identity(stat)
        # A file touched after (or just before) the last scan may have changed without its
        # identity changing; only older identities are trusted without reading the bytes.
        if current != entry.identity or max(stat.st_mtime_ns, stat.st_ctime_ns) >= self._racy_after:
            if current[1] != entry.identity[1]:
                return None  # another size: other bytes, no need to read them
            try:
                data = Path(path).read_bytes()
            except OSError:
                return None
            if digest(data) != entry.digest:
                return None
            if current != entry.identity:
                entry = Entry(current, entry.digest, actors, display, entry.facts)
                self._changed = True
        self._kept[key] = entry
        return entry

    def lookup(
        self, path: Path, display: str, actors: bool, *, records: bool = True
    ) -> tuple[bytes, list[Problem], tuple[list[Event], list[Actor]] | None] | None:
        """A file's stored facts (packed: see `decode_facts`) and problems, and (with
        `records`) its records, if its content is unchanged; else None."""
        entry = self.find(path, display, actors)
        if entry is None:
            return None
        try:
            facts, problems = decode_problems(entry.facts, display)
            built = None
            if records:
                payload = self._payload(entry.digest)
                if payload is None:
                    return None  # parsed again, and its records kept this time
                built = decode_records(payload, display, self.decoder)
        except Exception:
            del self._kept[os.path.abspath(path)]
            return None
        return facts, problems, built

    def _payload(self, key: bytes) -> bytes | None:
        if self._records is None:
            loaded = self._load(self.records_path) if self._key else None
            self._records = loaded if isinstance(loaded, dict) else {}
        return self._new_records.get(key) or self._records.get(key)

    def store(self, path: Path, display: str, actors: bool, stamp: tuple[Identity, bytes],
              packed: Packed) -> None:  # fmt: skip
        """Remember what a file (as identified by `stamp`) holds."""
        self._kept[os.path.abspath(path)] = Entry(stamp[0], stamp[1], actors, display, packed[0])
        self._new_records[stamp[1]] = packed[1]
        self._changed = True

    def forget(self, path: Path) -> None:
        """Know nothing of a file in this run (it could not be read after all)."""
        if self._kept.pop(os.path.abspath(path), None) is not None:
            self._changed = True

    def state(self, files: Sequence[tuple[Path, str, bool]]) -> bytes | None:
        """What the files of a run are, as one hash of their names and contents, if every
        one of them is known to this pack in this run; else None."""
        hasher = hashlib.blake2b(digest_size=_DIGEST)
        for path, display, actors in files:
            entry = self._kept.get(os.path.abspath(path))
            if entry is None or entry.display != display or entry.actors != actors:
                return None
            hasher.update(b"%d\0%s\0%s\0" % (actors, display.encode(), entry.digest))
        return hasher.digest()

    def checked(self, state: bytes, as_of: date) -> tuple[int, int, list[Problem]] | None:
        """The files, events and problems the checks found in `state` on `as_of`, if known."""
        try:
            found = self._load(self.checked_path) if self._key else None
            if found is None or tuple(found[:2]) != (state, as_of.toordinal()):
                return None
            _, _, files, events, problems = found
            return files, events, [Problem(*p) for p in problems]
        except Exception:
            return None

    def remember(self, state: bytes, as_of: date, files: int, events: int,
                 problems: Sequence[Problem]) -> None:  # fmt: skip
        """Keep what the checks found in `state` on `as_of`."""
        if not self._key:
            return  # the fingerprint could not be made: nothing is trusted or kept
        rows = [(p.path, p.line, p.column, p.level, p.code, p.message) for p in problems]
        self._dump(self.checked_path, (state, as_of.toordinal(), files, events, rows))

    def save(self) -> None:
        """Write the pack if anything changed; a cache that cannot be written is no error."""
        if not self._key or (not self._changed and self._kept.keys() == self._entries.keys()):
            return
        raw = {
            path: (entry.identity, entry.digest, entry.actors, entry.display, entry.facts)
            for path, entry in self._kept.items()
        }
        self._dump(self.path, (self.started, raw))
        self._entries, self._changed = dict(self._kept), False  # saving again: nothing to do
        self._save_records()

    def _save_records(self) -> None:
        """Write the records of new files beside those kept, dropping those of files gone.

        A run that read no records (`validate`) and parsed only a few files leaves the
        records file as it is, rather than read and rewrite its many megabytes for them:
        a later run that needs those records parses the few files again, and keeps them.
        """
        if not self._new_records:
            return
        kept = {entry.digest for entry in self._kept.values()}
        if self._records is None:
            if len(self._new_records) * 10 < len(kept):
                return
            if len(self._new_records) < len(kept):  # records of unchanged files stay
                self._payload(b"")  # (reads the file)
        old = self._records or {}
        records = {key: payload for key, payload in old.items() if key in kept}
        records.update((k, v) for k, v in self._new_records.items() if k in kept)
        self._dump(self.records_path, records)
        self._records, self._new_records = records, {}
