"""The online linker against real servers: kg's endpoint over a Wikidata-shaped fixture, a
slow server and a failing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import LinkError
from kg.linking import LinkContext, SparqlLinker
from kg.linking.sparql import USER_AGENT, candidates_query
from kg.model import Entity, EntityType, LinkRelation
from tests.linking.servers import broken_server

pytestmark = pytest.mark.server


def _settings(tmp_path: Path, **changes: object) -> Settings:
    base = Settings(
        store=tmp_path / "store",
        link_cache=tmp_path / "cache",
        link_min_interval_s=0.0,
        link_backoff_s=0.01,
        link_retries=2,
        link_timeout_s=5.0,
        link_batch_size=2,
    )
    return base.replace(**changes)


def _entity(key: str, kind: EntityType, label: str, *alts: str) -> Entity:
    return Entity(key, kind, label, alts, ())


ENTITIES = [
    _entity("a", EntityType.PERSON, "Angela Merkel"),
    _entity("b", EntityType.PLACE, "Berlin"),
    _entity("c", EntityType.ORGANIZATION, "North Atlantic Treaty Organization"),
    _entity("d", EntityType.POST, "German Chancellor"),
    _entity("e", EntityType.PLACE, "Springfield"),
    _entity("f", EntityType.ORGANIZATION, "Berlin"),
    _entity("g", EntityType.PERSON, "Nobody Atall"),
]


def test_sparql_linker_links_by_label_alias_and_type(wikidata_server: str, tmp_path: Path) -> None:
    linker = SparqlLinker(_settings(tmp_path), wikidata_server)
    links = {link.entity: link for link in linker.link(ENTITIES, LinkContext())}
    wd = "http://www.wikidata.org/entity/"
    assert links["a"].target == wd + "Q567"
    assert links["a"].relation is LinkRelation.SAME_AS
    assert links["b"].target == wd + "Q64"
    assert links["c"].target == wd + "Q7184"
    assert links["c"].score < links["a"].score  # an alias counts less than a label
    assert links["d"].target == wd + "Q4970706"
    assert "e" not in links  # two cities named Springfield: no confident candidate
    assert "f" not in links  # Berlin is a city, not an organisation
    assert "g" not in links
    assert {link.method for link in links.values()} == {"sparql"}


def test_sparql_linker_caches_answers_on_disk(wikidata_server: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert SparqlLinker(settings, wikidata_server).link(ENTITIES[:2], LinkContext())
    cached = list((tmp_path / "cache").rglob("*.json"))
    assert len(cached) == 1  # two labels, one batch
    cached[0].write_text("[]", "utf-8")  # the cache, not the endpoint, answers next time
    assert SparqlLinker(settings, wikidata_server).link(ENTITIES[:2], LinkContext()) == []


def test_sparql_linker_retries_5xx_then_raises(tmp_path: Path) -> None:
    with broken_server() as (url, server):
        linker = SparqlLinker(_settings(tmp_path), url)
        with pytest.raises(LinkError, match="503"):
            linker.link(ENTITIES[:1], LinkContext())
        assert server.hits == 3  # type: ignore[attr-defined]  # one try and two retries
        assert set(server.agents) == {USER_AGENT}  # type: ignore[attr-defined]


def test_sparql_linker_times_out_on_a_slow_server(tmp_path: Path) -> None:
    with broken_server(slow=True) as (url, server):
        linker = SparqlLinker(_settings(tmp_path, link_timeout_s=0.3, link_retries=1), url)
        with pytest.raises(LinkError, match="no answer within"):
            linker.link(ENTITIES[:1], LinkContext())
        assert server.hits == 2  # type: ignore[attr-defined]


def test_sparql_linker_endpoint_down_is_a_link_error(tmp_path: Path) -> None:
    with broken_server() as (url, _server):
        pass  # stopped: nothing listens on that port any more
    linker = SparqlLinker(_settings(tmp_path, link_retries=0), url)
    with pytest.raises(LinkError, match="cannot connect"):
        linker.link(ENTITIES[:1], LinkContext())


def test_candidates_query_escapes_quotes() -> None:
    query = candidates_query(['Say "hi"', "back\\slash"])
    assert '"Say \\"hi\\""@en' in query
    assert '"back\\\\slash"@en' in query
