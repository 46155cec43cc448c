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

Records are kept in the compact form of `timeline.collection.codec`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import marshal
import os
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from timeline import FORMAT_VERSION, __version__
from timeline.collection.files import NotAFile, TooLarge, read_limited
from timeline.core.problems import Problem

if TYPE_CHECKING:  # the records' code builds the models: imported only where records are
    from timeline.collection.codec import Decoder, Packed
    from timeline.core.model import Actor, Event

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


def _replace_file(path: Path, data: bytes) -> None:
    """Write a cache file whole through a temporary beside it, or raise OSError and leave it
    as it was. The cache needs none of `timeline.store`'s care for user data (fsync, links,
    devices, modes): a file lost in a crash, or torn, is only a slower next run, since its
    checksum then fails."""
    import tempfile  # imported lazily: a run that changes nothing writes nothing

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _key(path: Path) -> bytes:
    """What the pack knows a file by: its absolute path, as the bytes the system has."""
    return os.fsencode(os.path.abspath(path))


def identity(stat: os.stat_result) -> Identity:
    """What tells, without reading a file, that it is the one that was hashed."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


@dataclass(slots=True)
class Entry:
    """What the pack knows of one file."""

    identity: Identity
    digest: bytes
    actors: bool
    display: str
    facts: bytes  # marshal of (facts, problems): all that validating needs


#: The folders whose code decides what the cache holds: the record format, and the reading
#: and checking of files. Their source is hashed as files, not imported, so that the cache
#: depends on no module above it (and editing the parser or a check invalidates it).
_CODE_FOLDERS = ("core", "collection")


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@functools.cache  # what is installed does not change while the process runs
def _pydantic_identity() -> bytes:
    """Which Pydantic is installed, found without importing it (a warm `validate` needs no
    Pydantic at all, and importing it costs more than the run): the source of its
    `version` module, which names its version and the one pydantic-core release it
    works with, and the name, size and time of pydantic-core's compiled module."""
    found = []
    for name in ("pydantic", "pydantic_core"):
        spec = importlib.util.find_spec(name)
        folders = list(spec.submodule_search_locations or ()) if spec is not None else []
        found.append(f"{name}: {folders}")
        for folder in folders:
            with contextlib.suppress(OSError):
                if name == "pydantic":
                    with open(os.path.join(folder, "version.py"), "rb") as source:
                        found.append(source.read().decode("utf-8", "replace"))
                    continue
                for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
                    if entry.name.startswith("_pydantic_core") and entry.is_file():
                        stat = entry.stat()
                        found.append(f"{entry.name} {stat.st_size} {stat.st_mtime_ns}")
    return "\n".join(found).encode()


def _fingerprint(package: str = _PACKAGE) -> bytes:
    """What the stored records depend on: the tool, the format, Python, Pydantic (whose
    messages some problems carry), and the code that reads and checks records: the
    sources below `package`'s `_CODE_FOLDERS`."""
    hasher = hashlib.blake2b(digest_size=_DIGEST)
    hasher.update(f"{__version__}|{FORMAT_VERSION}|{sys.version}|{marshal.version}|".encode())
    hasher.update(_pydantic_identity())
    for folder in _CODE_FOLDERS:
        for where, folders, names in os.walk(os.path.join(package, folder)):
            # subfolders included, in a fixed order; compiled files are not the source
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            below = os.path.relpath(where, package)
            for name in sorted(name for name in names if name.endswith(".py")):
                with open(os.path.join(where, name), "rb") as source:
                    hasher.update(f"{below}/{name}\0".encode())
                    hasher.update(source.read())
    return hasher.digest()


class ContentCache:
    """The pack of one collection: look files up, store what was parsed, save once.

    Besides the files, the pack remembers the result of the last run's checks across the
    collection, with the state it was computed from (every file's hash and name, and the
    as-of day): when nothing changed, the checks' result is known without running them.
    """

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        folder = folder if folder is not None else default_cache_dir()
        name = hashlib.blake2b(os.fsencode(root.resolve()), digest_size=_DIGEST).hexdigest()
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
        self._decoder: Decoder | None = None
        self._key = b""
        # Files are known by their absolute path as bytes: a name need not be text.
        self._entries: dict[bytes, Entry] = {}
        self._kept: dict[bytes, Entry] = {}
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
        with contextlib.suppress(OSError):
            _replace_file(path, _MAGIC + self._key + _checksum(body) + body)

    def _read(self) -> tuple[dict[bytes, Entry], int]:
        loaded = self._load(self.path)
        if loaded is None:
            return {}, 0
        scanned, raw = loaded
        entries = {path: Entry(tuple(item[0]), *item[1:]) for path, item in raw.items()}
        return entries, scanned

    def find(self, path: Path, display: str, actors: bool) -> Entry | None:
        """The stored entry of a file if its content is unchanged, else None."""
        key = _key(path)
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
        if not S_ISREG(stat.st_mode):
            return None  # read again, to be named as what it now is
        current = identity(stat)
        # A file touched after (or just before) the last scan may have changed without its
        # identity changing; only older identities are trusted without reading the bytes.
        if current != entry.identity or max(stat.st_mtime_ns, stat.st_ctime_ns) >= self._racy_after:
            if current[1] != entry.identity[1]:
                return None  # another size: other bytes, no need to read them
            try:
                data = read_limited(path)[0]
            except (OSError, NotAFile, TooLarge):
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
            from timeline.collection.facts_codec import decode_problems  # the facts' code

            facts, problems = decode_problems(entry.facts, display)
            built = None
            if records:
                payload = self._payload(entry.digest)
                if payload is None:
                    return None  # parsed again, and its records kept this time
                from timeline.collection import codec  # the records' code: only for records

                built = codec.decode_records(payload, display, self.decoder)
        except Exception:
            del self._kept[_key(path)]
            return None
        return facts, problems, built

    @property
    def decoder(self) -> Decoder:
        """What rebuilds this run's records (equal small records are shared across files)."""
        if self._decoder is None:
            from timeline.collection.codec import Decoder

            self._decoder = Decoder()
        return self._decoder

    def _payload(self, key: bytes) -> bytes | None:
        if self._records is None:
            loaded = self._load(self.records_path) if self._key else None
            self._records = loaded if isinstance(loaded, dict) else {}
        return self._new_records.get(key) or self._records.get(key)

    def store(self, path: Path, display: str, actors: bool, stamp: tuple[Identity, bytes],
              packed: Packed) -> None:  # fmt: skip
        """Remember what a file (as identified by `stamp`) holds."""
        self._kept[_key(path)] = Entry(stamp[0], stamp[1], actors, display, packed[0])
        self._new_records[stamp[1]] = packed[1]
        self._changed = True

    def forget(self, path: Path) -> None:
        """Know nothing of a file in this run (it could not be read after all)."""
        if self._kept.pop(_key(path), None) is not None:
            self._changed = True

    def state(self, files: Sequence[tuple[Path, str, bool]]) -> bytes | None:
        """What the files of a run are, as one hash of their names and contents, if every
        one of them is known to this pack in this run; else None."""
        hasher = hashlib.blake2b(digest_size=_DIGEST)
        for path, display, actors in files:
            entry = self._kept.get(_key(path))
            if entry is None or entry.display != display or entry.actors != actors:
                return None
            shown = display.encode("utf-8", "surrogatepass")  # never fails, whatever the name
            hasher.update(b"%d\0%s\0%s\0" % (actors, shown, entry.digest))
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
