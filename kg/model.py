"""The values that flow through kg: articles, mentions, entities and the facts extracted from them.

Every fact carries its :class:`Evidence` (article, sentence, character offsets, extractor,
confidence), so provenance travels with the fact instead of being recomputed downstream.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "Article",
    "BasedIn",
    "Cause",
    "Characterization",
    "ContainedIn",
    "Entity",
    "EntityType",
    "Event",
    "EventType",
    "Evidence",
    "Fact",
    "HoldsPost",
    "Link",
    "LinkRelation",
    "LivesIn",
    "LocatedIn",
    "MemberOf",
    "Mention",
    "Modality",
    "PostIn",
    "Quantity",
    "Quote",
    "TimeExpr",
]


class EntityType(StrEnum):
    """The kinds of named thing kg keeps (the ontology classes of the same name)."""

    PERSON = "Person"
    ORGANIZATION = "Organization"
    PLACE = "Place"
    POST = "Post"


class EventType(StrEnum):
    """Event classes of the ontology; each is a subclass of kg:Event."""

    RESIGNATION = "Resignation"
    RETIREMENT = "Retirement"
    APPOINTMENT = "Appointment"
    DISMISSAL = "Dismissal"
    ANNOUNCEMENT = "Announcement"
    WITHDRAWAL = "Withdrawal"
    STATEMENT = "Statement"
    ELECTION = "Election"
    ACQUISITION = "Acquisition"
    AGREEMENT = "Agreement"
    KILLING = "Killing"


class Modality(StrEnum):
    """Whether the text asserts an event, plans or considers it, or denies it."""

    ASSERTED = "Asserted"
    PLANNED = "Planned"
    NEGATED = "Negated"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as read from a file or a JSON line."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    source: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a fact comes from: a span of a sentence of an article, and who extracted it."""

    article_id: str
    sentence: int
    sentence_text: str
    start: int
    end: int
    extractor: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity in the text, exactly as written."""

    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world entity of an article: a cluster of mentions with one type and one name."""

    key: str
    type: EntityType
    label: str
    alt_labels: tuple[str, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A temporal expression as written, and its value (ISO 8601) when it could be resolved."""

    text: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class HoldsPost:
    """A person holds (or held) a post."""

    person: str
    post: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class PostIn:
    """A post belongs to an organisation or a country."""

    post: str
    organization: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class MemberOf:
    """A person is a member or an employee of an organisation."""

    person: str
    organization: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class LocatedIn:
    """An organisation, place or event is located in a place."""

    subject: str
    place: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class LivesIn:
    """A person lives (or lived) in a place (CoNLL04 Live_In)."""

    person: str
    place: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class BasedIn:
    """An organisation is based, or has its headquarters, in a place (CoNLL04 OrgBased_In)."""

    organization: str
    place: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class ContainedIn:
    """A place lies within another place (CoNLL04 Located_In): a city in a state or country."""

    place: str
    container: str
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Event:
    """One mention of an event with its roles; mentions of one event share a key."""

    key: str
    type: EventType
    trigger: str
    evidence: Evidence
    modality: Modality = Modality.ASSERTED
    agent: str | None = None
    co_agents: tuple[str, ...] = ()
    affected: tuple[str, ...] = ()
    affected_text: str | None = None
    announcer: str | None = None
    medium: str | None = None
    time: TimeExpr | None = None
    place: str | None = None
    claimed_by: str | None = None
    announce_verb: str | None = None
    loose: bool = False  # the trigger names the type only loosely ("leave" for a resignation)


@dataclass(frozen=True, slots=True)
class Cause:
    """The reason an event cites, as written, with the entities it mentions."""

    event: str
    text: str
    marker: str
    mentions: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Characterization:
    """Someone describes an event as being of another type ("the president said he is retiring")."""

    event: str
    speaker: str
    as_type: EventType
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Quote:
    """Words attributed to a speaker, with the verb of saying and the medium when stated."""

    speaker: str
    text: str
    verb: str
    evidence: Evidence
    medium: str | None = None
    direct: bool = True


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted amount as written: "as many as 2,000 of the 5,100 troops in Mali".

    ``amount`` is the number stated, ``total`` the whole it is part of ("of the 5,100"),
    ``unit`` the noun counted, ``qualifier`` the words that hedge it ("as many as") and
    ``bound`` what they make of the amount: "upper", "lower", "approximate" or None (exact).
    ``event`` is the key of the event whose clause states it; ``of`` the entity counted
    (a force such as "troops in Mali"), ``place`` where the counted things are.
    """

    text: str
    amount: float
    unit: str
    evidence: Evidence
    total: float | None = None
    qualifier: str | None = None
    bound: str | None = None
    event: str | None = None
    of: str | None = None
    place: str | None = None


Fact = (
    HoldsPost
    | PostIn
    | MemberOf
    | LocatedIn
    | LivesIn
    | BasedIn
    | ContainedIn
    | Event
    | Cause
    | Characterization
    | Quote
    | Quantity
)


class LinkRelation(StrEnum):
    """How sure a link is: owl:sameAs, skos:exactMatch or skos:closeMatch."""

    SAME_AS = "sameAs"
    EXACT_MATCH = "exactMatch"
    CLOSE_MATCH = "closeMatch"

    @classmethod
    def for_score(cls, score: float) -> LinkRelation:
        """sameAs from 0.9, exactMatch from 0.8, closeMatch below."""
        if score >= 0.9:
            return cls.SAME_AS
        if score >= 0.8:
            return cls.EXACT_MATCH
        return cls.CLOSE_MATCH


@dataclass(frozen=True, slots=True)
class Link:
    """An entity of kg identified with a resource of an external graph (Wikidata, DBpedia...)."""

    entity: str
    target: str
    score: float
    method: str
    relation: LinkRelation
