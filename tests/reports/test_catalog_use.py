"""Recent intakes per item (search tie-breaks) and open cases on an older catalog (dashboard)."""

from __future__ import annotations

from datetime import timedelta

from clerk.domain.accounts import Role
from clerk.domain.intake import Outcome
from clerk.reports.catalog_use import open_under_older_catalog, recent_intakes
from tests.support.drafts import hygiene, incomplete_hygiene


def test_recent_intakes_count_the_last_90_days_per_code(service, clock):
    user = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    clock.advance(days=-100)
    service.submit(user, 3, hygiene(), Outcome.ACCEPT)  # too old to count
    clock.advance(days=100)
    service.submit(user, 3, hygiene(), Outcome.ACCEPT)
    service.submit(user, 3, incomplete_hygiene(), Outcome.FALLBACK)
    assert recent_intakes(service.store, clock.now) == {"T-GGWS-001": 2}
    assert recent_intakes(service.store, clock.now, days=101) == {"T-GGWS-001": 3}


def test_open_cases_under_an_older_catalog_version(service, clock):
    user = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    service.submit(user, 3, hygiene(), Outcome.ACCEPT)  # open: promised
    service.submit(user, 3, incomplete_hygiene(), Outcome.FALLBACK)  # open: waiting for materials
    rejected = hygiene()
    service.submit(user, 3, rejected, Outcome.REJECT, "不属于本中心受理范围")  # closed
    assert open_under_older_catalog(service.store, service.catalog.version) == 0
    # After a switch to another catalog version, both open cases were taken under the old one.
    assert open_under_older_catalog(service.store, "f" * 64) == 2
