#!/bin/sh
# The planted-stuffing replay of bench/README.md ("vote-service review"): a 10-day election of a million votes
# recorded through the real database and reviewed, then review alone on the audit file, timed with /usr/bin/time.
# Usage: cargo build --release -p vote-service && sh bench/review.sh [DAYS] [VOTES] [SEED]
set -eu
days=${1:-10}
votes=${2:-1000000}
seed=${3:-1}
bin=target/release/vote-service
dir=$(mktemp -d /tmp/review-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
/usr/bin/time -f "simulate-election: %e s, peak %M KiB" \
    "$bin" simulate-election --days "$days" --votes "$votes" --seed "$seed" --keep "$dir/sim"
"$bin" audit --db "$dir/sim/sim.redb" > "$dir/audit.jsonl"
echo "audit file: $(wc -l < "$dir/audit.jsonl") records, $(du -m "$dir/audit.jsonl" | cut -f1) MB"
/usr/bin/time -f "review --audit: %e s, peak %M KiB" \
    "$bin" review --audit "$dir/audit.jsonl" --format json > "$dir/findings.jsonl"
/usr/bin/time -f "review --db: %e s, peak %M KiB" \
    "$bin" review --db "$dir/sim/sim.redb" --format json > "$dir/findings-db.jsonl"
cmp -s "$dir/findings.jsonl" "$dir/findings-db.jsonl" && echo "the same findings from the file and the database"
cut -c1-120 "$dir/findings.jsonl"
