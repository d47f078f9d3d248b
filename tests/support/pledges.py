"""A catalog with 告知承诺 marks (built from the fixture catalog, plain data)."""

from __future__ import annotations

from dataclasses import replace

from clerk.catalog.catalog import Catalog
from clerk.catalog.model import Commitment, LimitUnit, TimeLimit, VerifyMethod

#: 卫生管理制度 of the hygiene licence may be replaced by a commitment, verified on data within 20 working days
HYGIENE_PLAN = Commitment("卫生管理制度文本", VerifyMethod.DATA, TimeLimit(20), 100,
                          "公共场所经营者应当建立卫生管理制度")
#: the food licence 实行告知承诺制: the on-site check replaced, a fifth of cases inspected within 30 days
FOOD_SITE = Commitment("许可前现场核查", VerifyMethod.SITE, TimeLimit(30, LimitUnit.CALENDAR_DAYS), 20,
                       "经营场所符合食品安全要求")


def pledge_catalog(catalog: Catalog) -> Catalog:
    """The fixture catalog with 卫生管理制度 committable and 食品经营许可 on commitment."""
    items = dict(catalog.items)
    hygiene = items["T-GGWS-001"]
    items["T-GGWS-001"] = replace(hygiene, materials=tuple(
        replace(m, commitment=HYGIENE_PLAN) if m.key == "hygiene-plan" else m for m in hygiene.materials))
    items["T-SP-002"] = replace(items["T-SP-002"], commitment=FOOD_SITE)
    return Catalog(catalog.version, items, catalog.bundles, catalog.materials, catalog.synonyms)
