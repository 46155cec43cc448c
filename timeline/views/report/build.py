"""Periodic summary reports: the content is built once as plain data, then rendered.

`build_report` gathers what an analyst's briefing holds (what happened, what changed, what
is coming, what is overdue, who, threads, data quality) as the tree of dataclasses in
`timeline/views/report/model.py`. JSON is that tree as it is; Markdown and HTML are
Jinja2 templates over it (`timeline/views/report/render.py`).

The report is written as of a day and never mentions an event lying wholly after the end
of the next period, so a report reads as it would have then.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from timeline.collection.collection import Collection
from timeline.collection.query import Filters, select
from timeline.core.dates import DateSpan, day_label, month_abbr, parse_date
from timeline.core.model import EVENT_TYPES, ROLES, STATUSES, Event, Source
from timeline.core.periods import Period, periods_covering, range_period
from timeline.core.problems import Problem
from timeline.views.describe import location_label
from timeline.views.report.model import (
    REPORT_FORMAT,
    ActivityBar,
    ActorItem,
    ChangeItem,
    Count,
    Counts,
    EventItem,
    KnownOn,
    Learned,
    PeriodInfo,
    Quality,
    QualityItem,
    Report,
    SourceItem,
    Thread,
    ThreadLink,
    ThreadStep,
    WhoItem,
)

#: How many actors "Who" lists.
TOP_ACTORS = 10
_PLANNED = ("proposed", "scheduled")


def known_overlap(span: DateSpan, first: date, last: date, as_of: date) -> bool:
    """True when the span shares a day with `first`..`last` as known on `as_of`: an open
    end (`A/..`) runs only to the as-of day (or to its start, when that is later), since
    what lies beyond it was not known then."""
    end = span.end if span.end is not None else max(span.start, as_of)
    return span.start <= last and end >= first


def period_info(period: Period) -> PeriodInfo:
    return PeriodInfo(
        period.name, period.kind, period.label, period.days_label,
        period.first.isoformat(), period.last.isoformat(),
    )  # fmt: skip


def source_item(source: Source) -> SourceItem:
    return SourceItem(
        title=source.title or source.url or "",
        publisher=source.publisher,
        url=source.url,
        published=day_label(source.published) if source.published else None,
    )


def event_item(event: Event, collection: Collection, period: Period) -> EventItem:
    actors = collection.actor_index
    span = event.date
    items = []
    for ref in event.actors:
        actor = actors.get(ref.actor)
        name, title = (actor.name, actor.title) if actor else (ref.actor, None)
        items.append(ActorItem(ref.actor, name, title, ref.role))
    return EventItem(
        id=event.id,
        label=span.label,
        start=span.start.isoformat(),
        end=span.end.isoformat() if span.end else None,
        title=event.title,
        type=event.type,
        status=event.status,
        wider=span.start < period.first or span.end is None or span.end > period.last,
        actors=items,
        location=location_label(event),
        summary=event.summary.strip() if event.summary else None,
        sources=[source_item(source) for source in event.sources],
        tags=list(event.tags),
        path=event.path,
        window=span.is_window,
    )


def _counts(now: Sequence[Event], before: Sequence[Event]) -> Counts:
    def tally(attribute: str, names: Sequence[str]) -> list[Count]:
        current = Counter(getattr(event, attribute) for event in now)
        previous = Counter(getattr(event, attribute) for event in before)
        return [
            Count(name, current[name], previous[name], current[name] - previous[name])
            for name in names
            if current[name] or previous[name]
        ]

    return Counts(
        len(now), len(before), len(now) - len(before),
        tally("status", STATUSES), tally("type", EVENT_TYPES),
    )  # fmt: skip


def _changes(events: Iterable[Event], first: date, last: date) -> list[ChangeItem]:
    found: list[tuple[date, tuple[date, date, str], int, ChangeItem]] = []
    for event in events:
        status: str | None = None
        for index, update in enumerate(event.updates):
            if first <= update.date <= last:
                found.append((update.date, event.sort_key(), index, ChangeItem(
                    date=day_label(update.date),
                    event=event.id,
                    event_title=event.title,
                    event_label=event.date.label,
                    status=update.status,
                    # "proposed -> scheduled": the status before this entry, if it changed it
                    previous_status=status if update.status and status != update.status else None,
                    note=update.note.strip() if update.note else None,
                    source=source_item(update.source) if update.source else None,
                )))  # fmt: skip
            if update.status:
                status = update.status
    found.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in found]


def _who(events: Sequence[Event], collection: Collection) -> list[WhoItem]:
    counts: Counter[str] = Counter()
    roles: dict[str, set[str]] = defaultdict(set)
    for event in events:
        for actor_id in dict.fromkeys(event.actor_ids()):
            counts[actor_id] += 1
        for ref in event.actors:
            roles[ref.actor].add(ref.role)
    actors = collection.actor_index
    items = []
    for actor_id, count in counts.items():
        actor = actors.get(actor_id)
        items.append(WhoItem(
            id=actor_id,
            name=actor.name if actor else actor_id,
            title=actor.title if actor else None,
            kind=actor.kind if actor else None,
            events=count,
            roles=[role for role in ROLES if role in roles[actor_id]],
        ))  # fmt: skip
    items.sort(key=lambda item: (-item.events, item.name.casefold(), item.id))
    return items[:TOP_ACTORS]


def _threads(events: Sequence[Event], period: Period, as_of: date) -> list[Thread]:
    """Connected components over `related` links (either direction) touching the period."""

    def in_period(event: Event) -> bool:
        return known_overlap(event.date, period.first, period.last, as_of)

    index = {event.id: event for event in events}
    parent = {event_id: event_id for event_id in index}

    def root(event_id: str) -> str:
        while parent[event_id] != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    for event in events:
        for link in event.related:
            if link.event in index and link.event != event.id:
                parent[root(event.id)] = root(link.event)
    groups: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        groups[root(event.id)].append(event)
    threads = []
    for members in groups.values():
        touching = [e for e in members if in_period(e)]
        if len(members) < 2 or not touching:
            continue
        members.sort(key=Event.sort_key)
        steps = [
            ThreadStep(
                id=event.id,
                label=event.date.label,
                title=event.title,
                status=event.status,
                in_period=in_period(event),
                links=[
                    ThreadLink(link.relation, link.event, index[link.event].title)
                    for link in event.related
                    if link.event in index and link.event != event.id
                ],
            )
            for event in members
        ]
        latest = max(members, key=lambda e: e.date.sort_key()[1]).date
        since, until = _end_label(members[0].date.text, 0), _end_label(latest.text, -1)
        label = f"{len(members)} linked events, {since} to {until}"
        threads.append((members[0].sort_key(), Thread(label, steps)))
    threads.sort(key=lambda entry: entry[0])
    return [thread for _, thread in threads]


def _end_label(text: str, end: int) -> str:
    """The label of the first (0) or last (-1) part of a date expression: `c. 2013`."""
    part = text.split("/")[end]
    return "ongoing" if part == ".." else parse_date(part).label


def _warnings_by_event(
    problems: Sequence[Problem], events: Sequence[Event]
) -> dict[str, list[Problem]]:
    """Each warning matched to the event whose record holds its line."""
    starts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for event in events:
        starts[event.path].append((event.line, event.id))
    for places in starts.values():
        places.sort()
    found: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.level != "warning":
            continue
        owner = None
        for line, event_id in starts.get(problem.path, ()):
            if line > problem.line:
                break
            owner = event_id
        if owner is not None:
            found[owner].append(problem)
    return found


def _imprecision(event: Event) -> str | None:
    span = event.date
    notes = []
    if span.precision != "day":
        notes.append(f"{span.precision} precision")
    if span.approximate:
        notes.append("approximate")
    if span.uncertain:
        notes.append("uncertain")
    if span.end is None:
        notes.append("open end")
    if span.is_window:
        notes.append("a window: the day is not known")
    return ", ".join(notes) or None


def _quality(
    events: Sequence[Event], problems: Sequence[Problem], everything: Sequence[Event]
) -> Quality:
    def item(event: Event, detail: str, line: int | None = None) -> QualityItem:
        return QualityItem(
            event.id, event.date.label, event.title, detail, event.path, line or event.line
        )

    warnings = _warnings_by_event(problems, everything)
    return Quality(
        no_sources=[item(event, "no sources") for event in events if not event.sources],
        imprecise_dates=[
            item(event, note) for event in events if (note := _imprecision(event)) is not None
        ],
        warnings=[
            item(event, f"{problem.message} [{problem.code}]", problem.line)
            for event in events
            for problem in warnings.get(event.id, ())
            # "no sources" is listed above already
            if problem.code != "no-source"
        ],
    )


def _activity_unit(period: Period) -> str:
    """Days for a week, weeks for a month, months for a quarter or a year, years beyond."""
    if period.days <= 14:
        return "day"
    if period.days <= 62:
        return "week"
    return "month" if period.days <= 731 else "year"


def _activity(
    events: Sequence[Event], period: Period, as_of: date
) -> tuple[str, list[ActivityBar]]:
    """How many events are under way in each day, week, month or year of the period.

    An event known only by a window (`[A..B]`) takes place on a day in it, not on every
    day, so it counts once: in the first bar of the period its window reaches.
    """
    unit = _activity_unit(period)
    spans = [event.date for event in events if not event.date.is_window]
    windows = [event.date.start for event in events if event.date.is_window]
    if unit == "day":
        buckets = [range_period(day, day) for day in _days(period.first, period.last)]
    else:
        buckets = periods_covering(unit, period.first, period.last)
    one_year = period.first.year == period.last.year
    bars: list[ActivityBar] = []
    for bucket in buckets:
        first, last = max(bucket.first, period.first), min(bucket.last, period.last)
        if unit == "month":
            label = month_abbr(first) + ("" if one_year else f" {first.year}")
        else:
            label = bucket.name if unit == "year" else _short_days(first, last)
        # a window that starts before the period counts in its first bar
        opened = sum(1 for start in windows if start <= last and (start >= first or not bars))
        bars.append(ActivityBar(
            bucket.name, label, first.isoformat(), last.isoformat(),
            sum(1 for span in spans if known_overlap(span, first, last, as_of)) + opened, opened,
        ))  # fmt: skip
    return unit, bars


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def _short_days(first: date, last: date) -> str:
    """`1–7 Sep`, `29 Sep – 5 Oct`, `15 Sep`: a bar's days without the year."""
    if first == last:
        return f"{first.day} {month_abbr(first)}"
    if first.month == last.month:
        return f"{first.day}–{last.day} {month_abbr(first)}"
    return f"{first.day} {month_abbr(first)} – {last.day} {month_abbr(last)}"


def describe_filters(filters: Filters) -> list[str]:
    """The filters in force, as `--type side-event` lines, so a reader knows what was left out."""
    lines = []
    if filters.start:
        lines.append(f"--from {filters.start.isoformat()}")
    if filters.end:
        lines.append(f"--to {filters.end.isoformat()}")
    for option, values in (
        ("--actor", filters.actors), ("--type", filters.types), ("--tag", filters.tags),
        ("--status", filters.statuses),
    ):  # fmt: skip
        lines.extend(f"{option} {value}" for value in values)
    return lines


def build_report(
    collection: Collection,
    period: Period,
    *,
    as_of: date,
    filters: Filters | None = None,
    problems: Sequence[Problem] = (),
    collection_name: str = "events",
    known_on: KnownOn | None = None,
    learned: Learned | None = None,
) -> Report:
    """The report on `period` written as of `as_of`, over the events `filters` keep; read
    from git, it names the commit (`known_on`) and what was `learned` in the period."""
    filters = filters or Filters()
    previous, following = period.previous(), period.next()
    horizon = following.last
    # Never mention what lies wholly after the next period: the report reads as of its day.
    known = [e for e in select(collection.events, filters) if e.date.start <= horizon]
    happened = [e for e in known if known_overlap(e.date, period.first, period.last, as_of)]
    before = [e for e in known if known_overlap(e.date, previous.first, previous.last, as_of)]
    planned = [e for e in known if e.status in _PLANNED]
    coming_up = [e for e in planned if e.date.end is None or e.date.end >= as_of]
    overdue = [e for e in planned if e.date.end is not None and e.date.end < as_of]
    mentioned = {e.id for e in (*happened, *coming_up, *overdue)}
    unit, activity = _activity(happened, period, as_of)
    return Report(
        format=REPORT_FORMAT,
        period=period_info(period),
        previous=period_info(previous),
        next=period_info(following),
        horizon=horizon.isoformat(),
        horizon_label=day_label(horizon),
        as_of=as_of.isoformat(),
        as_of_label=day_label(as_of),
        collection=collection_name,
        filters=describe_filters(filters),
        counts=_counts(happened, before),
        happened=[event_item(e, collection, period) for e in happened],
        # What was reported after the as-of day was not known on it.
        changed=_changes(known, period.first, min(period.last, as_of)),
        coming_up=[event_item(e, collection, period) for e in coming_up],
        overdue=[event_item(e, collection, period) for e in overdue],
        who=_who(happened, collection),
        threads=_threads(known, period, as_of),
        quality=_quality([e for e in known if e.id in mentioned], problems, collection.events),
        activity_unit=unit,
        activity=activity,
        known_on=known_on,
        learned=learned,
    )
