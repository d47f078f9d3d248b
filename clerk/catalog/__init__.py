"""The service catalog (事项目录): items, materials, bundles and situations.

See docs/architecture.md ("catalog") for the contract and
docs/catalog-format.md for the files.  ``load_catalog`` imports PyYAML and
pypinyin only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.catalog.catalog import Catalog
from clerk.catalog.checklist import checklist_from_dict, checklist_to_dict
from clerk.catalog.errors import CatalogError, ChecklistError, Problem, UnknownCode
from clerk.catalog.model import (
    Bundle,
    Checklist,
    ChecklistEntry,
    Delivery,
    ItemKind,
    LimitUnit,
    Material,
    MaterialForm,
    Need,
    ServiceItem,
    Situation,
    SituationOption,
    TimeLimit,
)
from clerk.catalog.search import SearchHit

if TYPE_CHECKING:
    from clerk.catalog.loader import load_catalog

__all__ = [
    "Bundle", "Catalog", "CatalogError", "Checklist", "ChecklistEntry", "ChecklistError",
    "Delivery", "ItemKind", "LimitUnit", "Material", "MaterialForm", "Need", "Problem", "SearchHit",
    "ServiceItem", "Situation", "SituationOption", "TimeLimit", "UnknownCode", "checklist_from_dict",
    "checklist_to_dict", "load_catalog",
]


def __getattr__(name: str) -> object:
    # PEP 562: keep `import clerk.catalog` free of PyYAML until a catalog is loaded.
    if name == "load_catalog":
        from clerk.catalog.loader import load_catalog

        return load_catalog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
