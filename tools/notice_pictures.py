"""Regenerate the pictures of the notices in docs/notices/ (demo data, shipped font).

    python tools/notice_pictures.py        # needs poppler-utils (pdftoppm)

Each picture is the first page at 100 dpi.  Besides one picture per kind, two
show how the 承诺件通知书 follows the case: a 容缺 acceptance and a bundle.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clerk.config import HallInfo, Settings  # noqa: E402
from clerk.printing import NoticeKind, render  # noqa: E402
from clerk.printing.data import BundleItem, ToleratedMaterial  # noqa: E402
from clerk.printing.samples import CST, sample  # noqa: E402

PICTURES = {
    "promised-a4": (NoticeKind.PROMISED, "a4", None),
    "promised-tolerated-a4": (NoticeKind.PROMISED, "a4", "tolerated"),
    "promised-bundle-a4": (NoticeKind.PROMISED, "a4", "bundle"),
    "on-the-spot-roll": (NoticeKind.ON_THE_SPOT, "roll", None),
    "one-time-a4": (NoticeKind.ONE_TIME, "a4", None),
    "one-time-a5": (NoticeKind.ONE_TIME, "a5", None),
    "commitment-a4": (NoticeKind.COMMITMENT, "a4", None),
    "rejection-a5": (NoticeKind.REJECTION, "a5", None),
    "result-ready-a4": (NoticeKind.RESULT_READY, "a4", None),
    "result-correction-a5": (NoticeKind.RESULT_CORRECTION, "a5", None),
    "result-refused-a4": (NoticeKind.RESULT_REFUSED, "a4", None),
    "pledge-a4": (NoticeKind.PLEDGE, "a4", None),
    "revocation-a4": (NoticeKind.REVOCATION, "a4", None),
    "manifest-a4": (NoticeKind.MANIFEST, "a4", None),
}


def variant(data, name: str | None):
    if name == "tolerated":
        owed = ToleratedMaterial("从业人员健康证明", "由县级以上医疗卫生机构出具。", date(2026, 12, 30))
        return replace(data, tolerated=(owed,))
    if name == "bundle":
        items = (
            BundleItem("SF20261218-0043", "个体工商户设立登记", "即办办结",
                       done_at=datetime(2026, 12, 18, 10, 40, tzinfo=CST)),
            BundleItem("SF20261218-0044", "食品经营许可（新办）", "已受理", due_date=date(2027, 1, 8)),
            BundleItem("SF20261218-0045", "公共场所卫生许可", "待补正"),
        )
        return replace(data, bundle_name="开餐馆一件事", items=items, item_names=tuple(i.name for i in items),
                       due_provisional=False)
    return data


def main() -> int:
    settings = Settings.defaults(font_path="", hall=HallInfo())  # not this machine's config: the same pictures everywhere
    out = ROOT / "docs" / "notices"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for stem, (kind, paper, name) in PICTURES.items():
            pdf = Path(tmp) / f"{stem}.pdf"
            pdf.write_bytes(render(kind, variant(sample(kind), name), paper, settings))
            subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", "1", "-l", "1",
                            str(pdf), str(out / stem)], check=True)
            print(out / f"{stem}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
