"""Sign-in cost: an unknown id against a wrong password on a real id, real scrypt cost.

An attacker who can tell the two apart by time learns which ids exist.  Interleaved
samples (a busy machine slows both alike), medians and the ratio, for a new unknown id
each time (its first failure: a row added to ``signin_attempts``) and for the same
unknown id again and again (its count updated); the mechanism itself
(one scrypt call of the same parameters either way) is tested in
tests/security/test_serve_gate.py.

    python -m bench.bench_signin [--runs 60] [--no-verdict]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_store import _service
from bench.timing import throwaway_hall_key


def measure(url: str, runs: int) -> tuple[float, float, float]:
    """(known, new unknown, repeated unknown) medians in ms of a refused sign-in."""
    from clerk.domain.accounts import Role
    from clerk.domain.errors import AuthenticationFailed
    from clerk.store.migrate import upgrade
    from clerk.store.signin import SignInPolicy

    service = _service(url)
    upgrade(service.store)
    service.sign_in_policy = SignInPolicy(attempts=10 * runs + 10, minutes=1)
    service.add_user(None, "w01", "张三", Role.WINDOW, "Hall#2026x")

    def cost(clerk_id: str) -> float:
        began = time.perf_counter()
        try:
            service.authenticate(clerk_id, "Wrong#0000")
        except AuthenticationFailed:
            return (time.perf_counter() - began) * 1000
        raise AssertionError(f"{clerk_id} signed in with a wrong password")

    cost("nobody"), cost("w01")  # warm-up: the dummy hash is made once
    known, unknown, again = [], [], []
    for n in range(runs):
        known.append(cost("w01"))
        unknown.append(cost(f"nobody{n}"))
        again.append(cost("nobody"))
    service.store.dispose()
    return statistics.median(known), statistics.median(unknown), statistics.median(again)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--no-verdict", action="store_true",
                        help="print the figures without judging the ratio (a loaded machine: the smoke test "
                             "runs beside three other test workers on two CPUs)")
    args = parser.parse_args(argv)
    throwaway_hall_key()
    with tempfile.TemporaryDirectory(prefix="clerk-bench-signin-") as folder:
        known, unknown, again = measure(f"sqlite:///{Path(folder) / 'clerk.db'}", args.runs)
    ratio, ratio_again = unknown / known, again / known
    print(f"refused sign-in, median of {args.runs}: real id {known:.1f} ms, new unknown id {unknown:.1f} ms "
          f"(ratio {ratio:.2f}), same unknown id again {again:.1f} ms (ratio {ratio_again:.2f})")
    if not args.no_verdict and not (0.7 < ratio < 1.4 and 0.7 < ratio_again < 1.4):
        print("an unknown id answers at a different speed than a real one", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
