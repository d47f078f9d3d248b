"""clerk.store.signin through the service: lock-out, equal cost for unknown ids, audit, new passwords."""

from __future__ import annotations

import re
import string
import threading
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk.domain.accounts import Role
from clerk.domain.errors import AccountLocked, AuthenticationFailed, PasswordChangeRequired, PasswordRejected
from clerk.domain.passwords import password_problems
from clerk.store.signin import SignInPolicy


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def hall(store, catalog, calendar, clock, cheap_password_hashing):
    from clerk.services.cases import CaseService

    moving = Clock(clock())
    service = CaseService(store, catalog, calendar, moving, hall_code="SF", timezone="Asia/Shanghai")
    service.sign_in_policy = SignInPolicy(attempts=5, minutes=15)
    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    return service, moving


def actions(service, actor):
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with service.store.session(write=False) as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.actor == actor).order_by(AuditEvent.seq))
        return [(row.action, row.after) for (row,) in rows]


def test_the_account_locks_after_five_failures_and_opens_after_fifteen_minutes(hall):
    service, clock = hall
    for n in range(4):
        with pytest.raises(AuthenticationFailed) as refused:
            service.authenticate("w01", f"guess{n}", via="cli")
        assert not isinstance(refused.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        service.authenticate("w01", "guess4", via="cli")
    assert "账号已锁定至" in str(locked.value)
    with pytest.raises(AccountLocked):
        service.authenticate("w01", "secret1", via="cli")  # the right one does not open it
    clock.now += timedelta(minutes=14, seconds=59)
    with pytest.raises(AccountLocked):
        service.authenticate("w01", "secret1")
    clock.now += timedelta(seconds=1)
    assert service.authenticate("w01", "secret1").id == "w01"
    got = [a for a, _ in actions(service, "w01")]
    assert got == ["sign_in_failed"] * 5 + ["account_locked"] + ["sign_in_failed"] * 2 + ["sign_in"]
    assert service.verify_audit().ok


def test_a_success_resets_the_count(hall):
    service, _ = hall
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            service.authenticate("w01", "wrong")
    service.authenticate("w01", "secret1")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as refused:
            service.authenticate("w01", "wrong")
        assert not isinstance(refused.value, AccountLocked)


def _guess_at_once(service, clerk_id: str, threads: int = 20) -> list[AuthenticationFailed]:
    """``threads`` wrong passwords for ``clerk_id`` sent at once; the refusals they got."""
    errors: list[AuthenticationFailed] = []

    def guess(n):
        try:
            service.authenticate(clerk_id, f"wrong{n}")
        except AuthenticationFailed as exc:
            errors.append(exc)

    started = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    return errors


def test_concurrent_guesses_cannot_pass_the_limit(hall):
    """Twenty threads guess at once; the right password sent after them is still refused."""
    service, _ = hall
    errors = _guess_at_once(service, "w01")
    assert len(errors) == 20
    with pytest.raises(AccountLocked):
        service.authenticate("w01", "secret1")
    failed = [a for a, after in actions(service, "w01") if a == "sign_in_failed" and after["reason"] == "password"]
    assert len(failed) == 5  # the others were refused as locked, not counted


def test_concurrent_guesses_of_an_unknown_id_lock_it_like_a_real_one(hall):
    """The unknown id's count is a row in the store: twenty threads at once count exactly five,
    and a new service on a new engine (as another process would be) finds it locked."""
    service, clock = hall
    errors = _guess_at_once(service, "ghost")
    assert len(errors) == 20 and sum(isinstance(e, AccountLocked) for e in errors) == 16
    counted = [after for a, after in actions(service, "ghost") if a == "sign_in_failed" and after["reason"] == "unknown"]
    assert len(counted) == 5

    from clerk.services.cases import CaseService
    from clerk.store.engine import Store

    elsewhere = Store(service.store.url)
    try:
        other = CaseService(elsewhere, service.catalog, service.calendar, clock, hall_code="SF",
                            timezone="Asia/Shanghai")
        other.sign_in_policy = SignInPolicy(attempts=5, minutes=15)
        with pytest.raises(AccountLocked):
            other.authenticate("ghost", "wrong")
        clock.now += timedelta(minutes=16)
        with pytest.raises(AuthenticationFailed) as refused:  # the lock ran out, as a real one does
            other.authenticate("ghost", "wrong")
        assert not isinstance(refused.value, AccountLocked)
    finally:
        elsewhere.dispose()


def test_a_disabled_account_is_refused_with_the_wrong_password_message(hall):
    service, _ = hall
    service.accounts.set_active(None, "w01", False)  # no administrator in this store: the first-setup path
    with pytest.raises(AuthenticationFailed, match="工号或密码不正确"):
        service.authenticate("w01", "secret1")


def test_unknown_ids_cost_what_known_ones_cost(store, catalog, calendar, clock, monkeypatch):
    """Real scrypt cost: an unknown id runs the same one scrypt call as a wrong password on a real
    id (a dummy hash of the same parameters).  The time itself: ``python -m bench.bench_signin``."""
    import hashlib

    from clerk.domain import accounts
    from clerk.services.cases import CaseService

    service = CaseService(store, catalog, calendar, clock, hall_code="SF", timezone="Asia/Shanghai")
    service.sign_in_policy = SignInPolicy(attempts=1000, minutes=1)
    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    calls: list[tuple[int, int, int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted(password: bytes, *, salt: bytes, n: int, r: int, p: int, dklen: int, **rest) -> bytes:
        calls.append((n, r, p, dklen, len(salt)))
        return scrypt(password, salt=salt, n=n, r=r, p=p, dklen=dklen, **rest)

    monkeypatch.setattr(hashlib, "scrypt", counted)  # the KDF, counted; the sign-in runs as it is

    def cost(clerk_id: str) -> tuple[list[tuple[int, int, int, int, int]], str]:
        calls.clear()
        with pytest.raises(AuthenticationFailed) as refused:
            service.authenticate(clerk_id, "wrong-password")
        return list(calls), str(refused.value)

    cost("nobody")  # the dummy hash is made once per process
    known, unknown = cost("w01"), cost("nobody1")
    assert known[0] == [(accounts._N, accounts._R, accounts._P, 32, 16)]  # the real cost ran
    assert unknown == known


def test_unknown_ids_lock_too_and_are_audited(hall):
    service, _ = hall
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            service.authenticate("ghost", "x")
    with pytest.raises(AccountLocked):
        service.authenticate("ghost", "x")
    got = actions(service, "ghost")
    assert [a for a, _ in got] == ["sign_in_failed"] * 5
    assert all(after["known"] is False for _, after in got)


def test_an_initial_password_must_be_replaced_by_one_that_passes_the_rule(hall):
    service, _ = hall
    service.add_user(None, "1001", "王芳", Role.WINDOW, "clerk123", must_change=True)
    with pytest.raises(PasswordChangeRequired):
        service.authenticate("1001", "clerk123", via="cli")
    with pytest.raises(PasswordRejected, match="至少3类"):
        service.authenticate("1001", "clerk123", new_password="abcdefgh")
    with pytest.raises(PasswordRejected, match="工号"):
        service.authenticate("1001", "clerk123", new_password="Aa-1001-x")
    with pytest.raises(AuthenticationFailed):  # the old password must be right to set a new one
        service.authenticate("1001", "wrong", new_password="Good#Pass1")
    assert service.authenticate("1001", "clerk123", new_password="Good#Pass1").id == "1001"
    assert service.authenticate("1001", "Good#Pass1").id == "1001"


@pytest.mark.parametrize("new", ["Clerk123", "clerK123", "cLERK123", "CLERk123"])
def test_a_forced_change_refuses_a_password_that_differs_only_in_letter_case(hall, new):
    """Issue 23 #4: `clerk123` → `Clerk123` passed; to a guesser it is the same password."""
    service, _ = hall
    service.add_user(None, "1001", "王芳", Role.WINDOW, "clerk123", must_change=True)
    assert not password_problems(new)  # the rule alone lets it pass
    with pytest.raises(PasswordRejected, match="不能只是改变原密码的大小写"):
        service.authenticate("1001", "clerk123", new_password=new)
    with pytest.raises(PasswordChangeRequired):  # nothing was changed
        service.authenticate("1001", "clerk123")
    assert service.authenticate("1001", "clerk123", new_password="Clerk124").id == "1001"


def test_the_same_password_again_is_refused_at_a_forced_change(hall):
    service, _ = hall
    service.add_user(None, "1001", "王芳", Role.WINDOW, "Clerk#123", must_change=True)
    with pytest.raises(PasswordRejected, match="不能与原密码相同"):
        service.authenticate("1001", "Clerk#123", new_password="Clerk#123")


# -- the password rule ----------------------------------------------------------

#: Example passwords with their verdict, decided by hand from the rule (等保: at least 8
#: characters from at least 3 of upper-case, lower-case, digits and symbols; no control
#: characters; not the clerk's id): the expected reason, or "" for a password that passes.
VERDICTS = [
    ("Ab1!xyzw", ""),  # 8 characters, all four classes
    ("Ab1!xyz", "至少需要8个字符"),  # 7
    ("abcdefg1", "至少3类"),  # lower and digits
    ("ABCDEFGH", "至少3类"),
    ("12345678", "至少3类"),
    ("abcdEFGH", "至少3类"),  # two letter classes are two classes
    ("ABCD123!", ""),  # upper, digits, a symbol
    ("abcd123.", ""),
    ("政务大厅abc1", ""),  # a Chinese character is a symbol
    ("Ab 1 cdef", ""),  # upper, lower, digit; the plain space is allowed
    ("abcd efg1", "至少3类"),  # the plain space is no symbol
    ("Abc\t1234", "控制字符"),
    ("Abc\n1234", "控制字符"),
    ("Abc\x001234", "控制字符"),
    ("Abc\u200b1234", "控制字符"),  # a zero-width space hides what was typed
    ("Abc\u00a01234", "控制字符"),  # so does a no-break space
    ("Ab1" + "x" * 125, ""),  # 128: the longest allowed
    ("Ab1" + "x" * 126, "最多128个字符"),
    ("", "至少需要8个字符"),
]


@pytest.mark.parametrize("password, why", VERDICTS)
def test_password_rule_is_length_and_three_classes(password, why):
    problems = password_problems(password)
    if why:
        assert any(why in p for p in problems), (password, problems)
    else:
        assert problems == [], (password, problems)


UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
SYMBOLS = "!#$%&*+-./:;=?@_~，。政务"
CLASSES = (UPPER, LOWER, DIGITS, SYMBOLS)


@st.composite
def from_classes(draw, count: int) -> str:
    """8 to 128 characters using exactly ``count`` of the four classes, each at least once."""
    chosen = draw(st.permutations(CLASSES))[:count]
    required = [draw(st.sampled_from(alphabet)) for alphabet in chosen]
    rest = draw(st.lists(st.sampled_from("".join(chosen)), min_size=max(0, 8 - count), max_size=128 - count))
    return "".join(draw(st.permutations(required + rest)))


@settings(max_examples=150, deadline=None)
@given(st.one_of(from_classes(3), from_classes(4)))
def test_three_classes_and_eight_characters_always_pass(password):
    assert password_problems(password) == []


@settings(max_examples=150, deadline=None)
@given(st.one_of(from_classes(1), from_classes(2)))
def test_fewer_than_three_classes_never_pass_whatever_the_length(password):
    assert any("至少3类" in p for p in password_problems(password))


@settings(max_examples=150, deadline=None)
@given(from_classes(4), st.integers(0, 7), st.sampled_from("\x00\x07\t\n\r\x1b\x7f\u200b\u2028\ufeff"))
def test_a_control_character_anywhere_is_refused(password, cut, control):
    at = min(cut, len(password))
    assert any("控制字符" in p for p in password_problems(password[:at] + control + password[at:]))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=7))
def test_short_passwords_never_pass_and_every_reason_is_a_sentence(password):
    problems = password_problems(password)
    assert any("至少需要8个字符" in p for p in problems)
    assert all(isinstance(p, str) and re.search(r"[\u4e00-\u9fff]", p) for p in problems)


@given(st.text(alphabet=string.ascii_lowercase, min_size=8, max_size=30))
def test_lower_case_letters_alone_never_pass(password):
    assert any("至少3类" in p for p in password_problems(password))


@pytest.mark.parametrize("good", ["Hall#2026", "abcD1234", "政务Abcd1x", "ab12!@#$"])
def test_examples_that_pass(good):
    assert password_problems(good) == []


@pytest.mark.parametrize("bad, why", [("Ab1!", "至少需要8个字符"), ("clerk123", "至少3类"),
                                      ("ABCDEFGH", "至少3类"), ("Abc\x001234", "控制字符")])
def test_examples_that_fail(bad, why):
    assert any(why in p for p in password_problems(bad))


def test_the_right_password_at_the_wrong_door_is_refused_but_never_locks(hall):
    """A window clerk who tries the supervisors' `clerk serve` is refused like a wrong password,
    but her window is not locked: the password was right, there is nothing to guess."""
    service, _ = hall
    for _ in range(7):
        with pytest.raises(AuthenticationFailed, match="工号或密码不正确") as refused:
            service.authenticate("w01", "secret1", via="serve", roles={Role.SUPERVISOR})
        assert not isinstance(refused.value, AccountLocked)
    assert service.authenticate("w01", "secret1").id == "w01"
    reasons = [after["reason"] for action, after in actions(service, "w01") if action == "sign_in_failed"]
    assert reasons == ["role"] * 7


def test_upgrading_flags_accounts_that_still_have_the_demo_password(empty_store, cheap_password_hashing):
    from datetime import UTC, datetime

    from sqlalchemy import text

    from clerk.domain.accounts import hash_password
    from clerk.store.migrate import upgrade
    from clerk.store.tables import ClerkAccount

    upgrade(empty_store, "0005")
    with empty_store.connection() as conn:
        for clerk_id, password in (("1001", "clerk123"), ("1002", "Chosen#2026")):
            conn.execute(text("INSERT INTO clerk_accounts (id, name, role, password_hash, active, created_at) "
                              "VALUES (:i, :i, 'window', :h, :a, :t)"),
                         {"i": clerk_id, "h": hash_password(password), "a": True, "t": datetime.now(UTC)})
    upgrade(empty_store)
    with empty_store.session(write=False) as session:
        flags = {clerk_id: session.get(ClerkAccount, clerk_id).must_change_password for clerk_id in ("1001", "1002")}
        assert session.get(ClerkAccount, "1002").failed_count == 0
    assert flags == {"1001": True, "1002": False}
