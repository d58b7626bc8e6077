"""Throughput of extraction on text policies, next to a bare pass over the same text.

Bare pass = spaCy's blank English tokenizer + one regex scan for code-shaped tokens: the least any
spaCy-and-regex extractor must do. Prints chars/s of both and their ratio (target >= 0.40, goal 0.5).
Times are the process's CPU time (best of N rounds): on a machine shared with other work, wall time
measures the others' load as much as this code; CPU time does not (both passes run on one thread).
Run: python benchmarks/text_throughput.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

import spacy

from extractors.assemble import build_record
from extractors.loading import load_bytes

ROOT = Path(__file__).resolve().parents[1]
CODE_SHAPED = re.compile(r"\b(?:\d{4}[0-9A-Z]|[A-Z]\d{4}|[A-Z]\d[0-9A-Z]\.[0-9A-Z]{1,4})\b")  # e.g. 0232T, M0076, Z00.00


def best_of(rounds: int, work) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = sorted(p for p in (ROOT / "raw_documents").iterdir() if p.suffix in {".txt", ".md", ".html"})
    loaded = [load_bytes(p.read_bytes(), name=p.name) for p in files]
    texts = [t.text for t in loaded]
    chars = sum(len(t) for t in texts)
    tokenizer = spacy.blank("en").tokenizer

    def bare():
        for text in texts:
            tokenizer(text)
            CODE_SHAPED.findall(text)

    def extract():
        for policy_text in loaded:
            build_record(policy_text, uri="bench", sha256="0" * 64, size=len(policy_text.text))

    extract()  # warm up: pipeline build, code-set cache
    bare_s = best_of(args.rounds, bare)
    extract_s = best_of(args.rounds, extract)
    print(f"documents: {len(texts)}  chars: {chars:,}  cores: {os.cpu_count()}")
    print(f"bare pass (tokenizer + regex): {chars / bare_s:>12,.0f} chars/s of CPU time")
    print(f"extract (full record):         {chars / extract_s:>12,.0f} chars/s of CPU time")
    print(f"ratio extract / bare:          {bare_s / extract_s:>12.2f}   (target >= 0.40, goal 0.5)")


if __name__ == "__main__":
    main()
