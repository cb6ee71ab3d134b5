"""The plan line a run prints before its first call: its counts must multiply out."""

from evals.records import Reference, Task
from evals.run.plan import Plan


def task(tid: str, tier: str = "chat") -> Task:
    return Task(
        id=tid,
        tier=tier,
        messages=[{"role": "user", "content": "capital of France?"}],
        checks=[{"contains": "Paris"}],
        reference=Reference(content="Paris"),
    )


def test_describe_multiplies_models_tasks_and_repeats_when_every_model_runs_every_task():
    pairs = [(t, m) for t in (task("chat/a"), task("chat/b")) for m in ("m/x", "m/y")]
    assert Plan("sim", pairs, 3).describe() == (
        "sim: 2 models x 2 tasks x 3 repeats = 12 cells; tiers chat; models m/x, m/y"
    )
    assert (
        Plan("sim", pairs[:1], 1).describe()
        == "sim: 1 model x 1 task x 1 repeat = 1 cell; tiers chat; models m/x"
    )


def test_describe_counts_pairs_when_models_run_only_their_tiers_tasks():
    chat, coding = [task("chat/a"), task("chat/b")], [task("coding/a", "coding")]
    pairs = [(t, m) for t in chat for m in ("m/x", "m/y")] + [(coding[0], "m/z")]
    assert Plan("sim", pairs, 2).describe() == (
        "sim: 5 model-task pairs (3 models, 3 tasks) x 2 repeats = 10 cells; tiers chat, coding;"
        " models m/x, m/y, m/z"
    )
