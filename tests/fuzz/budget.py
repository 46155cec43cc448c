"""Hypothesis budgets for the fuzz suite: how many inputs each fuzz test tries.

`ci` (the default) keeps the whole hardening suite well under two minutes on two cores;
`TIMELINE_FUZZ=long` runs the on-demand budget (at least 10,000 generated inputs).
The profiles are applied per test through `budget()`, never loaded globally, so the
rest of the test suite keeps its own Hypothesis settings.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

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


def budget(ci: int, long: int) -> settings:
    """The Hypothesis settings of a fuzz test: `ci` examples by default, `long` on demand."""
    return settings(
        settings.get_profile(f"timeline-{PROFILE}"),
        max_examples=long if PROFILE == "long" else ci,
    )
