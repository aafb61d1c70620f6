"""Tools for the people who work on the course, not for the lessons: the benchmark, the environment check, and the
notebook tests' comparison of committed outputs."""
