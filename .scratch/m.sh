#!/bin/bash
# usage: m.sh SIZE [extra args]  -> wall, maxrss
S=$1; shift
/usr/bin/time -f "%e s %M KB" node apps/cli/dist/main.js run --mode memory --root bench/data/$S --org org1234567 --source 6b2c0e7a-1f4d-4c55-9a3e-0c5e8d1a2b3c --year 2025 --month 10 --reference .scratch/ref.yml --threads 2 --out /tmp/m-$S.csv --json "$@" 2>&1 >/tmp/m-$S.json | tail -n 1
