"""docs/templates.md and docs/configuration.md name exactly what the code gives and accepts.

The template reference is checked against what templates really receive: every page of the real
site is rendered with probe templates that list their context, so a new variable, helper, filter,
page attribute or front matter field fails here until it is documented (and a removed one too).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import shutil
from pathlib import Path

import jinja2
import pytest
from pydantic import BaseModel

from ecosite.commands.build import generate
from ecosite.content.config import SiteConfig
from ecosite.content.models import PageMeta
from ecosite.project import Project
from ecosite.registry import PAGE_MODELS
from ecosite.render.templates import make_environment
from ecosite.site.model import Page

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
PROBE = ("{% for name, value in self._TemplateReference__context.items() %}"
         "{{ name }}={{ value is callable }}\n{% endfor %}"
         "context={{ page.context.keys()|join(',') }}\n")


def section_names(document: str, heading: str) -> list[str]:
    """The backticked name in the first cell of each table row under `heading` (until the next heading)."""
    text = (DOCS / document).read_text(encoding="utf-8")
    match = re.search(rf"^(#+) {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/{document} has no heading `{heading}`"
    return re.findall(r"^\| `([^`]+)`", match.group(2), flags=re.M)


@pytest.fixture(scope="module")
def probe_build(tmp_path_factory):
    """The real site rendered with probe templates, each listing the names it received."""
    root = tmp_path_factory.mktemp("probe")
    shutil.copytree(REPO / "content", root / "content")
    for template in (REPO / "templates").rglob("*.html"):
        target = root / "templates" / template.relative_to(REPO / "templates")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PROBE)
    return generate(Project(root, root / "output", search=False))


@pytest.fixture(scope="module")
def probed(probe_build) -> dict[str, dict[str, str]]:
    """{page source: {name received: 'True' if callable, else 'False'}}; `context` lists page.context."""
    defaults = set(jinja2.Environment().globals)
    seen = {}
    for page in probe_build.site.pages:
        lines = probe_build.files[page.output_path].decode().strip().split("\n")
        names = dict(line.split("=", 1) for line in lines)
        seen[page.rel] = {k: v for k, v in names.items() if k not in defaults}
    return seen


def test_every_page_kind_receives_the_documented_variables_and_helpers(probed):
    variables = set(section_names("templates.md", "Variables"))
    helpers = {name.split("(")[0] for name in section_names("templates.md", "Helpers")}
    for rel, names in probed.items():
        received = {name: callable_ for name, callable_ in names.items() if name != "context"}
        assert set(received) == variables | helpers, f"{rel}: update docs/templates.md"
        assert {name for name, callable_ in received.items() if callable_ == "True"} == helpers, rel


def test_the_documented_filters_are_the_ones_added():
    added = set(make_environment(REPO / "templates").filters) - set(jinja2.Environment().filters)
    assert set(section_names("templates.md", "Filters")) == added


def test_the_page_object_is_documented():
    fields = {f.name for f in dataclasses.fields(Page)}
    properties = {name for name, value in vars(Page).items() if isinstance(value, (property, functools.cached_property))}
    documented = {name.removeprefix("page.") for name in section_names("templates.md", "The page object")}
    assert documented == fields | properties


def test_every_page_kind_documents_its_front_matter():
    text = (DOCS / "templates.md").read_text(encoding="utf-8")
    models: dict[str, type[BaseModel]] = {m.__name__: m for m in [PageMeta, *PAGE_MODELS.values()]}
    headings = dict(re.findall(r"^(### .*\(`(\w+)`\))$", text, flags=re.M))
    documented_models = {name: heading.removeprefix("### ") for heading, name in headings.items()}
    assert set(documented_models) == set(models)
    for name, heading in documented_models.items():
        assert set(section_names("templates.md", heading)) == set(models[name].model_fields), heading


def test_generated_pages_context_is_documented(probed):
    received = {name for names in probed.values() for name in names.get("context", "").split(",") if name}
    documented = set(section_names("templates.md", "Generated summit pages"))
    assert documented == received


def test_every_data_file_is_documented(probe_build):
    result_keys = set(probe_build.site.data)
    patterns = [re.compile(re.sub(r"<\w+>", r"[^/]+", re.escape(name).replace(r"\<", "<").replace(r"\>", ">")))
                for name in section_names("templates.md", "Data")]
    for key in result_keys:
        written = f'data["{key}"]' if "/" in key else f"data.{key}"
        assert any(p.fullmatch(written) for p in patterns), f"{written} is not in docs/templates.md"
    for pattern in patterns:
        assert any(pattern.fullmatch(f'data["{k}"]' if "/" in k else f"data.{k}") for k in result_keys), pattern


def _config_keys(model: type[BaseModel], prefix: str = "") -> dict[str, object]:
    """Every site.yaml key as written in the docs (`nav[].title`), with its field info."""
    keys = {}
    for name, info in model.model_fields.items():
        keys[prefix + name] = info
        annotation = info.annotation
        inner = getattr(annotation, "__args__", (None,))[0] if getattr(annotation, "__origin__", None) is list else annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            keys.update(_config_keys(inner, f"{prefix}{name}{'[]' if inner is not annotation else ''}."))
    return keys


def test_every_site_yaml_key_is_documented_with_its_default():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    rows = {m[0]: m[1] for m in re.findall(r"^\| `([^`]+)` \| [^|]+ \| ([^|]+) \|", text, flags=re.M)}
    code = _config_keys(SiteConfig)
    assert set(rows) == set(code), "update docs/configuration.md"
    for key, info in code.items():
        default = rows[key].strip()
        if info.is_required():
            assert default == "required", key
        elif info.default is None:
            assert default == "none", key
        elif isinstance(info.default, (str, int)):
            assert default == f"`{info.default}`", key
        elif info.default == []:
            assert default == "`[]`", key
