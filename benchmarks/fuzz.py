"""A long fuzzing run of the loaders and extractors: the properties of tests/unit/test_fuzz_loaders.py
(random bytes, random text, HTML fragments, mutated seed texts, mutated PDFs) with many examples.

A failing example does not stop the run: it is counted, and the first few are printed with their
error, so one run shows every kind of failure. Prints per property: examples, records, one-line
errors, failures, time, the slowest example. Then the growth of extraction time on long runs of one
piece (the shapes that were quadratic): seconds at 20,000 and 80,000 characters and their ratio
(4 is linear, 16 quadratic; above 8 is flagged). Asserts nothing (exit status 1 when anything failed).
Run: python benchmarks/fuzz.py [--examples N] [--only NAME] [--seed N] [--no-growth]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit.test_fuzz_loaders import PROPERTIES, RUN_PIECES, run_property, text_property  # noqa: E402

SHOWN = 3  # failing examples printed per property


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per property (default 5000)")
    parser.add_argument("--only", help="run one property (" + ", ".join(name for name, _, _ in PROPERTIES) + ")")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one, printed)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth figures")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"fuzz: {args.examples} examples per property, seed {seed}")
    print(f"{'property':<16}{'examples':>9}{'records':>9}{'errors':>8}{'failures':>9}{'seconds':>9}{'slowest s':>10}")
    total_failures = 0
    started = time.perf_counter()
    for name, strategy, prop in PROPERTIES:
        if args.only and name != args.only:
            continue
        outcomes: Counter = Counter()
        failures: list[tuple[str, str]] = []
        slowest = 0.0

        def counted(value, prop=prop, outcomes=outcomes, failures=failures):
            nonlocal slowest
            begin = time.perf_counter()
            try:
                outcomes[prop(value)] += 1
            except Exception as error:  # a failure of the property: count it, keep going
                outcomes["failure"] += 1
                if len(failures) < SHOWN:
                    where = traceback.extract_tb(error.__traceback__)[-1]
                    failures.append((repr(value)[:300], f"{type(error).__name__}: {str(error)[:300]} "
                                                        f"({Path(where.filename).name}:{where.lineno})"))
            slowest = max(slowest, time.perf_counter() - begin)

        random.seed(seed)
        begin = time.perf_counter()
        test = run_property(name, strategy, counted, examples=args.examples, derandomize=False)
        test._hypothesis_internal_use_seed = seed  # reproducible with --seed
        test()
        seconds = time.perf_counter() - begin
        examples = sum(outcomes.values())
        total_failures += outcomes["failure"]
        print(f"{name:<16}{examples:>9}{outcomes['record']:>9}{outcomes['error']:>8}{outcomes['failure']:>9}"
              f"{seconds:>9.1f}{slowest:>10.2f}")
        for value, error in failures:
            print(f"    FAILED {error}\n        on {value}")
    if not args.no_growth and not args.only:
        growth()
    print(f"total: {total_failures} failures in {time.perf_counter() - started:.1f} s")
    return 1 if total_failures else 0


def growth(small: int = 20_000, large: int = 80_000) -> None:
    print(f"\n{'long run of':<22}{small:>10,} ch s{large:>10,} ch s{'ratio':>8}")
    text_property("Policy\nwarm up\n")
    for piece in RUN_PIECES:
        seconds = []
        for size in (small, large):
            text = "Policy\n" + piece * (size // len(piece)) + "\n"
            begin = time.perf_counter()
            text_property(text)
            seconds.append(time.perf_counter() - begin)
        ratio = seconds[1] / max(seconds[0], 1e-3)
        flag = "  <- superlinear" if ratio > 8 and seconds[1] > 0.5 else ""
        print(f"{piece!r:<22}{seconds[0]:>14.2f}{seconds[1]:>14.2f}{ratio:>8.1f}{flag}")


if __name__ == "__main__":
    sys.exit(main())
