"""The other regions' items (跨域通办) for the tests: this checkout's shipped list beside a hall's
catalog, and a draft for one of its items (plain data, no fixtures)."""

from __future__ import annotations

from pathlib import Path

from clerk.catalog.model import Delivery
from clerk.domain.intake import IntakeDraft, MaterialMark
from tests.support.drafts import COPY, PERSON, RECEIVED

ROOT = Path(__file__).resolve().parents[2]
CROSS_REGION = ROOT / "data" / "cross_region"  # this checkout's, not the installed package's
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "catalog"

MEDICAL_FILING = "440305-KY-001"  # 跨省异地就医登记备案, decided by 深圳市南山区 (limit 2 + transfer 3)
NANSHAN_BODY = "深圳市南山区政务服务中心"
NANSHAN_PHONE = "0755-26652345"


def with_regions(catalog_dir: Path = FIXTURE_CATALOG):
    from clerk.catalog import load_catalog

    return load_catalog(catalog_dir, CROSS_REGION)


def medical_filing(marks: dict[str, MaterialMark] | None = None, *, delivery: Delivery = Delivery.EMS) -> IntakeDraft:
    """A complete 异地就医备案 visit (its 容缺 material is ky-medical-residence)."""
    full = {"ky-application": RECEIVED, "ky-id-card": RECEIVED, "ky-medical-residence": COPY}
    return IntakeDraft(MEDICAL_FILING, PERSON, delivery, {}, dict(full if marks is None else marks))
