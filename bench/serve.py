#!/usr/bin/env python3
"""Measures `generator serve` on N cases: the time from start to the first page, and from saving an edit of one case
to the moment the preview sends the reload (its `rebuilt` line) and to the search index catching up (its `search index
updated` line), for several edits of several cases.

The corpus is bench/make_corpus.py's, with its 4 photo files shared by every case (as `bench/run.py --only pages`
uses): every photo is still read and hashed by a full build, but only 4 are ever derived, so the cold cache costs
seconds, not the 17 minutes of 20,000 distinct photos.

Usage: python3 bench/serve.py [--n 5000] [--edits 5]
Needs: a release build (cargo build --release -p generator) and Pillow.
"""
import argparse
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the corpus and paths of the build benchmark)


class Serve:
    """`generator serve --port 0` whose stdout lines are collected with the time they arrived."""

    def __init__(self, content, work):
        self.lines = []
        self.cond = threading.Condition()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [str(run.GENERATOR), "serve", "--port", "0", "--content", str(content), "--theme",
             str(run.ROOT / "themes/default"), "--output", str(work / "output"), "--cache", str(work / "cache")],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self.cond.notify_all()

    def wait_for(self, pattern, after=0, timeout=120):
        """The (time, line) of the first line matching `pattern` among lines number `after` and later."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, line in self.lines[after:]:
                    if re.search(pattern, line):
                        return t, line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no line matching {pattern!r}; got {self.lines[-5:]}")
                self.cond.wait(left)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=5)
    args = ap.parse_args()
    source = run.corpus(args.n, distinct=False)
    work = run.SHM / f"serve-{args.n}"
    shutil.rmtree(work, ignore_errors=True)
    content = work / "content"
    shutil.copytree(source, content, symlinks=False)
    # A first run fills the photo cache, as an editor's earlier builds would have.
    warm = subprocess.run([str(run.GENERATOR), "build", "--content", str(content), "--theme",
                           str(run.ROOT / "themes/default"), "--output", str(work / "output"), "--cache",
                           str(work / "cache")], capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr

    serve = Serve(content, work)
    _, line = serve.wait_for(r"^serving ")
    url = line.split()[1]
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            break
        except OSError:
            time.sleep(0.01)
    first_page = time.monotonic() - serve.started

    cases = sorted(p.name for p in (content / "cases").iterdir())
    edits = []
    for k in range(args.edits):
        case = cases[(k * 997) % len(cases)]
        index = content / "cases" / case / "index.md"
        text = index.read_text(encoding="utf-8")
        title = re.search(r"^title: (.*)$", text, re.M).group(1)
        new_title = f"{title[:30]}（第{k + 1}次修改）"
        after = len(serve.lines)
        time.sleep(0.2)
        saved = time.monotonic()
        index.write_text(text.replace(f"title: {title}", f"title: {new_title}", 1), encoding="utf-8")
        t, line = serve.wait_for(r"^rebuilt ", after)
        page = urllib.request.urlopen(f"{url}cases/{case}/", timeout=5).read().decode()
        assert new_title in page, f"the page of {case} shows the edit"
        searched, _ = serve.wait_for(r"^search index updated", after)
        edits.append((t - saved, searched - saved, line))
        time.sleep(0.5)
    serve.stop()

    print(f"N = {args.n}: start to first page {first_page:.2f} s")
    for took, searched, line in edits:
        print(f"  edit to reload {took * 1000:.0f} ms, to search index {searched * 1000:.0f} ms   ({line})")
    print(f"  median edit to reload {statistics.median(t for t, _, _ in edits) * 1000:.0f} ms, "
          f"to search index {statistics.median(s for _, s, _ in edits) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
