"""A deterministic synthetic site for the benchmark: the real site plus N generated pages.

The real templates/, site.yaml, static files and pages are copied so the benchmark renders what the
organisation publishes; N pages are added (news items and yearly reports) with front matter,
headings, lists, tables, code, footnotes and links to other pages' .md sources, some with #anchors.
The same seed, N and layout always give the same files.

Two layouts: "sections" spreads the pages evenly over ten sections (news and nine yearly report
sections, the shape of the organisation's archive); "single" puts every page in the news section, the
worst case for anything whose cost grows with a section's size.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Ten sections: the news archive and reports filed by year, each year a section of its own.
SECTIONS = ("news",) + tuple(f"reports-{year}" for year in range(2016, 2025))
LAYOUTS = ("sections", "single")
NETWORKS = ("digital-health", "emergencies-crises", "health-systems", "hpv-hepb-action", "inequalities",
            "prevention", "quality-cancer-care", "survivorship", "workforce")
WORDS = ("cancer care patients europe network policy screening survivors workforce quality access "
         "prevention research data health systems inequality treatment oncology nurses radiotherapy "
         "surgery members society summit report campaign vaccination hpv hepatitis digital tools "
         "training guidelines rights commission parliament plan mission budget evidence outcomes "
         "diagnosis rehabilitation palliative children adolescents rare tumours pathways registry").split()
HEADINGS = ("Background", "What we found", "Recommendations", "Next steps", "Why it matters",
            "How it was done", "Who took part", "Further reading", "Key figures", "Timeline")


def sentence(rng: random.Random, words: int = 0) -> str:
    picked = [rng.choice(WORDS) for _ in range(words or rng.randint(8, 20))]
    return " ".join(picked).capitalize() + "."


def paragraph(rng: random.Random, links: list[str]) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(2, 5))]
    if links and rng.random() < 0.7:
        target = rng.choice(links)
        parts.insert(rng.randint(0, len(parts)), f"See [{rng.choice(WORDS)} {rng.choice(WORDS)}]({target}).")
    if rng.random() < 0.3:
        parts.append(f"More at [the source](https://example.org/{rng.choice(WORDS)}/{rng.randint(1, 999)}).")
    if rng.random() < 0.3:
        parts[0] = f"**{parts[0]}**"
    return " ".join(parts)


def table(rng: random.Random) -> str:
    rows = ["| Country | Year | Figure |", "|---|---:|---|"]
    for _ in range(rng.randint(3, 8)):
        rows.append(f"| {rng.choice(WORDS).title()} | {rng.randint(2000, 2025)} | {rng.randint(1, 999)} |")
    return "\n".join(rows)


def code(rng: random.Random) -> str:
    lines = [f"{rng.choice(WORDS)}_{i} = {rng.randint(0, 99)}" for i in range(rng.randint(2, 6))]
    return "```python\n" + "\n".join(lines) + "\n```"


def body(rng: random.Random, headings: list[str], links: list[str]) -> str:
    blocks = [paragraph(rng, links)]
    for index, heading in enumerate(headings):
        blocks.append(f"## {heading}")
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.55:
                blocks.append(paragraph(rng, links))
            elif kind < 0.7:
                blocks.append("\n".join(f"- {sentence(rng, rng.randint(4, 10))}" for _ in range(rng.randint(2, 6))))
            elif kind < 0.8:
                blocks.append("\n".join(f"{i}. {sentence(rng, 6)}" for i in range(1, rng.randint(3, 6))))
            elif kind < 0.9:
                blocks.append(table(rng))
            elif kind < 0.95:
                blocks.append(code(rng))
            else:
                blocks.append(f"> {sentence(rng)}")
        if index == 0 and rng.random() < 0.2:
            blocks.append(f"{sentence(rng)}[^1]\n\n[^1]: {sentence(rng, 6)}")
    return "\n\n".join(blocks) + "\n"


def plan(count: int, rng: random.Random, layout: str = "sections") -> list[tuple[str, str, list[str]]]:
    """(section, slug, headings) for each generated page, headings unique within a page."""
    pages = []
    for number in range(count):
        section = SECTIONS[number % len(SECTIONS)] if layout == "sections" else "news"
        slug = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{number:05d}"
        pages.append((section, slug, rng.sample(HEADINGS, rng.randint(2, 6))))
    return pages


def front_matter(rng: random.Random, section: str, number: int) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
    lines = ["---", f"title: {title} {number}", f"summary: {sentence(rng, rng.randint(10, 24))}"]
    day = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if section == "news":
        lines.append(f"date: {day}")
        networks = rng.sample(NETWORKS, rng.randint(0, 2))
        if networks:
            lines += ["networks:"] + [f"  - {slug}" for slug in networks]
        if rng.random() < 0.5:
            lines.append(f"source: https://www.europeancancer.org/resources/news/{number}.html")
    elif rng.random() < 0.5:
        lines.append(f"date: {day}")
    return "\n".join(lines + ["---", ""])


def write_site(target: Path, count: int, seed: int = 7, layout: str = "sections", project: Path = REPO) -> Path:
    """Create target/ with the real project (`project`'s templates and content) plus `count` generated
    pages; returns target."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(project / "templates", target / "templates")
    shutil.copytree(project / "content", target / "content")
    if (project / "static").is_dir():
        shutil.copytree(project / "static", target / "static")
    rng = random.Random(seed)
    pages = plan(count, rng, layout)
    for section in {section for section, _, _ in pages} - {"news"}:
        (target / "content" / section).mkdir(exist_ok=True)
        (target / "content" / section / "index.md").write_text(
            f"---\ntitle: {section.title()}\nsummary: Everything we publish under {section}.\n---\n\n"
            f"{sentence(rng)}\n", encoding="utf-8")
    for number, (section, slug, headings) in enumerate(pages):
        links = []
        for _ in range(rng.randint(1, 6)):
            other_section, other_slug, other_headings = pages[rng.randrange(len(pages))]
            prefix = "" if other_section == section else f"../{other_section}/"
            anchor = "#" + other_headings[0].lower().replace(" ", "-") if rng.random() < 0.3 else ""
            links.append(f"{prefix}{other_slug}.md{anchor}")
        if rng.random() < 0.3:
            links.append(f"../networks/{rng.choice(NETWORKS)}.md")
        text = front_matter(rng, section, number) + "\n" + body(rng, headings, links)
        (target / "content" / section / f"{slug}.md").write_text(text, encoding="utf-8")
    return target


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    where = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "bench-sites" / f"site-{size}"
    print(write_site(where, size, layout=sys.argv[3] if len(sys.argv) > 3 else "sections"))
