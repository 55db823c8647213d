#!/usr/bin/env bash
# A real dmsc-controld on its API socket, no network needed (its circuit's interface does not
# exist): `show config` and `show config json` load back into a second and a third daemon
# that show the same; `reload` answers applied, restart needed and refused; SIGHUP logs the same.
#   controld_api_test.sh CONTROLD YANG_DIR
set -uo pipefail
controld=${1:?usage: $0 CONTROLD YANG_DIR}
yang_dir=${2:?usage: $0 CONTROLD YANG_DIR}
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for log in "$dir"/*.log; do echo "--- $log"; cat "$log"; done
  exit 1
}

start() { # NAME CONFIG: a daemon with its socket at $dir/NAME.sock
  "$controld" --config "$2" --socket "$dir/$1.sock" >"$dir/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do [[ -S $dir/$1.sock ]] && return 0; sleep 0.1; done
  fail "$1 did not open its socket"
}
ask() { # NAME COMMAND...
  local name=$1
  shift
  "$controld" "$@" --socket "$dir/$name.sock"
}

cat >"$dir/box.conf" <<CONF
system-id 0000.0000.0042
area 49.0001
hostname api-test
lsp-auth md5 domain-secret
circuit dmsc-none-0 metric 20 auth sha256 link-secret key-id 3
service-prefix /svc/a metric 5
timer spf-delay 0.1
CONF
start box "$dir/box.conf"

# --- config: keys hidden; with a key written in, another daemon loads it and shows the same.
text=$(ask box show config) || fail "show config"
grep -qx 'lsp-auth md5 <hidden>' <<<"$text" || fail "show config: no hidden lsp-auth key: $text"
grep -q 'secret' <<<"$text" && fail "show config prints a key: $text"
sed 's/<hidden>/k/' <<<"$text" >"$dir/saved.conf"
start saved "$dir/saved.conf"
[[ $(ask saved show config) == "$text" ]] || fail "the saved text answer does not load back to the same configuration"

json=$(ask box show config json) || fail "show config json"
grep -q 'secret' <<<"$json" && fail "show config json prints a key: $json"
if command -v yanglint >/dev/null; then
  printf '%s\n' "$json" >"$dir/answer.json"
  yanglint --present -p "$yang_dir" "$yang_dir/dmsc-controld.yang" "$dir/answer.json" || fail "yanglint refuses the JSON answer"
fi
sed 's/<hidden>/k/' <<<"$json" >"$dir/saved.json"
start saved_json "$dir/saved.json"
[[ $(ask saved_json show config json) == "$json" ]] || fail "the saved JSON answer does not load back to the same configuration"

# --- reload through the API: applied, with what changed and what waits for a restart.
sed -i -e 's|^service-prefix /svc/a metric 5|service-prefix /svc/a metric 5\nservice-prefix /svc/b anycast|' \
  -e 's/metric 20/metric 30/' "$dir/box.conf"
answer=$(ask box reload) || fail "reload: exit $? ($answer)"
grep -q '^reload applied: now originating 2 service prefix(es)' <<<"$answer" || fail "reload: $answer"
grep -q 'added service-prefix /svc/b anycast' <<<"$answer" || fail "reload: $answer"
grep -q 'waits for a restart: circuit dmsc-none-0 metric' <<<"$answer" || fail "reload: $answer"
ask box show config | grep -qx 'service-prefix /svc/b anycast' || fail "the running configuration lacks /svc/b"
ask box show config | grep -qx 'circuit dmsc-none-0 metric 20 auth sha256 <hidden> key-id 3' ||
  fail "the running configuration took a change that waits for a restart"
grep -q 'reload: added service-prefix /svc/b anycast' "$dir/box.log" || fail "the API's reload is not logged"

# --- refused: the answer names the file and line; exit 1; nothing changes.
echo "circuit dmsc-none-1 metric 0" >>"$dir/box.conf"
answer=$(ask box reload json)
status=$?
[[ $status == 1 ]] || fail "a refused reload exits $status"
[[ $answer == "{\"result\":\"refused\",\"error\":\"$dir/box.conf:9: circuit dmsc-none-1: bad metric '0'\"}" ]] ||
  fail "refused reload: $answer"

# --- SIGHUP: the same code, the same words in the log.
sed -i '$d' "$dir/box.conf"
sed -i 's|^service-prefix /svc/b anycast|service-prefix /svc/c|' "$dir/box.conf"
kill -HUP "${pids[0]}"
for _ in $(seq 50); do grep -q 'reload: added service-prefix /svc/c' "$dir/box.log" && break; sleep 0.1; done
grep -q 'reload applied: now originating 2 service prefix(es) and 0 IP prefix(es) (1 added, 1 removed, 0 changed); 1 change(s) wait for a restart' "$dir/box.log" ||
  fail "SIGHUP: no applied outcome in the log"
grep -q 'reload: removed service-prefix /svc/b anycast' "$dir/box.log" || fail "SIGHUP: no removed line in the log"
echo "controld_api: ok: config and config json load back; reload applied, restart needed and refused; SIGHUP logs the same"
