"""What changes between two catalog versions, for the supervisor to read before switching.

Items and bundles are matched by code; an item's materials by name (an import
numbers its material keys by position, so a key says little across exports),
then by key for what is left.  ``CatalogDiff.lines`` is the Chinese report
``clerk catalog diff OLD NEW`` prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from clerk.catalog.catalog import Catalog
from clerk.catalog.model import Bundle, Commitment, Material, ServiceItem

E = TypeVar("E", ServiceItem, Bundle)


@dataclass(frozen=True)
class Change:
    what: str  # a field's Chinese label
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.what}：{self.old or '（空）'} → {self.new or '（空）'}"


@dataclass(frozen=True)
class ItemDiff:
    code: str
    name: str
    fields: tuple[Change, ...] = ()
    added: tuple[Material, ...] = ()
    removed: tuple[Material, ...] = ()
    changed: tuple[tuple[str, tuple[Change, ...]], ...] = ()  # (material name, its changes)

    def __bool__(self) -> bool:
        return bool(self.fields or self.added or self.removed or self.changed)


@dataclass(frozen=True)
class CatalogDiff:
    old_version: str
    new_version: str
    added: tuple[ServiceItem | Bundle, ...] = ()
    removed: tuple[ServiceItem | Bundle, ...] = ()
    changed: tuple[ItemDiff, ...] = ()
    unchanged: int = 0
    sizes: tuple[tuple[int, int], tuple[int, int]] = field(default=((0, 0), (0, 0)))

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        (oi, ob), (ni, nb) = self.sizes
        out = [f"事项目录对比：旧版本 {self.old_version[:8]}（{oi} 个事项，{ob} 个一件事）"
               f" → 新版本 {self.new_version[:8]}（{ni} 个事项，{nb} 个一件事）"]
        if self.empty:
            out.append("两个版本的事项、一件事和材料完全相同。")
            return out
        if self.added:
            out.append(f"新增 {len(self.added)} 项：")
            out += [f"  + {_title(x)}" for x in self.added]
        if self.removed:
            out.append(f"删除 {len(self.removed)} 项：")
            out += [f"  - {_title(x)}" for x in self.removed]
        if self.changed:
            out.append(f"变更 {len(self.changed)} 项：")
            for diff in self.changed:
                out.append(f"  * {diff.code} {diff.name}")
                out += [f"      {change}" for change in diff.fields]
                out += [f"      新增材料：{_material(m)}" for m in diff.added]
                out += [f"      删除材料：{m.name}" for m in diff.removed]
                out += [f"      材料「{name}」：" + "；".join(str(c) for c in changes) for name, changes in diff.changed]
        out.append(f"合计：新增 {len(self.added)}，删除 {len(self.removed)}，变更 {len(self.changed)}，"
                   f"未变 {self.unchanged}。")
        out.append("在办件按受理时冻结的材料清单继续办理，切换目录不影响它们。")
        return out


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    added: list[ServiceItem | Bundle] = []
    removed: list[ServiceItem | Bundle] = []
    changed: list[ItemDiff] = []
    unchanged = _compare(old.items, new.items, _item_diff, added, removed, changed)
    unchanged += _compare(old.bundles, new.bundles, _bundle_diff, added, removed, changed)
    return CatalogDiff(old.version, new.version, tuple(added), tuple(removed), tuple(changed), unchanged,
                       ((len(old.items), len(old.bundles)), (len(new.items), len(new.bundles))))


def _title(thing: ServiceItem | Bundle) -> str:
    if isinstance(thing, Bundle):
        return f"{thing.code} {thing.name}（一件事，{len(thing.item_codes)} 个事项）"
    return f"{thing.code} {thing.name}（{thing.department}，{thing.kind.value}，承诺 {thing.promised}）"


def _material(m: Material) -> str:
    extra = [m.need.value] + (["容缺"] if m.tolerable else []) + (["可告知承诺"] if m.commitment else [])
    return f"{m.name}（{m.form.value}{m.copies}份，{'、'.join(extra)}）"


def _commitment(commitment: Commitment | None) -> str:
    """A commitment's terms in one line; empty (shown as （空）) when there is none."""
    if commitment is None:
        return ""
    return str(commitment) + (f"；承诺内容：{commitment.basis}" if commitment.basis else "")


def _changes(pairs: list[tuple[str, object, object]]) -> tuple[Change, ...]:
    return tuple(Change(label, _text(a), _text(b)) for label, a, b in pairs if a != b)


def _text(value: object) -> str:
    if isinstance(value, tuple):
        return "、".join(str(getattr(v, "value", v)) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(getattr(value, "value", value))


def _compare(olds: Mapping[str, E], news: Mapping[str, E], compare: Callable[[E, E], ItemDiff],
             added: list[ServiceItem | Bundle], removed: list[ServiceItem | Bundle], changed: list[ItemDiff]) -> int:
    """Sort the entries of one kind into ``added``, ``removed`` and ``changed``; how many are unchanged."""
    unchanged = 0
    for code in sorted(set(olds) | set(news)):
        if code not in olds:
            added.append(news[code])
        elif code not in news:
            removed.append(olds[code])
        else:
            diff = compare(olds[code], news[code])
            if diff:
                changed.append(diff)
            else:
                unchanged += 1
    return unchanged


def _item_diff(old: ServiceItem, new: ServiceItem) -> ItemDiff:
    fields = _changes([
        ("名称", old.name, new.name), ("事项类型", old.item_type, new.item_type),
        ("实施主体", old.department, new.department), ("办件类型", old.kind, new.kind),
        ("法定时限", str(old.statutory), str(new.statutory)), ("承诺时限", str(old.promised), str(new.promised)),
        ("收费", old.fee, new.fee), ("办理结果", old.result_name, new.result_name),
        ("送达方式", old.deliveries, new.deliveries), ("咨询电话", old.phone, new.phone),
        ("别名", old.aliases, new.aliases),
        ("告知承诺制", _commitment(old.commitment), _commitment(new.commitment)),
        ("情形", tuple(s.question for s in old.situations), tuple(s.question for s in new.situations)),
    ])
    pairs, added, removed = _match(old.materials, new.materials)
    changed = []
    for a, b in pairs:
        changes = _changes([
            ("名称", a.name, b.name), ("形式", a.form, b.form), ("份数", a.copies, b.copies),
            ("必要性", a.need, b.need), ("容缺", a.tolerable, b.tolerable),
            ("可替代组", a.alt_group or "", b.alt_group or ""), ("要求", a.requirement, b.requirement),
            ("告知承诺", _commitment(a.commitment), _commitment(b.commitment)),
        ])
        if changes:
            changed.append((a.name, changes))
    return ItemDiff(new.code, new.name, fields, tuple(added), tuple(removed), tuple(changed))


def _match(old: tuple[Material, ...],
           new: tuple[Material, ...]) -> tuple[list[tuple[Material, Material]], list[Material], list[Material]]:
    """Pairs of the same material (by name, then by key), and the unmatched on each side."""
    left, right = list(old), list(new)
    pairs: list[tuple[Material, Material]] = []
    sameness: tuple[Callable[[Material, Material], bool], ...] = (lambda a, b: a.name == b.name,
                                                                   lambda a, b: a.key == b.key)
    for same in sameness:
        for a in list(left):
            b = next((b for b in right if same(a, b)), None)
            if b is not None:
                pairs.append((a, b))
                left.remove(a)
                right.remove(b)
    return pairs, right, left


def _bundle_diff(old: Bundle, new: Bundle) -> ItemDiff:
    fields = _changes([("名称", old.name, new.name), ("包含事项", old.item_codes, new.item_codes),
                       ("说明", old.description, new.description), ("别名", old.aliases, new.aliases)])
    return ItemDiff(new.code, new.name, fields)
