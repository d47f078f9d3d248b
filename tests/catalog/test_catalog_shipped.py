"""The catalog shipped in data/catalog checks clean and answers the clerks' usual queries."""

from __future__ import annotations

import pytest

from clerk.config import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "data" / "catalog"


@pytest.mark.skipif(
    not any(SHIPPED.glob("*.yaml")), reason="data/catalog has no YAML yet (being written)"
)
def test_shipped_catalog_checks_clean_and_finds_the_usual_items():
    from clerk.catalog import load_catalog

    catalog = load_catalog(SHIPPED)  # raises CatalogError listing every problem
    assert len(catalog.items) >= 40
    assert len(catalog.bundles) >= 3
    hygiene = catalog.search("wsxk")
    assert hygiene and all("卫生许可" in hit.name for hit in hygiene[:1])
    food = catalog.search("spjy")
    assert food and "食品经营" in food[0].name
    for bundle in catalog.bundles.values():
        merged = catalog.checklist(bundle.code)
        assert len({e.material.key for e in merged.entries}) == len(merged.entries)
