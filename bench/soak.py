#!/usr/bin/env python3
"""A soak of the hall as deployed: real nginx with deploy/nginx/ (rendered by deploy/nginx/render.sh) in front of the
release vote-service, mixed traffic at a steady rate for minutes (10 by default, --minutes 60 for the hour).

wrk (bench/soak.lua) sends page, asset, photo and voting-status GETs and votes from new clients, each connection
pausing between requests so that the rate stays near --rate. Every --interval seconds the script prints a row:
requests/s and votes/s reached, p50/p99 latency of that interval, RSS of nginx (master and workers) and of
vote-service, the database's size and the votes counted. A backup is asked of the running service every 5 minutes
(as deploy/systemd/vote-service-backup.timer does), timed while the load goes on. At the end: database growth per
million votes, and the time of a backup and of a restore (which checks the copy as verify does) per million votes.

Clients are named in X-Forwarded-For: the soak's nginx believes it from 127.0.0.1 (set_real_ip_from, as behind a CDN;
the soak's own first hop) so that rate limits, the client key and the service see many clients although wrk runs
on one address; nginx then overwrites the header for the service, as in production.

Usage: python3 bench/soak.py --site DIR [--minutes 10] [--rate 3000] [--votes 30] [--connections 64]
                             [--interval 60]
Needs: wrk and nginx (apt-get install wrk nginx), a release build (cargo build --release -p vote-service
--bin vote-service), and a built site (cargo run --release -p generator -- build; --site output).
Prints Markdown to paste into bench/README.md.
"""
import argparse
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "target/release/vote-service"
DURING_THE_VOTE = "2020-08-25T10:00:00+08:00"
TOKEN = "soak-admin-token-0123456789"


def start_service(work, site):
    cmd = [str(SERVICE), "serve", "--manifest", str(site / "api/cases.json"), "--db", str(work / "votes.redb"),
           "--listen", "127.0.0.1:0", "--trusted-proxy", "127.0.0.1/32", "--now", DURING_THE_VOTE,
           "--admin-token-file", str(work / "token"), "--backup-dir", str(work / "backups"),
           "--metrics-listen", "127.0.0.1:0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    address = proc.stdout.readline().split("http://")[1].strip()
    line = proc.stderr.readline()
    while "metrics on http://" not in line:  # the first line warns that the clock is shifted
        line = proc.stderr.readline()
    metrics = line.split("http://")[1].split("/")[0]
    # Keep reading stderr so that the service never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, address, metrics


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(work, site, upstream):
    conf_dir = work / "nginx"
    subprocess.run(["sh", str(ROOT / "deploy/nginx/render.sh"), str(conf_dir), f"HALL_CONF={conf_dir}",
                    f"HALL_OUTPUT={site}", f"VOTE_SERVICE={upstream}"], check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    user = "user root;\n" if subprocess.run(["id", "-u"], capture_output=True, text=True).stdout.strip() == "0" else ""
    d = conf_dir
    (d / "nginx.conf").write_text(f"""{user}worker_processes 1;
error_log {d}/error.log warn;
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    include {d}/hall-http.conf;
    include {d}/hall-upstream.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name hall.example.org;
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Forwarded-For;
        include {d}/hall-site.conf;
    }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", str(d), "-c", str(d / "nginx.conf"), "-g",
                             f"daemon off; pid {d}/nginx.pid;"])
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            return proc, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nginx did not start: {(d / 'error.log').read_text()}")


def rss_mib(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def nginx_pids(master):
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [master] + [int(c) for c in children]


def counted(metrics):
    text = urllib.request.urlopen(f"http://{metrics}/metrics", timeout=30).read().decode()
    match = re.search(r'vote_service_vote_answers_total\{code="counted"\} (\d+)', text)
    return int(match.group(1)) if match else 0


def wrk(address, args, interval, seconds, paths, cases):
    pause = max(0, round(args.connections * 1000 / args.rate) - 1)
    out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
                          "-s", str(ROOT / "bench/soak.lua"), f"http://{address}", "--", str(interval),
                          str(args.votes), str(pause), str(paths), str(cases)],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return rate, latency(50), latency(99), int(errors.group(1)) if errors else 0, \
        socket_errors.group(1) if socket_errors else ""


def paths_of(site):
    """What visitors fetch: every page, asset and photo of the site, and the voting status (each case page asks)."""
    paths = []
    for file in sorted(site.rglob("*")):
        if file.is_file() and not file.name.endswith((".json", ".csv", ".xml", ".txt")):
            rel = "/" + str(file.relative_to(site))
            paths.append(rel[: -len("index.html")] if rel.endswith("/index.html") else rel)
    pages = [p for p in paths if p.endswith("/")]
    return paths + ["/api/votes"] * len(pages)


def backup(address, work):
    started = time.monotonic()
    out = subprocess.run([str(SERVICE), "backup", "--service", f"http://{address}", "--admin-token-file",
                          str(work / "token")], capture_output=True, text=True, check=True).stdout
    return time.monotonic() - started, json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", type=Path, default=ROOT / "output")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--rate", type=int, default=3000, help="requests a second, all kinds")
    ap.add_argument("--votes", type=int, default=30, help="percent of requests that are votes")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--interval", type=int, default=60, help="seconds a row")
    ap.add_argument("--backup-every", type=int, default=300, help="seconds between backups during the load")
    args = ap.parse_args()
    site = args.site.resolve()
    work = Path(tempfile.mkdtemp(prefix="hall-soak-", dir="/var/tmp"))
    (work / "token").write_text(TOKEN)
    (work / "backups").mkdir()
    paths, cases = work / "paths.txt", work / "cases.txt"
    paths.write_text("\n".join(paths_of(site)) + "\n")
    cases.write_text("\n".join(c["id"] for c in json.loads((site / "api/cases.json").read_text())["cases"]) + "\n")
    service, address, metrics = start_service(work, site)
    nginx, front = start_nginx(work, site, address)
    db = work / "votes.redb"
    backups = []
    stop = threading.Event()

    def backups_during_load():
        while not stop.wait(args.backup_every):
            backups.append((counted(metrics),) + backup(address, work))
    backup_thread = threading.Thread(target=backups_during_load, daemon=True)
    backup_thread.start()

    print(f"soak: {args.minutes:g} min, target {args.rate}/s ({args.votes}% votes), {args.connections} connections, "
          f"through nginx {front} to vote-service {address}, database {db}\n")
    print("| minute | requests/s | votes/s | p50 | p99 | non-2xx | nginx RSS | vote-service RSS | database | votes |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    started = time.monotonic()
    rows = int(args.minutes * 60 // args.interval)
    votes_before, size_before = counted(metrics), db.stat().st_size
    previous = votes_before
    for interval in range(rows):
        rate, p50, p99, errors, socket_errors = wrk(front, args, interval, args.interval, paths, cases)
        votes = counted(metrics)
        size = db.stat().st_size
        minute = (time.monotonic() - started) / 60
        note = f" ({socket_errors})" if socket_errors else ""
        print(f"| {minute:.1f} | {rate:,.0f} | {(votes - previous) / args.interval:,.0f} | {p50:.2f} ms | "
              f"{p99:.2f} ms | {errors}{note} | {rss_mib(nginx_pids(nginx.pid)):.0f} MiB | "
              f"{rss_mib([service.pid]):.0f} MiB | {size / 2**20:.1f} MiB | {votes:,} |", flush=True)
        previous = votes
    stop.set()
    votes = counted(metrics)
    size = db.stat().st_size
    per_million = lambda x: x / max(votes, 1) * 1e6
    print(f"\ndatabase: {size / 2**20:.1f} MiB for {votes:,} votes = "
          f"{(size - size_before) / max(votes - votes_before, 1) * 1e6 / 2**20:.0f} MiB per million votes")
    for at, seconds, summary in backups:
        print(f"backup during the load at {at:,} votes: {seconds:.1f} s, {summary['bytes'] / 2**20:.1f} MiB")
    seconds, summary = backup(address, work)
    print(f"backup after the load: {seconds:.1f} s for {summary['votes']:,} votes "
          f"({per_million(seconds):.1f} s per million votes), {summary['bytes'] / 2**20:.1f} MiB")
    nginx.terminate()
    nginx.wait(timeout=60)
    service.terminate()
    service.wait(timeout=120)
    restored = work / "restored.redb"
    started = time.monotonic()
    subprocess.run([str(SERVICE), "restore", "--from", summary["file"], "--db", str(restored)], check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    print(f"restore (with its check): {seconds:.1f} s ({per_million(seconds):.1f} s per million votes)")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
