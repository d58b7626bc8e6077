"""Field accuracy on the three gold sets (seeds, real PDFs, real2), in one process, in under a minute.

Scores each document with the shared scorer's own `score_record` (../shared/eval/score.py), so the
figures are the ones `score.py --cmd "policy-pipeline extract {path}"` prints, without a process per
document. Prints, per set, the per-field table, the spurious count and the score; `--verbose` adds each
document's misses.
Run: python benchmarks/accuracy.py [--shared ../shared] [--verbose] [--only real2] [--set NAME=GOLD_DIR:DOCS_DIR ...]
(`--set` adds a gold set of your own, e.g. policies of payers none of the three sets has.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

from extractors.errors import PolicyError
from extractors.pipeline import extract_file

ROOT = Path(__file__).resolve().parents[1]
SETS = (("seeds", "gold", "seeds"), ("real", "gold-real", "real/docs"), ("real2", "gold-real2", "real2/docs"))


def load_scorer(shared: Path):
    path = shared / "eval" / "score.py"
    if not path.is_file():
        sys.exit(f"accuracy.py: no scorer at {path} (give --shared)")
    spec = importlib.util.spec_from_file_location("policy_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def document_for(docs: Path, stem: str) -> Path | None:
    found = [p for p in docs.iterdir() if p.stem == stem and p.suffix != ".json" and not p.name.endswith(".source.txt")]
    return found[0] if found else None


def score_set(scorer, gold_dir: Path, docs: Path, verbose: bool) -> tuple[float, int, int, dict[str, list[float]]]:
    totals: dict[str, list[float]] = {}
    spurious: list[bool] = []
    for gold_file in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_file.read_text())
        doc = document_for(docs, gold_file.stem)
        if doc is None:
            print(f"  {gold_file.stem}: no document")
            continue
        try:
            record = extract_file(doc).model_dump(mode="json")
            scores = scorer.score_record(gold, record)
        except PolicyError as error:
            print(f"  {gold_file.stem}: FAILED {error}")
            scores = dict.fromkeys(scorer.score_record(gold, {}), 0.0)
        empty = scorer.negatives(gold)
        for key, value in scores.items():
            if key in empty:
                spurious.append(value < 1)
            else:
                totals.setdefault(key, []).append(value)
        if verbose:
            misses = ", ".join(f"{k}={v:.2f}" + ("(spurious)" if k in empty else "") for k, v in scores.items() if v < 1)
            print(f"  {gold_file.stem}: {misses or 'all fields right'}")
    overall = sum(sum(v) / len(v) for v in totals.values()) / len(totals) if totals else 0.0
    return overall, sum(spurious), len(spurious), totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--only", action="append", help="score only this set (repeatable)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=GOLD_DIR:DOCS_DIR", help="another gold set (repeatable)")
    args = parser.parse_args()
    sets = [(name, args.shared / gold, args.shared / docs) for name, gold, docs in SETS]
    for extra in args.set:
        name, _, dirs = extra.partition("=")
        gold, _, docs = dirs.partition(":")
        if not (name and Path(gold).is_dir() and Path(docs).is_dir()):
            sys.exit(f"accuracy.py: --set {extra!r}: give NAME=GOLD_DIR:DOCS_DIR with both folders present")
        sets.append((name, Path(gold), Path(docs)))
    scorer = load_scorer(args.shared)
    started = time.perf_counter()
    summary = []
    for name, gold, docs in sets:
        if args.only and name not in args.only:
            continue
        print(f"== {name} ({docs})")
        overall, bad, empty, totals = score_set(scorer, gold, docs, args.verbose)
        for key, values in totals.items():
            print(f"  {key:<24}{sum(values) / len(values):>6.2f}{len(values):>4}")
        summary.append(f"{name:<6} score {overall:.3f}  spurious {bad} of {empty}")
    print("\n".join(summary))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
