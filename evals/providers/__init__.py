"""Providers turn (task, model, repeat) into a Response record; they never raise for a failed call."""
