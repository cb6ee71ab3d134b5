"""Decision quality on real recorded outcomes: regret, gate violations and "needs evidence" answers.

    python bench/decision_quality.py [--k 100] [--seeds 40] [--data ../shared/data/routing-outcomes]
                                     [--risk 0.10] [--unpriced 0.02] [--flagship-x 16]

For each dataset and gate, for many seeds: sample k tasks as the team's golden set, decide the tier's
primary with the project's own `recommend --results` path (routing.app.weekly.recommend, in process),
then judge the chosen model on the REMAINING tasks against the best model in hindsight under the same
gate (the cheapest per success among those whose held-out success meets the gate).

- regret = cost per success of the choice / that of the best in hindsight - 1 (0 when it is the best).
  A choice that misses the gate on the held-out tasks would be rolled back by the rollout guards to the
  incumbent, so its regret is the incumbent's (a cheap wrong answer is not free).
- gate violation = the choice's held-out success is below the gate
- needs evidence = the decision kept the incumbent because no model was within the risk bound
Baselines on the same samples: never switch (the incumbent: the most expensive model per attempt),
naive point estimate (cheapest observed cost per success whose observed success meets the gate), and
always the cheapest per attempt. `--flagship-x 16` is a labelled what-if of the issue's own case, a flagship
as the current primary: on the multi-model data the incumbent is the model with the best success on the whole
dataset, priced at 16x the cheapest model per attempt. `--unpriced 0.02` adds, for 2%
of the sampled tasks, an errored attempt recorded without a cost (as a retried timeout is): the
decisions should barely move.

Gates are 80% and 90% of the best model's success on the whole dataset (a team that accepts a 10-20%
relative drop from the best). Costs: RouterArena from its recorded token usage and cost.json; RouteLLM and
RouterDC per attempt from cost.json prices (RouterArena `model_cost/cost.json`, Apache-2.0) times tokens
estimated as len(text) / 4 (RouterDC: the question in, 200 tokens out; RouterDC's Mistral-7B fine-tunes
priced as open-mistral-7b, its Llama-3-8B ones as meta-llama/llama-3-8b-instruct). RouterDC scores are a
chance of passing: each sampled attempt passes with that chance, held-out success is its mean.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "routing-outcomes"
GATE_FRACTIONS = (0.8, 0.9)


@dataclass(frozen=True)
class Outcome:
    success: float  # chance the attempt passes (0/1 for graded data)
    cost: float  # USD per attempt


Dataset = dict[str, dict[str, Outcome]]  # model -> task id -> outcome


def _price(prices: dict, name: str, tokens_in: float, tokens_out: float) -> float:
    p = prices[name]
    return (
        tokens_in * p["input_token_price_per_million"] + tokens_out * p["output_token_price_per_million"]
    ) / 1e6


def load_arena(root: Path, prices: dict) -> Dataset:
    data: Dataset = {}
    for name in ("claude-3-haiku-20240307", "gemini-2.0-flash-001"):
        for line in (root / "routerarena" / f"{name}.jsonl").read_text().splitlines():
            row = json.loads(line)
            usage = row["token_usage"]
            cost = _price(prices, name, usage["input_tokens"], usage["output_tokens"])
            passed = 1.0 if row["evaluation_result"]["score"] >= 0.5 else 0.0
            data.setdefault(name, {})[str(row["global_index"])] = Outcome(passed, cost)
    return data


ROUTELLM_PRICES = {
    "gpt-4-1106-preview": "gpt-4-1106-preview",
    "mistralai/Mixtral-8x7B-Instruct-v0.1": "open-mixtral-8x7b",
}


def load_routellm(files: list[Path], prices: dict) -> Dataset:
    data: Dataset = {}
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                for model, price_name in ROUTELLM_PRICES.items():
                    answer = row.get(f"{model}_response") or "A"
                    cost = _price(prices, price_name, len(row["prompt"]) / 4, len(answer) / 4)
                    data.setdefault(model, {})[f"{f.stem}/{i}"] = Outcome(float(row[model] == "True"), cost)
    return data


def _routerdc_price(model: str) -> str:
    return "meta-llama/llama-3-8b-instruct" if "llama" in model.lower() else "open-mistral-7b"


def load_routerdc(path: Path, prices: dict) -> Dataset:
    data: Dataset = {}
    for i, row in enumerate(json.loads(path.read_text())):
        for model, chance in row["scores"].items():
            cost = _price(prices, _routerdc_price(model), len(row["question"]) / 4, 200)
            data.setdefault(model, {})[str(i)] = Outcome(float(chance), cost)
    return data


def datasets(root: Path) -> dict[str, Dataset]:
    prices = json.loads((root / "routerarena" / "cost.json").read_text())
    out = {"routerarena": load_arena(root, prices)}
    out["routellm-gsm8k"] = load_routellm([root / "routellm/gsm8k/gsm8k_responses.csv"], prices)
    out["routellm-mmlu"] = load_routellm(sorted((root / "routellm/mmlu/responses").glob("*.csv")), prices)
    for name in ("gsm8k-test", "mmlu_test", "MATH_prealgebra", "arc_challenge_test"):
        out[f"routerdc-{name}"] = load_routerdc(root / "routerdc-7b" / f"{name}.json", prices)
    return out


def held_out(data: Dataset, tasks: list[str]) -> dict[str, tuple[float, float | None]]:
    """Per model: (success, cost per success) over the given tasks, from expected outcomes."""
    out = {}
    for model, by_task in data.items():
        success = sum(by_task[t].success for t in tasks) / len(tasks)
        spend = sum(by_task[t].cost for t in tasks)
        out[model] = (success, spend / (success * len(tasks)) if success > 0 else None)
    return out


def sample_rows(data: Dataset, tasks: list[str], rng: random.Random, unpriced: float = 0.0) -> list[dict]:
    """One graded attempt per model and task; with `unpriced`, that share of tasks also gets an errored
    attempt recorded without a cost (a retried timeout, an export that drops error costs)."""
    rows = []
    for model, by_task in data.items():
        for t in tasks:
            o = by_task[t]
            passed = o.success >= 1.0 or (o.success > 0 and rng.random() < o.success)
            rows.append({"task_id": t, "tier": "chat", "model": model, "passed": passed, "cost_usd": o.cost})
            if unpriced and rng.random() < unpriced:
                rows.append(
                    {
                        "task_id": t,
                        "tier": "chat",
                        "model": model,
                        "repeat": 1,
                        "status": "error",
                        "error_type": "timeout",
                    }
                )
    return rows


def observed(rows: list[dict]) -> dict[str, tuple[float, float | None, float]]:
    """Per model in the sample: (success, cost per success, cost per attempt) as a naive picker sees them."""
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["model"], []).append(r)
    out = {}
    for model, rs in by.items():
        rs = [r for r in rs if "passed" in r]  # the naive picker sees graded attempts and known costs
        passes = sum(r["passed"] for r in rs)
        spend = sum(r["cost_usd"] for r in rs)
        out[model] = (passes / len(rs), spend / passes if passes else None, spend / len(rs))
    return out


def project_choice(
    folder: Path, rows: list[dict], incumbent: str, gate: float, risk: float = 0.10
) -> tuple[str, str]:
    """The project's own weekly decision through `recommend --results`, in process."""
    from routing.app.weekly import RecommendOptions, recommend
    from routing.config import load_config

    results = folder / "results.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "routing.yaml").write_text(
        "version: 1\ntiers:\n  chat:\n    tasks: golden_tasks/chat\n    objective: cost_per_success\n"
        f"    gates: {{min_success: {gate}}}\n    risk: {risk}\n"
    )
    (folder / "policies").mkdir(exist_ok=True)
    (folder / "policies" / "current.yaml").write_text(
        f"version: 1\ntiers:\n  chat: {{primary: {incumbent}}}\n"
    )
    config = load_config(folder / "routing.yaml")
    run = recommend(
        config, RecommendOptions(mode="results", source=results, out=folder / "report", day="2026-11-30")
    )
    decision = run.recommendation.decisions[0]
    return decision.policy.primary, decision.why


@dataclass
class Tally:
    regret: float = 0.0
    violations: int = 0
    needs_evidence: int = 0
    n: int = 0

    def add(
        self, choice: str, incumbent: str, truth: dict, gate: float, best_cps: float, needs: bool = False
    ) -> None:
        success, cps = truth[choice]
        violated = success < gate
        self.n += 1
        self.violations += violated
        self.needs_evidence += needs
        if violated:  # rolled back to the incumbent by the rollout guards
            cps = truth[incumbent][1]
        self.regret += max(0.0, (cps if cps is not None else float("inf")) / best_cps - 1)

    def row(self) -> str:
        return (
            f"{self.regret / self.n:8.2f} {self.violations / self.n:8.1%} {self.needs_evidence / self.n:8.1%}"
        )


def as_flagship(data: Dataset, incumbent: str, scale: float) -> Dataset:
    """What-if (not real prices): the incumbent's costs scaled, as a flagship's would be."""
    scaled = {t: Outcome(o.success, o.cost * scale) for t, o in data[incumbent].items()}
    return {m: scaled if m == incumbent else v for m, v in data.items()}


def run(
    name: str,
    data: Dataset,
    k: int,
    seeds: int,
    out: Callable[[str], None],
    risk: float = 0.10,
    unpriced: float = 0.0,
    flagship_x: float | None = None,
) -> dict[str, Tally]:
    tasks = sorted(set.intersection(*(set(v) for v in data.values())))
    if len(tasks) < 2 * k:
        out(f"{name}: {len(tasks)} tasks, fewer than 2k={2 * k}: skipped")
        return {}
    whole = held_out(data, tasks)
    best_success = max(s for s, _ in whole.values())
    per_attempt = {m: sum(o.cost for o in v.values()) / len(v) for m, v in data.items()}
    incumbent = max(per_attempt, key=per_attempt.get)
    if flagship_x:  # the flagship: the most capable model, at a flagship's price
        incumbent = max(whole, key=lambda m: whole[m][0])
        scale = flagship_x * min(per_attempt.values()) / per_attempt[incumbent]
        data = as_flagship(data, incumbent, scale)
        per_attempt[incumbent] *= scale
    cheapest = min(per_attempt, key=per_attempt.get)
    tallies = {k_: Tally() for k_ in ("project", "never switch", "naive", "always cheapest")}
    with tempfile.TemporaryDirectory() as tmp:
        for fraction in GATE_FRACTIONS:
            gate = round(best_success * fraction, 3)
            for seed in range(seeds):
                rng = random.Random(f"{name}|{gate}|{seed}")
                golden = rng.sample(tasks, k)
                rest = sorted(set(tasks) - set(golden))
                truth = held_out(data, rest)
                meeting = [cps for s, cps in truth.values() if s >= gate and cps is not None]
                if not meeting:
                    continue
                best = min(meeting)
                rows = sample_rows(data, golden, rng, unpriced)
                choice, why = project_choice(Path(tmp), rows, incumbent, gate, risk)
                needs = why in ("insufficient_evidence", "incumbent_not_measured")
                tallies["project"].add(choice, incumbent, truth, gate, best, needs)
                tallies["never switch"].add(incumbent, incumbent, truth, gate, best)
                seen = observed(rows)
                ok = [(cps, m) for m, (s, cps, _) in seen.items() if s >= gate and cps is not None]
                tallies["naive"].add(min(ok)[1] if ok else incumbent, incumbent, truth, gate, best)
                tallies["always cheapest"].add(cheapest, incumbent, truth, gate, best)
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=100, help="golden tasks sampled per decision")
    parser.add_argument("--seeds", type=int, default=40, help="decisions per dataset and gate")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--risk", type=float, default=0.10, help="the tier's accepted risk (routing.yaml)")
    parser.add_argument(
        "--unpriced",
        type=float,
        default=0.0,
        help="share of tasks that also get an errored attempt recorded without a cost",
    )
    parser.add_argument(
        "--flagship-x",
        type=float,
        default=None,
        help="what-if, multi-model data only: the best model is the incumbent, at X times the cheapest",
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: not found (the public data folder beside the checkout)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    print(
        f"k={args.k} tasks per decision, {args.seeds} seeds x gates {GATE_FRACTIONS} of the best success, "
        f"risk {args.risk}"
        + (f", unpriced errored attempts on {args.unpriced:.0%} of tasks" if args.unpriced else "")
    )
    if args.flagship_x:
        print(
            f"WHAT-IF, not real prices: on multi-model data the incumbent is the best model, priced at"
            f" {args.flagship_x:g}x the cheapest"
        )
    print(f"{'dataset':28} {'picker':16} {'regret':>8} {'gate viol':>8} {'needs ev':>8} {'n':>5}")
    totals: dict[str, Tally] = {}
    for name, data in datasets(args.data).items():
        flagship = args.flagship_x if len(data) > 2 else None
        for picker, tally in run(
            name, data, args.k, args.seeds, print, args.risk, args.unpriced, flagship
        ).items():
            if tally.n:
                print(f"{name:28} {picker:16} {tally.row()} {tally.n:5d}")
                if len(data) > 2:
                    total = totals.setdefault(picker, Tally())
                    total.regret += tally.regret
                    total.violations += tally.violations
                    total.needs_evidence += tally.needs_evidence
                    total.n += tally.n
    for picker, tally in totals.items():
        print(f"{'multi-model (routerdc) all':28} {picker:16} {tally.row()} {tally.n:5d}")
    print(f"elapsed {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
