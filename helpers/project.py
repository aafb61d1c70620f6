"""The project's own description in ``pyproject.toml``, read in one place: the Python versions it supports, its
exact pins, and the public address it is published at. The environment check, the Colab setup and the publisher
all read it through here."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from helpers import PROJECT_ROOT

PYPROJECT = PROJECT_ROOT / "pyproject.toml"


def read_project(path: Path | str = PYPROJECT) -> dict:
    """The ``[project]`` table of a ``pyproject.toml``."""
    return tomllib.loads(Path(path).read_text(encoding="utf-8")).get("project", {})


def read_pins(path: Path | str = PYPROJECT, extras: bool = False) -> dict[str, str]:
    """Package -> pinned version of every dependency (and, with ``extras``, of every optional one), each of which
    must be an exact pin (``numpy==2.4.6``)."""
    project = read_project(path)
    lines = list(project.get("dependencies", []))
    if extras:
        lines += [line for group in project.get("optional-dependencies", {}).values() for line in group]
    pins: dict[str, str] = {}
    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement as err:
            raise ValueError(f"{path}: dependency {line!r} is not a requirement ({err}); "
                             "expected 'name==version'") from None
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==" or requirement.marker or requirement.extras:
            raise ValueError(f"{path}: dependency {line!r}; expected an exact pin such as 'numpy==2.4.6'")
        pins[requirement.name] = specifiers[0].version
    return pins


def requires_python(path: Path | str = PYPROJECT) -> str:
    """The ``requires-python`` specifier (``">=3.11,<3.14"``)."""
    return read_project(path).get("requires-python", "")


def published_url(path: Path | str = PYPROJECT) -> str | None:
    """The repository address recorded by ``python -m helpers.publishing.publish`` (``[project.urls]
    Repository``), or None before publishing."""
    url = read_project(path).get("urls", {}).get("Repository")
    return url.strip() if isinstance(url, str) and url.strip() else None
