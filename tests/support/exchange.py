"""Two halls for the 跨域通办 tests (a pytest plugin, see tests/conftest.py): each its own store,
staff, SM2 key pair and trusted keys — hall A (收件地) on SQLite, hall B (办理地) on PostgreSQL.

- ``two_halls``: (A, B), each a :class:`Hall`, each trusting the other's public key.
- ``store_state``: what a refusal must leave as it was (rows of every table a packet could
  touch, the audit chain's head).
- ``issue_notices``: the case's queued notices issued as their PDFs (what the print queue
  does with no printer), so that a packet carries them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clerk.domain.accounts import ClerkUser, Role
from tests.support.accounts import PASSWORD
from tests.support.scans import pdf_of

HALL_A = "370171-高新区政务服务中心"
HALL_B = "440305-南山区政务服务中心"


@dataclass
class Hall:
    hall_id: str
    folder: Path
    store: Any
    cases: Any  # CaseService
    desk: Any  # DeskService
    exchange: Any  # ExchangeService
    users: dict[str, ClerkUser]
    key: Any  # HallKeyPair


def make_hall(hall_id: str, code: str, store: Any, folder: Path, catalog: Any, calendar: Any, clock: Any) -> Hall:
    from clerk.exchange.keys import HallKeyPair, write_private_key
    from clerk.exchange.service import ExchangeService
    from clerk.services.cases import CaseService
    from clerk.services.desk import DeskService

    cases = CaseService(store, catalog, calendar, clock, hall_code=code, timezone="Asia/Shanghai")
    users = {name: cases.add_user(None, user_id, label, role, PASSWORD) for name, user_id, label, role in (
        ("window", "w01", "张三", Role.WINDOW), ("fallback", "f01", "王兜底", Role.FALLBACK),
        ("office", "b01", "孙审批", Role.BACKOFFICE), ("mail", "m01", "赵邮", Role.MAILROOM))}
    key = HallKeyPair.generate()
    write_private_key(folder / "sm2-private.key", key)
    exchange = ExchangeService(cases, hall_id, hall_id.split("-", 1)[1], folder / "sm2-private.key", folder / "trusted")
    return Hall(hall_id, folder, store, cases, DeskService(cases), exchange, users, key)


def trust(hall: Hall, other: Hall) -> None:
    from clerk.exchange.keys import install_trusted

    install_trusted(hall.folder / "trusted", other.hall_id, other.key.public_hex, other.hall_id)


@pytest.fixture
def two_halls(store_templates, pg_server, tmp_path, catalog, calendar, clock, cheap_password_hashing):
    (tmp_path / "a").mkdir()
    a_store = store_templates.sqlite_store(tmp_path / "a" / "clerk.db")
    b_store, b_name = store_templates.postgres_store(pg_server)
    try:
        a = make_hall(HALL_A, "GX", a_store, tmp_path / "a", catalog, calendar, clock)
        b = make_hall(HALL_B, "NS", b_store, tmp_path / "b", catalog, calendar, clock)
        trust(a, b)
        trust(b, a)
        yield a, b
    finally:
        a_store.dispose()
        b_store.dispose()
        pg_server.drop_database(b_name)


def issue_notices(hall: Hall, number: str, folder: Path) -> list[str]:
    """Every queued notice of case ``number`` issued as a PDF of its own (``mark_printed`` with no
    printer: saved); their kinds."""
    view = hall.cases.get(number)
    kinds = []
    for n, notice in enumerate(hall.cases.pending_notices(), 1):
        if notice.case_number != view.number:
            continue
        pdf = pdf_of(1, shade=10 + 20 * n)
        path = folder / f"{view.number}-{notice.id}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        from clerk.domain.scans import sha256_hex

        hall.cases.mark_printed(notice.id, path=str(path), sha256=sha256_hex(pdf), on_paper=False)
        kinds.append(notice.kind.value)
    return kinds


def store_state(store: Any) -> dict[str, object]:
    """Row counts of the tables an import writes, the cases' states and versions, the audit head."""
    from sqlalchemy import text

    tables = ("cases", "deadlines", "notices", "mail_items", "material_files", "exchange_cases",
              "exchange_packets", "audit_events")
    with store.session(write=False) as session:
        state: dict[str, object] = {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
        state["cases_rows"] = sorted(tuple(r) for r in session.execute(
            text("SELECT number, state, version, reason FROM cases")))
        state["links"] = sorted(tuple(r) for r in session.execute(
            text("SELECT case_id, remote_number FROM exchange_cases")))
        state["head"] = tuple(session.execute(text("SELECT seq, hash FROM audit_head")).one())
    return state
