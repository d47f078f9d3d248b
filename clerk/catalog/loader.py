"""Load and validate the catalog folder (see docs/catalog-format.md).

Every problem in every file is collected and reported at once; the catalog is
only built when there is none, so a broken catalog is never half-loaded.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from clerk.catalog.catalog import Catalog
from clerk.catalog.errors import CatalogError, Problem
from clerk.catalog.limits import parse_limit, parse_percent
from clerk.catalog.model import (
    Bundle,
    Commitment,
    Delivery,
    HandlingRegion,
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
from clerk.catalog.normalise import SYNONYM_FILE, SynonymError, Synonyms, load_synonyms, normalise
from clerk.catalog.yamlreader import Fields, Reader, compose, line_at, line_of
from clerk.characters import code_point, kind_of

_KEY = re.compile(r"[a-z0-9-]+")
_MATERIAL_FIELDS = ("key", "name", "form", "copies", "requirement")
_USE_FIELDS = ("need", "tolerable", "alt", "commitment")
_COMMITMENT_FIELDS = ("replaces", "method", "within", "sample", "basis")
_ITEM_FIELDS = (
    "code", "name", "department", "kind", "statutory_days", "promised_days",
    "fee", "result", "delivery", "phone", "materials",
)


_ITEM_OPTIONAL = ("situations", "aliases", "statutory_unit", "promised_unit", "item_type", "commitment")


_REGION_FIELDS = ("code", "name", "body", "phone", "address", "transfer_days")
_REGION_CODE = re.compile(r"[1-8][0-9]{5}")
_HALL_ID_MAX = 48  # clerk.store.tables_exchange.HALL_ID_MAX


@dataclass
class _Source:
    """One composed YAML file and the sections it holds."""

    reader: Reader
    sections: Fields | None
    cross_region: bool = False  # a file of the other regions' catalog (跨省通办)
    region: HandlingRegion | None = None


def load_catalog(path: Path | str, cross_region: Path | str | None = None) -> Catalog:
    """Load a catalog folder (every ``*.yaml`` in it) or a single YAML file, and the
    other regions' items (跨域通办) from ``cross_region`` (a folder or file; None: none).

    The other regions' items are read and checked like the hall's own (their codes
    may not repeat the hall's) but kept apart: ``Catalog.items`` is the hall's,
    ``Catalog.regional`` the others'.
    Raises ``CatalogError`` listing every problem as ``file:line: message``.
    """
    path = Path(path)
    problems: list[Problem] = []
    files = _catalog_files(path, problems)
    other_files = _cross_region_files(Path(cross_region), problems) if cross_region is not None else []
    digest = hashlib.sha256()
    sources: list[_Source] = []
    unreadable = False
    for file in [*files, *other_files]:
        data = file.read_bytes()
        if file in other_files:  # the version names both sources; a file name cannot move across
            digest.update(b"\x00cross-region\x00")
        digest.update(data)
        source = _compose_file(file, data, problems, cross_region=file in other_files)
        if source is not None:
            sources.append(source)
        else:
            unreadable = True
    if unreadable:
        # A file that does not parse leaves its codes undefined: report the real
        # cause alone, not the knock-on "未定义" lines in the other files.
        raise CatalogError(problems)

    shared: dict[str, tuple[Material, str]] = {}
    for source in sources:
        for node in _section(source, "materials"):
            _shared_material(source.reader, node, shared)
    materials = {key: material for key, (material, _) in shared.items()}

    codes: dict[str, str] = {}  # code -> "file:line" of its first definition
    items: dict[str, ServiceItem] = {}
    regional: dict[str, ServiceItem] = {}
    for source in sources:
        if source.cross_region:
            source.region = _region(source)
        for node in _section(source, "items"):
            item = _item(source.reader, node, materials, codes)
            if item is None:
                continue
            if not source.cross_region:
                items[item.code] = item
            elif source.region is not None and _regional_limit_ok(source.reader, node, item):
                regional[item.code] = replace(item, region=source.region)
    bundles: dict[str, Bundle] = {}
    for source in sources:
        for node in _section(source, "bundles"):
            bundle = _bundle(source.reader, node, items, codes)
            if bundle is not None:
                bundles[bundle.code] = bundle

    if files and not problems and not items:
        problems.append(Problem(str(path), 0, "目录中没有任何事项（items）"))
    synonyms = _hall_synonyms(files, problems)
    if problems:
        raise CatalogError(problems)
    catalog = Catalog(version=digest.hexdigest(), items=items, bundles=bundles, materials=materials,
                      synonyms=synonyms, regional=regional)
    catalog.prepare_search()  # pinyin keys once, at load, never per keystroke
    return catalog


def _hall_synonyms(files: list[Path], problems: list[Problem]) -> Synonyms | None:
    """A hall's own ``search-synonyms.toml`` beside its catalog files replaces the shipped table."""
    if not files:
        return None
    path = files[0].parent / SYNONYM_FILE
    if not path.is_file():
        return None
    try:
        return load_synonyms(path)
    except SynonymError as exc:
        problems.append(Problem(str(path), exc.line, exc.reason))
        return None


def _catalog_files(path: Path, problems: list[Problem]) -> list[Path]:
    if path.is_dir() and not any(path.glob("*.yaml")) and (path / "catalog").is_dir():
        path = path / "catalog"  # `clerk catalog check data/`: the shipped layout
    if path.is_dir():
        files = sorted((p for p in path.glob("*.yaml") if p.is_file()), key=lambda p: p.name)
        if not files:
            problems.append(Problem(str(path), 0, "目录中没有 *.yaml 文件"))
        return files
    if path.is_file():
        return [path]
    problems.append(Problem(str(path), 0, "找不到事项目录（文件或文件夹不存在）"))
    return []


def _cross_region_files(path: Path, problems: list[Problem]) -> list[Path]:
    if path.is_dir():
        return sorted((p for p in path.glob("*.yaml") if p.is_file()), key=lambda p: p.name)
    if path.is_file():
        return [path]
    problems.append(Problem(str(path), 0, "找不到跨域通办事项目录（文件或文件夹不存在）"))
    return []


def _region(source: _Source) -> HandlingRegion | None:
    """A cross-region file's ``region:``: who decides its items, and the transfer time."""
    reader = source.reader
    node = source.sections.get("region") if source.sections is not None else None
    if node is None:
        if source.sections is not None and "items" in source.sections:
            reader.problem(source.sections.line, "跨域通办事项文件缺少 region（办理地：行政区划代码、名称、办理机构、"
                                                 "电话、地址、移交时限）")
        return None
    what = "办理地（region）"
    fields = reader.fields(node, what, required=_REGION_FIELDS, optional=("hall_id",))
    if fields is None:
        return None
    code = reader.text(fields, "code", what)
    if code is not None and not _REGION_CODE.fullmatch(code):
        reader.problem(fields.at("code"), f"{what}的 code 应为 6 位行政区划代码（如 440305），实际是 {code!r}")
        code = None
    name = reader.text(fields, "name", what)
    body = reader.text(fields, "body", what)
    phone = reader.text(fields, "phone", what)
    address = reader.text(fields, "address", what)
    transfer = reader.positive_int(fields, "transfer_days", what)
    hall_id = reader.text(fields, "hall_id", what) if "hall_id" in fields else (
        f"{code}-{body}" if code and body else None)
    if hall_id is not None and len(hall_id) > _HALL_ID_MAX:
        reader.problem(fields.at("hall_id") if "hall_id" in fields else fields.at("body"),
                       f"{what}的大厅标识 {hall_id} 超过 {_HALL_ID_MAX} 个字符，请用 hall_id 给出较短的标识")
        hall_id = None
    if hall_id is not None and code is not None and not hall_id.startswith(f"{code}-"):
        reader.problem(fields.at("hall_id"), f"{what}的 hall_id 应以行政区划代码开头（{code}-…），实际是 {hall_id!r}")
        hall_id = None
    if (code is None or name is None or body is None or phone is None or address is None or transfer is None
            or hall_id is None):
        return None
    return HandlingRegion(code, name, body, phone, address, transfer, hall_id)


def _regional_limit_ok(reader: Reader, node: Node, item: ServiceItem) -> bool:
    """The window promises the handling region's limit plus the transfer, in working days:
    a limit in 自然日 or 月 cannot be added to them."""
    if item.promised_unit in (LimitUnit.WORKING_DAYS, LimitUnit.IMMEDIATE):
        return True
    reader.problem(node, f"跨域通办事项 {item.code} 的承诺时限应以工作日计（或即办），实际是 {item.promised}："
                         "收件地按工作日加上移交时限承诺办结日期")
    return False


def _compose_file(file: Path, data: bytes, problems: list[Problem], *, cross_region: bool = False) -> _Source | None:
    reader = Reader(str(file), problems)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reader.problem(line, "文件不是 UTF-8 编码")
        return None
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        reader.problem(line, f"YAML 语法错误：{exc.problem or exc.context}")
        return None
    except yaml.reader.ReaderError as exc:
        bad = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
        reader.problem(line_at(text, exc.position), f"文件含有{kind_of(bad)}（{code_point(bad)}），请删除")
        return None
    except yaml.YAMLError as exc:
        reader.problem(0, f"YAML 语法错误：{exc}")
        return None
    if root is None or (isinstance(root, ScalarNode) and root.value == ""):
        return _Source(reader, None, cross_region)
    optional = ("region", "materials", "items") if cross_region else ("materials", "items", "bundles")
    sections = reader.fields(root, "文件顶层", required=(), optional=optional)
    return _Source(reader, sections, cross_region)


def _section(source: _Source, name: str) -> list[Node]:
    if source.sections is None:
        return []
    return source.reader.sequence(source.sections.get(name), name)


def _key(reader: Reader, fields: Fields, name: str, what: str) -> str | None:
    key = reader.text(fields, name, what)
    if key is not None and not _KEY.fullmatch(key):
        reader.problem(fields.at(name), f"{what}的 {name} 只能由小写字母、数字和 - 组成：{key!r}")
        return None
    return key


def _material_definition(reader: Reader, fields: Fields, what: str) -> Material | None:
    key = _key(reader, fields, "key", what)
    name = reader.text(fields, "name", what)
    form = reader.enum(fields, "form", what, MaterialForm)
    copies = reader.positive_int(fields, "copies", what)
    requirement = reader.text(fields, "requirement", what)
    if key is None or name is None or form is None or copies is None or requirement is None:
        return None
    return Material(key, name, form, copies, Need.REQUIRED, False, requirement)


def _shared_material(reader: Reader, node: Node, shared: dict[str, tuple[Material, str]]) -> None:
    fields = reader.fields(node, "共用材料", required=_MATERIAL_FIELDS)
    if fields is None:
        return
    material = _material_definition(reader, fields, "共用材料")
    if material is None:
        return
    if material.key in shared:
        first = shared[material.key][1]
        reader.problem(fields.at("key"), f"材料 key {material.key} 重复（首次定义于 {first}）")
        return
    shared[material.key] = (material, f"{reader.file}:{fields.line}")


def _register_code(reader: Reader, fields: Fields, code: str, codes: dict[str, str]) -> bool:
    if code in codes:
        reader.problem(fields.at("code"), f"编码 {code} 重复（首次定义于 {codes[code]}）")
        return False
    codes[code] = f"{reader.file}:{line_of(fields.at('code'))}"
    return True


def _item(
    reader: Reader, node: Node, shared: dict[str, Material], codes: dict[str, str]
) -> ServiceItem | None:
    fields = reader.fields(node, "事项", required=_ITEM_FIELDS, optional=_ITEM_OPTIONAL)
    if fields is None:
        return None
    code = reader.text(fields, "code", "事项")
    what = f"事项 {code} " if code else "事项"
    unique = code is not None and _register_code(reader, fields, code, codes)
    name = reader.text(fields, "name", what)
    department = reader.text(fields, "department", what)
    kind = reader.enum(fields, "kind", what, ItemKind)
    statutory = _limit(reader, fields, "statutory", what)
    promised = _limit(reader, fields, "promised", what)
    if statutory is not None and promised is not None and promised.surely_longer_than(statutory):
        reader.problem(
            fields.at("promised_days"), f"{what}的承诺时限（{promised}）超过法定时限（{statutory}）"
        )
        promised = None
    fee = reader.text(fields, "fee", what)
    result = reader.text(fields, "result", what)
    deliveries = _deliveries(reader, fields, what)
    phone = reader.text(fields, "phone", what)
    materials, lines = _item_materials(reader, fields, shared, what)
    situations = _situations(reader, fields, shared, {m.key for m in materials}, what)
    _check_conditional_and_alt(reader, materials, lines, situations, what)
    aliases = _aliases(reader, fields, name, what)
    item_type = reader.text(fields, "item_type", what) if "item_type" in fields else ""
    commitment = _commitment(reader, fields, what, None) if "commitment" in fields else None
    if (not unique or code is None or name is None or department is None or kind is None or statutory is None
            or promised is None or fee is None or result is None or phone is None or aliases is None
            or item_type is None or deliveries is None or materials is None
            or ("commitment" in fields and commitment is None)):
        return None
    return ServiceItem(
        code=code, name=name, department=department, kind=kind,
        statutory_days=statutory.count, promised_days=promised.count, fee=fee, result_name=result,
        deliveries=deliveries, phone=phone, materials=tuple(materials),
        situations=tuple(situations), source=f"{reader.file}:{fields.line}", aliases=aliases,
        statutory_unit=statutory.unit, promised_unit=promised.unit, item_type=item_type,
        commitment=commitment,
    )


def _limit(reader: Reader, fields: Fields, which: str, what: str) -> TimeLimit | None:
    """``<which>_days`` with its optional ``<which>_unit`` (default 工作日, 行政许可法 art. 82)."""
    unit = LimitUnit.WORKING_DAYS
    if f"{which}_unit" in fields:
        given = reader.enum(fields, f"{which}_unit", what, LimitUnit)
        if given is None:
            return None
        unit = given
    name = f"{which}_days"
    node = fields.get(name)
    if unit is LimitUnit.IMMEDIATE:
        if node is None:
            return None
        value = reader.scalar(node)
        if isinstance(value, bool) or value != 0:
            reader.problem(node, f"{what}的 {name} 在单位为即办时应为 0，实际是 {node.value!r}")
            return None
        return TimeLimit(0, unit)
    count = reader.positive_int(fields, name, what)
    return None if count is None else TimeLimit(count, unit)


def _deliveries(reader: Reader, fields: Fields, what: str) -> tuple[Delivery, ...] | None:
    node = fields.get("delivery")
    if node is None:
        return None
    chosen: list[Delivery] = []
    for item in reader.sequence(node, f"{what}的 delivery"):
        value = reader.enum_value(item, f"{what}的 delivery", Delivery)
        if value is None:
            return None
        if value in chosen:
            reader.problem(item, f"{what}的 delivery 中 {value} 重复")
            return None
        chosen.append(value)
    if not chosen:
        reader.problem(fields.key("delivery"), f"{what}的 delivery 至少要有一种送达方式")
        return None
    return tuple(chosen)


def _item_materials(
    reader: Reader, fields: Fields, shared: dict[str, Material], what: str
) -> tuple[list[Material], dict[str, int]]:
    """The item's materials (refs resolved) and the line of each by key."""
    materials: list[Material] = []
    lines: dict[str, int] = {}
    for node in reader.sequence(fields.get("materials"), f"{what}的 materials"):
        material = _item_material(reader, node, shared, what)
        if material is None:
            continue
        if material.key in lines:
            reader.problem(node, f"{what}中材料 {material.key} 重复（已在第 {lines[material.key]} 行列出）")
            continue
        materials.append(material)
        lines[material.key] = line_of(node)
    return materials, lines


def _item_material(
    reader: Reader, node: Node, shared: dict[str, Material], what: str
) -> Material | None:
    names = (
        {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
        if isinstance(node, MappingNode)
        else set()
    )
    label = f"{what}的材料"
    if "ref" in names:
        fields = reader.fields(node, label, required=("ref",), optional=(*_USE_FIELDS, "requirement"))
        if fields is None:
            return None
        ref = reader.text(fields, "ref", label)
        if ref is None:
            return None
        base = shared.get(ref)
        if base is None:
            reader.problem(fields.at("ref"), f"{what}引用了未定义的材料 {ref}")
            return None
        if "requirement" in fields:  # this item's own wording of the shared material
            requirement = reader.text(fields, "requirement", label)
            if requirement is None:
                return None
            base = replace(base, requirement=requirement)
    else:
        fields = reader.fields(node, label, required=_MATERIAL_FIELDS, optional=_USE_FIELDS)
        if fields is None:
            return None
        base = _material_definition(reader, fields, label)
        if base is not None and base.key in shared:
            reader.problem(
                fields.at("key"),
                f"{what}的本地材料 key {base.key} 与共用材料重名（请改用 ref: {base.key}）",
            )
            return None
        label = f"{what}的材料 {base.key} " if base else label
    need = reader.enum(fields, "need", label, Need)
    tolerable = reader.boolean(fields, "tolerable", label, default=False)
    alt = reader.text(fields, "alt", label) if "alt" in fields else None
    commitment = None
    if "commitment" in fields:
        named = f"{what}的材料 {base.key} " if base else label
        commitment = _commitment(reader, fields, named, base.name if base else "")
        if commitment is not None and not _commitment_fits(reader, fields, named, need, tolerable):
            commitment = None
    if (base is None or ("need" in fields and need is None) or ("alt" in fields and alt is None)
            or ("commitment" in fields and commitment is None)):
        return None
    return replace(base, need=need or Need.REQUIRED, tolerable=tolerable, alt_group=alt, commitment=commitment)


def _commitment(reader: Reader, fields: Fields, what: str, default_replaces: str | None) -> Commitment | None:
    """``commitment:`` (告知承诺制) on a material (``replaces`` defaults to the material's name)
    or on an item (``replaces`` required: what the commitment stands in for, e.g. 现场核查)."""
    label = f"{what}的告知承诺（commitment）"
    required = ("method", "within") if default_replaces is not None else ("replaces", "method", "within")
    cfields = reader.fields(fields.at("commitment"), label, required=required, optional=_COMMITMENT_FIELDS)
    if cfields is None:
        return None
    replaces = reader.text(cfields, "replaces", label) if "replaces" in cfields else default_replaces
    method = reader.enum(cfields, "method", label, VerifyMethod)
    within = _within(reader, cfields, label)
    sample = _sample(reader, cfields, label) if "sample" in cfields else 100
    basis = reader.text(cfields, "basis", label) if "basis" in cfields else ""
    if not replaces or method is None or within is None or sample is None or basis is None:
        return None
    return Commitment(replaces, method, within, sample, basis)


def _within(reader: Reader, cfields: Fields, label: str) -> TimeLimit | None:
    """The verification limit: a count of working days (``20``) or a spelling the 实施清单
    uses for 时限 (``20个工作日``, ``30日``, ``3个月``); never 即办 or 0."""
    node = cfields.get("within")
    if node is None:
        return None
    value = reader.scalar(node)
    limit = None
    if isinstance(value, int) and not isinstance(value, bool):
        limit = TimeLimit(value) if value > 0 else TimeLimit(0, LimitUnit.IMMEDIATE)
    elif isinstance(value, str):
        limit = parse_limit(value)
    if limit is None:
        reader.problem(node, f"{label}的 within（核查时限）无法识别 {_shown(node)}"
                             "（应如 20、20个工作日、30日、3个月）")
        return None
    if limit.count <= 0:
        reader.problem(node, f"{label}的 within（核查时限）应大于 0，实际是 {_shown(node)}："
                             "核查在受理之后进行，需要一个期限")
        return None
    return limit


def _sample(reader: Reader, cfields: Fields, label: str) -> int | None:
    """The share of cases verified, 1–100 (``20`` or ``20%``; default 100: every case)."""
    node = cfields.get("sample")
    if node is None:
        return None
    value = reader.scalar(node)
    if isinstance(value, bool):
        share = None
    elif isinstance(value, int):
        share = value
    else:
        share = parse_percent(value) if isinstance(value, str) else None
    if share is None or not 1 <= share <= 100:
        reader.problem(node, f"{label}的 sample（抽查比例）应为 1 到 100 之间的百分数，实际是 {_shown(node)}")
        return None
    return share


def _commitment_fits(reader: Reader, fields: Fields, label: str, need: Need | None, tolerable: bool) -> bool:
    """A material taken on commitment is never brought: so it cannot also be 容缺 (brought
    later by a set date) and must be one the item asks for (a 非必要 one needs no stand-in)."""
    if tolerable:
        reader.problem(fields.key("commitment"),
                       f"{label}不能既容缺又可告知承诺：容缺的材料须限期补交，告知承诺的材料不再提交、"
                       "由部门核查，请只保留一种")
        return False
    if need is Need.OPTIONAL:
        reader.problem(fields.key("commitment"), f"{label}是非必要材料，无需以告知承诺代替")
        return False
    return True


def _shown(node: Node) -> str:
    return repr(node.value) if isinstance(node, ScalarNode) and node.value != "" else "空值"


def _situations(
    reader: Reader, fields: Fields, shared: dict[str, Material], local: set[str], what: str
) -> list[Situation]:
    situations: list[Situation] = []
    seen: set[str | None] = set()
    for node in reader.sequence(fields.get("situations"), f"{what}的 situations"):
        sfields = reader.fields(node, f"{what}的情形", required=("key", "question", "options"))
        if sfields is None:
            continue
        key = _key(reader, sfields, "key", f"{what}的情形")
        label = f"{what}的情形 {key} " if key else f"{what}的情形"
        if key is not None and key in seen:
            reader.problem(sfields.at("key"), f"{what}中情形 {key} 重复")
            key = None
        seen.add(key)
        question = reader.text(sfields, "question", label)
        options = _options(reader, sfields, shared, local, label)
        if len(options) == 1:
            reader.problem(sfields.key("options"), f"{label}至少需要两个选项")
        if key is not None and question is not None and len(options) >= 2:
            situations.append(Situation(key, question, tuple(options)))
    return situations


def _options(
    reader: Reader, sfields: Fields, shared: dict[str, Material], local: set[str], label: str
) -> list[SituationOption]:
    options: list[SituationOption] = []
    labels: set[str] = set()
    for node in reader.sequence(sfields.get("options"), f"{label}的 options"):
        ofields = reader.fields(node, f"{label}的选项", required=("label",), optional=("adds", "removes"))
        if ofields is None:
            continue
        text = reader.text(ofields, "label", f"{label}的选项")
        if text is not None and text in labels:
            reader.problem(ofields.at("label"), f"{label}中选项「{text}」重复")
            continue
        keys: dict[str, tuple[str, ...]] = {}
        for name in ("adds", "removes"):
            found = []
            for key, knode in reader.text_list(ofields.get(name), f"{label}的 {name}"):
                if key not in shared and key not in local:
                    reader.problem(knode, f"{label}的 {name} 引用了未定义的材料 {key}")
                else:
                    found.append(key)
            keys[name] = tuple(found)
        if text is not None:
            labels.add(text)
            options.append(SituationOption(text, keys["adds"], keys["removes"]))
    return options


def _check_conditional_and_alt(
    reader: Reader,
    materials: list[Material],
    lines: dict[str, int],
    situations: list[Situation],
    what: str,
) -> None:
    added = {key for s in situations for option in s.options for key in option.adds}
    groups: dict[str, list[Material]] = {}
    for material in materials:
        if material.need is Need.CONDITIONAL and material.key not in added:
            reader.problem(
                lines[material.key],
                f"{what}的材料 {material.key} 是情形必要，但没有任何情形选项添加它（adds）",
            )
        if material.alt_group is not None:
            groups.setdefault(material.alt_group, []).append(material)
    for group, members in groups.items():
        if len(members) < 2:
            reader.problem(
                lines[members[0].key], f"{what}的可替代组 {group} 只有一个材料，至少需要两个"
            )


def _bundle(
    reader: Reader, node: Node, items: dict[str, ServiceItem], codes: dict[str, str]
) -> Bundle | None:
    fields = reader.fields(
        node, "一件事", required=("code", "name", "items"), optional=("description", "aliases", "child_name")
    )
    if fields is None:
        return None
    code = reader.text(fields, "code", "一件事")
    what = f"一件事 {code} " if code else "一件事"
    unique = code is not None and _register_code(reader, fields, code, codes)
    name = reader.text(fields, "name", what)
    description = reader.text(fields, "description", what) if "description" in fields else ""
    child_name = reader.boolean(fields, "child_name", what, False)
    item_codes: list[str] = []
    ok = True
    entries = reader.text_list(fields.get("items"), f"{what}的 items")
    for item_code, inode in entries:
        if item_code in item_codes:
            reader.problem(inode, f"{what}中事项 {item_code} 重复")
            ok = False
        elif item_code not in items:
            if item_code not in codes:  # a broken item was already reported where it is defined
                reader.problem(inode, f"{what}包含未定义的事项 {item_code}")
            ok = False
        else:
            item_codes.append(item_code)
    if fields.get("items") is not None and len(entries) < 2:
        reader.problem(fields.key("items"), f"{what}至少需要包含两个事项")
        ok = False
    if ok and not _situations_agree(reader, fields, [items[c] for c in item_codes], what):
        ok = False
    aliases = _aliases(reader, fields, name, what)
    if not unique or code is None or name is None or description is None or aliases is None or not ok:
        return None
    return Bundle(code, name, tuple(item_codes), description, f"{reader.file}:{fields.line}", aliases,
                  child_name)


def _aliases(reader: Reader, fields: Fields, name: str | None, what: str) -> tuple[str, ...] | None:
    """``aliases:`` (俗称), optional: distinct non-empty texts other than the name."""
    if "aliases" not in fields:
        return ()
    problems = len(reader.problems)
    seen: dict[str, str] = {normalise(name): name} if name else {}
    aliases: list[str] = []
    for alias, node in reader.text_list(fields.get("aliases"), f"{what}的 aliases"):
        key = normalise(alias)
        if not key:
            reader.problem(node, f"{what}的别名「{alias}」去掉空格和括号后为空")
        elif key in seen:
            reader.problem(node, f"{what}的别名「{alias}」与「{seen[key]}」重复")
        else:
            seen[key] = alias
            aliases.append(alias)
    return tuple(aliases) if len(reader.problems) == problems else None


def _situations_agree(reader: Reader, fields: Fields, items: list[ServiceItem], what: str) -> bool:
    """Items of one bundle that share a situation key must ask the same question."""
    first: dict[str, tuple[str, Situation]] = {}
    ok = True
    for item in items:
        for situation in item.situations:
            seen = first.setdefault(situation.key, (item.code, situation))
            other_code, other = seen
            same = other.question == situation.question and [o.label for o in other.options] == [
                o.label for o in situation.options
            ]
            if not same:
                reader.problem(
                    fields.key("items"),
                    f"{what}中事项 {other_code} 与 {item.code} 的情形 {situation.key} "
                    "问题或选项不一致，无法合并为一张表单",
                )
                ok = False
    return ok
