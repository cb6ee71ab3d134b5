"""The only place that starts subprocesses for model-written code (see run.py)."""

from evals.sandbox.run import Limits, SandboxResult, network_namespace_available, run_python_tests

__all__ = ["Limits", "SandboxResult", "network_namespace_available", "run_python_tests"]
