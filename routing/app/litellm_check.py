"""`routing export litellm --check`: load an exported config the way the LiteLLM 1.106.2 proxy does.

The proxy (`proxy_server.ProxyConfig.load_config`) keeps only `router_settings` keys that are
`Router.get_valid_args()` (others are dropped with a warning), resolves `os.environ/NAME` references,
refuses to start without a master key, and builds `litellm.Router(model_list, **router_settings)` with
`ignore_invalid_deployments=True`, i.e. a broken deployment silently disappears. The check builds the
same Router with invalid deployments NOT ignored, and reports every key the proxy would drop, every
deployment it would lose, fallbacks to unknown groups and a literal (non-reference) master key.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from typing import Any

from evals.files import parse_yaml

TOP_LEVEL = {"model_list", "router_settings", "general_settings", "litellm_settings", "environment_variables"}
ENV_REF = "os.environ/"


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _master_key(config: dict[str, Any], report: CheckReport) -> None:
    key = (config.get("general_settings") or {}).get("master_key")
    if not key:
        report.problems.append("general_settings.master_key is missing: the proxy refuses to start")
    elif not str(key).startswith(ENV_REF):
        report.problems.append("general_settings.master_key is a literal: use os.environ/LITELLM_MASTER_KEY")
    elif os.environ.get(str(key)[len(ENV_REF) :]) is None:
        report.notes.append(f"{str(key)[len(ENV_REF) :]} is not set here: the proxy needs it at start")


def _router(config: dict[str, Any], report: CheckReport) -> None:
    # The quiet import the runs use: without it LiteLLM logs a WARNING per custom-priced deployment
    # (no cache prices) at Router start; the check's own findings are the report's lines, not log lines.
    from evals.providers.litellm_adapter import import_litellm

    litellm = import_litellm()
    settings = dict(config.get("router_settings") or {})
    valid = set(litellm.Router.get_valid_args())
    for key in sorted(set(settings) - valid):
        report.problems.append(f"router_settings.{key} is not a Router argument: the proxy would drop it")
        settings.pop(key)
    model_list = copy.deepcopy(config.get("model_list") or [])
    try:
        router = litellm.Router(model_list=model_list, ignore_invalid_deployments=False, **settings)
    except Exception as exc:  # the Router's own validation: any failure is a config problem
        report.problems.append(f"litellm.Router rejects the config: {type(exc).__name__}: {exc}")
        return
    loaded = {d["model_info"]["id"] for d in router.get_model_list() or []}
    wanted = [(d.get("model_info") or {}).get("id") for d in config.get("model_list") or []]
    lost = [i for i in wanted if i not in loaded]
    if lost:
        report.problems.append(f"deployments the router would not load: {', '.join(map(str, lost))}")
    if len(set(wanted)) != len(wanted):
        report.problems.append("model_info.id values repeat: the spend logs could not tell deployments apart")
    groups = {d["model_name"] for d in model_list}
    for entry in settings.get("fallbacks") or []:
        for source, targets in entry.items():
            for group in [source, *targets]:
                if group not in groups:
                    report.problems.append(f"fallbacks name model group {group!r}, which has no deployment")
    report.notes.append(f"{len(loaded)} deployments in {len(groups)} model groups load in litellm.Router")


def check_litellm_text(text: str, source: str = "<export>") -> CheckReport:
    """Every problem the proxy would hit with this config text (an empty list: it loads as intended)."""
    report = CheckReport()
    config = parse_yaml(text, source)
    if not isinstance(config, dict):
        report.problems.append("not a mapping at the top level")
        return report
    for key in sorted(set(config) - TOP_LEVEL):
        report.problems.append(f"top-level key {key!r} is not part of a proxy config")
    _master_key(config, report)
    _router(config, report)
    return report
