"""Write the long-context needle tasks of the starter suite (deterministic: same bytes every run).

Each document is over 30k tokens (≈4 characters a token) of realistic filler, with one fact hidden
at a fixed depth; the task asks for that fact. Run: python scripts/make_long_context_tasks.py
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "golden_tasks" / "long_context"
MIN_CHARS = 130_000  # > 30k tokens at 4 chars/token
SERVICES = ["checkout", "search", "auth", "billing", "inventory", "notify", "reports", "gateway"]
PATHS = ["/api/cart", "/api/search", "/login", "/api/invoice", "/api/stock", "/api/push", "/api/export"]


def log_document(rng: random.Random, needle: str, depth: float) -> str:
    lines, size, placed = [], 0, False
    second = 0
    while size < MIN_CHARS:
        if not placed and size >= MIN_CHARS * depth:
            lines.append(needle)
            placed = True
        second += rng.randint(1, 4)
        status = rng.choice([200] * 30 + [201, 204, 301, 404, 429, 500, 502, 503])
        line = (
            f"2026-11-02T{8 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z "
            f"svc={rng.choice(SERVICES)} method={rng.choice(['GET', 'POST', 'PUT'])} "
            f"path={rng.choice(PATHS)} status={status} ms={rng.randint(3, 900)} "
            f"req=r-{rng.getrandbits(40):010x}"
        )
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def wiki_document(rng: random.Random, needle: str, depth: float) -> str:
    topics = ["deploys", "on-call", "backups", "access", "costs", "releases", "incidents", "vendors"]
    verbs = ["review", "rotate", "archive", "approve", "audit", "document", "escalate", "verify"]
    paragraphs, size, placed = [], 0, False
    while size < MIN_CHARS:
        if not placed and size >= MIN_CHARS * depth:
            paragraphs.append(needle)
            placed = True
        topic = rng.choice(topics)
        sentences = [
            f"Teams {rng.choice(verbs)} {topic} every {rng.randint(1, 12)} weeks and record the outcome "
            f"in the {rng.choice(SERVICES)} channel, tagging the owner and the date."
            for _ in range(rng.randint(3, 6))
        ]
        paragraph = f"## {topic.title()} note {len(paragraphs) + 1}\n" + " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def task(doc: str, question: str, checks: list, answer: str) -> dict:
    return {
        "description": "Needle in a 30k+ token document (made by scripts/make_long_context_tasks.py).",
        "messages": [{"role": "user", "content": f"{doc}\n\n---\n{question}"}],
        "params": {"temperature": 0, "max_tokens": 60},
        "checks": checks,
        "reference": {"content": answer},
    }


def main() -> None:
    rng = random.Random(20261102)
    needle = (
        "2026-11-02T09:14:07Z svc=billing method=POST path=/api/invoice status=507 ms=12011 "
        "req=r-00deadbeef42 note=insufficient-storage"
    )
    logs = log_document(rng, needle, 0.63)
    tasks = {
        "needle-log-507": task(
            logs,
            "Exactly one request above failed with HTTP 507. Reply with its req id only.",
            [{"regex": r"\br-00deadbeef42\b"}],
            "r-00deadbeef42",
        ),
        "needle-wiki-contract": task(
            wiki_document(
                rng,
                "## Vendors note: storage support\nThe storage vendor's premium support contract number is "
                "SUP-7731-QX; quote it when opening a severity-1 case.",
                0.21,
            ),
            "What is the storage vendor's premium support contract number? Reply with it only.",
            [{"contains": "SUP-7731-QX"}],
            "SUP-7731-QX",
        ),
    }
    for name, body in tasks.items():
        text = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
        (OUT / f"{name}.yaml").write_text(text, encoding="utf-8")
        print(f"{name}: {len(body['messages'][0]['content']):,} chars")


if __name__ == "__main__":
    main()
