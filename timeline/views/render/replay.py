"""The data of the page's replay control (`render --history`): each state of the history
as the page needs it, as JSON safe inside a script element."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from timeline.core.dates import day_label, month_abbr
from timeline.core.model import Event

if TYPE_CHECKING:
    from timeline.collection.gitchanges import ReplayState

#: At most this many lines of what a step changed are shown under the control.
MAX_NOTES = 12


def _label(state: ReplayState) -> str:
    first = state.first
    if state.unit == "day":
        return day_label(first)
    if state.unit == "week":
        return f"week of {day_label(first)}"
    if state.unit == "month":
        return f"{month_abbr(first)} {first.year}"
    if state.unit == "quarter":
        return f"Q{(first.month - 1) // 3 + 1} {first.year}"
    return str(first.year)


def replay_payload(states: Sequence[ReplayState], events: Sequence[Event]) -> str:
    """The states as JSON for the page: label, commit, the numbers (in the figure's event
    list) of the page's events known then and how many, and notes on what the step
    changed. `<` is escaped so that nothing in it can end the script element."""
    numbers = {event.id: n for n, event in enumerate(events)}
    data = []
    for state in states:
        notes = [f"{change} {event.title}" for change, event in state.steps]
        if len(notes) > MAX_NOTES:
            notes = [*notes[: MAX_NOTES - 1], f"and {len(notes) - MAX_NOTES + 1} more"]
        known = sorted(numbers[i] for i in state.ids if i in numbers)
        data.append(
            {
                "label": _label(state),
                "commit": state.commit.short,
                "day": state.commit.day.isoformat(),
                "known": known,  # of the page's events, those known then
                "count": len(known),
                "notes": notes,
            }
        )
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
