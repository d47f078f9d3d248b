"""The two halls of the 跨域通办 tests (tests/support/exchange.py)."""

from tests.support.exchange import two_halls  # noqa: F401  (a fixture)
