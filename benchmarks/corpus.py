"""A synthetic corpus of policies for the scale benchmarks: N documents (text and PDF), each a varied
copy of one of the base documents in raw_documents/ (the seed texts and the real payer PDFs),
deterministic from a seed number. Nothing it writes is committed.

Every base is loaded and extracted once; the extractor's own evidence says where its payer, number,
title, dates, code rows and references are, so the variation is general (no rule knows a base):
  payer       every mention of the base's payer (its names in extractors/patterns/payers.jsonl and
              its web domains) becomes another payer of that list
  number      the printed policy number keeps its shape (letters, separators) with new letters and
              digits that encode the document's index, so numbers are unique
  title       the printed title gains a qualifier (site, population), unique per index
  dates       years shift by -6..0 and month names (and numeric months) rotate among months of the
              same length, so every date stays a valid date in its printed format
  code lists  each code-table row is dropped with p=0.25, and 0-3 rows of the same code system from
              other bases are added
  references  the last 0-5 entries of the reference list are cut
Kinds of document (`--mix`): `txt` the varied text; `pdf` the varied text printed with reportlab
(running header and footer, tab rows as a table); `real` a copy of a real PDF with some pages
dropped and a print stamp on page 1 (real layout and fonts; its number and payer stay the real ones,
so these copies are revisions of the five real policies).

`revision=1` gives the next revision of the same document (same payer, number, title and kind):
years one later, one more code row, one reference fewer. The scale benchmark uses it to change 1 %.

    python benchmarks/corpus.py OUT --count 1000 [--seed 7] [--mix txt=0.6,pdf=0.3,real=0.1] [--check 50]

Files go to OUT/<shard>/<index>.<txt|pdf>, `--per-folder` documents per shard folder (default 1000).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "raw_documents"
PATTERNS = ROOT / "extractors" / "patterns"
DEFAULT_MIX = {"txt": 0.6, "pdf": 0.3, "real": 0.1}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SAME_LENGTH = [[1, 3, 5, 7, 8, 10, 12], [4, 6, 9, 11], [2]]  # months of 31, 30 and 28/29 days
SITES = ["Knee", "Shoulder", "Hip", "Spine", "Ankle", "Wrist", "Elbow", "Neck", "Heart", "Lung", "Kidney", "Liver",
         "Skin", "Eye", "Ear", "Sinus", "Jaw", "Foot", "Hand", "Pelvis", "Breast", "Prostate", "Colon", "Thyroid",
         "Brain", "Bladder", "Vein", "Artery", "Bone", "Muscle", "Tendon", "Nerve", "Joint", "Blood", "Sleep", "Gait",
         "Voice", "Teeth", "Scalp", "Chest"]
GROUPS = ["Adults", "Children", "Adolescents", "Older Adults", "Athletes", "Pregnancy", "Veterans", "Infants",
          "Outpatients", "Inpatients", "Home Care", "Telehealth", "Rural Clinics", "Urgent Care", "Day Surgery",
          "Rehabilitation"]

# e.g. "July", "Sept.", "Dec": month names and their usual abbreviations
MONTH_WORD = "|".join(MONTHS + [name[:3] for name in MONTHS] + ["Sept"])
GAP = re.compile(
    r"(?P<numeric>\b(?P<m>0?[1-9]|1[0-2])(?P<sep>[/-])(?P<d>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)\b)"  # e.g. "05/31/2023"
    r"|(?P<iso>\b(?P<iy>(?:19|20)\d\d)-(?P<im>0[1-9]|1[0-2])-(?P<id>\d\d)\b)"  # e.g. "2023-05-31"
    r"|(?P<monthyear>\b(?P<mm>0?[1-9]|1[0-2])/(?P<my>(?:19|20)\d\d)\b)"  # e.g. "1/2025", "04/1999"
    rf"|(?P<month>\b(?:{MONTH_WORD})\b)"  # e.g. "July" in "July 1, 2025"
    r"|(?P<year>\b(?:19[5-9]\d|20[0-4]\d)\b)"  # e.g. "2025"
)
CREATION_DATE = re.compile(rb"/CreationDate\(D:\d{14}")  # e.g. "/CreationDate(D:20261123164636+00'00')"
TRAILER_ID = re.compile(rb"(/ID\s*\[\s*)<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>")  # e.g. "/ID[<6B1E...><6B1E...>"
CODE_ROW_CONTINUES = re.compile(r"[a-z(]")  # e.g. "report" continuing "93005<TAB>... without interpretation and"


# ---------------------------------------------------------------- the bases


@dataclass(frozen=True)
class Base:
    name: str
    text: str
    pdf: bytes | None  # the real PDF's bytes (kind "real")
    payer: str | None
    mentions: str | None  # a regex of the base's payer names and domains
    number: str | None
    title_span: tuple[int, int] | None
    code_rows: tuple[tuple[int, int, str, str], ...]  # (start, end, system, row text) of each code-table row
    references: tuple[tuple[int, int], ...]  # (line start, line end) of each reference, in order
    tokens: tuple[re.Match, ...]  # payer mentions, the number and date parts, in text order


@dataclass(frozen=True)
class Pools:
    payers: tuple[str, ...]
    domains: dict  # payer -> its first web domain
    rows: dict  # code system -> tuple of (code, row text)


@lru_cache(maxsize=1)
def bases(raw: str = str(RAW)) -> tuple[tuple[Base, ...], Pools]:
    """Load and extract every base document once (about 2 s)."""
    from extractors.assemble import build_record
    from extractors.loading import load_bytes

    names = [json.loads(line) for line in (PATTERNS / "payers.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    domains = [json.loads(line) for line in (PATTERNS / "payer_domains.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    first_domain: dict[str, str] = {}
    for entry in domains:
        first_domain.setdefault(entry["payer"], entry["domain"])
    found, rows = [], {}
    for path in sorted(Path(raw).iterdir()):
        if path.suffix not in (".txt", ".pdf"):
            continue
        data = path.read_bytes()
        loaded = load_bytes(data, name=path.name)
        record = build_record(loaded, uri=path.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        text = loaded.text
        payer = record.payer.name
        words = {n["pattern"] for n in names if n["label"] == payer} | {d["domain"] for d in domains if d["payer"] == payer}
        if record.payer.printed:
            words.add(" ".join(record.payer.printed.split()))
        words.discard("")
        mentions = None
        if words:  # longest first: "anthem.com" before "anthem"
            alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
            mentions = rf"(?<![\w-])(?i:{alternatives})(?![\w-])"
        code_rows = []
        for code in record.codes:
            start = text.rfind("\n", 0, code.evidence.start) + 1
            end = _line_end(text, code.evidence.end)
            if "\t" not in text[start:end] or not text[start:end].startswith(code.printed):
                continue
            while end < len(text) and CODE_ROW_CONTINUES.match(text, end + 1) and "\t" not in text[end + 1:_line_end(text, end + 1)]:
                end = _line_end(text, end + 1)
            row = " ".join(text[start:end].split("\n"))
            code_rows.append((start, end, code.system, row))
            rows.setdefault(code.system, {}).setdefault(code.code, row)
        references = sorted((text.rfind("\n", 0, r.evidence.start) + 1, _line_end(text, r.evidence.end)) for r in record.references)
        title = record.policy.title_evidence
        parts = [GAP.pattern]  # month names match in title case only ("may" is a verb)
        if mentions:
            parts.insert(0, rf"(?P<payer>{mentions})")
        if record.policy.number:
            parts.insert(0, rf"(?P<number>(?<![\w.-]){re.escape(record.policy.number)}(?![\w-]))")
        found.append(Base(
            name=path.name, text=text, pdf=data if path.suffix == ".pdf" else None, payer=payer, mentions=mentions,
            number=record.policy.number, title_span=(title.start, title.end) if title else None,
            code_rows=tuple(sorted(set(code_rows))), references=tuple(references),
            tokens=tuple(re.compile("|".join(parts)).finditer(text)),
        ))
    payers = tuple(sorted({n["label"] for n in names}))
    pools = Pools(payers=payers, domains=first_domain, rows={k: tuple(sorted(v.items())) for k, v in rows.items()})
    return tuple(found), pools


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


# ---------------------------------------------------------------- one document


@dataclass(frozen=True)
class Document:
    index: int
    kind: str  # txt | pdf | real
    base: str
    payer: str | None  # what the document's payer, number and title should read as
    number: str | None
    title: str | None
    data: bytes

    @property
    def relpath(self) -> str:
        return relpath(self.index, self.kind)


def relpath(index: int, kind: str, per_folder: int = 1000) -> str:
    return f"{index // per_folder:03d}/{index:06d}.{'txt' if kind == 'txt' else 'pdf'}"


def choose(index: int, seed: int, mix: dict[str, float]) -> tuple[random.Random, str, Base]:
    """The document's own random stream, its kind and its base (the same for every revision)."""
    rng = random.Random(f"policy-corpus/{seed}/{index}")
    all_bases, _ = bases()
    kinds, weights = zip(*mix.items())
    kind = rng.choices(kinds, weights)[0]
    candidates = [b for b in all_bases if b.pdf is not None] if kind == "real" else list(all_bases)
    if not candidates:
        kind, candidates = "txt", list(all_bases)
    return rng, kind, rng.choice(candidates)


def document(index: int, *, seed: int = 7, revision: int = 0, mix: dict[str, float] = DEFAULT_MIX) -> Document:
    """Document `index` of the corpus for `seed` (the same bytes on every machine and run)."""
    rng, kind, base = choose(index, seed, mix)
    _, pools = bases()
    later = random.Random(f"policy-corpus/{seed}/{index}/revision/{revision}")
    if kind == "real":
        return Document(index, kind, base.name, base.payer, base.number, None, real_copy(base, rng, index, revision))
    text, truth = vary(base, pools, rng, later, index, revision)
    if kind == "txt":
        return Document(index, kind, base.name, *truth, data=text.encode("utf-8"))
    return Document(index, kind, base.name, *truth, data=render_pdf(text, header=f"{truth[0] or ''} {truth[1] or ''}".strip()))


def vary(base: Base, pools: Pools, rng: random.Random, later: random.Random, index: int, revision: int):
    """The base's text with payer, number, title, dates, code rows and references varied."""
    text = base.text
    payer = rng.choice([p for p in pools.payers if p != base.payer])
    domain = pools.domains.get(payer) or re.sub(r"[^a-z]", "", payer.casefold()) + ".com"
    number = new_number(base.number, index, rng) if base.number else None
    title = None
    edits: list[tuple[int, int, str]] = []
    if base.title_span:
        title = f"{text[slice(*base.title_span)]} of the {SITES[index % len(SITES)]} in {GROUPS[index // len(SITES) % len(GROUPS)]}"
        edits.append((*base.title_span, title))
    shift = rng.randint(-6, 0) + revision
    rotate = [rng.randrange(len(group)) for group in SAME_LENGTH]
    month_of = {}
    for group, turn in zip(SAME_LENGTH, rotate):
        for k, month in enumerate(group):
            month_of[month] = group[(k + turn) % len(group)]

    kept = [row for row in base.code_rows if rng.random() >= 0.25] or list(base.code_rows[:1])
    for row in base.code_rows:
        if row not in kept:
            edits.append((row[0], min(row[1] + 1, len(text)), ""))
    if base.code_rows:
        anchor = max(kept, key=lambda r: r[1])
        present = {r[3].split("\t", 1)[0] for r in kept}
        pool = [row for code, row in pools.rows.get(anchor[2], ()) if code not in present]
        added = rng.sample(pool, min(len(pool), rng.randint(0, 3)))
        if revision and pool:
            added += later.sample([r for r in pool if r not in added] or pool, min(revision, len(pool)))
        if added:
            edits.append((anchor[1], anchor[1], "".join("\n" + row for row in added)))
    cut = rng.randint(0, min(5, len(base.references) // 4)) + revision
    if base.references and cut:
        first = base.references[max(0, len(base.references) - cut)]
        edits.append((first[0], base.references[-1][1], ""))

    def month_name(printed: str) -> str:
        number_ = next(k for k, name in enumerate(MONTHS, 1) if name.startswith(printed.rstrip(".")[:3].title()))
        name = MONTHS[month_of[number_] - 1]
        return name if len(printed) > 4 else name[: len(printed)]

    def year(printed: str) -> str:
        return str(int(printed) + shift)

    def gap(match: re.Match) -> str:
        group = match.lastgroup
        if group == "payer":
            return domain if "." in match.group(0) else payer
        if group == "number":
            return number
        if match.group("numeric"):
            m = month_of[int(match.group("m"))]
            return f"{m:0{len(match.group('m'))}d}{match.group('sep')}{match.group('d')}{match.group('sep')}{year(match.group('y'))}"
        if match.group("iso"):
            return f"{year(match.group('iy'))}-{month_of[int(match.group('im'))]:02d}-{match.group('id')}"
        if match.group("monthyear"):
            return f"{month_of[int(match.group('mm'))]:0{len(match.group('mm'))}d}/{year(match.group('my'))}"
        if match.group("month"):
            return month_name(match.group(0))
        return year(match.group(0))

    structural = _non_overlapping(edits)
    spans = iter(structural)
    current = next(spans, None)
    replacements = []
    for match in base.tokens:  # the base's payer, number and date tokens, found once per base
        while current is not None and current[1] <= match.start() and current[0] < match.start():
            current = next(spans, None)
        if current is not None and match.start() < max(current[1], current[0] + 1) and match.end() > current[0]:
            continue  # inside a dropped or replaced part
        replacements.append((match.start(), match.end(), gap(match)))
    out, position = [], 0
    for start, end, replacement in sorted(structural + replacements, key=lambda e: (e[0], e[1])):
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out), (payer, number, title)


def _non_overlapping(edits):
    chosen, last = [], -1
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < last:
            continue
        chosen.append((start, end, replacement))
        last = max(end, start)
    return chosen


def new_number(number: str, index: int, rng: random.Random) -> str:
    """Same shape: letters stay letters (new ones), digits stay digits and end with the index (unique)."""
    digit_slots = sum(ch.isdigit() for ch in number)
    digits = str(index).zfill(digit_slots)
    if len(digits) > digit_slots:  # too few digits for the index: the last digit run grows
        last = max(i for i, ch in enumerate(number) if ch.isdigit())
        number = number[: last + 1] + "0" * (len(digits) - digit_slots) + number[last + 1:]
    out, k = [], 0
    for ch in number:
        if ch.isdigit():
            out.append(digits[k])
            k += 1
        elif ch.isalpha():
            letter = chr(ord("A") + rng.randrange(26))
            out.append(letter if ch.isupper() else letter.lower())
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------- PDFs


def render_pdf(text: str, *, header: str) -> bytes:
    """The text printed as payers print policies: wrapped paragraphs, tab rows as a two-column table,
    a running header (payer, number) with "Page n of N" and a footer on every page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font, size, leading, left, right, top, bottom = "Helvetica", 10, 12.5, 72, 540, 720, 72
    pages: list[list[tuple[float, float, str]]] = [[]]
    y = top
    for line in text.split("\n"):
        if not line.strip():
            y -= 6
            continue
        cells = line.split("\t")
        first = min(max(stringWidth(cells[0], font, size) + 12, 90), (right - left) / 2)  # a code, or "Document #: X"
        share = (right - left - first) / max(1, len(cells) - 1)
        columns = [(left, right)] if len(cells) == 1 else [(left, left + first - 6)] + [
            (left + first + k * share, left + first + (k + 1) * share - 6) for k in range(len(cells) - 1)]
        wrapped = [simpleSplit(cell.strip(), font, size, x1 - x0) or [""] for cell, (x0, x1) in zip(cells, columns)]
        height = leading * max(len(w) for w in wrapped)
        if y - height < bottom:
            pages.append([])
            y = top
        for pieces, (x0, _) in zip(wrapped, columns):
            for k, piece in enumerate(pieces):
                pages[-1].append((x0, y - k * leading, piece))
        y -= height
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=1)  # invariant: no creation date, same bytes every run
    for number, ops in enumerate(pages, 1):
        pdf.setFont(font, 8)
        pdf.drawString(left, 750, header)
        pdf.drawRightString(right, 750, f"Page {number} of {len(pages)}")
        pdf.drawCentredString((left + right) / 2, 40, "Proprietary information. Printed copies are uncontrolled.")
        pdf.setFont(font, size)
        for x, y_, piece in ops:
            pdf.drawString(x, y_, piece)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def real_copy(base: Base, rng: random.Random, index: int, revision: int) -> bytes:
    """The real PDF with 0-2 pages after the first dropped (a later revision drops one more when it
    can) and a print stamp naming the copy at the foot of page 1."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    source = pdfium.PdfDocument(base.pdf)
    count = len(source)
    rest = list(range(1, count))
    dropped = set(rng.sample(rest, min(len(rest) // 3, rng.randint(0, 2))))
    if revision:
        dropped |= set(random.Random(f"{index}/{revision}").sample(rest, min(len(rest) // 2, len(dropped) + revision)))
    target = pdfium.PdfDocument.new()
    target.import_pages(source, [0] + [p for p in rest if p not in dropped])
    width, height = target.get_page_size(0)
    buffer = io.BytesIO()
    stamp = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    stamp.setFont("Helvetica", 6)
    stamp.drawString(18, 10, f"Printed copy {index:06d}.{revision} - uncontrolled when printed")
    stamp.showPage()
    stamp.save()
    stamp_pdf = pdfium.PdfDocument(buffer.getvalue())
    page = target[0]
    xobject = stamp_pdf.page_as_xobject(0, target)
    page.insert_obj(xobject.as_pageobject())
    page.gen_content()
    out = io.BytesIO()
    target.save(out)
    for pdf in (target, stamp_pdf, source):
        pdf.close()
    # pdfium writes the time and a random file /ID: make them fixed (same lengths, so offsets hold)
    digest = hashlib.md5(f"{base.name}/{index}/{revision}/{sorted(dropped)}".encode()).hexdigest().upper().encode()
    data = CREATION_DATE.sub(b"/CreationDate(D:20260101000000", out.getvalue(), count=1)
    return TRAILER_ID.sub(lambda m: m.group(1) + b"<" + digest + b"><" + digest + b">", data)


# ---------------------------------------------------------------- the corpus on disk


def write(out: Path, doc: Document, per_folder: int = 1000) -> Path:
    """Write one document (temp file + rename: a reader never sees half of it; hard links break)."""
    path = out / relpath(doc.index, doc.kind, per_folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(doc.data)
    os.replace(tmp, path)
    return path


def generate(out: str | Path, count: int, *, seed: int = 7, start: int = 0, per_folder: int = 1000,
             mix: dict[str, float] = DEFAULT_MIX, jobs: int = 1) -> dict[str, int]:
    """Write documents start..start+count-1 under `out`; returns how many of each kind. Documents
    are made and written one at a time (memory stays flat); `jobs` > 1 uses worker processes."""
    out = Path(out)
    kinds: dict[str, int] = {}
    indices = range(start, start + count)
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [range(k, min(k + 250, start + count)) for k in range(start, start + count, 250)]
        with ProcessPoolExecutor(jobs) as pool:
            for part in pool.map(_generate_chunk, [(str(out), c.start, len(c), seed, per_folder, mix) for c in chunks]):
                for kind, n in part.items():
                    kinds[kind] = kinds.get(kind, 0) + n
        return kinds
    for index in indices:
        doc = document(index, seed=seed, mix=mix)
        write(out, doc, per_folder)
        kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
    return kinds


def _generate_chunk(args) -> dict[str, int]:
    out, start, count, seed, per_folder, mix = args
    return generate(out, count, seed=seed, start=start, per_folder=per_folder, mix=mix)


def change(out: str | Path, indices, *, seed: int = 7, revision: int = 1, per_folder: int = 1000,
           mix: dict[str, float] = DEFAULT_MIX) -> int:
    """Replace the given documents with their next revision (same path); returns how many."""
    count = 0
    for index in indices:
        write(Path(out), document(index, seed=seed, revision=revision, mix=mix), per_folder)
        count += 1
    return count


def check(count: int, *, seed: int = 7, mix: dict[str, float] = DEFAULT_MIX, stride: int = 1) -> dict[str, int]:
    """Extract `count` generated documents and count those whose payer, number and title read back as
    generated (`real` copies keep the real values)."""
    from extractors.pipeline import extract_bytes

    tally = {"documents": 0, "payer": 0, "number": 0, "title": 0, "failed": 0}
    for index in range(0, count * stride, stride):
        doc = document(index, seed=seed, mix=mix)
        tally["documents"] += 1
        try:
            record = extract_bytes(doc.data, uri=doc.relpath)
        except Exception:
            tally["failed"] += 1
            continue
        tally["payer"] += record.payer.name == doc.payer
        tally["number"] += record.policy.number == doc.number
        tally["title"] += doc.title is None or record.policy.title == doc.title
    return tally


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind.strip() not in DEFAULT_MIX:
            raise SystemExit(f"--mix: unknown kind {kind!r}; use txt, pdf, real")
        mix[kind.strip()] = float(weight)
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--per-folder", type=int, default=1000)
    parser.add_argument("--mix", type=parse_mix, default=DEFAULT_MIX, help="e.g. txt=0.6,pdf=0.3,real=0.1")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--check", type=int, default=0, help="then extract this many documents and report what reads back")
    args = parser.parse_args()
    if args.out.resolve().is_relative_to(ROOT):
        sys.exit(f"{args.out}: generated corpora stay out of the repository; choose a folder outside {ROOT}")
    started = time.perf_counter()
    kinds = generate(args.out, args.count, seed=args.seed, start=args.start, per_folder=args.per_folder, mix=args.mix, jobs=args.jobs)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.count} documents in {args.out} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}; "
          f"{size / 1e6:.1f} MB) in {seconds:.1f} s, seed {args.seed}")
    if args.check:
        tally = check(args.check, seed=args.seed, mix=args.mix, stride=max(1, args.count // args.check))
        print("read back: " + ", ".join(f"{k} {v}" for k, v in tally.items()))


if __name__ == "__main__":
    main()
