"""The report's second clock: "What we learned", the changes committed during the period.

The report's other sections follow the first clock (when things happen); this one follows
when the records were written: the events first recorded, and the status, date, source and
other corrections committed from the period's first day to its last (or to the as-of day,
whichever comes first), as `timeline.collection.gitchanges` finds them commit by commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from timeline.collection.query import Filters, select
from timeline.core.dates import day_label
from timeline.core.model import Event
from timeline.core.periods import Period
from timeline.views.changes import FieldChange, describe_fields
from timeline.views.report.model import KnownOn, Learned, LearnedItem

if TYPE_CHECKING:
    from timeline.collection.gitchanges import CommitChanges
    from timeline.collection.gitrepo import Commit


def known_on_info(asked: date, commit: Commit) -> KnownOn:
    """The commit a report was read from, as the report names it."""
    return KnownOn(
        asked.isoformat(), commit.oid, commit.short, commit.day.isoformat(),
        day_label(commit.day), commit.author, commit.subject,
    )  # fmt: skip


def learned_section(
    steps: Sequence[CommitChanges],
    period: Period,
    *,
    as_of: date,
    history_from: date,
    filters: Filters | None = None,
) -> Learned:
    """What the commits of `steps` made from the period's first day to its last (or to
    `as_of`) changed in the events `filters` keep."""
    filters = filters or Filters()
    last = min(period.last, as_of)
    kept = [s for s in steps if period.first <= s.commit.day <= last]

    def wanted(event: Event) -> bool:
        return bool(select([event], filters))

    items: list[LearnedItem] = []
    counts = {"recorded": 0, "changed": 0, "removed": 0}
    commits = set()
    for step in kept:
        commit = step.commit
        found: list[tuple[str, Event, list[FieldChange]]] = []
        found.extend(("recorded", e, []) for e in step.diff.added if wanted(e))
        found.extend(
            ("changed", c.event, list(describe_fields(c.fields)))
            for c in step.diff.changed
            if wanted(c.event)
        )
        found.extend(("removed", e, []) for e in step.diff.removed if wanted(e))
        for change, event, fields in found:
            counts[change] += 1
            commits.add(commit.oid)
            items.append(
                LearnedItem(
                    day=commit.day.isoformat(),
                    day_label=day_label(commit.day),
                    commit=commit.short,
                    author=commit.author,
                    subject=commit.subject,
                    event=event.id,
                    event_title=event.title,
                    event_label=event.date.label,
                    change=change,
                    fields=fields,
                )
            )
    return Learned(
        first=period.first.isoformat(),
        last=last.isoformat(),
        last_label=day_label(last),
        history_from=history_from.isoformat(),
        commits=len(commits),
        recorded=counts["recorded"],
        changed=counts["changed"],
        removed=counts["removed"],
        items=items,
    )
