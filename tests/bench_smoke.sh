#!/usr/bin/env bash
# Runs a benchmark briefly and checks its interface: the last line of stdout is one JSON object
# holding the given keys. Usage: bench_smoke.sh "key1 key2 ..." <command...>
set -euo pipefail
keys=$1; shift
out=$("$@")
last=$(printf '%s\n' "$out" | tail -n 1)
python3 - "$keys" "$last" <<'PY'
import json, sys
keys, line = sys.argv[1].split(), sys.argv[2]
data = json.loads(line)
missing = [k for k in keys if k not in data]
if missing:
    sys.exit(f"benchmark JSON lacks {missing}: {line}")
print("ok:", line)
PY
