"""Intake under the one text rule: directional marks U+200E/U+200F, the separators U+2028/U+2029,
a BOM and tag characters are refused in every free-text field by the service (the window:
tests/tui/test_intake_text.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.domain.errors import IntakeError
from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome
from tests.support.drafts import COMPLETE_MARKS, PERSON, hygiene

HIDDEN = {
    "\u200e": "U+200E", "\u200f": "U+200F", "\u2028": "U+2028", "\u2029": "U+2029", "\ufeff": "U+FEFF",
    "\U000e0041": "U+E0041", "\U000e007f": "U+E007F",
}
IDS = ["LRM", "RLM", "LS", "PS", "BOM", "TAG-A", "CANCEL-TAG"]


@pytest.mark.parametrize("ch", list(HIDDEN), ids=IDS)
def test_submit_refuses_hidden_characters_in_every_free_text_field(service, ch):
    from clerk.domain.accounts import Role

    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    noted = dict(COMPLETE_MARKS, **{"hygiene-plan": MaterialMark(MaterialStatus.COPY, 1, f"复印{ch}件")})
    for draft, label in ((hygiene(applicant=replace(PERSON, name=f"王{ch}五")), "申请人名称"),
                         (hygiene(applicant=replace(PERSON, address=f"济南市{ch}历城区")), "邮寄地址"),
                         (hygiene(noted), "材料备注")):
        with pytest.raises(IntakeError) as refused:
            service.submit(clerk, 3, draft, Outcome.ACCEPT)
        assert f"{label}含有" in str(refused.value) and HIDDEN[ch] in str(refused.value)
    with pytest.raises(IntakeError, match=f"不予受理理由含有.*{HIDDEN[ch].replace('+', '[+]')}"):
        service.submit(clerk, 3, hygiene({"id-card": COMPLETE_MARKS["id-card"]}), Outcome.REJECT,
                       reason=f"材料{ch}不全")
    assert service.find("王五") == []
