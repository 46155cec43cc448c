"""The closed word lists of the record format (events/README.md): types, statuses, roles,
relations, kinds of actor.

Kept apart from the Pydantic models so that the command line can name them in its options
and help without building a model (see README, "Speed").
"""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "meeting",
    "summit",
    "conference",
    "side-event",
    "visit",
    "negotiation",
    "statement",
    "letter",
    "report",
    "resolution",
    "vote",
    "agreement",
    "sanction",
    "publication",
    "other",
]
Status = Literal["proposed", "scheduled", "occurred", "postponed", "cancelled"]
Role = Literal[
    "organizer",
    "participant",
    "author",
    "sponsor",
    "signatory",
    "addressee",
    "subject",
    "invited",
    "speaker",
    "observer",
]
Relation = Literal["part-of", "follows", "responds-to", "supports", "references"]
ActorKind = Literal[
    "state", "government", "igo", "ngo", "think-tank", "media", "person", "group", "other"
]

EVENT_TYPES: tuple[str, ...] = get_args(EventType)
STATUSES: tuple[str, ...] = get_args(Status)
ROLES: tuple[str, ...] = get_args(Role)
RELATIONS: tuple[str, ...] = get_args(Relation)
ACTOR_KINDS: tuple[str, ...] = get_args(ActorKind)
