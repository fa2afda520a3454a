"""`kg eval`: extraction quality on CoNLL04 dev (strict, with a baseline) and on the news dev set.

``evaluate(settings, conll04_dir=..., news_dir=...)`` returns a JSON-ready dict;
:func:`render` turns it into tables. The news gold format is checked by :func:`check_case`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.evaluation.conll import evaluate_conll04
from kg.evaluation.gold import GoldCase, check_case, read_dev_set
from kg.evaluation.news import evaluate_news
from kg.evaluation.report import render
from kg.nlp import load_pipeline

__all__ = ["GoldCase", "check_case", "evaluate", "read_dev_set", "render"]


def evaluate(
    settings: Settings, conll04_dir: Path | None = None, news_dir: Path | None = None
) -> dict[str, Any]:
    """Scores of the parts whose folder is given (``None`` skips a part).

    Raises:
        InputError: a folder, a data file or the model cannot be read.
    """
    result: dict[str, Any] = {"conll04": None, "news": None}
    if conll04_dir is not None:
        scored = evaluate_conll04(conll04_dir, settings.spacy_model)
        result["conll04"] = {"dir": str(conll04_dir)} | {
            name: r.as_dict() for name, r in scored.items()
        }
    if news_dir is not None:
        news = evaluate_news(load_pipeline(settings), read_dev_set(news_dir))
        result["news"] = {"dir": str(news_dir), **news.as_dict()}
    return result
