"""The intake preview says which notice cannot be printed on this machine (a character no
notice font has) before anything is saved; characters the shipped fonts have raise nothing
(#30 item 4).  The case itself is still saved: an application does not wait for a font."""

from __future__ import annotations

from dataclasses import replace

from clerk.domain.intake import Outcome
from clerk.store.notices import NoticeKind
from tests.support.drafts import hygiene

NO_FONT = "\U00030000"  # CJK Extension G: no font of the chain has it


def _named(name: str, address: str = ""):
    draft = hygiene()
    applicant = replace(draft.applicant, name=name, address=address or draft.applicant.address)
    return replace(draft, applicant=applicant)


def test_the_preview_names_what_cannot_be_printed_and_saving_still_works(service, users):
    printable = service.preview(_named("李\U00020000䶮"), Outcome.ACCEPT)  # 𠀀 and 䶮: shipped fonts
    assert printable.documents == (NoticeKind.PROMISED,) and printable.unprintable == ()
    draft = _named(f"李{NO_FONT}", address=f"泉城路{NO_FONT}号")
    preview = service.preview(draft, Outcome.ACCEPT)
    assert preview.ok and preview.documents == (NoticeKind.PROMISED,)
    assert [reason.split("中的")[0] for reason in preview.unprintable] == ["姓名", "邮寄地址"]
    assert all(f"“{NO_FONT}”（U+30000）本机字体无法打印" in reason for reason in preview.unprintable)
    view = service.submit(users["window"], 3, draft, Outcome.ACCEPT)
    assert view.applicant.name == f"李{NO_FONT}"  # kept as typed, never dropped
    assert [n.kind for n in view.notices] == [NoticeKind.PROMISED]  # queued: printed once a font has it
