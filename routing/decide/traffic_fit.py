"""Does a spend log belong to the rollout plan it is checked against?

`rollout check` finds a deployment's rows by the id `routing export litellm` gives it, logged as
`model_id` (`<tier>:<role>:<model>`). Logs of another week's plan, of another proxy or of a config the
export did not write match nothing, and every tier then reads "HOLD: 0 of N requests" as if the traffic
were only slow to arrive. One line says so instead, with the file, the rows read and the deployments the
plan expected.
"""

from __future__ import annotations

from collections.abc import Mapping

from evals.text import some_of

SMALL_SHARE = 0.05  # fewer of the rows read than this from the plan's deployments: say so


def fit_note(
    file: str, rows: int, candidate_rows: Mapping[str, int], incumbent_rows: Mapping[str, int]
) -> str | None:
    """A one-line note when few or none of `rows` come from the plan's deployments, else None.

    `candidate_rows` and `incumbent_rows` map each deployment id the plan judges (in plan order) to its
    rows in the file.
    """
    if rows <= 0 or not candidate_rows:
        return None
    expected = some_of(list(candidate_rows))
    from_candidates = sum(candidate_rows.values())
    from_incumbents = sum(incumbent_rows.values())
    if from_candidates == 0:
        incumbents = f"; {from_incumbents:,} are from their incumbents" if from_incumbents else ""
        return (
            f"{file}: none of its {rows:,} rows is from the plan's candidates ({expected}){incumbents}: "
            "is it this stage's traffic, from the config `routing export litellm` wrote?"
        )
    matched = from_candidates + from_incumbents
    if matched < SMALL_SHARE * rows:
        return (
            f"{file}: only {matched:,} of its {rows:,} rows are from the plan's deployments (candidates "
            f"{expected}): is it this stage's traffic?"
        )
    return None
