"""The fuzz suite's figures, saved at the end of a run for the README (the budgets of its
tests are in `budget.py`)."""

from __future__ import annotations

import json
import os
import time

import pytest

from fuzz.budget import PROFILE
from fuzz.figures import CACHE_KEY, run_figures

_STARTED = time.monotonic()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Save this run's figures in pytest's cache, for `python tests/fuzz/figures.py`."""
    figures = run_figures(PROFILE, session.testsfailed, time.monotonic() - _STARTED)
    cache = getattr(session.config, "cache", None)
    if cache is not None and figures["inputs"] + figures["faults"]:
        cache.set(CACHE_KEY, figures)
    if os.environ.get("TIMELINE_FUZZ_REPORT"):
        print("\nhardening figures:", json.dumps(figures), flush=True)
