"""Building the checklist (申请材料清单) for an item or a bundle, and freezing it.

Situation answers add and remove materials; a 情形必要 material appears only
when an answer adds it, and then as 必要.  A bundle's checklist is the merge of
its items' checklists on the material key, each entry listing the items that
need it (the seeds' "12 materials became 6").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from clerk.catalog.errors import ChecklistError
from clerk.catalog.model import (
    Checklist,
    ChecklistEntry,
    Commitment,
    LimitUnit,
    Material,
    MaterialForm,
    Need,
    ServiceItem,
    Situation,
    TimeLimit,
    VerifyMethod,
)

# Stronger first: when items of a bundle disagree, the window asks for the stronger form.
_FORM_STRENGTH = (MaterialForm.ORIGINAL, MaterialForm.COPY, MaterialForm.ELECTRONIC)


def resolve_answers(
    situations: tuple[Situation, ...], answers: Mapping[str, str], code: str
) -> dict[str, str]:
    """Every situation key mapped to a valid label (the first option by default)."""
    by_key = {s.key: s for s in situations}
    for key, label in answers.items():
        situation = by_key.get(key)
        if situation is None:
            known = "、".join(by_key) or "无"
            raise ChecklistError(f"{code} 没有情形 {key!r}（可用的情形：{known}）")
        labels = [o.label for o in situation.options]
        if label not in labels:
            raise ChecklistError(
                f"情形「{situation.question}」没有选项「{label}」（可选：{'、'.join(labels)}）"
            )
    return {s.key: answers.get(s.key, s.default.label) for s in situations}


def item_entries(
    item: ServiceItem, answers: Mapping[str, str], shared: Mapping[str, Material]
) -> list[Material]:
    """The item's materials for these (already resolved) answers, in catalog order."""
    adds: list[str] = []
    removes: set[str] = set()
    for situation in item.situations:
        label = answers.get(situation.key, situation.default.label)
        option = next(o for o in situation.options if o.label == label)
        adds.extend(k for k in option.adds if k not in adds)
        removes.update(option.removes)
    result: list[Material] = []
    listed = set()
    for material in item.materials:
        listed.add(material.key)
        if material.key in removes:
            continue
        if material.need is Need.CONDITIONAL:
            if material.key not in adds:
                continue
            material = replace(material, need=Need.REQUIRED)
        result.append(material)
    for key in adds:  # shared materials an answer adds without the item listing them
        if key not in listed and key not in removes:
            result.append(replace(shared[key], need=Need.REQUIRED))
    return result


def merge(per_item: list[tuple[str, list[Material]]]) -> tuple[ChecklistEntry, ...]:
    """Merge the items' materials on key; first appearance fixes the order."""
    merged: dict[str, list[tuple[str, Material]]] = {}
    for code, materials in per_item:
        for material in materials:
            merged.setdefault(material.key, []).append((code, material))
    return tuple(_merge_one(uses) for uses in merged.values())


def _merge_one(uses: list[tuple[str, Material]]) -> ChecklistEntry:
    codes = tuple(dict.fromkeys(code for code, _ in uses))
    variants = [m for _, m in uses]
    first = variants[0]
    if len(variants) == 1:
        return ChecklistEntry(first, codes)
    groups = {m.alt_group for m in variants}
    material = replace(
        first,
        form=min((m.form for m in variants), key=_FORM_STRENGTH.index),
        copies=max(m.copies for m in variants),
        need=Need.REQUIRED if any(m.need is Need.REQUIRED for m in variants) else first.need,
        tolerable=all(m.tolerable for m in variants),
        alt_group=first.alt_group if len(groups) == 1 else None,
        commitment=_merged_commitment([m.commitment for m in variants]),
    )
    return ChecklistEntry(material, codes)


def _merged_commitment(commitments: list[Commitment | None]) -> Commitment | None:
    """A commitment only when every item of the bundle allows one for this material; where
    they differ, the strictest terms: the shortest limit (its method with it), the largest share,
    and every item's legal requirement."""
    kept = [c for c in commitments if c is not None]
    if len(kept) < len(commitments) or not kept:
        return None
    strictest = min(kept, key=lambda c: c.within.span()[1])
    bases = dict.fromkeys(c.basis for c in kept if c.basis)
    return replace(strictest, replaces=kept[0].replaces,
                   sample_percent=max(c.sample_percent for c in kept), basis="；".join(bases))


def build(
    version: str,
    code: str,
    items: list[ServiceItem],
    situations: tuple[Situation, ...],
    answers: Mapping[str, str],
    shared: Mapping[str, Material],
) -> Checklist:
    resolved = resolve_answers(situations, answers, code)
    per_item = [(item.code, item_entries(item, resolved, shared)) for item in items]
    return Checklist(
        catalog_version=version,
        item_codes=tuple(item.code for item in items),
        answers=tuple(resolved.items()),
        entries=merge(per_item),
        code=code,
    )


# -- freezing -----------------------------------------------------------------


def checklist_to_dict(checklist: Checklist) -> dict[str, Any]:
    """A JSON-safe dict (only str, int, bool, None, lists and dicts)."""
    return {
        "catalog_version": checklist.catalog_version,
        "code": checklist.code,
        "item_codes": list(checklist.item_codes),
        "answers": [[key, label] for key, label in checklist.answers],
        "entries": [
            {
                "key": e.material.key,
                "name": e.material.name,
                "form": e.material.form.value,
                "copies": e.material.copies,
                "need": e.material.need.value,
                "tolerable": e.material.tolerable,
                "requirement": e.material.requirement,
                "alt_group": e.material.alt_group,
                "needed_by": list(e.needed_by),
                # only when there is one: a checklist without commitments freezes as it always did
                **({"commitment": commitment_to_dict(e.material.commitment)} if e.material.commitment else {}),
            }
            for e in checklist.entries
        ],
    }


def checklist_from_dict(data: Mapping[str, Any]) -> Checklist:
    """The inverse of ``checklist_to_dict``."""
    try:
        entries = tuple(
            ChecklistEntry(
                Material(
                    key=e["key"],
                    name=e["name"],
                    form=MaterialForm(e["form"]),
                    copies=int(e["copies"]),
                    need=Need(e["need"]),
                    tolerable=bool(e["tolerable"]),
                    requirement=e["requirement"],
                    alt_group=e.get("alt_group"),
                    commitment=commitment_from_dict(e["commitment"]) if e.get("commitment") else None,
                ),
                tuple(e["needed_by"]),
            )
            for e in data["entries"]
        )
        return Checklist(
            catalog_version=data["catalog_version"],
            item_codes=tuple(data["item_codes"]),
            answers=tuple((key, label) for key, label in data["answers"]),
            entries=entries,
            code=data.get("code", ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ChecklistError(f"冻结的材料清单数据不完整或已损坏：{exc}") from exc


def commitment_to_dict(commitment: Commitment) -> dict[str, Any]:
    """A commitment as JSON-safe values (the limit as its count and unit)."""
    return {
        "replaces": commitment.replaces,
        "method": commitment.method.value,
        "within": [commitment.within.count, commitment.within.unit.value],
        "sample_percent": commitment.sample_percent,
        "basis": commitment.basis,
    }


def commitment_from_dict(data: Mapping[str, Any]) -> Commitment:
    """The inverse of ``commitment_to_dict`` (raises KeyError, TypeError or ValueError when broken)."""
    count, unit = data["within"]
    return Commitment(
        replaces=str(data["replaces"]),
        method=VerifyMethod(data["method"]),
        within=TimeLimit(int(count), LimitUnit(unit)),
        sample_percent=int(data.get("sample_percent", 100)),
        basis=str(data.get("basis", "")),
    )
