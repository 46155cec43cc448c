"""Track diplomatic events as YAML records: validate, render, report, export."""

from __future__ import annotations

__version__ = "0.1.0"
#: Version of the event record format (events/README.md) this tool reads and writes.
FORMAT_VERSION = 1
