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


def test_mean_in_flight_is_the_time_weighted_number_of_calls_holding_a_slot():
    """Two calls held for the whole window, a third for its second half: 2.5 on average, whatever
    concurrency was asked for."""

    async def scenario():
        throttle = Throttle(concurrency=50)

        async def call(wait_s, hold_s):
            await asyncio.sleep(wait_s)
            async with throttle.slot("g"):
                await asyncio.sleep(hold_s)

        await asyncio.gather(call(0, 0.4), call(0, 0.4), call(0.2, 0.2))
        return throttle.mean_in_flight

    assert 2.3 < asyncio.run(scenario()) < 2.6
