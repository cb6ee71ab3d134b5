"""Eval-driven weekly LLM routing recommendations."""

__version__ = "0.1.0"
