"""A visit kept through an outage keeps its pages (issue 26): beside the sealed file, named by
their digests which the seal covers; a changed page sets the kept visit aside; a saved visit's
pages are saved with its case, and its page files are removed from the window's disk."""

from __future__ import annotations

import stat

import pytest

from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from clerk.tui.state import PendingVisit, WindowState
from tests.support.drafts import hygiene
from tests.support.scans import with_files


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def state(tmp_path):
    key = b"k" * 32
    return WindowState(tmp_path / "state", key=lambda: key)


def test_kept_visit_brings_its_pages_back_and_saves_them_with_the_case(state, service):
    window = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    draft = with_files(hygiene(), id_card=2, lease_contract=1)
    kept = state.keep(PendingVisit("w01", 3, draft, Outcome.ACCEPT))
    pages = sorted(state.pages_dir.glob("*.pdf"))
    assert len(pages) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in pages)
    assert stat.S_IMODE(state.pages_dir.stat().st_mode) == 0o700
    assert b"%PDF" not in (state.pending_dir / f"{kept.key}.json").read_bytes()  # digests only

    [back] = state.pending()
    assert back.draft.files == draft.files
    case = service.submit(service.account(back.clerk_id), back.window, back.draft, back.outcome, visit_key=back.key)
    assert [(f.material_key, f.pages) for f in case.files] == [("id-card", 2), ("lease-contract", 1)]
    state.saved(back)
    assert list(state.pages_dir.glob("*.pdf")) == []
    assert window.id == "w01"


def test_a_changed_page_sets_the_kept_visit_aside(state):
    draft = with_files(hygiene(), id_card=1)
    kept = state.keep(PendingVisit("w01", 3, draft, Outcome.ACCEPT))
    page = state.pages_dir / f"{draft.files['id-card'].sha256}.pdf"
    page.write_bytes(page.read_bytes().replace(b"%PDF", b"%PDX", 1))
    assert state.pending() == []
    assert [p.name for p in state.take_rejected()] == [f"{kept.key}.json"]


def test_a_missing_page_sets_the_kept_visit_aside(state):
    draft = with_files(hygiene(), id_card=1)
    state.keep(PendingVisit("w01", 3, draft, Outcome.ACCEPT))
    (state.pages_dir / f"{draft.files['id-card'].sha256}.pdf").unlink()
    assert state.pending() == [] and len(state.take_rejected()) == 1


def test_the_visit_being_typed_keeps_its_pages_and_drops_them_with_it(state):
    draft = with_files(hygiene(), id_card=2)
    state.keep_open("w01", draft, "v1")
    back = state.open_visit("w01")
    assert back is not None and back.draft.files == draft.files
    state.drop_open("w01")
    assert list(state.pages_dir.glob("*.pdf")) == []
