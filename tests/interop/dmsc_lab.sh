# shellcheck shell=bash
# dmsc_lab.sh: dmsc-controld in a frr_lab.sh lab (source frr_lab.sh first). Needs $controld (the
# binary) and a `fail` function; each daemon keeps its files in $LAB_DIR/<name>/.
#
#   dmsc_conf ... | controld_start NAME      # configuration on stdin ("-": keep the last one)
#   controld_stop NAME
#   show NAME COMMAND...                     # dmsc-controld show, through NAME's API socket
#   adjacency_up NAME; has_route NAME PREFIX NEXT_HOP COST; no_route NAME PREFIX

controld_start() { # NAME, configuration on stdin ("-" keeps the one written before)
  local name=$1
  mkdir -p "$LAB_DIR/$name"
  [[ ${2:-} == - ]] || cat >"$LAB_DIR/$name/controld.conf"
  ip netns exec "$(lab_ns "$name")" "$controld" --config "$LAB_DIR/$name/controld.conf" \
    --socket "$LAB_DIR/$name/api.sock" --log-level debug >>"$LAB_DIR/$name/controld.log" 2>&1 &
  echo $! >"$LAB_DIR/$name/controld.pid"
  wait_until 5 test -S "$LAB_DIR/$name/api.sock" || fail "$name: dmsc-controld did not start"
}
controld_stop() {
  local pid
  pid=$(cat "$LAB_DIR/$1/controld.pid")
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
show() { "$controld" show "${@:2}" --socket "$LAB_DIR/$1/api.sock"; }
adjacency_up() { show "$1" adjacencies json | jq -e '.adjacencies[] | select(.state == "Up")' >/dev/null; }
has_route() { # NAME PREFIX NEXT_HOP_SYSTEM_ID COST
  show "$1" rib json | jq -e --arg p "$2" --arg h "$3" --argjson c "$4" \
    '.routes[] | select(.prefix == $p and .cost == $c and ([.next_hops[].system_id] == [$h]))' >/dev/null
}
no_route() { ! show "$1" rib json | jq -e --arg p "$2" '.routes[] | select(.prefix == $p)' >/dev/null; }
