"""The user documentation stands on its own: README.md and docs/*.md link only to files and headings that exist in
this repository, and cite no document outside it (no "CONTRACT §…", no ../shared/…, no *.md file the repository
lacks). Run it as a script to list the problems: ``.venv/bin/python tests/scripts/test_readme_links.py``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
# Citations of documents users do not have: the internal contract notes and their sibling files.
OUTSIDE = [
    (re.compile(r"\bCONTRACT\b"), "cites the internal CONTRACT document"),
    (re.compile("§"), "cites a section (§) of a document outside the repository"),
    (re.compile(r"(?:\.\./|/work/)shared\b|\bshared/reference\b"), "points outside the repository (shared/)"),
]
MD_NAME = re.compile(r"(?<![\w/.-])((?:\.{1,2}/|[\w-]+/)*[\w-]+\.md)\b")


def documents(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: link text kept, lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading's anchor; a repeated heading gets -1, -2... as on GitHub."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for _, line in _prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            counts[base] = counts.get(base, 0) + 1
            found.add(base if counts[base] == 1 else f"{base}-{counts[base] - 1}")
    return found


def _links(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in _prose_lines(text):
        prose = CODE_SPAN.sub("", line)
        found += [(number, m.group(1)) for m in INLINE_LINK.finditer(prose)]
        definition = REFERENCE_DEF.match(prose)
        if definition:
            found.append((number, definition.group(1)))
    return found


def problems(root: Path) -> list[str]:
    out: list[str] = []
    root = root.resolve()
    for doc in documents(root):
        if not doc.is_file():
            continue
        text = doc.read_text(encoding="utf-8")
        where = doc.relative_to(root)
        for number, target in _links(text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http(s), mailto: not checked offline
                continue
            path_part, _, anchor = target.partition("#")
            file = doc if not path_part else (doc.parent / path_part).resolve()
            if not file.is_relative_to(root):
                out.append(f"{where}:{number}: link {target!r} leaves the repository")
            elif not file.exists():
                out.append(f"{where}:{number}: link {target!r}: no file {path_part}")
            elif anchor and (file.suffix != ".md" or anchor not in anchors(file)):
                out.append(f"{where}:{number}: link {target!r}: no heading #{anchor} in {file.relative_to(root)}")
        for number, line in enumerate(text.splitlines(), 1):
            bare = URL.sub("", line)
            for pattern, what in OUTSIDE:
                if pattern.search(bare):
                    out.append(f"{where}:{number}: {what}: {line.strip()[:100]}")
            for name in MD_NAME.findall(bare):
                candidates = [(base / name).resolve() for base in (doc.parent, root)]
                if not any(c.is_relative_to(root) and c.exists() for c in candidates):
                    out.append(f"{where}:{number}: names {name}, which is not in the repository")
    return out


def test_documentation_has_no_dangling_links_or_outside_references():
    assert documents(ROOT)[1:], "docs/*.md is missing"
    found = problems(ROOT)
    assert not found, "\n".join(found)


def test_the_check_fails_on_planted_problems(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "contract.md").write_text("# Contract\n\n## Environment\n\n## Outputs: `statistics.json`\n")
    (tmp_path / "README.md").write_text(
        "# Title\n\n## The image\n\n"
        "[ok](docs/contract.md#environment) [ok](docs/contract.md#outputs-statisticsjson) [ok](#the-image)\n"
        "[web](https://docs.aws.amazon.com/x/page.md) `[not a link](nowhere)`\n"
        "```\n# not a heading\n```\n"
        "[gone](docs/missing.md) [bad anchor](docs/contract.md#environment-variables) [self](#not-a-heading)\n"
        "[out](../shared/reference/CONTRACT.md)\n"
        "### Environment (the contract, CONTRACT §1)\n"
        "as ../shared/reference/DOCKER-OFFLINE.md describes; see SCALE-OUT.md\n"
    )
    found = "\n".join(problems(tmp_path))
    for expected in [
        "README.md:10: link 'docs/missing.md': no file",
        "README.md:10: link 'docs/contract.md#environment-variables': no heading",
        "README.md:10: link '#not-a-heading': no heading",
        "README.md:10: names docs/missing.md",
        "README.md:11: link '../shared/reference/CONTRACT.md' leaves the repository",
        "README.md:12: cites the internal CONTRACT document",
        "README.md:12: cites a section (§)",
        "README.md:13: points outside the repository (shared/)",
        "README.md:13: names ../shared/reference/DOCKER-OFFLINE.md",
        "README.md:13: names SCALE-OUT.md",
    ]:
        assert expected in found, f"{expected!r} not reported in:\n{found}"
    assert "README.md:5" not in found and "README.md:6" not in found, found  # good links, URLs and code spans pass
    assert len(problems(tmp_path)) == 13, found


def test_slugs_follow_github():
    assert slug("Environment (the contract)") == "environment-the-contract"
    assert slug("Model bias (Clarify)") == "model-bias-clarify"
    assert slug("Deploying a fleet (with or without Model Monitor)") == "deploying-a-fleet-with-or-without-model-monitor"
    assert slug("Outputs: `statistics.json`") == "outputs-statisticsjson"


def test_repeated_headings_get_numbered_anchors(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A\n## Sources\n## Sources\n```\n## Sources\n```\n")
    assert anchors(page) == {"a", "sources", "sources-1"}


if __name__ == "__main__":
    found = problems(ROOT)
    print("\n".join(found) or "no problems")
    sys.exit(1 if found else 0)
