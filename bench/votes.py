#!/usr/bin/env python3
"""Benchmarks `vote-service` with wrk on loopback, beside the ceiling of this machine in the same run: a bare hyper
handler (vote-service/examples/bare_handler.rs) answering the very same requests from the very same wrk script.

Every request is a vote from a new client (bench/votes.lua), so every vote is a durable redb write. The database is
on the machine's disk (not /dev/shm): durability means a real flush.

Usage: python3 bench/votes.py [--seconds 10] [--connections 64,256,1024] [--rounds 1] [--soak-seconds 0]
(--soak-seconds N also restarts the service on the database the soak filled, and runs verify on it, timing both.)
Needs: wrk (apt-get install wrk) and release builds:
  cargo build --release -p vote-service --bin vote-service --example bare_handler
Prints a Markdown table to paste into bench/README.md.
"""
import argparse
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "target/release/vote-service"
BARE = ROOT / "target/release/examples/bare_handler"
MANIFEST = {
    "format": 1,
    "election": {"id": "bench", "title": "bench", "opens": "2020-08-22", "closes": "2020-08-31",
                 "time_zone": "Asia/Shanghai", "scope": "election", "tally_visibility": "after_close"},
    "cases": [{"id": "a", "title": "a", "category": "c", "domain": "d", "url": "/cases/a/"}],
}


def start(cmd):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    address = line.split("http://")[1].strip()
    return proc, address


def stop(proc):
    proc.terminate()
    proc.wait(timeout=60)


def wrk(address, connections, seconds):
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
                          str(ROOT / "bench/votes.lua"), f"http://{address}/api/votes"],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def latency(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, latency(50), latency(99), int(errors.group(1)) if errors else 0


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def service(work, db=None):
    db = db or work / f"votes-{time.monotonic_ns()}.redb"
    return start([str(SERVICE), "serve", "--manifest", str(work / "cases.json"), "--db", str(db), "--listen",
                  "127.0.0.1:0", "--trusted-proxy", "127.0.0.1/32", "--now", "2020-08-25T10:00:00+08:00"])


def check(work):
    """One request as wrk's script sends it must be counted, or the numbers below would measure refusals."""
    proc, address = service(work)
    out = subprocess.run(["wrk", "-t1", "-c1", "-d1s", "-s", str(ROOT / "bench/votes.lua"), f"http://{address}/api/votes"],
                         capture_output=True, text=True, check=True).stdout
    stop(proc)
    if "Non-2xx" in out:
        raise SystemExit(f"the wrk script's votes are refused:\n{out}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", default="64,256,1024")
    ap.add_argument("--rounds", type=int, default=1, help="pairs of runs (bare, service) per row; the median is shown")
    ap.add_argument("--soak-seconds", type=int, default=0, help="also run a long load and sample memory")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vote-bench-", dir="/var/tmp"))
    (work / "cases.json").write_text(json.dumps(MANIFEST))
    check(work)
    print("| connections | bare hyper handler | vote-service (durable) | share of ceiling | non-2xx |")
    print("| --- | --- | --- | --- | --- |")
    for c in [int(x) for x in args.connections.split(",") if x] + [1]:
        # Bare and service alternate, round after round, so that both see the machine's slow and fast spells; the
        # row shows the median round (by share) and, with several rounds, the range of the shares.
        rounds = []
        for _ in range(args.rounds):
            bare, address = start([str(BARE), "127.0.0.1:0"])
            b = wrk(address, c, args.seconds)
            stop(bare)
            proc, address = service(work)
            v = wrk(address, c, args.seconds)
            stop(proc)
            rounds.append((v[0] / b[0], b, v))
        rounds.sort(key=lambda r: r[0])
        share, b, v = rounds[len(rounds) // 2]
        spread = f" (rounds {100 * rounds[0][0]:.0f}-{100 * rounds[-1][0]:.0f}%)" if len(rounds) > 1 else ""
        errors = sum(r[2][3] for r in rounds)
        print(f"| {c} | {b[0]:,.0f}/s, p50 {b[1]:.2f} ms, p99 {b[2]:.2f} ms | {v[0]:,.0f}/s, p50 {v[1]:.2f} ms, "
              f"p99 {v[2]:.2f} ms | {100 * share:.0f}%{spread} | {errors} |", flush=True)
    if args.soak_seconds:
        db = work / "soak.redb"
        proc, address = service(work, db)
        samples = []
        load = subprocess.Popen(["wrk", "-t2", "-c256", f"-d{args.soak_seconds}s", "-s", str(ROOT / "bench/votes.lua"),
                                 f"http://{address}/api/votes"], stdout=subprocess.DEVNULL)
        while load.poll() is None:
            samples.append(rss_mib(proc.pid))
            time.sleep(10)
        stop(proc)
        print(f"\nsoak {args.soak_seconds} s at 256 connections: RSS {' '.join(f'{s:.0f}' for s in samples)} MiB")
        # What an operator waits for after a restart (the ballot index's Bloom filters are rebuilt and the audit
        # records not yet in a run replayed), and how long `verify` takes, on the database the soak filled.
        started = time.monotonic()
        proc, address = service(work, db)
        restart = time.monotonic() - started
        rss = rss_mib(proc.pid)
        stop(proc)
        started = time.monotonic()
        out = subprocess.run([str(SERVICE), "verify", "--db", str(db)], capture_output=True, text=True)
        print(f"restart on that database: listening after {restart:.1f} s, RSS {rss:.0f} MiB; "
              f"verify: {time.monotonic() - started:.1f} s, exit {out.returncode}: {out.stdout.strip()}{out.stderr.strip()}")
    subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
