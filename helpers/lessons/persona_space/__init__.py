"""Lesson 06 (Persona space inside the network): persona directions, the map of characters, steering and capping."""
