"""The collection as it was committed: its files read from git objects, parsed once a blob.

A git blob is known by the hash of its content, as the content cache knows files: a blob
parsed once is kept in the blob cache (`BlobCache`, one file beside the content cache's)
and never parsed again, whichever commit or path it turns up at. Many blobs to parse are
parsed in worker processes, as files are (`timeline.collection.loading`).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from timeline.collection.cache import (
    ContentCache,
    _checksum,
    _fingerprint,
    _replace_file,
    default_cache_dir,
    digest,
)
from timeline.collection.checks import run_checks
from timeline.collection.codec import Decoder, decode_records
from timeline.collection.codec import encode_records as _encode
from timeline.collection.collection import Collection
from timeline.collection.facts_codec import decode_problems
from timeline.collection.files import display_path, shown_name
from timeline.collection.gitrepo import Commit, Repository, TreeFile
from timeline.collection.loading import PARALLEL_MIN_FILES, merge_results
from timeline.collection.loading import _worker_count as worker_count
from timeline.collection.reading import FileResult, read_bytes
from timeline.core.memory import collector_paused
from timeline.core.model import Event
from timeline.core.problems import Problem

_MAGIC = b"timeline-blobs\n"
#: Stands for the path while a blob is parsed: where a blob sits is not part of its
#: content, so it is parsed once and placed at each path it turns up at.
_NOWHERE = "\0blob"


#: A parsed blob as kept: problems and records packed (`encode_records`), and the ids of
#: its events (so that `history` knows which blobs hold an event without reading them).
Parsed = tuple[bytes, bytes, tuple[str, ...]]


class BlobCache:
    """Parsed blobs by blob id (and whether read as the actor registry): their problems and
    records in the content cache's compact form. Missing, stale or damaged, it is empty."""

    def __init__(self, repository: Repository, folder: Path | None) -> None:
        self._entries: dict[str, Parsed] = {}
        self._new = False
        self._key = b""
        self.path: Path | None = None
        if folder is None:
            return
        name = hashlib.blake2b(str(repository.top).encode(), digest_size=16).hexdigest()
        self.path = folder / f"{name}.blobs"
        with contextlib.suppress(Exception):
            self._key = _fingerprint()
            data = self.path.read_bytes()
            header = len(_MAGIC) + len(self._key) + 4
            body = data[header:]
            if data.startswith(_MAGIC + self._key) and _checksum(body) == data[header - 4 : header]:
                loaded = marshal.loads(body)
                if isinstance(loaded, dict):
                    self._entries = loaded

    def get(self, key: str) -> Parsed | None:
        return self._entries.get(key)

    def put(self, key: str, parsed: Parsed) -> None:
        self._entries[key] = parsed
        self._new = True

    def save(self) -> None:
        """Write the cache if it learned anything; a cache that cannot be written is no error."""
        if self.path is None or not self._key or not self._new:
            return
        body = marshal.dumps(self._entries)
        with contextlib.suppress(OSError):
            _replace_file(self.path, _MAGIC + self._key + _checksum(body) + body)
        self._new = False


def _blob_key(blob: str, actors: bool) -> str:
    return f"{blob}{'a' if actors else 'e'}"


def _parse_blob(data: bytes, actors: bool) -> Parsed | None:
    result = read_bytes(data, _NOWHERE, actors=actors)
    packed = _encode(_NOWHERE, result.events, result.actors, result.problems, ([], []))
    return None if packed is None else (*packed, tuple(e.id for e in result.events))


def _parse_chunk(items: list[tuple[bytes, bool]]) -> bytes:
    """Worker process: parse blobs, return them packed (None where they cannot be)."""
    return marshal.dumps([_parse_blob(data, actors) for data, actors in items])


@dataclass(slots=True)
class History:
    """A repository's history as the collection commands read it: the repository, its
    parsed-blob cache, and the collection folder's display name."""

    repository: Repository
    root: Path
    cache: BlobCache
    decoder: Decoder
    #: The working tree's content cache (where caching is on; opened when first needed,
    #: from `files_folder`): a blob whose bytes are a working file's, already parsed
    #: there, is taken from it rather than parsed again.
    files_cache: ContentCache | None = None
    files_folder: Path | None = None

    @classmethod
    def of(cls, root: Path, *, use_cache: bool = True) -> History:
        """The history of the collection folder `root` (a `GitError` outside git)."""
        repository = Repository.around(root)
        folder = default_cache_dir() if use_cache else None
        files = folder if folder is not None and root.is_dir() else None
        return cls(repository, root, BlobCache(repository, folder), Decoder(), None, files)

    def display(self, below: str, commit: Commit | None = None) -> str:
        """A file as messages name it: `SHORT:events/a.yaml` in a commit (what `git show`
        takes, from the top of the work tree), like the working tree's paths otherwise."""
        shown, below = display_path(self.root), shown_name(below)  # odd names escaped
        path = below if shown == "." else f"{shown.rstrip('/')}/{below}"
        return f"{commit.short}:{path}" if commit is not None else path

    def prepare(
        self,
        files: Iterable[TreeFile],
        contents: Mapping[str, bytes] | None = None,
        *,
        workers: int | None = None,
    ) -> None:
        """Parse (and keep) every blob of `files` the cache does not know, in one batch:
        their bytes from `contents` where given, else read with one git command."""
        missing = {
            _blob_key(f.blob, f.actors): f
            for f in files
            if self.cache.get(_blob_key(f.blob, f.actors)) is None
        }
        if not missing:
            return
        known = contents or {}
        read = self.repository.blobs(f.blob for f in missing.values() if f.blob not in known)
        items = []
        for key, file in missing.items():
            data = known.get(file.blob) or read[file.blob]
            parsed = self._from_files(file, data)
            if parsed is not None:
                self.cache.put(key, parsed)
            else:
                items.append((file.blob, data, file.actors))
        self._parse(items, workers)

    def _from_files(self, file: TreeFile, data: bytes) -> Parsed | None:
        """A blob as the content cache parsed it, if its bytes are those of the working
        tree's file at the same path when that file was last read."""
        if self.files_cache is None and self.files_folder is not None:
            self.files_cache = ContentCache(self.root, self.files_folder)
            self.files_folder = None
        if self.files_cache is None:
            return None
        path, display = self.root / file.below, self.display(file.below)
        entry = self.files_cache.find(path, display, file.actors)
        if entry is None or entry.digest != digest(data):
            return None
        found = self.files_cache.lookup(path, display, file.actors)
        built = found[2] if found is not None else None
        if found is None or built is None:
            return None
        problems, (events, actors) = found[1], built
        packed = _encode(display, events, actors, problems, ([], []))
        return None if packed is None else (*packed, tuple(e.id for e in events))

    def ids(self, file: TreeFile) -> tuple[str, ...] | None:
        """The ids of the events in a file's blob, if the cache knows it."""
        parsed = self.cache.get(_blob_key(file.blob, file.actors))
        return None if parsed is None else parsed[2]

    def results(
        self, files: Sequence[TreeFile], commit: Commit | None, *, workers: int | None = None
    ) -> list[FileResult]:
        """Each file's records and problems: from the blob cache, or parsed (and kept)."""
        self.prepare(files, workers=workers)
        out = []
        for file in files:
            display = self.display(file.below, commit)
            packed = self.cache.get(_blob_key(file.blob, file.actors))
            if packed is None:  # could not be kept in the compact form: read as it is
                data = self.repository.blobs([file.blob])[file.blob]
                out.append(read_bytes(data, display, actors=file.actors))
                continue
            _, problems = decode_problems(packed[0], display)
            events, actors = decode_records(packed[1], display, self.decoder)
            out.append(FileResult(display, events, actors, problems))
        return out

    def _parse(self, items: list[tuple[str, bytes, bool]], workers: int | None) -> None:
        by_key = {_blob_key(blob, actors): (data, actors) for blob, data, actors in items}
        unique = list(by_key.items())
        count = worker_count(workers)
        parsed: list[Parsed | None] | None = None
        if count > 1 and len(unique) >= PARALLEL_MIN_FILES:
            size = max(8, -(-len(unique) // (count * 4)))
            chunks = [unique[at : at + size] for at in range(0, len(unique), size)]
            with (
                contextlib.suppress(OSError, BrokenProcessPool),
                ProcessPoolExecutor(max_workers=count) as pool,
            ):
                done = pool.map(_parse_chunk, [[item for _, item in c] for c in chunks])
                parsed = [p for block in done for p in marshal.loads(block)]
        if parsed is None:
            parsed = [_parse_blob(data, actors) for _, (data, actors) in unique]
        for (key, _), found in zip(unique, parsed, strict=True):
            if found is not None:
                self.cache.put(key, (found[0], found[1], tuple(found[2])))

    def collection_at(self, commit: Commit, *, named: bool = True) -> Collection:
        """The collection as committed in `commit`; with `named`, its files are shown as
        `SHORT:PATH`, so every problem names the commit it was found in."""
        with collector_paused() as loaded:
            results = self.results(self.repository.files(commit), commit if named else None)
            self.cache.save()
            collection = merge_results(self.root, results)
            loaded.append(len(collection.events))
        return collection

    def checked_at(
        self, commit: Commit, as_of: date, *, named: bool = True
    ) -> tuple[Collection, list[Problem]]:
        """The collection as committed in `commit` and every problem in it on `as_of`."""
        collection = self.collection_at(commit, named=named)
        return collection, run_checks(collection.outline, as_of)

    def events_in(self, files: Iterable[TreeFile], commit: Commit | None) -> list[Event]:
        """The events of some files (as `results` reads them), in file order."""
        return [event for result in self.results(list(files), commit) for event in result.events]
