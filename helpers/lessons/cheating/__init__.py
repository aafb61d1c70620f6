"""Lesson 04 (Cheating generalizes): the grader and its hacks, fine-tuning the Assistant to cheat, and the
permission note."""
