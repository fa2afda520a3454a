"""Events with their roles, read off the dependency parse.

A trigger (a verb such as *resign*, *step down*, *withdraw*, or a noun such as *resignation*)
gives the event type; its subject the agent, its object or the agent's post what it affects,
dates in its clause the time, places in its prepositional phrases the location. A verb of
saying above it gives who announced it and through which medium; planning verbs and modals
make it planned, negation or denial makes it negated.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.attrs import LEMMA
from spacy.tokens import Doc, Span, Token

from kg.extractors.lexicon import Lexicon
from kg.extractors.quotes import Quotation, medium_of
from kg.extractors.spans import actor_at, apposed_person, entity_at, evidence
from kg.model import EntityType, Event, EventType, Modality, TimeExpr

__all__ = ["EXTRACTOR", "event_modality", "find_events"]

EXTRACTOR = "kg_events"
_CLAUSES = {"ccomp", "advcl", "relcl", "acl", "xcomp", "conj", "parataxis", "csubj"}
_MODAL_CLIMB = {"xcomp", "ccomp", "conj", "acl", "relcl", "dobj"}
_PLACE_PREPS = {"from", "in", "to", "at", "into", "out", "across", "near", "inside"}
_ABSOLUTES = {"include", "exclude", "except", "aside"}
_NEEDS_OBJECT = {
    "leave",
    "exit",
    "depart",
    "name",
    "tap",
    "install",
    "hire",
    "remove",
    "reach",
    "sign",
    "buy",
    "purchase",
    "execute",
    "take over",
    "declare",
    "unveil",
    "warn",
}


def _trigger(token: Token, lexicon: Lexicon) -> tuple[str, EventType] | None:
    lemma = token.lemma_.lower()
    if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
        for child in token.children:
            if child.dep_ in ("prt", "acomp", "oprd", "advmod"):
                phrase = f"{lemma} {child.lower_}"
                if phrase in lexicon.event_verbs:
                    return phrase, EventType(lexicon.event_verbs[phrase])
        if lemma in lexicon.event_verbs:
            return lemma, EventType(lexicon.event_verbs[lemma])
    elif token.pos_ == "NOUN" and lemma in lexicon.event_nouns:
        return lemma, EventType(lexicon.event_nouns[lemma])
    return None


def _subject(verb: Token, depth: int = 0) -> tuple[Token | None, bool]:
    """The verb's subject (following xcomp, conj and relative clauses) and whether passive."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child, False
        if child.dep_ == "nsubjpass":
            return child, True
    if depth < 3 and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
        obj = next((c for c in verb.head.children if c.dep_ == "dobj"), None)
        if verb.dep_ == "xcomp" and obj is not None:
            return obj, False
        head = verb.head
        if head.lemma_ in _ABSOLUTES and head.tag_ in ("VBN", "VBD"):
            head = _verb_before(head) or head
        return _subject(head, depth + 1)
    if verb.dep_ in ("relcl", "acl"):
        return verb.head, verb.dep_ == "acl"
    return None, False


def _verb_before(participle: Token) -> Token | None:
    """The nearest earlier verb with a subject, skipping an absolute "X included" phrase."""
    subjects = [c for c in participle.children if c.dep_ in ("nsubj", "nsubjpass")]
    limit = subjects[0].i if subjects else participle.i
    for token in reversed(participle.doc[participle.sent.start : limit]):
        if token.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in token.children):
            return token
    return None


def _clause_tokens(trigger: Token) -> Iterator[Token]:
    """The trigger's subtree without embedded clauses (adjectival ones such as "effective" kept)."""
    stack = [trigger]
    while stack:
        token = stack.pop()
        yield token
        stack.extend(c for c in token.children if c.dep_ not in _CLAUSES or c.pos_ == "ADJ")


def _entity_in(tokens: Iterator[Token] | list[Token], kind: EntityType) -> str | None:
    for token in tokens:
        key = entity_at(token)
        if key is not None and key.startswith(kind.value + ":"):
            return key
    return None


def event_modality(trigger: Token, lexicon: Lexicon) -> Modality:
    """Whether the clause of ``trigger`` asserts, plans or denies what it says."""
    return _modality(trigger, lexicon)


def _modality(trigger: Token, lexicon: Lexicon) -> Modality:
    """Negated when anything up the clause chain denies it, else planned, else asserted."""
    found = {_own_modality(token, token.i == trigger.i, lexicon) for token in _modal_chain(trigger)}
    for modality in (Modality.NEGATED, Modality.PLANNED):
        if modality in found:
            return modality
    return Modality.ASSERTED


def _modal_chain(trigger: Token) -> Iterator[Token]:
    token, hops = trigger, 0
    yield token
    while hops < 4 and token.dep_ in _MODAL_CLIMB and token.head.i != token.i:
        token, hops = token.head, hops + 1
        yield token


def _own_modality(token: Token, is_trigger: bool, lexicon: Lexicon) -> Modality:
    children = list(token.children)
    lemma = token.lemma_.lower()
    if any(c.dep_ == "neg" for c in children):
        return Modality.NEGATED
    if not is_trigger and lemma in lexicon.denial_verbs:
        return Modality.NEGATED
    if not is_trigger and lemma in lexicon.planning_verbs:
        return Modality.PLANNED
    if any(c.dep_ == "aux" and c.lower_ in lexicon.modal_planned for c in children):
        return Modality.PLANNED
    return Modality.ASSERTED


def _speech_parent(trigger: Token, lexicon: Lexicon) -> Token | None:
    if trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in lexicon.speech_verbs:
        return trigger.head
    token = trigger
    for _ in range(3):
        if token.dep_ not in ("ccomp", "xcomp", "conj", "advcl") or token.head.i == token.i:
            return _trailing_report(token, lexicon)
        token = token.head
        if token.lemma_.lower() in lexicon.speech_verbs:
            return token
    return None


def _trailing_report(clause: Token, lexicon: Lexicon) -> Token | None:
    """A reporting clause the parser hung under the clause it reports: "X will withdraw ...,
    the minister told parliament" (a verb of saying after a comma, with its own subject and
    no complement of its own)."""
    for child in clause.children:
        if (
            child.dep_ in ("conj", "parataxis")
            and child.i > clause.i
            and child.lemma_.lower() in lexicon.speech_verbs
            and (any(c.dep_ == "nsubj" for c in child.children) or _stray_subject(child))
            and not any(c.dep_ in ("ccomp", "xcomp") for c in child.children)
            and any(t.text == "," for t in clause.doc[clause.i : child.left_edge.i])
        ):
            return child
    return None


def _stray_subject(verb: Token) -> Token | None:
    """The speaker of a trailing reporting verb that the parser left without a subject and hung
    on the reported clause instead (", the interior minister, X, told parliament")."""
    clause = verb.head
    for child in clause.children:
        if (
            child.dep_ in ("npadvmod", "appos", "dobj")
            and clause.i < child.left_edge.i
            and child.i < verb.i
            and child.doc[child.left_edge.i - 1].text == ","
            and (actor_at(child) or "").startswith(("Person:", "Organization:"))
        ):
            return child
    return None


def _subject_key(verb: Token) -> str | None:
    if verb.dep_ in ("conj", "parataxis") and not any(c.dep_ == "nsubj" for c in verb.children):
        stray = _stray_subject(verb)
        if stray is not None:
            return actor_at(stray)
    subject, _ = _subject(verb)
    return _first(_named(subject)) if subject is not None else None


def _time(trigger: Token, ents: Sequence[Span]) -> str | None:
    """Text of the first DATE or TIME entity (of ents, the Doc's) in the trigger's own clause,
    or one the parser hung under a following "after/before/as" clause though it comes before
    that clause's conjunction ("fired X on Thursday after an audit found ...")."""
    own = sorted(_clause_tokens(trigger), key=lambda t: t.i)
    for token in own + _before_subordinator(trigger):
        if token.ent_type_ in ("DATE", "TIME"):
            ent = next(e for e in ents if e.start <= token.i < e.end)
            return ent.text
    return None


def _before_subordinator(trigger: Token) -> list[Token]:
    found: list[Token] = []
    for clause in (c for c in trigger.children if c.dep_ == "advcl" and c.i > trigger.i):
        mark = next((c for c in clause.children if c.dep_ == "mark"), None)
        if mark is not None:
            found.extend(t for t in clause.subtree if t.i < mark.i)
    return found


def _objects(trigger: Token) -> list[Token]:
    found = [c for c in trigger.children if c.dep_ in ("dobj", "attr", "oprd")]
    for prep in (c for c in trigger.children if c.dep_ in ("prep", "agent", "dative")):
        if prep.lower_ in ("as", "to", "from", "of"):
            found.extend(
                c
                for c in prep.children
                if c.dep_ == "pobj"
                and (prep.lower_ != "from" or not (entity_at(c) or "").startswith("Place:"))
            )
    return found


def _place(trigger: Token) -> str | None:
    preps = [c for c in trigger.children if c.dep_ == "prep" and c.lower_ in _PLACE_PREPS]
    for prep in preps:
        key = _entity_in(list(prep.subtree), EntityType.PLACE)
        if key is not None:
            return key
    return None


def _affected(
    trigger: Token, event_type: EventType, agent: str | None, posts: dict[str, list[str]]
) -> tuple[tuple[str, ...], str | None]:
    keys: list[str] = []
    text = None
    for obj in _objects(trigger):
        subtree = list(obj.subtree)
        key = entity_at(obj) or _entity_in(subtree, EntityType.POST)
        key = key or _entity_in(subtree, EntityType.ORGANIZATION)
        person = _appositive_person(obj)
        if person is not None:
            # "fired its finance chief, X": X is dismissed. "named its new chief executive, X"
            # fills that post, unless an "as" phrase names the post taken ("appointed its
            # finance chief, X, as interim chief executive").
            fills = event_type is EventType.APPOINTMENT and not _as_phrase(trigger)
            key = key if fills and key != person else None
            keys.append(person)
        if key is not None and key != agent:
            keys.append(key)
        if text is None and obj.pos_ in ("NOUN", "PROPN", "NUM"):
            text = obj.doc[obj.left_edge.i : obj.right_edge.i + 1].text
    if not keys and agent is not None and event_type.value in ("Resignation", "Retirement"):
        held = posts.get(agent, [])
        if len(held) == 1:
            keys.append(held[0])
    return tuple(dict.fromkeys(keys)), text


def _as_phrase(trigger: Token) -> bool:
    return any(c.dep_ == "prep" and c.lower_ == "as" for c in trigger.children)


def _appositive_person(obj: Token) -> str | None:
    """The person an object's apposition names when the object itself is a title."""
    key = entity_at(obj)
    if key is not None and not key.startswith(EntityType.POST.value + ":"):
        return None
    return apposed_person(obj)


def _agent_of_noun(trigger: Token) -> str | None:
    for child in trigger.children:
        if child.dep_ in ("poss", "compound") and entity_at(child):
            return entity_at(child)
        if child.dep_ == "prep" and child.lower_ in ("of", "by"):
            key = _entity_in(list(child.subtree), EntityType.PERSON)
            if key is not None:
                return key
    if trigger.dep_ == "compound":
        return _agent_of_noun(trigger.head)
    return None


def find_events(
    doc: Doc, lexicon: Lexicon, posts: dict[str, list[str]], quotations: list[Quotation]
) -> list[Event]:
    """Every event mention in doc, one Event each (merging comes later)."""
    events = []
    triggers = _maybe_triggers(doc, lexicon)
    ents = doc.ents if triggers else ()  # made once: each reading of doc.ents makes Spans
    for token in triggers:
        found = _trigger(token, lexicon)
        if found is None:
            continue
        event = _event(token, found, lexicon, posts, quotations, ents)
        if event is not None:
            events.append(event)
    return events


def _maybe_triggers(doc: Doc, lexicon: Lexicon) -> list[Token]:
    """The tokens whose lemma could make them a trigger, in order; read off the lemma ids, so
    that no Token object is made for the others."""
    words = lexicon.trigger_words
    strings = doc.vocab.strings
    lemmas = doc.to_array(LEMMA).tolist()
    wanted = {lemma for lemma in set(lemmas) if strings[lemma].lower() in words}
    return [doc[i] for i, lemma in enumerate(lemmas) if lemma in wanted]


def _event(
    trigger: Token,
    found: tuple[str, EventType],
    lexicon: Lexicon,
    posts: dict[str, list[str]],
    quotations: list[Quotation],
    ents: Sequence[Span],
) -> Event | None:
    phrase, event_type = found
    is_verb = trigger.pos_ != "NOUN"
    agents, passive = _agents_and_voice(trigger, is_verb, lexicon)
    if not agents:
        speaker = _first_person_speaker(trigger, quotations)
        agents = (speaker,) if speaker else ()
    affected, affected_text = _affected(trigger, event_type, _first(agents), posts)
    if not is_verb and event_type.value in lexicon.patient_nouns and agents:
        # "the murder of X", "his dismissal": the possessor undergoes the event.
        by = _by_agent(trigger)
        affected, agents = (*agents, *affected), ((by,) if by else ())
    if passive and event_type.value not in lexicon.departure_types:
        affected, agents = (*agents, *affected), _passive_agents(trigger)
    agent = _first(agents)
    has_object = bool(affected) or affected_text is not None or _passive_object(trigger, passive)
    if not _keep(trigger, phrase, event_type, (agent, has_object), lexicon):
        return None
    announcer, medium, claimed_by, verb = _report(trigger, agent, lexicon, quotations)
    time = _time(trigger, ents)
    confidence = 0.85 if agent is not None else 0.6
    return Event(
        key="",
        type=event_type,
        trigger=trigger.text if " " not in phrase else phrase,
        evidence=evidence(Span(trigger.doc, trigger.i, trigger.i + 1), EXTRACTOR, confidence),
        modality=_modality(trigger, lexicon) if is_verb else Modality.ASSERTED,
        agent=agent,
        co_agents=tuple(a for a in agents if a != agent),
        affected=affected,
        affected_text=affected_text,
        announcer=announcer,
        medium=medium,
        time=None if time is None else TimeExpr(time),
        place=_place(trigger),
        claimed_by=claimed_by,
        announce_verb=verb,
        loose=phrase in lexicon.loose_verbs,
    )


def _first(keys: tuple[str, ...]) -> str | None:
    return keys[0] if keys else None


def _by_agent(trigger: Token) -> str | None:
    """The agent of a nominal event: "the dismissal of X by Y"."""
    for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ == "by"):
        key = _entity_in(list(prep.subtree), EntityType.PERSON)
        key = key or _entity_in(list(prep.subtree), EntityType.ORGANIZATION)
        if key is not None:
            return key
    return None


def _agents_and_voice(
    trigger: Token, is_verb: bool, lexicon: Lexicon
) -> tuple[tuple[str, ...], bool]:
    """The agents (coordinated subjects give several) and whether the clause is passive.

    A pronoun subject left unresolved in the complement of a verb of saying is the speaker:
    "Acme said it would buy Beta", "A and B announced that they will merge".
    """
    if not is_verb:
        agent = _agent_of_noun(trigger)
        return ((agent,) if agent else ()), False
    subject, passive = _subject(trigger)
    if subject is None:
        return (), passive
    agents = _named(subject)
    if not agents and subject.lower_ in _PRONOUN_SUBJECTS and not passive:
        verb = _speech_parent(trigger, lexicon)
        speaker = _subject(verb)[0] if verb is not None else None
        agents = _named(speaker) if speaker is not None else ()
    return agents, passive


_PRONOUN_SUBJECTS = {"it", "they", "we", "he", "she"}
_ACTORS = (EntityType.PERSON.value + ":", EntityType.ORGANIZATION.value + ":")


def _named(token: Token) -> tuple[str, ...]:
    """Entities a noun phrase names: its own, else its apposition's ("the minister, X"), and
    those of its conjuncts ("A and B"); conjuncts only when they are people or organisations."""
    keys: list[str] = []
    for head in (token, *_conjuncts(token)):
        key = entity_at(head) or next(
            (k for c in head.children if c.dep_ == "compound" for k in _keys(c)), None
        )
        if key is None or key.startswith(EntityType.POST.value + ":"):
            key = next((k for c in head.children if c.dep_ == "appos" for k in _keys(c)), key)
        if key is not None and (not keys or key.startswith(_ACTORS)):
            keys.append(key)
    return tuple(dict.fromkeys(keys))


def _keys(token: Token) -> Iterator[str]:
    key = entity_at(token)
    if key is not None:
        yield key


def _conjuncts(token: Token) -> Iterator[Token]:
    """Tokens coordinated with token ("A, B and C"), also through an apposition ("the
    airlines A and B")."""
    for child in token.children:
        if child.dep_ == "conj":
            yield child
            yield from _conjuncts(child)
        elif child.dep_ == "appos" and entity_at(token) is None:
            yield from _conjuncts(child)


_FIRST_PERSON = {"i", "me", "my", "myself"}


def _first_person_speaker(trigger: Token, quotations: list[Quotation]) -> str | None:
    """Inside a quotation, "I" (or "my" before a noun trigger) is the quotation's speaker."""
    subject = _subject(trigger)[0] if trigger.pos_ != "NOUN" else None
    words = {subject.lower_} if subject is not None else {c.lower_ for c in trigger.children}
    if not words & _FIRST_PERSON:
        return None
    quote = next((q for q in quotations if q.start <= trigger.i < q.end), None)
    return quote.speaker if quote is not None else None


def _passive_agents(trigger: Token) -> tuple[str, ...]:
    """People or organisations in the "by" phrase of a passive: "was signed by A and B"."""
    by = next((c for c in trigger.children if c.dep_ == "agent"), None)
    objects = [c for c in by.children if c.dep_ == "pobj"] if by is not None else []
    agents = _named(objects[0]) if objects else ()
    return tuple(a for a in agents if a.startswith(_ACTORS))


def _passive_object(trigger: Token, passive: bool) -> bool:
    """A passive clause's subject is what the event affects ("the accord was signed")."""
    return passive and any(
        c.dep_ == "nsubjpass" and (entity_at(c) is not None or _definite(c))
        for c in trigger.children
    )


def _definite(noun: Token) -> bool:
    """ "the treaty", "their deal": a particular thing, not "a successor" or "one"."""
    return noun.pos_ == "NOUN" and any(
        c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "any", "no")
        for c in noun.children
    )


def _keep(
    trigger: Token,
    phrase: str,
    event_type: EventType,
    roles: tuple[str | None, bool],
    lexicon: Lexicon,
) -> bool:
    agent, has_object = roles
    if trigger.pos_ == "NOUN":
        return agent is not None or has_object
    if event_type is EventType.KILLING and not _kills_someone(trigger, lexicon):
        return False
    if event_type is EventType.ANNOUNCEMENT and any(
        c.dep_ in ("ccomp", "xcomp") for c in trigger.children
    ):
        return False
    if phrase in _NEEDS_OBJECT and not has_object:
        return False
    if event_type is EventType.AGREEMENT:
        return any(c.lemma_.lower() in lexicon.agreement_objects for c in trigger.subtree)
    return agent is not None or has_object


def _kills_someone(trigger: Token, lexicon: Lexicon) -> bool:
    """A killing verb needs a person as its victim: "could kill the merger" is no killing."""
    for child in trigger.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            key = entity_at(child) or ""
            if (
                key.startswith(EntityType.PERSON.value)
                or child.lemma_.lower() in lexicon.victim_nouns
            ):
                return True
            if child.lower_ in lexicon.victim_nouns:
                return True
    return False


def _report(
    trigger: Token, agent: str | None, lexicon: Lexicon, quotations: list[Quotation]
) -> tuple[str | None, str | None, str | None, str | None]:
    """Announcer, medium, claimant (a speaker other than the agent) and verb of saying of an
    event mention."""
    verb = _speech_parent(trigger, lexicon)
    speaker = _subject_key(verb) if verb is not None else None
    if verb is None:
        quote = next((q for q in quotations if q.start <= trigger.i < q.end), None)
        if quote is None or quote.verb is None:
            return None, None, None, None
        verb, speaker = quote.verb, quote.speaker
    medium = medium_of(verb, lexicon)
    if speaker is None or speaker == agent:
        return speaker, medium, None, verb.text
    return speaker, medium, speaker, verb.text
