"""A tier decision in words: the rationale stored in the policy and shown in the report and the PR.

Every sentence is made from the decision's structured reasons and numbers; nothing is decided here.
"""

from __future__ import annotations

from evals.scores import Score
from evals.text import plural
from routing.decide.gates import Assessment, GateRisk
from routing.decide.proposal import Decision, Settle
from routing.render.text import METRIC_NAMES, cost_per_success_text, metric_value, pct, risk, secs, usd

WHY_LABELS = {
    "first_policy": "best proven",
    "nothing_proven": "nothing proven",
    "incumbent_best": "incumbent is best",
    "within_margin": "gain under the margin",
    "not_better_paired": "not better on shared tasks",
    "insufficient_evidence": "needs evidence",
    "incumbent_not_measured": "incumbent not measured",
    "better_by_margin": "better by the margin",
    "incumbent_not_proven": "incumbent not proven",
    "incumbent_fails": "incumbent likely fails",
}


def decision_label(d: Decision) -> str:
    """'keep: needs evidence': the action and its reason in a few words, for the summary tables, so a
    keep for want of evidence reads differently from a keep because the incumbent is best."""
    return f"{d.action}: {WHY_LABELS[d.why]}"


def gate_failure_text(r: GateRisk) -> str:
    op = "<" if r.metric == "success" else ">"
    value, limit = metric_value(r.metric, r.observed), metric_value(r.metric, r.limit)
    note = " (high estimate: some calls unpriced)" if r.estimated else ""
    return f"{METRIC_NAMES[r.metric]} {value}{note} {op} {limit}"


def _unpriced_note(s: Score) -> str:
    """Why an unknown cost still takes part in the decision, and at what figure."""
    if s.cost_per_success_usd is not None or s.cost_per_success_high_usd is None:
        return ""
    low, high = usd(s.cost_per_success_low_usd), usd(s.cost_per_success_high_usd)
    return (
        f" ({plural(s.unpriced_attempts, 'call')} unpriced: between {low} and {high},"
        " each counted at nothing or at the dearest priced call; gates and ranking read the higher)"
    )


def standing(a: Assessment) -> str:
    """'success 92% over 40 tasks, risk 3.1%' — the numbers a reviewer checks first."""
    s = a.score
    parts = [f"success {pct(a.success.observed)} over {plural(s.tasks, 'task')}"]
    parts.append(f"cost per success {usd(s.cost_per_success_usd)}{_unpriced_note(s)}")
    if s.latency_p95_s is not None:
        parts.append(f"p95 {secs(s.latency_p95_s)}")
    parts.append(f"risk of missing a gate {risk(a.total_risk)}")
    if a.unknown:
        parts.append(f"unknown: {', '.join(METRIC_NAMES[m] for m in a.unknown)}")
    return ", ".join(parts)


def _gain_text(d: Decision) -> str:
    if d.objective == "success":
        return f"{d.margin * 100:.0f} points of success"
    return f"{d.margin:.0%} lower {'p95 latency' if d.objective == 'latency' else 'cost per success'}"


def _p(value: float) -> str:
    return "p<0.001" if value < 0.001 else f"p={value:.3f}"


def _paired_text(d: Decision, model: str | None) -> str:
    """The paired evidence: tasks where one did better than the other, and the exact McNemar p-value."""
    p = d.paired.get(model) if model else None
    if p is None or p.common == 0:
        return ""
    if p.wins >= p.losses:
        test = f"McNemar {_p(p.p_not_better)} against it being better"
    else:
        test = f"McNemar {_p(p.p_worse)} against it being worse"
    both = plural(p.common, "task")
    return f"; on the {both} both ran it did better on {p.wins}, worse on {p.losses} ({test})"


def _objective_figure(d: Decision, model: str) -> str:
    a = d.assessments[model]
    if d.objective == "success":
        return pct(a.success.observed)
    if d.objective == "latency":
        return secs(a.score.latency_p95_s)
    return cost_per_success_text(a.score)


def _stake(d: Decision, model: str) -> str:
    """What settling a candidate is worth: its figure on the tier's objective beside the incumbent's."""
    name = {"success": "success", "latency": "p95"}.get(d.objective, "cost per success")
    text = f"{name} {_objective_figure(d, model)}"
    if d.incumbent in d.assessments and d.incumbent != model:
        text += f" against the incumbent's {_objective_figure(d, d.incumbent)}"
    return text


def _settle_part(d: Decision, s: Settle) -> str:
    """One promising candidate: what settling it is worth, its risk, and the tasks that would settle it."""
    stake = _stake(d, s.model)
    if s.tasks_needed is None:
        return f"{s.model} ({stake}; risk {risk(s.total_risk)}; more tasks at its rate would not settle it)"
    more = max(0, s.tasks_needed - s.tasks)
    if more == 0:  # success and cost are settled: the risk left is in another gate
        others = [
            METRIC_NAMES[r.metric]
            for r in d.assessments[s.model].risks
            if r.metric not in ("success", "cost_per_success") and (r.risk is None or r.risk > 0)
        ]
        left = ", ".join(others) or "unknown metrics"
        return f"{s.model} ({stake}; risk {risk(s.total_risk)} over {plural(s.tasks, 'task')}, from {left})"
    return (
        f"{s.model} ({stake}; risk {risk(s.total_risk)} over {plural(s.tasks, 'task')}; "
        f"~{plural(s.tasks_needed, 'task')}, "
        f"{more} more, would settle it if its rate holds)"
    )


def _settle_text(d: Decision) -> str:
    parts = [_settle_part(d, s) for s in d.settle[:3]]
    if not parts:
        return "; no candidate meets the gates even on its observed values"
    return "; promising: " + ", ".join(parts)


def settle_note(d: Decision) -> str | None:
    """For a tier kept for want of evidence: its most promising candidate and what would settle it,
    one line for the console (the report lists up to three)."""
    if d.why not in ("insufficient_evidence", "nothing_proven") or not d.settle:
        return None
    note = f"needs evidence: {_settle_part(d, d.settle[0])}"
    return f"[SIMULATED] {note}" if d.simulated else note


def _versus(d: Decision) -> str:
    """Challenger and incumbent side by side, with the paired evidence."""
    a, ch, inc = d.assessments, d.challenger, d.incumbent
    return f"{ch}: {standing(a[ch])}; incumbent {inc}: {standing(a[inc])}{_paired_text(d, ch)}"


def _headline(d: Decision) -> str:
    a, inc, ch, bound = d.assessments, d.incumbent, d.challenger, risk(d.bound)
    within = f"within the {bound} risk bound"
    if d.why == "first_policy":
        primary = d.policy.primary
        return f"{primary} is the best model {within} on {d.objective}: {standing(a[primary])}"
    if d.why == "nothing_proven":
        return f"no policy yet and no model {within}" + _settle_text(d)
    if d.why == "incumbent_best":
        text = f"kept: the incumbent is {within} and the best such on {d.objective}: {standing(a[inc])}"
        return text + (_settle_text(d).replace("; promising:", "; not yet proven:") if d.settle else "")
    if d.why == "within_margin":
        lead = f"kept: {ch} is {within} and ahead on {d.objective}, but by less than the switching margin"
        return f"{lead} ({_gain_text(d)}): {_versus(d)}"
    if d.why == "not_better_paired":
        lead = f"kept: {ch} looks better, but not on the tasks both ran at the {bound} risk"
        return f"{lead}: {_versus(d)}"
    if d.why == "insufficient_evidence":
        if inc in a:
            inc_text = f"incumbent {inc}: {standing(a[inc])}"
            if a[inc].failing:
                inc_text += f" (observed: {'; '.join(gate_failure_text(r) for r in a[inc].failing)})"
        else:
            inc_text = f"incumbent {inc} not measured"
        return f"kept: insufficient evidence, no model is {within}; {inc_text}" + _settle_text(d)
    if d.why == "incumbent_not_measured":
        lead = f"kept: insufficient evidence, the incumbent {inc} was not measured"
        return f"{lead}; best proven challenger {ch}: {standing(a[ch])}"
    if d.why == "better_by_margin":
        lead = f"switch: {ch} is {within} and better than the proven incumbent by at least {_gain_text(d)}"
        return f"{lead}: {_versus(d)}"
    if d.why == "incumbent_fails":
        failing = "; ".join(gate_failure_text(r) for r in a[inc].failing)
        lead = (
            f"switch: no model is {within}, but the incumbent {inc} more likely than not misses a gate "
            f"({failing or 'risk ' + risk(a[inc].known_risk)}); {ch} is the least at risk"
        )
        return f"{lead}: {_versus(d)}" + _settle_text(d)
    failing = "; ".join(gate_failure_text(r) for r in a[inc].failing)
    why_not = failing or f"risk {risk(a[inc].total_risk)}"
    lead = f"switch: the incumbent {inc} is not {within} ({why_not}); {ch} is, and is the best such"
    return f"{lead} on {d.objective}: {_versus(d)}"


def rationale_text(d: Decision) -> str:
    """The policy's rationale for one tier: headline, gray share and what is unknown, labelled."""
    text = _headline(d)
    for g in d.policy.gray:
        if d.gray_reason == "evidence":
            text += f"; gray {g.share:.0%} for {g.model} so production traffic gathers the evidence"
        else:
            unknown = d.assessments[g.model].unknown if g.model in d.assessments else []
            note = f"; {', '.join(METRIC_NAMES[m] for m in unknown)} unknown" if unknown else ""
            text += (
                f"; gray {g.share:.0%} for rising model {g.model} (meets the gates on observed values{note})"
            )
    if blind := blind_gates_note(d):
        text += f"; {blind}"
    if d.simulated:
        text = f"[SIMULATED] {text}"  # the numbers travel with the text: label them at the source
    return text


def blind_gates_note(d: Decision) -> str | None:
    """'no model has p95 latency in this evidence, ...' when a gate can be judged for no model: one
    sentence for the rationale and the console warning alike."""
    blind = [METRIC_NAMES[m] for m in d.gates_without_evidence]
    if not blind:
        return None
    return (
        f"no model has {' or '.join(blind)} in this evidence, so that gate can be met by none:"
        " record it or remove the gate"
    )
