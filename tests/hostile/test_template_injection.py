"""Template injection: content that looks like Jinja is shown literally and never runs, and front
matter cannot choose a template outside templates/.

Incidents elsewhere: generators that ran page bodies through the template engine (Jekyll's Liquid
in content, Hugo shortcodes) let `{{ ''.__class__.__mro__ }}` style payloads reach Python objects;
`layout: ../../secrets` style front matter read files outside the layouts folder.
"""

from __future__ import annotations

import pytest

from ecosite.content.typography import typographic

from .conftest import build_with, page, visible_text

JINJA_LOOKALIKES = [
    "{{ 7*7 }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{{ site.base_url }}{{ page.source.path }}",
    "{# never closed",
    "{% raw %}{{ 7*7 }}",
    "{{ self.__init__.__globals__ }}",
]


@pytest.mark.parametrize("text", JINJA_LOOKALIKES)
def test_jinja_in_a_page_body_is_shown_literally(tmp_path, text):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A", f"Before `x` {text} after.\n")})
    assert outcome.code == 0, outcome.stderr
    shown = visible_text(outcome.html("a/index.html"))
    expected = typographic(f"{text} after.")  # Markdown curls the quotes, as in any text
    assert expected.replace("_", "") in shown.replace("_", "")  # Markdown reads __x__ as bold
    assert "49" not in shown and "looploop" not in shown and "root:" not in shown


@pytest.mark.parametrize("text", JINJA_LOOKALIKES)
def test_jinja_in_front_matter_is_shown_literally(tmp_path, text):
    quoted = text.replace("'", "''")
    outcome = build_with(tmp_path, {"content/a.md": page(f"title: '{quoted}'\nsummary: '{quoted}'")})
    assert outcome.code == 0, outcome.stderr
    html = outcome.html("a/index.html")
    assert f"<h1>{typographic(text)}</h1>".replace("'", "&#39;") in html
    assert "<h1>49</h1>" not in html


def test_jinja_in_a_data_file_is_shown_literally(tmp_path):
    values = "values:\n  - name: '{{ 7*7 }}'\n    description: '{% for x in range(3) %}loop{% endfor %}'\n"
    outcome = build_with(tmp_path, {"content/about/values.yaml": values}, "real")
    assert outcome.code == 0, outcome.stderr
    shown = visible_text(outcome.html("about/values/index.html"))
    assert "{{ 7*7 }}" in shown and "{% for x in range(3) %}loop{% endfor %}" in shown


ESCAPING_TEMPLATES = [
    "../../etc/passwd",
    "/etc/passwd",
    "../templates/page.html",
    "page.html/../../../etc/passwd.html",
    "%2e%2e/%2e%2e/etc/passwd.html",
    "..\\\\..\\\\windows\\\\win.ini",
    "PAGE.HTML",
    "page.html?x=1",
]


@pytest.mark.parametrize("name", ESCAPING_TEMPLATES)
def test_front_matter_cannot_choose_a_template_outside_templates(tmp_path, name):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.html").write_text("SECRET {{ 7*7 }}")
    outcome = build_with(tmp_path, {"content/a.md": page(f'title: A\ntemplate: "{name}"')})
    assert outcome.code == 1
    assert outcome.errors[0].startswith("content/a.md:3: template: `"), outcome.stderr
    assert "is not a template name - name a template file in templates/" in outcome.errors[0]
    assert outcome.files == {}


def test_a_template_name_that_does_not_exist_is_a_located_error(tmp_path):
    outcome = build_with(tmp_path, {"content/a.md": page("title: A\ntemplate: nowhere.html")})
    assert outcome.code == 1
    assert outcome.errors[0].startswith("content/a.md:3: "), outcome.stderr
    assert "nowhere.html" in outcome.errors[0] and "does not exist" in outcome.errors[0]


def test_a_well_formed_name_only_looks_inside_templates(tmp_path):
    """`etc/passwd.html` is read as templates/etc/passwd.html, never as a path from anywhere else."""
    outcome = build_with(tmp_path, {"content/a.md": page("title: A\ntemplate: etc/passwd.html")})
    assert outcome.code == 1
    assert "etc/passwd.html" in outcome.stderr and "does not exist" in outcome.stderr
