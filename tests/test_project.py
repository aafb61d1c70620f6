"""pyproject.toml is read in one place: its pins, the Python versions it allows and its published address."""

from __future__ import annotations

import pytest

from helpers import project


def test_the_projects_pins_and_python_versions():
    assert project.requires_python().startswith(">=3.11")
    pins = project.read_pins()
    assert pins["torch"] == "2.13.0" and "plotly" in pins and len(pins) >= 10


@pytest.mark.parametrize("dependency", ["numpy>=2", "numpy", "numpy==2.4.6; python_version<'3.12'", "num py==1"])
def test_a_dependency_that_is_not_an_exact_pin_is_refused(tmp_path, dependency):
    path = tmp_path / "pyproject.toml"
    path.write_text(f'[project]\nname = "x"\ndependencies = ["{dependency}"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="expected"):
        project.read_pins(path)


def test_the_published_address_is_none_until_published(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert project.published_url(path) is None
    path.write_text('[project]\nname = "x"\n[project.urls]\nRepository = " https://github.com/a/b "\n',
                    encoding="utf-8")
    assert project.published_url(path) == "https://github.com/a/b"
