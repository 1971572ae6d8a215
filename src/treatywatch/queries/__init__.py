"""Answers from the store: a process as of a day, its parts, its rounds and findings."""
