"""The data of a periodic report: a tree of dataclasses of strings, numbers and lists.

JSON is this tree as it is (its format is `REPORT_FORMAT`); Markdown and HTML are Jinja2
templates over it (`timeline/views/report/render.py`). `timeline/views/report/build.py`
builds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from timeline.views.changes import FieldChange

#: The report's data format, for tools that read the JSON.
REPORT_FORMAT = "timeline-report/1"


@dataclass(slots=True)
class PeriodInfo:
    """A period as data: `name` as written on the command line, `label` for people."""

    name: str
    kind: str
    label: str
    days: str
    first: str
    last: str


@dataclass(slots=True)
class SourceItem:
    title: str
    publisher: str | None
    url: str | None
    published: str | None


@dataclass(slots=True)
class ActorItem:
    """An actor of an event, with its display name and role."""

    id: str
    name: str
    title: str | None
    role: str


@dataclass(slots=True)
class EventItem:
    """An event as the report shows it."""

    id: str
    label: str
    start: str
    end: str | None
    title: str
    type: str
    status: str
    wider: bool  # the span reaches outside the period (dated only to a coarser unit, or open)
    actors: list[ActorItem]
    location: str | None
    summary: str | None
    sources: list[SourceItem]
    tags: list[str]
    path: str
    window: bool  # the date is a window: one day in it, not known which (`label` says so)


@dataclass(slots=True)
class ChangeItem:
    """An `updates` entry dated inside the period."""

    date: str
    event: str
    event_title: str
    event_label: str
    status: str | None
    previous_status: str | None
    note: str | None
    source: SourceItem | None


@dataclass(slots=True)
class Count:
    name: str
    count: int
    previous: int
    change: int


@dataclass(slots=True)
class Counts:
    """Events in the period by status and type, against the previous period."""

    total: int
    previous_total: int
    change: int
    by_status: list[Count]
    by_type: list[Count]


@dataclass(slots=True)
class WhoItem:
    """An actor active in the period: how many of its events, in which roles."""

    id: str
    name: str
    title: str | None
    kind: str | None
    events: int
    roles: list[str]


@dataclass(slots=True)
class ThreadLink:
    relation: str
    event: str
    event_title: str


@dataclass(slots=True)
class ThreadStep:
    id: str
    label: str
    title: str
    status: str
    in_period: bool
    links: list[ThreadLink]


@dataclass(slots=True)
class Thread:
    """Events joined by `related` links, in date order; at least one touches the period."""

    label: str
    steps: list[ThreadStep]


@dataclass(slots=True)
class QualityItem:
    id: str
    label: str
    title: str
    detail: str
    path: str
    line: int


@dataclass(slots=True)
class Quality:
    """What an analyst should fix in the records the report is built on."""

    no_sources: list[QualityItem]
    imprecise_dates: list[QualityItem]
    warnings: list[QualityItem]


@dataclass(slots=True)
class ActivityBar:
    name: str
    label: str
    first: str
    last: str
    events: int
    windows: int  # of `events`, those known only by a window, counted here once: in the
    # first bar of the period that their window reaches


@dataclass(slots=True)
class KnownOn:
    """The commit a report was read from (`report --known-on`)."""

    asked: str
    commit: str
    short: str
    day: str
    day_label: str
    author: str
    subject: str


@dataclass(slots=True)
class LearnedItem:
    """One event a commit in the period recorded, changed or removed."""

    day: str
    day_label: str
    commit: str
    author: str
    subject: str
    event: str
    event_title: str
    event_label: str
    change: str  # recorded, changed or removed
    fields: list[FieldChange]


@dataclass(slots=True)
class Learned:
    """The second clock: what the commits made in the period changed in the records."""

    first: str
    last: str
    last_label: str
    history_from: str  # the day the collection was first committed
    commits: int
    recorded: int
    changed: int
    removed: int
    items: list[LearnedItem] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """Everything a periodic report says, as data."""

    format: str
    period: PeriodInfo
    previous: PeriodInfo
    next: PeriodInfo
    horizon: str  # the last day the report looks at: the end of the next period
    horizon_label: str
    as_of: str
    as_of_label: str
    collection: str
    filters: list[str]
    counts: Counts
    happened: list[EventItem]
    changed: list[ChangeItem]
    coming_up: list[EventItem]
    overdue: list[EventItem]
    who: list[WhoItem]
    threads: list[Thread]
    quality: Quality
    activity_unit: str
    activity: list[ActivityBar]
    #: Only when read from git: the commit read (`--known-on`) and what was learned in the
    #: period; JSON leaves the keys out when they are None.
    known_on: KnownOn | None = None
    learned: Learned | None = None
