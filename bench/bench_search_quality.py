"""Catalog search quality: does what people say find the right item first?

Run with ``python -m bench`` (all benchmarks) or ``python -m bench.bench_search_quality``.
The queries are ``bench/search_queries.toml`` (how people in a hall ask: verbs and
objects, shop types, colloquial names, codes, typos, pinyin), each with the item or
bundle a clerk expects first.  Reports right-first and top-3 rates on the shipped
catalog and on it padded with generated items to 661 (a district hall's count), and
the time of every query at 5,000 items.  Writes the "## Catalog search: what people
say" section of docs/benchmarks.md (only at the documented sizes; ``--items`` makes a
smaller, unrecorded run).  Targets: >= 97 % right first on the shipped catalog, every
query under 1 ms at 5,000 items.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "search_queries.toml"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Catalog search: what people say"
HALL, ITEMS = 661, 5000
RUNS = 7  # timed runs per query; its median counts
TARGET_FIRST, TARGET_MS = 0.97, 1.0


@dataclass(frozen=True)
class Query:
    table: str  # the way of asking: verbs, shops, everyday, codes, typos, pinyin, later
    text: str
    code: str  # expected first


@dataclass(frozen=True)
class Grade:
    queries: int
    first: int
    top3: int
    misses: tuple[tuple[Query, tuple[str, ...]], ...]  # query, the codes found first

    @property
    def first_rate(self) -> float:
        return self.first / self.queries

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.queries


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Query(table, text, code) for table, rows in data.items() for text, code in rows.items()]


def repo_catalog():
    """The catalog and synonym table of this checkout (not an installed clerk's)."""
    from clerk.catalog import Catalog, load_catalog
    from clerk.catalog.normalise import load_synonyms

    loaded = load_catalog(ROOT / "data" / "catalog")
    return Catalog(loaded.version, loaded.items, loaded.bundles, loaded.materials,
                   synonyms=load_synonyms(ROOT / "data" / "search-synonyms.toml"))


def generated_yaml(count: int, seed: int = 23) -> str:
    """``count`` items named like a province's list (subject + object + action, from
    bench_search's words), each with two aliases of its own subject."""
    import random

    from bench.bench_search import _ACTIONS, _DEPTS, _NICK, _OBJECTS, _SUBJECTS

    rng = random.Random(seed)
    lines = ["materials:",
             "  - {key: id-card, name: 申请人居民身份证, form: 原件, copies: 1, requirement: 身份证原件。}",
             "items:"]
    for n in range(count):
        subject = rng.choice(_SUBJECTS)
        name = f"{subject}{rng.choice(_OBJECTS)}（{rng.choice(_ACTIONS)}）"
        first, second = rng.sample(_NICK, 2)
        lines.append(
            f'  - {{code: "370199-{rng.choice(_DEPTS)}X-{n:04d}", name: "{name}", '
            f"aliases: [{subject}{first}{n}, {subject[:2]}{second}{n}], department: 区政务服务管理局, "
            "kind: 承诺件, statutory_days: 20, promised_days: 5, fee: 不收费, result: 许可证, "
            'delivery: [EMS邮寄], phone: "0531-88888888", materials: [{ref: id-card}]}')
    return "\n".join(lines) + "\n"


def padded(catalog, total: int):
    """``catalog`` plus generated items (``generated_yaml``) up to ``total`` items."""
    from clerk.catalog import Catalog, load_catalog

    extra = total - len(catalog.items)
    if extra <= 0:
        return catalog
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(generated_yaml(extra), encoding="utf-8")
        generated = load_catalog(path)
    return Catalog(catalog.version, catalog.items | generated.items, catalog.bundles,
                   catalog.materials | generated.materials, synonyms=catalog.synonyms)


def grade(catalog, queries: list[Query]) -> Grade:
    first = top3 = 0
    misses = []
    for query in queries:
        found = tuple(hit.code for hit in catalog.search(query.text, limit=20))
        first += found[:1] == (query.code,)
        top3 += query.code in found[:3]
        if found[:1] != (query.code,):
            misses.append((query, found[:3]))
    return Grade(len(queries), first, top3, tuple(misses))


def timed(catalog, queries: list[Query], counts: dict[str, int] | None = None) -> list[tuple[float, float, str]]:
    """(median ms, best ms of ``RUNS`` calls, query) per query, slowest median first."""
    for query in queries:  # warm up
        catalog.search(query.text, counts=counts)
    result = []
    for query in queries:
        samples = []
        for _ in range(RUNS):
            began = time.perf_counter_ns()
            catalog.search(query.text, counts=counts)
            samples.append((time.perf_counter_ns() - began) / 1e6)
        result.append((statistics.median(samples), min(samples), query.text))
    return sorted(result, reverse=True)


def _rates(label: str, result: Grade) -> str:
    return (f"| {label} | {result.queries} | {result.first} ({result.first_rate:.1%}) "
            f"| {result.top3} ({result.top3_rate:.1%}) |")


def run(hall: int = HALL, items: int = ITEMS) -> tuple[list[str], list[str], bool]:
    from bench.bench_search import hall_counts

    queries = load_queries()
    shipped = repo_catalog()
    tables = list(dict.fromkeys(q.table for q in queries))
    tuned = [q for q in queries if q.table != "later"]
    rows = [_rates(f"shipped ({len(shipped.items)} items + {len(shipped.bundles)} bundles), all", grade(shipped, queries))]
    for table in tables:
        rows.append(_rates(f"— {table}", grade(shipped, [q for q in queries if q.table == table])))
    result = grade(shipped, queries)
    big = padded(shipped, hall)
    rows.append(_rates(f"shipped + generated = {len(big.items)} items, all", grade(big, queries)))
    rows.append(_rates(f"shipped + generated = {len(big.items)} items, without `later`", grade(big, tuned)))
    misses = [f"- `{q.text}` ({q.table}) → expected {q.code}, found {', '.join(found) or 'nothing'}"
              for q, found in result.misses]
    huge = padded(shipped, items)
    plain = timed(huge, queries)
    counted = timed(huge, queries, hall_counts(huge))
    timing = []
    for label, times in (("no counts", plain), ("90-day counts for 661 items", counted)):
        slow = ", ".join(f"`{text}` {ms:.3f}" for ms, _, text in times[:3])
        values = sorted(ms for ms, _, _ in times)
        best = max(low for _, low, _ in times)
        timing.append(f"| {len(huge.items):,} items, {label} | {statistics.median(values):.4f} "
                      f"| {values[int(len(values) * 0.99) - 1]:.4f} | {values[-1]:.4f} | {best:.4f} | {slow} |")
    worst = max(plain[0][0], counted[0][0])
    ok = result.first_rate >= TARGET_FIRST and worst < TARGET_MS
    return rows + [""] + timing, misses, ok


def section_text(rows: list[str], misses: list[str]) -> str:
    import os
    import platform

    split = rows.index("")
    machine = (f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
               f"Python {platform.python_version()}, {platform.system()} {platform.machine()}")
    return "\n".join([
        SECTION,
        "",
        f"`python -m bench.bench_search_quality` — {time.strftime('%Y-%m-%d')}, {machine}.",
        "The queries are `bench/search_queries.toml`: what people at a hall say (verbs 办/补/换/注销/",
        "变更 + an object, shop types, colloquial names, codes with and without the area prefix,",
        "typos, pinyin), each with the item or bundle a clerk expects first, written before the",
        "search was tuned on them — except the `later` table, written afterwards as a check: it",
        "scored 41 of 50 right first when written; the words its misses showed (特殊病, 医生,",
        "就业失业登记证, 烟酒店, 营业执照 for 注销登记) were added to the synonym table after.",
        "`Catalog.search(query, limit=20)`, the shipped synonym table.  The 661-item catalog is the",
        "shipped one padded with generated items (`generated_yaml`: names like 排水经营许可（变更）from",
        "32 subjects, two aliases of the item's own subject each) — they compete with the shipped",
        "items for every query (several subjects are the shipped items' own: 排水, 户外广告, 娱乐场所 …).",
        "Target: ≥ 97 % right first on the shipped catalog.  Before this search (issue 25), the",
        "first 280 queries (all but `later`) found the right item first 147 times (52.5 %).",
        "",
        "| catalog / table | queries | right first | in the top 3 |",
        "|---|---|---|---|",
        *rows[:split],
        "",
        "At 661 items most misses are queries a generated item answers as well as the shipped one",
        "(户外广告审批（新办） for 户外广告审批, 特种设备登记（补证） for 特种设备登记, 排水核准 for 排水许可):",
        "the generator reuses the shipped items' subjects, which a real list does not.",
        "",
        "Not right first on the shipped catalog:",
        "",
        *(misses or ["- none"]),
        "",
        f"Time per query at {ITEMS:,} items (shipped + generated): the median of {RUNS} calls per query",
        "after a warm-up (its median and p99 over the queries, and the slowest query's); \"slowest best\"",
        f"is the largest over the queries of a query's fastest of its {RUNS} calls (its cost when nothing",
        "else runs on the CPUs);",
        "the three slowest queries named.  Target: every query under 1 ms.",
        "",
        "| catalog | median ms | p99 ms | slowest ms | slowest best ms | slowest queries (median ms) |",
        "|---|---|---|---|---|---|",
        *rows[split + 1:],
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS, help="items in the catalog the queries are timed on")
    args = parser.parse_args(argv)
    rows, misses, ok = run(HALL, args.items)
    section = section_text(rows, misses)
    print(section)
    print("targets met" if ok else "targets NOT met")
    if args.items == ITEMS:  # only the documented run goes into the docs
        from bench.timing import replace_doc_section

        replace_doc_section(DOC, SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
