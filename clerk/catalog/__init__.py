"""The service catalog (事项目录): items, materials, bundles and situations.

See docs/architecture.md ("catalog") for the contract and
docs/catalog-format.md for the files.  The names below load on first use (PEP 562):
``clerk.catalog.errors`` stays cheap for the first screen, and ``load_catalog``
imports PyYAML and pypinyin only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.lazy import lazy_exports

_EXPORTS = {
    "Catalog": "clerk.catalog.catalog",
    "checklist_from_dict": "clerk.catalog.checklist",
    "checklist_to_dict": "clerk.catalog.checklist",
    "CatalogError": "clerk.catalog.errors",
    "ChecklistError": "clerk.catalog.errors",
    "Problem": "clerk.catalog.errors",
    "UnknownCode": "clerk.catalog.errors",
    "Bundle": "clerk.catalog.model",
    "Checklist": "clerk.catalog.model",
    "ChecklistEntry": "clerk.catalog.model",
    "Commitment": "clerk.catalog.model",
    "Delivery": "clerk.catalog.model",
    "ItemKind": "clerk.catalog.model",
    "LimitUnit": "clerk.catalog.model",
    "Material": "clerk.catalog.model",
    "MaterialForm": "clerk.catalog.model",
    "Need": "clerk.catalog.model",
    "ServiceItem": "clerk.catalog.model",
    "Situation": "clerk.catalog.model",
    "SituationOption": "clerk.catalog.model",
    "TimeLimit": "clerk.catalog.model",
    "VerifyMethod": "clerk.catalog.model",
    "SearchHit": "clerk.catalog.search",
    "load_catalog": "clerk.catalog.loader",
}

__all__ = [
    "Bundle",
    "Catalog",
    "CatalogError",
    "Checklist",
    "ChecklistEntry",
    "ChecklistError",
    "Commitment",
    "Delivery",
    "ItemKind",
    "LimitUnit",
    "Material",
    "MaterialForm",
    "Need",
    "Problem",
    "SearchHit",
    "ServiceItem",
    "Situation",
    "SituationOption",
    "TimeLimit",
    "UnknownCode",
    "VerifyMethod",
    "checklist_from_dict",
    "checklist_to_dict",
    "load_catalog",
]

if TYPE_CHECKING:  # pragma: no cover
    from clerk.catalog.catalog import Catalog
    from clerk.catalog.checklist import checklist_from_dict, checklist_to_dict
    from clerk.catalog.errors import CatalogError, ChecklistError, Problem, UnknownCode
    from clerk.catalog.loader import load_catalog
    from clerk.catalog.model import (
        Bundle,
        Checklist,
        ChecklistEntry,
        Commitment,
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
        VerifyMethod,
    )
    from clerk.catalog.search import SearchHit


__getattr__ = lazy_exports(__name__, _EXPORTS)
