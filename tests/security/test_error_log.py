"""Database and unexpected errors: one short sentence on screen, masked details in the log."""

from __future__ import annotations

import re
import stat

import pytest

from clerk.domain.intake import Outcome
from clerk.incidents import mask_personal
from tests.support.drafts import PERSON, hygiene
from tests.support.screen import screen_text, settle

pytestmark = pytest.mark.asyncio

FULL_ID, PHONE, ADDRESS = PERSON.id_number, PERSON.phone, PERSON.address


def _data_error():
    """What PostgreSQL's driver raised for a 201-character name, through SQLAlchemy."""
    from sqlalchemy.exc import DataError

    params = {"applicant_name": "名" * 201, "applicant_id_number": FULL_ID, "applicant_phone": PHONE,
              "applicant_address": ADDRESS + "某某小区3号楼2单元501室"}
    return DataError("INSERT INTO cases (applicant_name, applicant_id_number, applicant_phone, applicant_address) "
                     "VALUES (%(applicant_name)s, %(applicant_id_number)s, %(applicant_phone)s, "
                     "%(applicant_address)s)", params,
                     Exception("value too long for type character varying(200)"))


class Broken:
    def __init__(self, real, error) -> None:
        self.real, self.error = real, error

    def submit(self, *args, **kwargs):
        raise self.error

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def backend():
    return "sqlite"


@pytest.mark.parametrize("error", [_data_error(), RuntimeError(f"unexpected for {FULL_ID} at {PHONE}")],
                         ids=["data-error", "runtime"])
async def test_an_error_is_one_sentence_and_the_details_are_logged_masked(make_app, service, users, tmp_path,
                                                                          error):
    from clerk.tui.widgets.banner import Banner

    app = make_app(state_dir=tmp_path / "state")
    app.services._cases = Broken(service, error)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.signed_in(users["window"], 5)
        await settle(pilot)
        await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
        app.submit_visit(app.screen, hygiene(), Outcome.ACCEPT, "")
        await settle(pilot)
        banner = app.screen.query_one(Banner)
        shown = screen_text(app)
    assert banner.level == "error" and len(banner.text) < 80 and "记录号" in banner.text
    for secret in (FULL_ID, PHONE, "INSERT", "parameters", ADDRESS):
        assert secret not in banner.text and secret not in shown
    ref = re.search(r"记录号 ([0-9a-f]{8})", banner.text).group(1)
    log = tmp_path / "state" / "clerk.log"
    logged = log.read_text(encoding="utf-8")
    assert f"incident {ref}" in logged and type(error).__name__ in logged
    for secret in (FULL_ID, PHONE, ADDRESS):
        assert secret not in logged
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


async def test_masking_keeps_what_helps_and_drops_what_identifies():
    text = (f"ID {FULL_ID} phone {PHONE} landline 0531-88886666 credit 91350100M000100Y43\n"
            "[SQL: UPDATE cases SET applicant_name=%(n)s]\n[parameters: {'n': '张三', 'a': '济南市历城区山大路100号'}]\n"
            "(Background on this error at: https://sqlalche.me/e/20/9h9h)")
    masked = mask_personal(text)
    assert "110105********002X" in masked and "138****5678" in masked and "0531-****66" in masked
    assert "91350100M000100Y43" not in masked and "张三" not in masked and "山大路" not in masked
    assert "[SQL: UPDATE cases SET applicant_name=%(n)s]" in masked and "Background on this error" in masked


async def test_a_crash_prints_one_sentence_not_the_applicants_data(make_app, users, tmp_path, capfd):
    """Textual's crash report shows a traceback with locals; clerk's shows a sentence and logs the rest."""
    app = make_app(state_dir=tmp_path / "state")
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            app.signed_in(users["window"], 5)
            await settle(pilot)
            await settle(pilot)  # landing waits for the seat (clerk.tui.seats)
            secret = FULL_ID  # a local the crash would have printed

            def crash() -> None:
                raise RuntimeError(f"broken while showing {secret}")

            app.call_later(crash)
            await pilot.pause()
    shown = capfd.readouterr()
    assert "记录号" in shown.err and FULL_ID not in shown.err + shown.out and "Traceback" not in shown.err
    logged = (tmp_path / "state" / "clerk.log").read_text(encoding="utf-8")
    assert "RuntimeError" in logged and FULL_ID not in logged and "110105********002X" in logged
