"""Lesson 01 (Pretraining is autocomplete): next-word predictions, in-context inference of the writer, and the
network beside exact Bayes."""
