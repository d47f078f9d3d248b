"""The catalog shipped in data/catalog checks clean and answers the clerks' usual queries."""

from __future__ import annotations

from clerk.shipped import shipped_path, shipped_root

SHIPPED = shipped_path("catalog")


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


def test_catalog_check_accepts_the_data_folder(capsys):
    from clerk.cli import main

    assert main(["catalog", "check", str(shipped_root())]) == 0
    out = capsys.readouterr().out
    assert out.startswith("目录检查通过：212 个事项，5 个一件事")


def test_newborn_bundle_merges_its_five_items_into_six_materials():
    from clerk.catalog import load_catalog

    catalog = load_catalog(SHIPPED)
    newborn = next(b for b in catalog.bundles.values() if "新生儿" in b.name)
    assert len(newborn.item_codes) == 5
    separate = sum(len(catalog.checklist(code).entries) for code in newborn.item_codes)
    merged = catalog.checklist(newborn.code)
    assert (separate, len(merged.entries)) == (17, 6)
    assert all(len(e.needed_by) >= 1 for e in merged.entries)
    assert max(len(e.needed_by) for e in merged.entries) >= 3  # shared by several items
