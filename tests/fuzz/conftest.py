"""Hypothesis budgets for the fuzz suite, and the run's figures saved for the README.

`ci` (the default) keeps the whole hardening suite well under two minutes on two cores;
`TIMELINE_FUZZ=long` runs the on-demand budget (at least 10,000 generated inputs).
The profiles are applied per test through `budget()`, never loaded globally, so the
rest of the test suite keeps its own Hypothesis settings.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from hypothesis import HealthCheck, settings

from fuzz.figures import CACHE_KEY, run_figures

PROFILE = os.environ.get("TIMELINE_FUZZ", "ci")
if PROFILE not in ("ci", "long"):
    raise pytest.UsageError(f"TIMELINE_FUZZ={PROFILE!r}: use 'ci' (the default) or 'long'")

_COMMON = {
    "deadline": None,  # a hang is caught by the per-input time bound, not by the deadline
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("timeline-ci", max_examples=100, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("timeline-long", max_examples=2_000, **_COMMON)  # type: ignore[arg-type]

_STARTED = time.monotonic()


def budget(ci: int, long: int) -> settings:
    """The Hypothesis settings of a fuzz test: `ci` examples by default, `long` on demand."""
    return settings(
        settings.get_profile(f"timeline-{PROFILE}"),
        max_examples=long if PROFILE == "long" else ci,
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Save this run's figures in pytest's cache, for `python tests/fuzz/figures.py`."""
    figures = run_figures(PROFILE, session.testsfailed, time.monotonic() - _STARTED)
    cache = getattr(session.config, "cache", None)
    if cache is not None and figures["inputs"] + figures["faults"]:
        cache.set(CACHE_KEY, figures)
    if os.environ.get("TIMELINE_FUZZ_REPORT"):
        print("\nhardening figures:", json.dumps(figures), flush=True)
