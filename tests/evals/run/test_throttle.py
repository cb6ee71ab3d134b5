import asyncio

from evals.run.throttle import RECOVER_AFTER, Throttle


def test_concurrency_is_capped_per_group_and_globally():
    async def scenario():
        throttle = Throttle(concurrency=3, per_group=2)
        active = {"a": 0, "b": 0, "all": 0}
        peak = {"a": 0, "b": 0, "all": 0}

        async def call(group):
            async with throttle.slot(group):
                active[group] += 1
                active["all"] += 1
                peak[group] = max(peak[group], active[group])
                peak["all"] = max(peak["all"], active["all"])
                await asyncio.sleep(0.01)
                active[group] -= 1
                active["all"] -= 1

        await asyncio.gather(*(call(g) for g in "ab" * 6))
        return peak

    assert asyncio.run(scenario()) == {"a": 2, "b": 2, "all": 3}


def test_a_429_halves_the_group_pauses_it_and_successes_win_it_back():
    async def scenario():
        throttle = Throttle(concurrency=8)
        throttle.rate_limited("gw", 0.2)
        assert throttle.limit("gw") == 4 and throttle.limit("other") == 8
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with throttle.slot("gw"):
            waited = loop.time() - started
        async with throttle.slot("other"):
            other_wait = loop.time() - started - waited
        for _ in range(RECOVER_AFTER):
            throttle.succeeded("gw")
        return waited, other_wait, throttle.limit("gw")

    waited, other_wait, limit = asyncio.run(scenario())
    assert waited >= 0.19 and other_wait < 0.05 and limit == 5
