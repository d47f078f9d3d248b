"""Free text in the domain: controls, bidi marks and lengths refused at entry, on both stores."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.domain.errors import IntakeError
from clerk.domain.intake import Applicant, ApplicantKind, Outcome
from clerk.identity.text import ADDRESS_MAX, NAME_MAX, NOTE_MAX, check_text, printable
from tests.support.drafts import PERSON, hygiene
from tests.support.hostile import HOSTILE, ids


@pytest.mark.parametrize("hostile", HOSTILE, ids=ids())
def test_applicant_name_rule(hostile):
    applicant = replace(PERSON, name=hostile.value)
    problems = applicant.problems(need_address=True)
    assert bool(problems) is hostile.refused
    for problem in problems:  # the reason never quotes the value back
        assert hostile.value not in problem


@pytest.mark.parametrize("codepoint", [0x00, 0x07, 0x09, 0x0A, 0x1B, 0x7F, 0x85, 0x9F,
                                       0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])
def test_every_control_and_bidi_mark_is_refused_with_its_code(codepoint):
    result = check_text(f"济南市{chr(codepoint)}历城区", "邮寄地址", ADDRESS_MAX)
    assert not result.ok and f"U+{codepoint:04X}" in result.reason and result.reason.startswith("邮寄地址")


def test_lengths_are_the_domains():
    assert check_text("名" * NAME_MAX, "申请人名称", NAME_MAX).ok
    too_long = check_text("名" * (NAME_MAX + 1), "申请人名称", NAME_MAX)
    assert not too_long.ok and "最多 100 个字" in too_long.reason
    assert Applicant(ApplicantKind.PERSON, "王五", PERSON.id_number, PERSON.phone, "址" * 201).problems(
        need_address=True) == ["邮寄地址过长：最多 200 个字，当前 201 个字"]


def test_printable_makes_controls_visible_and_cuts():
    assert printable("a\x1b[2Jb\x00c\u202ed") == "a␛[2Jb␀c\ufffdd"
    assert printable("x" * 500, 10) == "x" * 9 + "…"
    assert printable("[/]坏标记") == "[/]坏标记"


@pytest.mark.parametrize("value", ["孙\x00八", "名" * 201, "长" * 100_000, "李\x1b[2J四", "王\u202e五"],
                         ids=["nul", "201", "100000", "escape", "bidi"])
def test_submit_refuses_at_entry_on_both_stores(service, value):
    """No DataError from PostgreSQL, no 100,000-character row in SQLite: the domain says no first."""
    from clerk.domain.accounts import Role

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    for draft in (hygiene(applicant=replace(PERSON, name=value)), hygiene(applicant=replace(PERSON, address=value))):
        with pytest.raises(IntakeError) as refused:
            service.submit(clerk, 3, draft, Outcome.ACCEPT)
        assert value not in str(refused.value)
    if not check_text(value, "理由", NOTE_MAX).ok:
        with pytest.raises(IntakeError):
            service.submit(clerk, 3, hygiene({"id-card": hygiene().marks["id-card"]}), Outcome.REJECT, reason=value)
    assert service.find("王五") == []


def test_desk_free_text_refused_on_both_stores(service):
    from clerk.domain.accounts import Role
    from clerk.domain.views import Decision, Rating
    from clerk.services.desk import DeskService

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    boss = service.add_user(None, "s01", "钱主任", Role.SUPERVISOR, "secret1")
    desk = DeskService(service)
    view = service.submit(clerk, 3, hygiene(), Outcome.ACCEPT)
    with pytest.raises(IntakeError, match="控制字符"):
        desk.record_decision(boss, 1, view.number, Decision.REFUSED, reason="不符\x00合")
    with pytest.raises(IntakeError, match="过长"):
        desk.record_decision(boss, 1, view.number, Decision.REFUSED, reason="理" * 501)
    with pytest.raises(IntakeError, match="文字方向"):
        desk.rate(boss, 1, view.number, Rating("非常不满意"), comment="差\u202e评")


@pytest.mark.parametrize("summary", ["诉" * 1001, "诉求\x00内容", "诉求\u2067内容"], ids=["1001", "nul", "bidi"])
def test_complaint_text_refused_on_both_stores(store, calendar, clock, summary):
    from clerk.complaint_categories import load_categories
    from clerk.domain.accounts import Role
    from clerk.services.accounts import AccountService
    from clerk.services.complaints import ComplaintDesk

    desk = ComplaintDesk(store, calendar, load_categories(None), clock)
    who = AccountService(store, clock).add(None, "s01", "钱主任", Role.SUPERVISOR, "secret1")
    category = next(iter(desk.categories))
    with pytest.raises(IntakeError):
        desk.log(who, 1, category, summary)
    logged = desk.log(who, 1, category, "窗口排队时间长")
    with pytest.raises(IntakeError):
        desk.reply(who, logged.number, summary)
    assert desk.get(logged.number).reply == ""
