"""The course's JupyterLab settings: no "news" pop-up and no update check on the first open.

JupyterLab reads default overrides from ``<sys.prefix>/share/jupyter/lab/settings/overrides.json`` (the supported
way to change a setting's default for one installation, without touching a user's own settings). The repository
ships its overrides in ``jupyter/overrides.json``; ``make install`` and ``make lab`` run this module, which merges
them into the virtual environment's file (settings another tool put there are kept).

    python -m helpers.tools.lab_settings [--prefix PREFIX]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

from helpers import PROJECT_ROOT
from helpers.engine.validation import CommandLine, InputError, run_command

#: The overrides the repository ships.
OVERRIDES = PROJECT_ROOT / "jupyter" / "overrides.json"


def settings_dir(prefix: str | Path = sys.prefix) -> Path:
    """Where JupyterLab looks for ``overrides.json`` in the environment at ``prefix``."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings"


def merged(existing: Mapping, ours: Mapping) -> dict:
    """``existing`` overrides with ``ours`` laid over them, plugin by plugin (ours win on the same setting)."""
    out = {plugin: dict(values) for plugin, values in existing.items()}
    for plugin, values in ours.items():
        out.setdefault(plugin, {}).update(values)
    return out


def read_json(path: Path) -> dict:
    """A JSON object from ``path`` ({} when the file does not exist); anything else is refused with one line."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{path} is not valid JSON ({err.msg}, line {err.lineno}); expected a JSON object of "
                         "JupyterLab settings") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} holds a {type(data).__name__}; expected a JSON object of JupyterLab settings")
    return data


def install(prefix: str | Path = sys.prefix, overrides: Path = OVERRIDES) -> Path:
    """Merge the shipped overrides into the environment's ``overrides.json``; returns its path."""
    target = settings_dir(prefix) / "overrides.json"
    content = merged(read_json(target), read_json(overrides))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = CommandLine(prog="python -m helpers.tools.lab_settings", description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default=sys.prefix, help="the environment to configure; default: this one")
    args = parser.parse_args(argv)

    def work() -> int:
        print(f"JupyterLab settings for the course (no news pop-up) in {install(args.prefix)}")
        return 0

    return run_command(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
