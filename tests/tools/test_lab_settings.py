"""The course's JupyterLab overrides: no news pop-up, merged into the environment without losing other settings."""

from __future__ import annotations

import json

import pytest

from helpers.engine.validation import InputError
from helpers.tools import lab_settings

NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_shipped_overrides_turn_the_news_and_update_check_off():
    shipped = json.loads(lab_settings.OVERRIDES.read_text())
    assert shipped[NOTIFICATION] == {"fetchNews": "false", "checkForUpdates": False}


def test_shipped_overrides_match_jupyterlabs_schema():
    schema = lab_settings.settings_dir().parent / "schemas" / "@jupyterlab" / "apputils-extension" / "notification.json"
    properties = json.loads(schema.read_text())["properties"]
    assert "false" in [choice["const"] for choice in properties["fetchNews"]["oneOf"]]
    assert properties["checkForUpdates"]["type"] == "boolean"


def test_install_places_the_file_where_jupyterlab_reads_it_and_keeps_other_settings(tmp_path):
    target = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({NOTIFICATION: {"doNotDisturbMode": True, "fetchNews": "true"},
                                  "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    assert lab_settings.install(tmp_path) == target
    written = json.loads(target.read_text())
    assert written[NOTIFICATION] == {"doNotDisturbMode": True, "fetchNews": "false", "checkForUpdates": False}
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    lab_settings.install(tmp_path)  # again: the same file
    assert json.loads(target.read_text()) == written


def test_install_into_a_fresh_environment(tmp_path):
    target = lab_settings.install(tmp_path)
    assert json.loads(target.read_text())[NOTIFICATION]["fetchNews"] == "false"


def test_a_broken_overrides_file_is_refused_in_one_line(tmp_path, capsys):
    target = lab_settings.settings_dir(tmp_path) / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        lab_settings.install(tmp_path)
    assert lab_settings.main(["--prefix", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not valid JSON" in err


def test_the_makefile_installs_the_overrides_for_lab():
    makefile = (lab_settings.PROJECT_ROOT / "Makefile").read_text()
    assert makefile.count("-m helpers.tools.lab_settings") >= 2  # the install rule and `make lab`
