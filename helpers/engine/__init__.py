"""The simulation: the persona world, exact Bayes, the tiny transformer, its training and its evaluation.

Everything else in ``helpers`` builds on this layer, and this layer imports nothing else of ``helpers``. A lesson
never needs more than the engine to reproduce any number in the course.
"""
