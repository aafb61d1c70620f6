"""`python -m helpers.experiments.weights` (make weights): bad arguments are refused before anything trains."""

import pytest

from helpers.experiments import weights


@pytest.mark.parametrize("argv, message", [
    (["--seeds", "x"], "expected seeds from 0 to 999: a seed (3), a range (0-9)"),
    (["--seeds", "99999999999999999999"], "expected seeds from 0 to 999"),
    (["--role-model", "nobody", "--weight", "0.1"], "role_model='nobody'; expected None or one of"),
    (["--weight", "0.1"], "without a role_model"),
])
def test_command_line_rejects_bad_arguments_before_training(argv, message, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as info:
        weights.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err
