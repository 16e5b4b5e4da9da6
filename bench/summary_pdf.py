"""Benchmark: the printable summary PDF against the floor its content allows.

For every demo resident (including the one with 200+ timeline events) it times a full, uncached
summary render (database reads, HTML, layout, tagged PDF/UA with embedded fonts) and, in the same
run, WeasyPrint rendering the same words as bare paragraphs (the summary's text, taken from its
own PDF with pdftotext: no styles, no tags, no tables): what WeasyPrint needs for that much text
whatever the template does. Then a repeat print, served from the cache (the HTML is built again
to find the cache key; nothing is rendered).

Budgets, each demo resident: summary ≤ 2.0× its bare paragraphs, ≤ 0.5 s, cached repeat
≤ 20 ms. Prints the figures and PASS/FAIL; exits 1 on FAIL. Writes the PDFs (and, with poppler's
pdftoppm installed, PNGs of each page to look at) to bench/out/summary/.

Wall-clock times on a shared machine wander; the two renders are timed alternately so a busy
machine slows both alike. With --instructions it also counts CPU instructions per render under
valgrind's callgrind, which gives the same figure on every run (a few minutes), and judges the
ratio on those counts.

    .venv/bin/python bench/summary_pdf.py [--runs 9] [--instructions]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html import escape as html_escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_RATIO = 2.0
MAX_SECONDS = 0.5
MAX_CACHED_SECONDS = 0.020


def median_seconds(func: Callable[[], object], runs: int) -> float:
    func()  # warm: fonts, template compilation, first database round trip
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def paired_medians(
    a: Callable[[], object], b: Callable[[], object], runs: int
) -> tuple[float, float]:
    """Medians of a and b timed alternately, so a busy machine slows both alike."""
    a()
    b()
    times_a, times_b = [], []
    for _ in range(runs):
        started = time.perf_counter()
        a()
        times_a.append(time.perf_counter() - started)
        started = time.perf_counter()
        b()
        times_b.append(time.perf_counter() - started)
    return statistics.median(times_a), statistics.median(times_b)


def bare_paragraphs(text: str) -> str:
    """Words as bare paragraphs, one per line of text: WeasyPrint's own cost for that much text."""
    paragraphs = "".join(f"<p>{html_escape(line)}</p>" for line in text.splitlines() if line)
    return f'<html lang="nl"><head><title>x</title></head><body>{paragraphs}</body></html>'


# --- instruction counts (valgrind) ---------------------------------------------------------------


def child(mode: str, repeats: int, files: list[str]) -> None:
    """Run under callgrind: one warm-up render, then `repeats` more. The difference between
    repeats=2 and repeats=0 is the cost of two renders, without start-up and imports."""
    import weasyprint

    if mode == "bare":
        bare = Path(files[0]).read_text()

        def render() -> object:
            return weasyprint.HTML(string=bare).write_pdf()

    else:  # summary: style source, font dir, then every HTML the render lays out (last is written)
        from app.services.pdf_engine import layout, load_style, write

        style = load_style(Path(files[0]).read_text(), Path(files[1]))
        tries = [Path(f).read_text() for f in files[2:]]

        def render() -> object:
            document = None
            for html in tries:
                document = layout(html, style)
            assert document is not None
            return write(document)

    for _ in range(1 + repeats):
        render()


def instructions(mode: str, files: list[str]) -> int:
    """Instructions of one render (callgrind counts are the same on every run)."""
    counts = []
    for repeats in (0, 2):
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                "--child",
                mode,
                str(repeats),
                *files,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        assert found, done.stderr[-2000:]
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) // 2


def count_instructions(jobs: dict[str, tuple[str, list[str]]]) -> dict[str, int]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {name: pool.submit(instructions, *job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def pdf_words(data: bytes, path: Path) -> str:
    """The text of a PDF, line by line (pdftotext; pypdf when poppler is missing)."""
    path.write_bytes(data)
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--instructions", action="store_true", help="also count instructions")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2:])
        return 0
    if args.instructions and not shutil.which("valgrind"):
        print("--instructions needs valgrind (Debian package valgrind)", file=sys.stderr)
        return 2

    os.environ.setdefault("MIJN_CONFIG", "test")
    import weasyprint
    from pypdf import PdfReader

    from app import clock, create_app
    from app.config import TestConfig
    from app.demo import DEMO_RESIDENTS, seed_demo
    from app.extensions import db
    from app.services.accounts import resident_for_bsn
    from app.services.summary import Viewer
    from app.services.summary_pdf import (
        PdfReady,
        _layout,
        _write,
        pdf_html,
        render_summary_pdf,
        request_pdf,
    )

    workdir = Path(tempfile.mkdtemp(prefix="summary-bench-"))
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite'}",
        SUMMARY_CACHE_DIR=str(workdir / "cache"),
        SUMMARY_INLINE_BUDGET_SECONDS=60.0,  # the first print renders in the request
    )
    out = ROOT / "bench" / "out" / "summary"
    shutil.rmtree(out, ignore_errors=True)  # no page images left over from a longer summary
    out.mkdir(parents=True)
    failed = False
    worst_ratio = worst_seconds = worst_cached = worst_count_ratio = 0.0
    bare_pages: dict[str, str] = {}
    with app.app_context(), app.test_request_context():
        db.create_all()
        seed_demo()
        today = clock.today()
        print(
            f"WeasyPrint {weasyprint.__version__}, medians of {args.runs} runs, each summary "
            "run paired with a run of its own words as bare paragraphs"
        )
        print(
            f"{'resident':<24}{'summary ms':>11}{'bare ms':>9}{'ratio':>8}{'cached ms':>11}"
            f"{'pages':>7}  result"
        )
        for demo in DEMO_RESIDENTS:
            resident = resident_for_bsn(demo.bsn)
            assert resident is not None

            def summary(resident=resident) -> bytes:  # type: ignore[no-untyped-def]
                # Not through the cache: every run reads the database and renders again.
                return render_summary_pdf(resident, today)

            data = summary()
            path = out / f"{demo.first_name.lower()}.pdf"
            bare = bare_paragraphs(pdf_words(data, path))
            bare_pages[demo.first_name] = bare

            def floor(bare=bare) -> bytes:  # type: ignore[no-untyped-def]
                return bytes(weasyprint.HTML(string=bare).write_pdf() or b"")

            floor_s, seconds = paired_medians(floor, summary, args.runs)
            ratio = seconds / floor_s
            viewer = Viewer.for_resident(resident)
            first = request_pdf(viewer, resident, today)  # renders into the cache
            assert isinstance(first, PdfReady)

            def repeat(viewer=viewer, resident=resident) -> object:  # type: ignore[no-untyped-def]
                result = request_pdf(viewer, resident, today)
                assert isinstance(result, PdfReady)
                return result

            cached = median_seconds(repeat, args.runs)
            pages = len(PdfReader(io.BytesIO(data)).pages)
            ok = ratio <= MAX_RATIO and seconds <= MAX_SECONDS and cached <= MAX_CACHED_SECONDS
            failed = failed or not ok
            worst_ratio, worst_seconds = max(worst_ratio, ratio), max(worst_seconds, seconds)
            worst_cached = max(worst_cached, cached)
            name = f"{demo.first_name} {demo.last_name}"
            print(
                f"{name:<24}{seconds * 1000:>11.1f}{floor_s * 1000:>9.1f}{ratio:>7.2f}×"
                f"{cached * 1000:>11.1f}{pages:>7}  {'PASS' if ok else 'FAIL'}"
            )
            if shutil.which("pdftoppm"):
                subprocess.run(
                    ["pdftoppm", "-r", "60", "-png", str(path), str(out / demo.first_name.lower())],
                    check=True,
                )
        # Where the time goes, for the first resident: our part is building the HTML.
        first_resident = resident_for_bsn(DEMO_RESIDENTS[0].bsn)
        assert first_resident is not None
        html = pdf_html(first_resident, today)
        build = median_seconds(lambda: pdf_html(first_resident, today), args.runs)
        layout = median_seconds(lambda: _layout(html), args.runs)
        document = _layout(html)
        write = median_seconds(lambda: _write(document), args.runs)
        print(
            f"{DEMO_RESIDENTS[0].first_name}: build HTML (database, template) {build * 1000:.1f} ms"
            f", WeasyPrint layout {layout * 1000:.1f} ms, write tagged PDF {write * 1000:.1f} ms"
        )
        if args.instructions:
            from app.services.summary_pdf import _style, font_dir

            files = workdir / "instructions"
            files.mkdir()
            (files / "style.css").write_text(_style().source)
            jobs: dict[str, tuple[str, list[str]]] = {}
            for demo in DEMO_RESIDENTS:
                resident = resident_for_bsn(demo.bsn)
                assert resident is not None
                tried: list[str] = []
                render_summary_pdf(resident, today, tried=tried)
                paths = []
                for i, html in enumerate(tried):
                    path = files / f"{demo.first_name.lower()}-{i}.html"
                    path.write_text(html)
                    paths.append(str(path))
                jobs[demo.first_name] = (
                    "summary",
                    [str(files / "style.css"), str(font_dir()), *paths],
                )
                bare_file = files / f"{demo.first_name.lower()}-bare.html"
                bare_file.write_text(bare_pages[demo.first_name])
                jobs[f"{demo.first_name} bare"] = ("bare", [str(bare_file)])
            print("instructions per render (valgrind callgrind; the same on every run):")
            counts = count_instructions(jobs)
            print(f"{'resident':<24}{'summary M':>11}{'bare M':>9}{'ratio':>8}  result")
            for demo in DEMO_RESIDENTS:
                count, floor_count = counts[demo.first_name], counts[f"{demo.first_name} bare"]
                ratio = count / floor_count
                ok = ratio <= MAX_RATIO
                failed = failed or not ok
                worst_count_ratio = max(worst_count_ratio, ratio)
                print(
                    f"{demo.first_name + ' ' + demo.last_name:<24}{count / 1e6:>11.1f}"
                    f"{floor_count / 1e6:>9.1f}{ratio:>7.2f}×  {'PASS' if ok else 'FAIL'}"
                )
    shutil.rmtree(workdir, ignore_errors=True)
    ratio_ok, seconds_ok = worst_ratio <= MAX_RATIO, worst_seconds <= MAX_SECONDS
    cached_ok = worst_cached <= MAX_CACHED_SECONDS
    print(
        f"ratio to bare paragraphs ≤ {MAX_RATIO:g}× (wall clock): worst {worst_ratio:.2f}× → "
        f"{'PASS' if ratio_ok else 'FAIL'}"
    )
    if args.instructions:
        counted_ok = worst_count_ratio <= MAX_RATIO
        print(
            f"ratio to bare paragraphs ≤ {MAX_RATIO:g}× in instructions: worst "
            f"{worst_count_ratio:.2f}× → {'PASS' if counted_ok else 'FAIL'}"
        )
    print(
        f"absolute ≤ {MAX_SECONDS:g} s: worst {worst_seconds * 1000:.0f} ms → "
        f"{'PASS' if seconds_ok else 'FAIL'}"
    )
    print(
        f"cached repeat ≤ {MAX_CACHED_SECONDS * 1000:g} ms: worst {worst_cached * 1000:.1f} ms → "
        f"{'PASS' if cached_ok else 'FAIL'}"
    )
    print(f"overall: {'FAIL' if failed else 'PASS'}")
    print(f"PDFs and page images: {out.relative_to(ROOT)}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
