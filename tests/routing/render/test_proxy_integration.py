"""The exported config in the REAL LiteLLM proxy (`litellm --config`, 1.106.2, from .proxy-venv).

The proxy runs as a child process on a free 127.0.0.1 port against local stub models started here; it
is stopped by its PID. `make test` builds .proxy-venv first (constraints-proxy.txt); without it this
module skips and says how to build it.

Scenario: tier `t` with primary `p` (95%), gray `g` (5%), fallbacks `f1`, `f2`; 2,000 requests with
everything healthy, 1,000 with `p` failing, 1,000 with `g` failing. Limits are binomial at z = 4.5
(a false failure about once in 150,000 runs per check).
"""

from __future__ import annotations

import asyncio
import math
import os
import secrets
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from routing.config import Config
from routing.policy import Policy
from routing.render.litellm_config import dump_litellm_config, litellm_config

REPO = Path(__file__).resolve().parents[3]
PROXY = REPO / ".proxy-venv" / "bin" / "litellm"
Z = 4.5
GRAY_SHARE = 0.05
PRICE = (1.0, 2.0)  # USD per Mtok for p: 10 prompt + 5 completion tokens cost 2e-5

pytestmark = pytest.mark.skipif(
    not PROXY.exists(),
    reason=f"{PROXY} is missing: `make proxy-env` (run by `make test`) builds the real proxy's environment",
)

PRIMARY, GRAY, FB1 = "t:primary:p", "t:gray:g", "t-fallback-1:fallback:f1"
ANCHOR = "t-anchor:anchor:p"


def binomial_limits(n: int, p: float) -> tuple[float, float]:
    sd = math.sqrt(n * p * (1 - p))
    return n * p - Z * sd, n * p + Z * sd


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exported_config(api_base: str) -> dict:
    models = {
        m: {"litellm_model": f"openai/{m}", "api_base": api_base, "api_key_env": "STUB_API_KEY"}
        for m in ("p", "g", "f1", "f2")
    }
    config = Config.model_validate({"version": 1, "tiers": {"t": {"tasks": "unused"}}, "models": models})
    tier = {"primary": "p", "fallbacks": ["f1", "f2"], "gray": [{"model": "g", "share": GRAY_SHARE}]}
    policy = Policy.model_validate({"version": 1, "tiers": {"t": tier}})
    return litellm_config(policy, config, prices={"p": PRICE})


class Proxy:
    def __init__(self, config_path: Path, log_path: Path, master_key: bool = True) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = "sk-" + secrets.token_hex(24)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(config_path.parent),
            "STUB_API_KEY": "stub",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "LITELLM_LOG": "CRITICAL",  # a traceback per failed call slows the failure phases
        }
        if master_key:
            env["LITELLM_MASTER_KEY"] = self.key
        self.log = log_path.open("wb")
        cmd = [str(PROXY), "--config", str(config_path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"proxy exited with {self.process.returncode}: {self.log.name}")
            try:
                if httpx.get(f"{self.url}/health/liveliness", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"proxy not ready after {timeout_s}s: {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def proxy(stub_models, tmp_path_factory):
    folder = tmp_path_factory.mktemp("proxy")
    config_path = folder / "config.yaml"
    config_path.write_text(dump_litellm_config(exported_config(stub_models.api_base), ["real-proxy test"]))
    running = Proxy(config_path, folder / "proxy.log")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()
    assert running.process.returncode is not None


async def _send(proxy: Proxy, n: int, concurrency: int = 24) -> tuple[Counter, Counter, Counter]:
    """Served-by deployment ids (x-litellm-model-id), HTTP statuses and reported costs of n requests."""
    served: Counter = Counter()
    statuses: Counter = Counter()
    costs: Counter = Counter()
    queue = iter(range(n))
    headers = {"Authorization": f"Bearer {proxy.key}"}
    body = {"model": "t", "messages": [{"role": "user", "content": "hi"}]}
    async with httpx.AsyncClient(base_url=proxy.url, headers=headers, timeout=60) as client:

        async def worker() -> None:
            for _ in queue:
                response = await client.post("/chat/completions", json=body)
                statuses[response.status_code] += 1
                if response.status_code == 200:
                    served[response.headers.get("x-litellm-model-id")] += 1
                    cost = response.headers.get("x-litellm-response-cost")
                    costs[(response.headers.get("x-litellm-model-id"), cost)] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return served, statuses, costs


def send(proxy: Proxy, n: int) -> tuple[Counter, Counter, Counter]:
    return asyncio.run(_send(proxy, n))


def test_requests_without_the_master_key_never_reach_a_model(proxy, stub_models):
    stub_models.reset()
    body = {"model": "t", "messages": [{"role": "user", "content": "hi"}]}
    anonymous = httpx.post(f"{proxy.url}/chat/completions", json=body, timeout=10)
    wrong = httpx.post(
        f"{proxy.url}/chat/completions", json=body, headers={"Authorization": "Bearer sk-wrong"}, timeout=10
    )
    # 1.106.2 answers a missing key with 500 (an auth error inside a middleware), a wrong one with 400.
    assert anonymous.status_code >= 400 and wrong.status_code >= 400
    assert sum(stub_models.calls.values()) == 0


def test_the_proxy_refuses_to_start_without_the_master_key(stub_models, tmp_path):
    config_path = tmp_path / "config.yaml"
    config_path.write_text(dump_litellm_config(exported_config(stub_models.api_base)))
    proxy = Proxy(config_path, tmp_path / "proxy.log", master_key=False)
    try:
        with pytest.raises(AssertionError, match="proxy exited"):
            proxy.wait_ready(timeout_s=120)
    finally:
        proxy.stop()
    assert proxy.process.returncode != 0
    assert "LITELLM_MASTER_KEY" in (tmp_path / "proxy.log").read_text(errors="replace")


def test_shares_hold_within_binomial_limits_and_prices_reach_the_proxy(proxy, stub_models):
    stub_models.reset()
    n = 2000
    served, statuses, costs = send(proxy, n)
    assert statuses == {200: n}
    assert set(served) == {PRIMARY, GRAY}
    low, high = binomial_limits(n, GRAY_SHARE)
    assert low <= served[GRAY] <= high, f"gray served {served[GRAY]} of {n}"
    priced = {float(cost) for (dep, cost), _ in costs.items() if dep == PRIMARY and cost is not None}
    assert priced and all(c == pytest.approx(10 * PRICE[0] / 1e6 + 5 * PRICE[1] / 1e6) for c in priced)


def test_failing_primary_is_served_by_fallbacks_and_gray_keeps_its_share(proxy, stub_models):
    stub_models.reset(failing={"p"})
    n = 1000
    served, statuses, _ = send(proxy, n)
    assert statuses == {200: n}, "every request is answered by a fallback"
    assert set(served) <= {GRAY, FB1}
    low, high = binomial_limits(n, GRAY_SHARE)
    assert served[GRAY] <= high, f"gray absorbed the tier: {served[GRAY]} of {n}"
    assert served[GRAY] >= low
    assert served[FB1] == n - served[GRAY]
    assert stub_models.calls["f2"] == 0  # the fallback order: f1 answers, f2 is never needed
    # The primary kept being picked for its share (no cooldown moved it to gray), then fell back; the
    # anchor (p alone) is tried at most once more per request before f1 answers.
    assert served[FB1] <= stub_models.calls["p"] <= 2 * served[FB1]


def test_failing_gray_is_served_by_the_primary(proxy, stub_models):
    stub_models.reset(failing={"g"})
    n = 1000
    served, statuses, _ = send(proxy, n)
    assert statuses == {200: n}
    assert set(served) <= {PRIMARY, ANCHOR}
    low, high = binomial_limits(n, GRAY_SHARE)
    assert low <= served[ANCHOR] <= high, f"gray's share re-served by the primary: {served[ANCHOR]} of {n}"
    assert stub_models.calls["f1"] == 0
    assert stub_models.calls["g"] == served[ANCHOR]
