"""`clerk catalog import` at hall scale: a generated 661-item, 5,000-material 实施清单.

Run with ``python -m bench.bench_catalog_import``.  Builds the workbook in both
shapes (two sheets; one sheet with the item columns merged down over their
materials), imports each with ``import_workbook`` + ``write_catalog`` (which
loads the folder back) and writes the "## Catalog import" section of
docs/benchmarks.md (only at that size; ``--items``/``--materials`` make a smaller, unrecorded
run).  Target: under 5 s per import.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Catalog import"

ITEMS, MATERIALS = 661, 5000
_LIMITS = ("20个工作日", "20工作日", "即办", "当场办结", "30日", "30天", "3个月", "15个工作日", "60日")
_PROMISED = {"20个工作日": "5个工作日", "20工作日": "10工作日", "即办": "即办", "当场办结": "当场办结",
             "30日": "20日", "30天": "15天", "3个月": "20个工作日", "15个工作日": "3个工作日", "60日": "30日"}
_DEPTS = ("区市场监督管理局", "区卫生健康局", "区民政局", "区人力资源和社会保障局", "区住房城乡建设局",
          "区交通运输局", "区城市管理局", "区文化和旅游局", "区教育和体育局", "区医疗保障局")
_SUBJECTS = ("食品经营", "公共场所卫生", "医疗机构执业", "民办学校办学", "药品零售", "建筑工程施工", "道路运输经营",
             "排水", "户外广告设施", "娱乐场所经营", "旅馆业特种行业", "特种设备使用", "养老机构", "托育机构")
_ACTIONS = ("新办", "变更", "延续", "注销", "补证")
_MATERIALS = ("申请书", "营业执照", "法定代表人身份证明", "经营场所使用证明", "平面布局图", "管理制度",
              "从业人员健康证明", "设备设施清单", "授权委托书", "技术人员资格证明", "承诺书", "检测报告")
_NEEDS = ("必要", "必要", "必要", "非必要", "容缺", "情形必要")


def generated_items(seed: int = 5, *, count: int = ITEMS, materials: int = MATERIALS) -> list[dict]:
    rng = random.Random(seed)
    counts = [materials // count] * count
    for n in rng.sample(range(count), materials - sum(counts)):
        counts[n] += 1
    items = []
    for n in range(count):
        limit = rng.choice(_LIMITS)
        kind = "即办件" if limit in ("即办", "当场办结") else "承诺件"
        materials = []
        for m in range(counts[n]):
            need = rng.choice(_NEEDS)
            materials.append({
                "name": f"{rng.choice(_MATERIALS)}{m + 1}", "form": rng.choice(("原件", "复印件", "原件和复印件", "电子")),
                "copies": rng.choice(("1", "1份", "2份")), "need": need,
                "situation": "委托代理人办理的" if need == "情形必要" else "", "note": rng.choice(("", "加盖公章"))})
        items.append({
            "item_code": f"11370112MB{n:05d}", "code": f"370112-{n:04d}-{rng.randint(100, 999)}",
            "name": f"{rng.choice(_SUBJECTS)}许可（{rng.choice(_ACTIONS)}）{n}", "type": "行政许可",
            "department": rng.choice(_DEPTS), "kind": kind, "statutory": limit, "promised": _PROMISED[limit],
            "fee": "不收费", "phone": f"0531-8816{n % 10000:04d}", "aliases": f"俗称{n}、别名{n}",
            "materials": materials})
    return items


def _timed_import(book: Path, out: Path) -> tuple[float, int]:
    from clerk.catalog.importer import import_workbook, write_catalog

    start = time.perf_counter()
    items = import_workbook(book)
    write_catalog(items, out, book.name)
    return time.perf_counter() - start, sum(len(i["materials"]) for i in items)


def run(count: int = ITEMS, materials: int = MATERIALS) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from tests.support.workbooks import one_sheet, two_sheets

    items = generated_items(count=count, materials=materials)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        for label, build in (("two sheets (事项 + 材料)", two_sheets), ("one sheet, item columns merged", one_sheet)):
            book = build(tmp_path / f"{len(rows)}.xlsx", items)
            size = book.stat().st_size / 1e6
            seconds, materials = _timed_import(book, tmp_path / f"out{len(rows)}")
            rows.append(f"| {label} | {len(items)} | {materials} | {size:.1f} MB | {seconds:.2f} s |")
    return rows


def section_text(rows: list[str]) -> str:
    return "\n".join([
        SECTION, "",
        f"`python -m bench.bench_catalog_import` — {time.strftime('%Y-%m-%d')}.  A generated 实施清单 "
        f"({ITEMS} items, {MATERIALS} materials, every time-limit form, aliases, 情形必要 materials) "
        "imported end to end: reading the workbook (openpyxl, merged ranges), checking every cell, writing "
        "`imported.yaml` and loading the folder back (`load_catalog`, incl. search keys).  Target: < 5 s.",
        "", "| workbook | items | materials | file | import |", "|---|---|---|---|---|", *rows, "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--materials", type=int, default=MATERIALS)
    args = parser.parse_args(argv)
    section = section_text(run(args.items, args.materials))
    print(section)
    if (args.items, args.materials) == (ITEMS, MATERIALS):  # only the documented run goes into the docs
        from bench.timing import replace_doc_section

        replace_doc_section(DOC, SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
