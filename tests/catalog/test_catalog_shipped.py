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


def test_the_shipped_catalog_marks_real_commitment_cases():
    """告知承诺制 where the State Council's and Shandong's lists allow it: certificates a signed
    commitment replaces, and licences issued on commitment with the inspection afterwards."""
    from clerk.catalog import LimitUnit, VerifyMethod, load_catalog

    catalog = load_catalog(SHIPPED)
    marked = {(item.code, m.name): m.commitment for item in catalog.items.values()
              for m in item.materials if m.commitment is not None}
    assert 8 <= len(marked) <= 15
    assert marked[("370112-JTJ-005", "无交通肇事犯罪、危险驾驶犯罪等记录证明")].method is VerifyMethod.ASK
    assert marked[("370112-GAFJ-006", "毕业证书")].replaces == "学历证明"
    residence = marked[("370112-GAFJ-010", "居住地住所证明")]
    assert (residence.method, residence.sample_percent) == (VerifyMethod.SITE, 30)
    assert ("370112-WSJK-005", "6个月内健康体检证明") in marked
    on_commitment = {code: item.commitment for code, item in catalog.items.items() if item.commitment}
    assert set(on_commitment) == {"370112-WSJK-001", "370112-SCJG-011", "370112-WLJ-005", "370112-JTJ-001",
                                  "370112-RSJ-006"}
    assert on_commitment["370112-SCJG-011"].within.unit is LimitUnit.MONTHS
    assert all(c.basis for c in on_commitment.values())  # printed on the 告知承诺书: what the law requires
    # a material never both 容缺 and on commitment; a bundle keeps its items' marks
    assert not any(m.tolerable and m.commitment for item in catalog.items.values() for m in item.materials)
    drugstore = catalog.bundles["YJS-KYD"]
    assert "370112-SCJG-011" in drugstore.item_codes
