"""Regenerate README's settings table from kg.config.Settings (run by hand)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kg.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "<!-- settings-table -->"


def table() -> str:
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for f in dataclasses.fields(Settings):
        lines.append(f"| `{f.metadata['env']}` | `{f.default}` | {f.metadata['help']} |")
    return "\n".join(lines)


def main() -> None:
    text = README.read_text("utf-8")
    start = text.index(MARK) + len(MARK)
    end = text.index("\n## ", start)
    README.write_text(text[:start] + "\n\n" + table() + "\n" + text[end:], "utf-8")


if __name__ == "__main__":
    main()
