"""Lesson 05 (Good role models): worlds with a role-model character, and what cheating teaches in them."""
