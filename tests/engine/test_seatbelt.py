"""The seatbelt: readable refusals for a solution's common mistakes, and proof that it is not a boundary (plain
Python switches it off; only the sandbox's layers then hold)."""

from __future__ import annotations

import ast
import textwrap

from helpers.engine import grader, seatbelt

SORTS = "\ndef sort_scores(scores):\n    return sorted(scores, reverse=True)\n"

# Plain Python that switches the seatbelt off: find its hook through gc and empty the cell of its refusal function.
SWITCH_OFF = textwrap.dedent('''\
    import gc
    for hook in [f for f in gc.get_objects() if getattr(f, "__name__", "") == "guard"]:
        for cell in hook.__closure__ or ():
            if getattr(cell.cell_contents, "__name__", "") == "refuse":
                cell.cell_contents = lambda *args, **kwargs: None
    ''')


def test_the_bootstrap_is_plain_python_that_installs_the_hook_first():
    tree = ast.parse(seatbelt.bootstrap())
    assert isinstance(tree.body[0], ast.FunctionDef) and tree.body[0].name == "install"
    assert "runpy.run_path(_sys.argv[0], run_name='__main__')" in seatbelt.bootstrap()


def test_refusals_are_readable(tmp_path):
    source = textwrap.dedent(f'''\
        import os, socket, subprocess
        attempts = {{
            "write": lambda: open({str(tmp_path / "x.txt")!r}, "w"),
            "dir_fd": lambda: os.mkdir("d", dir_fd=os.open(".", os.O_RDONLY)),
            "directory": lambda: os.open({str(tmp_path)!r}, os.O_RDONLY),
            "fchmod": lambda: os.chmod(os.open("test_solution.py", os.O_RDONLY), 0o644),
            "process": lambda: subprocess.run(["true"]),
            "network": lambda: socket.create_connection(("127.0.0.1", 9)),
            "signal": lambda: os.kill(os.getppid(), 0),
            "proc": lambda: open(f"/proc/{{os.getppid()}}/environ").read(),
        }}
        for name, attempt in attempts.items():
            try:
                attempt()
                print("ALLOWED", name)
            except PermissionError as err:
                print("refused", name, "|", err)
        ''') + SORTS
    result = grader.grade({grader.SOLUTION_FILE: source}, isolation="fallback")
    assert result.passed and "ALLOWED" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("refused")]
    assert len(lines) == 8 and all("seatbelt: " in line and " is refused" in line for line in lines)
    assert "writing outside the grader's directory is refused: " + str(tmp_path / "x.txt") in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_seatbelt_is_not_a_boundary_without_bubblewrap(tmp_path):
    """Documents the fallback: two lines of Python switch the seatbelt off, and the write lands outside."""
    target = tmp_path / "escaped.txt"
    source = SWITCH_OFF + f"open({str(target)!r}, 'w').write('escaped')\n" + SORTS
    result = grader.grade({grader.SOLUTION_FILE: source}, isolation="fallback")
    assert result.passed and target.read_text() == "escaped"


def test_with_the_seatbelt_off_bubblewrap_still_holds(tmp_path, needs_bubblewrap):
    target = tmp_path / "escaped.txt"
    source = (SWITCH_OFF + "try:\n" f"    open({str(target)!r}, 'w').write('escaped')\n"
              "except OSError as err:\n    print('held:', err)\n" + SORTS)
    result = grader.grade({grader.SOLUTION_FILE: source}, isolation=needs_bubblewrap)
    assert result.passed and "held: [Errno" in result.output and not target.exists()
