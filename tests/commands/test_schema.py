"""`ecosite schema`: the committed schemas match the models and check the real files as the build does."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ecosite.cli import main
from ecosite.content.config import SiteConfig
from ecosite.content.models import PageMeta
from ecosite.registry import DATA_MODELS, PAGE_MODELS
from ecosite.commands.schema import editor_mapping, render_schemas, schema_name
from ecosite.content.yamlsafe import load_yaml

REPO = Path(__file__).resolve().parents[2]
REGENERATE = "run `ecosite schema` and commit schemas/ and .vscode/settings.json"


def test_committed_schemas_equal_freshly_generated_ones():
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "schemas").glob("*.schema.json")}
    assert committed == render_schemas(), REGENERATE


def test_every_content_model_has_a_schema():
    models = [SiteConfig, PageMeta, *PAGE_MODELS.values(), *(model for _, model in DATA_MODELS)]
    assert {f"{schema_name(m)}.schema.json" for m in models} == set(render_schemas())
    assert {"site.schema.json", "page.schema.json", "network.schema.json", "news.schema.json",
            "values.schema.json", "summit-edition.schema.json"} <= set(render_schemas())


def test_vscode_maps_every_yaml_data_file_to_its_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == editor_mapping(), REGENERATE
    mapped = {path for globs in editor_mapping().values() for glob in globs for path in REPO.glob(glob)}
    data_files = {*REPO.glob("content/**/*.yaml"), *REPO.glob("content/**/*.yml")}
    assert data_files <= mapped, "a YAML file under content/ has no schema in the editor"
    for schema_file in editor_mapping():
        assert (REPO / schema_file).is_file()


def _validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((REPO / "schemas" / name).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_real_data_files_pass_their_schemas():
    checked = 0
    for schema_file, globs in editor_mapping().items():
        validator = _validator(Path(schema_file).name)
        for glob in globs:
            for path in sorted(REPO.glob(glob)):
                problems = [e.message for e in validator.iter_errors(load_yaml(path.read_text()).value)]
                assert problems == [], f"{path.relative_to(REPO)}: {problems}"
                checked += 1
    assert checked >= 3


def test_the_real_front_matter_passes_its_schema():
    from ecosite.content.documents import load_document
    from ecosite.registry import page_model

    for path in sorted((REPO / "content").rglob("*.md")):
        rel = path.relative_to(REPO / "content").as_posix()
        validator = _validator(f"{schema_name(page_model(rel))}.schema.json")
        meta = load_document(path, rel).meta.value
        assert [e.message for e in validator.iter_errors(meta)] == [], rel


@pytest.mark.parametrize("schema_file, document, complaint", [
    ("site.schema.json", {"title": "ECO", "languag": "en"}, "Additional properties are not allowed ('languag'"),
    ("values.schema.json", {"values": []}, "should be non-empty"),
    ("network.schema.json", {"title": "A", "summary": "B"}, "'order' is a required property"),
    ("summit-edition.schema.json", {"year": "twenty"}, "'twenty' is not of type 'integer'"),
])
def test_the_schemas_flag_what_the_build_refuses(schema_file, document, complaint):
    messages = [e.message for e in _validator(schema_file).iter_errors(document)]
    assert any(complaint in m for m in messages), messages


def test_the_command_writes_the_schemas_where_asked(tmp_path, capsys):
    assert main(["schema", "--root", str(REPO), "--out", str(tmp_path / "out")]) == 0
    assert capsys.readouterr().out == f"Wrote {len(render_schemas())} schemas to {tmp_path / 'out'}/\n"
    assert {p.name: p.read_text() for p in (tmp_path / "out").iterdir()} == render_schemas()


def test_the_command_updates_the_editor_settings_and_keeps_the_others(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "settings.json").write_text('{"editor.rulers": [110], "yaml.schemas": {}}')
    assert main(["schema", "--root", str(tmp_path)]) == 0
    settings = json.loads((tmp_path / ".vscode" / "settings.json").read_text())
    assert settings == {"editor.rulers": [110], "yaml.schemas": editor_mapping()}
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(render_schemas())
