"""A reproducible benchmark corpus: CoNLL04 news sentences recombined into pseudo-articles.

Usage: python bench/corpus.py N OUT.jsonl [--seed 0] [--sentences 15]

Each article takes ~15 sentences (12 to 18) of ../shared/data/conll04/train.json, drawn with a
seeded random generator and detokenised, with an id, a title (its first words), a publication
date and a source; the demo article (data/*.txt) is appended as one more article. Same N and
seed, same file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONLL04 = ROOT.parent / "shared" / "data" / "conll04" / "train.json"
if not CONLL04.exists():
    CONLL04 = Path("/work/shared/data/conll04/train.json")

_QUOTES = {"``": '"', "''": '"', "-LRB-": "(", "-RRB-": ")"}
_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)]|'s|n't|'re|'ve|'ll|'d)")
_NO_SPACE_AFTER = re.compile(r"([($]) ")


def detokenise(tokens: list[str]) -> str:
    """A readable sentence from CoNLL04 tokens."""
    text = " ".join(_QUOTES.get(t, t) for t in tokens)
    text = _NO_SPACE_BEFORE.sub(r"\1", text)
    text = _NO_SPACE_AFTER.sub(r"\1", text)
    text = re.sub(r"(\d), (\d{3})\b", r"\1,\2", text)
    return re.sub(r'" (.*?) "', r'"\1"', text)


def sentences(path: Path = CONLL04) -> list[str]:
    """Every CoNLL04 training sentence of at least five tokens, detokenised."""
    records = json.loads(path.read_text("utf-8"))
    return [detokenise(r["tokens"]) for r in records if len(r["tokens"]) >= 5]


def articles(count: int, seed: int = 0, per_article: int = 15) -> list[dict[str, str]]:
    """count pseudo-articles plus the demo article, deterministic for a seed."""
    pool = sentences()
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    out = []
    for number in range(count):
        size = rng.randint(per_article - 3, per_article + 3)
        text = " ".join(rng.sample(pool, size))
        out.append(
            {
                "id": f"conll-{seed}-{number:06d}",
                "title": " ".join(text.split()[:8]),
                "text": text,
                "published": (start + timedelta(days=number % 731)).isoformat(),
                "source": "CoNLL04 recombined",
            }
        )
    for demo in sorted((ROOT / "data").glob("*.txt")):
        out.append({"id": demo.stem, "text": demo.read_text("utf-8"), "published": "2018-12-20"})
    return out


def write(count: int, target: Path, seed: int = 0, per_article: int = 15) -> Path:
    """Write the corpus as JSON Lines to target."""
    with target.open("w", encoding="utf-8") as handle:
        for article in articles(count, seed, per_article):
            handle.write(json.dumps(article) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sentences", type=int, default=15)
    args = parser.parse_args()
    write(args.count, args.target, args.seed, args.sentences)
    print(f"wrote {args.count + 1} articles to {args.target}")


if __name__ == "__main__":
    main()
