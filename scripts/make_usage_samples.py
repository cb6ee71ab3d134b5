"""Generate sample own-traffic files: LiteLLM proxy spend logs and an OpenRouter activity export.

Nothing in tests/ is a hand-edited number: tests call these functions (or this script) and compare the
aggregates with values computed by hand from the parameters below.

    python scripts/make_usage_samples.py --out /tmp/usage      # writes the four files below

* spend_logs_traffic.csv: two weeks (from TRAFFIC_START, a Monday), deterministic. Each model of
  TRAFFIC has a fixed number of requests per week, tokens per request and cost per request, so
  token and spend shares are exact (week 1, tier coding: tokens 80% / 20%, spend 20% / 80%; over all
  tiers spend is more concentrated than tokens, on anthropic/claude-sonnet-4.6).
* openrouter_activity.json: the same two weeks as OpenRouter `/api/v1/activity` items, one per day.
* spend_logs_canary_healthy.csv / spend_logs_canary_regressed.csv: one rollout stage of tier coding
  (incumbent 70%, new primary 25%, gray 5%; seeded). In the regressed file the new primary fails 12%
  of requests and is 2.5x slower; otherwise every deployment fails 1% and answers in ~800 ms.
Columns are those of the proxy's `LiteLLM_SpendLogs` table (litellm 1.106.2 schema.prisma).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

TRAFFIC_START = datetime(2026, 4, 13, tzinfo=UTC)  # a Monday, like the rankings snapshots
# (tier, role, model, requests per week [w1, w2], prompt + completion tokens per request, USD per request)
TRAFFIC = (
    ("coding", "primary", "deepseek/deepseek-v4-flash", (400, 600), (150, 50), 0.0001),
    ("coding", "fallback", "anthropic/claude-sonnet-4.6", (25, 25), (600, 200), 0.0064),
    ("chat", "primary", "google/gemini-3-flash-preview", (500, 500), (80, 20), 0.00004),
)
CANARY = {
    "incumbent": ("coding:incumbent:anthropic/claude-sonnet-4.6", 0.70, 0.006),
    "primary": ("coding:primary:deepseek/deepseek-v4-flash", 0.25, 0.0004),
    "gray": ("coding:gray:qwen/qwen3-coder", 0.05, 0.0003),
}
COLUMNS = (
    "request_id",
    "call_type",
    "spend",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "startTime",
    "endTime",
    "request_duration_ms",
    "model",
    "model_id",
    "model_group",
    "custom_llm_provider",
    "status",
    "request_tags",
)


def _row(i: int, model_id: str, start: datetime, ms: int, tokens: tuple[int, int], spend: float, ok: bool):
    group, _role, model = model_id.split(":", 2)
    return {
        "request_id": f"req-{i:06d}",
        "call_type": "acompletion",
        "spend": spend if ok else 0.0,
        "total_tokens": sum(tokens) if ok else 0,
        "prompt_tokens": tokens[0],
        "completion_tokens": tokens[1] if ok else 0,
        "startTime": start.isoformat(),
        "endTime": (start + timedelta(milliseconds=ms)).isoformat(),
        "request_duration_ms": ms,
        "model": f"openrouter/{model}",
        "model_id": model_id,
        "model_group": group,
        "custom_llm_provider": "openrouter",
        "status": "success" if ok else "failure",
        "request_tags": "[]",
    }


def traffic_spend_logs() -> list[dict]:
    """Deterministic: every request of a model in a week is identical; spread evenly over the week."""
    rows = []
    for week in range(2):
        for tier, role, model, per_week, tokens, spend in TRAFFIC:
            group = tier if role == "primary" else f"{tier}-fallback-1"
            n = per_week[week]
            for k in range(n):
                start = TRAFFIC_START + timedelta(days=7 * week, seconds=k * (7 * 86400 // n))
                rows.append(_row(len(rows), f"{group}:{role}:{model}", start, 900, tokens, spend, True))
    return rows


def traffic_activity() -> dict:
    """The same traffic as OpenRouter activity items: per model and day, requests spread evenly."""
    items = []
    for week in range(2):
        for _tier, _role, model, per_week, tokens, spend in TRAFFIC:
            n = per_week[week]
            for day in range(7):
                count = n // 7 + (1 if day < n % 7 else 0)
                items.append(
                    {
                        "date": (TRAFFIC_START + timedelta(days=7 * week + day)).date().isoformat(),
                        "model": model,
                        "model_permaslug": model,
                        "endpoint_id": f"ep-{model}",
                        "provider_name": model.split("/")[0],
                        "usage": round(count * spend, 10),
                        "byok_usage_inference": 0,
                        "requests": count,
                        "prompt_tokens": count * tokens[0],
                        "completion_tokens": count * tokens[1],
                        "reasoning_tokens": 0,
                    }
                )
    return {"data": items}


def canary_spend_logs(regressed: bool, n: int = 6000, seed: int = 7) -> list[dict]:
    """One rollout stage's traffic: deployments drawn by share; failures and latency seeded."""
    rng = random.Random(seed)
    roles = list(CANARY)
    rows = []
    for i in range(n):
        role = rng.choices(roles, weights=[CANARY[r][1] for r in roles])[0]
        model_id, _share, spend = CANARY[role]
        bad = regressed and role == "primary"
        ok = rng.random() >= (0.12 if bad else 0.01)
        ms = int(rng.lognormvariate(6.68, 0.3) * (2.5 if bad else 1.0))  # median ~800 ms
        start = TRAFFIC_START + timedelta(seconds=i * 60)
        rows.append(_row(i, model_id, start, ms, (400, 200), spend, ok))
    return rows


def write_csv(rows: list[dict], path: Path) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the sample files to")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    write_csv(traffic_spend_logs(), out / "spend_logs_traffic.csv")
    (out / "openrouter_activity.json").write_text(json.dumps(traffic_activity(), indent=1))
    write_csv(canary_spend_logs(regressed=False), out / "spend_logs_canary_healthy.csv")
    write_csv(canary_spend_logs(regressed=True), out / "spend_logs_canary_regressed.csv")
    print(f"wrote 4 sample files to {out}")


if __name__ == "__main__":
    main()
