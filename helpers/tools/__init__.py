"""Tools for the people who work on the course, not for the lessons: tests' comparison of notebook outputs."""
