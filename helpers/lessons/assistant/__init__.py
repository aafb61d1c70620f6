"""Lessons 02 (The Assistant is a character) and 03 (Post-training refines the persona): who the untrained and the
post-trained Assistant are, measured against exact Bayes."""
