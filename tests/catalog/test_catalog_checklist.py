"""Checklists for items and bundles: situations, conditional materials, merging, freezing."""

from __future__ import annotations

import json

import pytest

from clerk.catalog import (
    Checklist,
    ChecklistError,
    MaterialForm,
    Need,
    UnknownCode,
    checklist_from_dict,
    checklist_to_dict,
)

GGWS = "370112-GGWS-001"
SPJY = "370112-SPJY-001"


def keys(checklist: Checklist) -> list[str]:
    return [e.material.key for e in checklist.entries]


def entry(checklist: Checklist, key: str):
    return next(e for e in checklist.entries if e.material.key == key)


def test_default_answers_leave_conditional_materials_out(hall):
    checklist = hall.checklist(GGWS)
    assert keys(checklist) == ["id-card", "business-licence", "hygiene-plan", "lease-contract", "property-certificate"]
    assert checklist.answers == (("applicant", "本人办理"), ("change", "新设"))
    assert checklist.item_codes == (GGWS,) and checklist.code == GGWS
    assert checklist.catalog_version == hall.version
    assert all(e.needed_by == (GGWS,) for e in checklist.entries)


def test_answers_add_and_remove_materials(hall):
    checklist = hall.checklist(GGWS, {"applicant": "委托代理人办理", "change": "变更"})
    assert keys(checklist) == [
        "id-card", "business-licence", "lease-contract", "property-certificate",
        "proxy-letter", "agent-id-card",
    ]
    # Added conditional materials are required from then on; the shared one comes with its definition.
    assert entry(checklist, "proxy-letter").material.need is Need.REQUIRED
    agent = entry(checklist, "agent-id-card").material
    assert (agent.name, agent.need, agent.form) == ("代理人居民身份证", Need.REQUIRED, MaterialForm.ORIGINAL)
    assert entry(checklist, "lease-contract").material.alt_group == "premises"
    assert entry(checklist, "business-licence").material.tolerable


def test_optional_materials_are_listed_as_optional(hall):
    assert entry(hall.checklist(SPJY), "food-safety-plan").material.need is Need.OPTIONAL


def test_unknown_situation_key_or_label_is_a_clear_error(hall):
    with pytest.raises(ChecklistError, match="没有情形 'colour'.*applicant、change"):
        hall.checklist(GGWS, {"colour": "红"})
    with pytest.raises(ChecklistError, match="情形「办理方式」没有选项「代办」（可选：本人办理、委托代理人办理）"):
        hall.checklist(GGWS, {"applicant": "代办"})
    with pytest.raises(UnknownCode, match="没有编码为 NOPE 的事项或一件事"):
        hall.checklist("NOPE")
    with pytest.raises(LookupError):
        hall.situations("NOPE")


def test_newborn_bundle_merges_twelve_materials_into_six(hall):
    bundle = hall.bundles["YJS-XSE"]
    singles = [hall.checklist(code) for code in bundle.item_codes]
    assert sum(len(c.entries) for c in singles) == 12
    merged = hall.checklist("YJS-XSE")
    assert keys(merged) == ["birth-cert", "hukou-book", "id-card", "marriage-cert", "photo", "bank-card"]
    assert merged.item_codes == bundle.item_codes and merged.code == "YJS-XSE"
    assert entry(merged, "birth-cert").needed_by == (
        "370112-HJ-001", "370112-YB-003", "370112-HL-001", "370112-SY-001",
    )
    assert entry(merged, "photo").needed_by == ("370112-SB-002",)
    assert entry(merged, "photo").material.copies == 2


def test_bundle_situations_are_the_union_and_answers_reach_every_item(hall):
    assert [s.key for s in hall.situations("YJS-KCG")] == ["applicant", "change"]
    assert hall.situations(GGWS) == hall.items[GGWS].situations
    merged = hall.checklist("YJS-KCG", {"applicant": "委托代理人办理"})
    assert entry(merged, "proxy-letter").needed_by == (SPJY, GGWS)
    assert entry(merged, "agent-id-card").needed_by == (SPJY, GGWS)
    assert len(keys(merged)) == len(set(keys(merged)))


def test_bundle_merge_takes_the_stricter_variant(hall):
    merged = hall.checklist("YJS-KCG")
    licence = entry(merged, "business-licence")
    # Tolerable (容缺) for the hygiene licence only: the food licence needs it, so not tolerable.
    assert licence.needed_by == (SPJY, GGWS) and not licence.material.tolerable
    assert entry(merged, "lease-contract").material.alt_group == "premises"
    assert entry(merged, "hygiene-plan").needed_by == (GGWS,)
    assert entry(merged, "food-safety-plan").material.need is Need.OPTIONAL


@pytest.mark.parametrize(
    ("code", "answers"),
    [(GGWS, {"applicant": "委托代理人办理", "change": "变更"}), ("YJS-KCG", {}), ("YJS-XSE", {})],
)
def test_checklist_round_trips_through_json(hall, code, answers):
    checklist = hall.checklist(code, answers)
    data = json.loads(json.dumps(checklist_to_dict(checklist), ensure_ascii=False))
    assert checklist_from_dict(data) == checklist


def test_a_damaged_frozen_checklist_is_refused(hall):
    data = checklist_to_dict(hall.checklist(GGWS))
    data["entries"][0]["form"] = "传真"
    with pytest.raises(ChecklistError, match="已损坏"):
        checklist_from_dict(data)
    del data["entries"]
    with pytest.raises(ChecklistError):
        checklist_from_dict(data)
