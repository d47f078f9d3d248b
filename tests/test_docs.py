"""The docs name only what exists.

Every dotted path ``clerk.x.y`` (``clerk.x.y.Name``, ``clerk.x.y:func``) in README.md and
docs/**/*.md is a module that imports or an attribute of one, or the id of a real key
binding; every binding id (``intake.finish``, ``clerk.go_*``, ``lookup.*``) is the id of a
``Binding`` in clerk.tui; every source file (``clerk/store/audit.py``), ``python -m`` module
and relative link exists; and a ``[keymap]`` example in the docs gives no key that another
binding of the same screen already uses.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.util
import inspect
import pkgutil
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

import clerk.tui

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

# `clerk.x.y`, `clerk.x.y.Name`, `clerk.x.y:func`, `clerk.go_*`; not inside a file path
# (`~/.config/clerk/clerk.toml`) nor after another name (`a.clerk.b`).
DOTTED = re.compile(r"(?<![\w./$~-])clerk(?:\.[A-Za-z_*][A-Za-z0-9_*]*)+(?::[A-Za-z_]\w*)?")
# a binding id outside `clerk.*`: `<scope>.<name>` or `<scope>.*`, the scope checked later
SCOPED = re.compile(r"(?<![\[\w./$~-])([a-z][a-z_]*)\.([a-z_][a-z0-9_]*\*?|\*)(?![\w(/-])")
# `clerk.log`, `clerk.toml`, `clerk.db.before-restore-<time>`: file names, not modules
FILE_SUFFIXES = {"db", "log", "toml", "tcss", "key", "json", "py", "md", "csv", "pdf", "svg",
                 "png", "txt", "yaml", "yml", "ttc", "ttf", "sh", "cfg", "ini", "html"}
# Dotted strings that name neither a module nor a binding: the purposes the window app
# seals its files under (docs/window-security.md); each must be a literal in clerk/.
PURPOSES = {"clerk.pending", "clerk.open"}


def _doc_lines() -> Iterator[tuple[str, int, str]]:
    for path in DOCS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield str(path.relative_to(ROOT)), number, line


def _tui_classes() -> list[type[DOMNode]]:
    """Every App, Screen and widget class defined in clerk.tui (importing every module)."""
    classes: dict[str, type[DOMNode]] = {}
    for info in pkgutil.walk_packages(clerk.tui.__path__, "clerk.tui."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, DOMNode) and obj.__module__ == module.__name__:
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(classes.values())


def _bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings a class has, its bases' included, as Textual merges them."""
    found: list[Binding] = []
    for base in reversed(cls.__mro__):
        if not issubclass(base, DOMNode):
            continue
        if not base._inherit_bindings:
            found = []
        for item in vars(base).get("BINDINGS", []):
            if isinstance(item, Binding):
                found.append(item)
            elif isinstance(item, tuple):
                found.append(Binding(*item))
    return found


@pytest.fixture(scope="module")
def classes() -> list[type[DOMNode]]:
    return _tui_classes()


@pytest.fixture(scope="module")
def binding_ids(classes: list[type[DOMNode]]) -> set[str]:
    return {b.id for cls in classes for b in _bindings(cls) if b.id}


def _resolves(path: str) -> bool:
    """`clerk.a.b.Name` / `clerk.a.b:func` imports (and has the attribute)."""
    dotted, _, func = path.partition(":")
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        name = ".".join(parts[:split])
        try:
            obj: object = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                continue
            raise
        break
    else:
        return False
    for attribute in [*parts[split:], *([func] if func else [])]:
        if not hasattr(obj, attribute):
            return False
        obj = getattr(obj, attribute)
    return True


def _is_package(name: str) -> bool:
    """`clerk.commands.*`: a package with modules in it."""
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return False
    return spec is not None and bool(spec.submodule_search_locations)


def _is_binding(name: str, ids: set[str]) -> bool:
    return bool(fnmatch.filter(ids, name)) if "*" in name else name in ids


def test_every_clerk_path_in_the_docs_exists(binding_ids: set[str]) -> None:
    missing = []
    for where, number, line in _doc_lines():
        for match in DOTTED.finditer(line):
            name = match.group(0)
            parts = name.split(":")[0].split(".")
            if any(part in FILE_SUFFIXES for part in parts[1:]):
                continue
            if name in PURPOSES or _is_binding(name, binding_ids):
                continue
            if name.endswith(".*") and "*" not in name[:-2] and _is_package(name[:-2]):
                continue
            if "*" in name or not _resolves(name):
                missing.append(f"{where}:{number}: {name}")
    assert not missing, "the docs name modules or binding ids that do not exist:\n" + "\n".join(missing)


# `clerk/store/audit.py`, `bench/queue_sim.py`, `tests/tui/`: files of the source tree
SOURCE_FILE = re.compile(r"(?<![\w/.~$-])(?:clerk|bench|tests|tools)/[\w/.-]*[\w/]")
RUN_MODULE = re.compile(r"python -m ((?:clerk|bench|tools)(?:\.\w+)*)")


def test_every_source_file_and_runnable_module_in_the_docs_exists() -> None:
    missing = []
    for where, number, line in _doc_lines():
        for match in SOURCE_FILE.finditer(line):
            if not (ROOT / match.group(0)).exists():
                missing.append(f"{where}:{number}: {match.group(0)}")
        for match in RUN_MODULE.finditer(line):
            if importlib.util.find_spec(match.group(1)) is None:
                missing.append(f"{where}:{number}: python -m {match.group(1)}")
    assert not missing, "the docs name files or modules that do not exist:\n" + "\n".join(missing)


def test_every_relative_link_in_the_docs_leads_to_a_file() -> None:
    broken = []
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if "://" not in target and not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)}: {target}")
    assert not broken, "\n".join(broken)


def test_the_named_purposes_are_the_codes() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "clerk").rglob("*.py"))
    for purpose in PURPOSES:
        assert re.search(rf"[\"']{re.escape(purpose)}[\"']", source), purpose


def test_every_binding_id_in_the_docs_exists(binding_ids: set[str]) -> None:
    scopes = {i.split(".", 1)[0] for i in binding_ids} - {"clerk"}
    missing = []
    for where, number, line in _doc_lines():
        for match in SCOPED.finditer(line):
            scope, rest = match.groups()
            if scope not in scopes or rest in FILE_SUFFIXES:
                continue
            if not _is_binding(match.group(0), binding_ids):
                missing.append(f"{where}:{number}: {match.group(0)}")
    assert not missing, "the docs name binding ids that do not exist:\n" + "\n".join(missing)


def _keymap_examples() -> Iterator[tuple[str, dict[str, str]]]:
    """The `[keymap]` tables of the docs' TOML blocks."""
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"```toml\n(.*?)```", text, re.S):
            if "[keymap]" not in block:
                continue
            keymap = tomllib.loads(block)["keymap"]
            yield str(path.relative_to(ROOT)), keymap


def test_the_docs_have_keymap_examples() -> None:
    where = {doc for doc, _ in _keymap_examples()}
    assert {"README.md", "docs/deploy.md"} <= where


def _keys(binding: Binding, keymap: dict[str, str]) -> set[str]:
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return {k.strip().lower() for k in keys.split(",") if k.strip()}


def test_keymap_examples_take_no_key_already_in_use(classes: list[type[DOMNode]]) -> None:
    """A remapped key is free where the binding lives: among the bindings of its class and,
    for a screen or widget, the window app's; for an app binding, among every screen's too
    (a screen's binding of the same key would hide it there)."""
    from clerk.tui.app import ClerkApp

    screens = [c for c in classes if issubclass(c, Screen)]
    clashes = []
    examples = list(_keymap_examples())
    assert examples
    for doc, keymap in examples:
        for binding_id, keys in keymap.items():
            owners = [c for c in classes if any(b.id == binding_id for b in _bindings(c))]
            assert owners, f"{doc}: {binding_id} is no binding id"
            wanted = {k.strip().lower() for k in keys.split(",")}
            for owner in owners:
                scope = list(_bindings(owner))
                if issubclass(owner, App):
                    scope += [b for s in screens for b in _bindings(s)]
                else:
                    scope += _bindings(ClerkApp)
                for other in scope:
                    if other.id == binding_id:
                        continue
                    taken = wanted & _keys(other, keymap)
                    if taken:
                        clashes.append(f"{doc}: {binding_id} = {sorted(taken)} is already "
                                       f"{other.id or other.action} ({owner.__name__})")
    assert not clashes, "\n".join(clashes)


def test_the_layers_diagram_is_the_import_linter_contract() -> None:
    """docs/architecture.md draws the `layers` contract of pyproject.toml, tier by tier."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("\n## Layers"):]
    diagram = section[section.index("```\n") + 4:section.index("\n```", section.index("```\n"))]
    # a tier is the line up to a gap of two or more spaces (what follows is a note)
    drawn = [re.split(r"\s{2,}", line.strip())[0] for line in diagram.splitlines() if line.strip()]
    assert drawn == [" | ".join(t.strip() for t in tier.split("|")) for tier in layers]
