"""Benchmark: "Luister naar uw overzicht", the spoken summary (espeak-ng + LAME, MP3 24 kbit/s).

For every demo resident (including Mohamed, with 200+ timeline events) it speaks the summary
uncached and reports the text, the time to make the file (synthesis and encoding, which the RQ
worker does), the file's size, its length and the size per minute. Budgets: ≤ 200 kB per minute
of speech (a listen on a pay-per-MB phone plan costs little) and ≤ 2 s to make a file (the page
polls every 2 s). Prints PASS/FAIL; exits 1 on FAIL. Writes the MP3s to bench/out/audio/ to listen.

    .venv/bin/python bench/summary_audio.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_KB_PER_MINUTE = 200
MAX_SECONDS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("MIJN_CONFIG", "test")
    from app import clock, create_app
    from app.config import TestConfig
    from app.demo import DEMO_RESIDENTS, seed_demo
    from app.extensions import db
    from app.services.accounts import resident_for_bsn
    from app.services.summary_audio import AudioReady, spoken_text, synthesise

    workdir = Path(tempfile.mkdtemp(prefix="audio-bench-"))
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite'}",
        SUMMARY_CACHE_DIR=str(workdir / "cache"),
    )
    out = ROOT / "bench" / "out" / "audio"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    failed = False
    print(f"espeak-ng + lame, median of {args.runs} uncached runs per resident")
    print(f"{'resident':<22}{'words':>7}{'make s':>8}{'kB':>7}{'length':>8}{'kB/min':>8}  result")
    with app.app_context(), app.test_request_context():
        db.create_all()
        seed_demo()
        for demo in DEMO_RESIDENTS:
            resident = resident_for_bsn(demo.bsn)
            if resident is None or resident.dossier is None:
                continue
            lang, text = spoken_text(resident, clock.today())
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                data = synthesise(lang, text)
                times.append(time.perf_counter() - started)
            seconds = statistics.median(times)
            length = AudioReady(data).seconds
            per_minute = len(data) / 1000 / max(length / 60, 1 / 60)
            ok = per_minute <= MAX_KB_PER_MINUTE and seconds <= MAX_SECONDS
            failed |= not ok
            (out / f"{demo.first_name.lower()}.mp3").write_bytes(data)
            print(
                f"{demo.first_name + ' ' + demo.last_name:<22}{len(text.split()):>7}"
                f"{seconds:>8.2f}{len(data) / 1000:>7.0f}{length // 60:>5}:{length % 60:02d}"
                f"{per_minute:>8.0f}  {'PASS' if ok else 'FAIL'}"
            )
    print(f"budgets: ≤ {MAX_KB_PER_MINUTE} kB per minute, ≤ {MAX_SECONDS} s to make a file")
    print(f"files: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
