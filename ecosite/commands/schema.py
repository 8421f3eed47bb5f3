"""`ecosite schema`: JSON Schemas of the content models, for completion and checks while typing.

The schemas are generated from the same pydantic models the build validates with, so an editor's
warnings and the build's errors cannot drift apart. Models are collected from the registries
(`SiteConfig`, `registry.PAGE_MODELS`, `registry.DATA_MODELS`), so a new model is included without
touching this module. VS Code's YAML extension is pointed at them in `.vscode/settings.json`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from pydantic import BaseModel

from ecosite.content.config import SiteConfig
from ecosite.content.models import PageMeta
from ecosite.registry import DATA_MODELS, PAGE_MODELS

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
SETTINGS_KEY = "yaml.schemas"


def schema_name(model: type[BaseModel]) -> str:
    """SiteConfig -> 'site', NetworkMeta -> 'network', ValuesData -> 'values', SummitEdition -> 'summit-edition'."""
    if model is SiteConfig:
        return "site"
    if model is PageMeta:
        return "page"
    name = re.sub(r"(Meta|Data)$", "", model.__name__)
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def pattern_to_glob(pattern: str) -> str:
    r"""A DATA_MODELS path pattern as a file glob: 'summit/\d{4}\.yaml' -> 'summit/*.yaml'."""
    glob = re.sub(r"\\d(\{\d+(,\d*)?\}|\+)|\[[^\]]*\](\{\d+(,\d*)?\}|\+|\*)?|\\w\+|\.\*|\.\+", "*", pattern)
    glob = glob.replace(r"\.", ".").replace(r"\-", "-")
    if re.search(r"[\\()\[\]{}?+^$|]", glob):
        raise ValueError(f"cannot turn the data pattern {pattern!r} into a file glob; simplify it")
    return glob


def content_models() -> list[tuple[str, type[BaseModel], list[str]]]:
    """(schema name, model, the content files it validates as globs) for every model, stable order."""
    found: list[tuple[str, type[BaseModel], list[str]]] = [("site", SiteConfig, ["content/site.yaml"])]
    pages = [PageMeta, *PAGE_MODELS.values()]
    for model in dict.fromkeys(pages):
        found.append((schema_name(model), model, []))  # Markdown front matter: no YAML file to map
    globs: dict[type[BaseModel], list[str]] = {}
    for pattern, model in DATA_MODELS:
        globs.setdefault(model, []).append("content/" + pattern_to_glob(pattern))
    found += [(schema_name(model), model, files) for model, files in globs.items()]
    return found


def model_schema(name: str, model: type[BaseModel]) -> dict:
    schema = model.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json", **schema}


def render_schemas() -> dict[str, str]:
    """{file name: JSON text} of every schema, exactly as committed under schemas/."""
    return {f"{name}.schema.json": json.dumps(model_schema(name, model), indent=2, ensure_ascii=False) + "\n"
            for name, model, _ in content_models()}


def editor_mapping(schemas_dir: str = "schemas") -> dict[str, list[str]]:
    """The `yaml.schemas` setting: schema file -> the YAML files it checks."""
    return {f"./{schemas_dir}/{name}.schema.json": files for name, _, files in content_models() if files}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    wanted = render_schemas()
    for stale in out.glob("*.schema.json"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for file_name, text in wanted.items():
        path = out / file_name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def update_editor_settings(root: Path) -> Path:
    """Set `yaml.schemas` in .vscode/settings.json, keeping every other setting there."""
    path = root / ".vscode" / "settings.json"
    settings = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    settings[SETTINGS_KEY] = editor_mapping()
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = ("Write a JSON Schema for every content model (site.yaml, page front matter, "
                          "data files) and map them for VS Code's YAML extension in .vscode/settings.json.")
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder (default: current folder)")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for the schemas (default: ROOT/schemas, which also updates "
                             "ROOT/.vscode/settings.json)")


def run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    out = (args.out if args.out is not None else root / "schemas").resolve()
    if out.is_relative_to(root / "content"):
        print(f"ecosite: --out {args.out} is inside content/; choose another folder", file=sys.stderr)
        return 2
    written = write_schemas(out)
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out
    print(f"Wrote {len(written)} schemas to {shown}/")
    if args.out is None:
        settings = update_editor_settings(root)
        print(f"Mapped them to the data files in {settings.relative_to(root)}")
    return 0
