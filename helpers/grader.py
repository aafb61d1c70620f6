"""The grader's public face at its old address, for scripts outside the repository that call
``helpers.grader.grade(...)``, ``helpers.grader.really_correct(...)`` or ``helpers.grader.solution_from_source(...)``.
The grader itself lives in :mod:`helpers.engine.grader`; this module only re-exports it."""

from helpers.engine.grader import GRADER_VERSION, GradeResult, Solution, grade, really_correct, solution_from_source

__all__ = ["GRADER_VERSION", "GradeResult", "Solution", "grade", "really_correct", "solution_from_source"]
