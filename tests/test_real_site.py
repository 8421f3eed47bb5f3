"""The organisation's real content builds, and the pages people look for are there."""

from pathlib import Path


def test_every_network_has_a_page(built_site: Path):
    networks = sorted(p.parent.name for p in (built_site / "networks").glob("*/index.html"))
    assert len(networks) == 9
    assert "workforce" in networks


def test_values_use_the_organisations_wording(built_site: Path):
    html = (built_site / "about" / "values" / "index.html").read_text()
    assert "Patient Centricity" in html
    assert "Putting cancer patients at the centre of our concerns and activities" in html
