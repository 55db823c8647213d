# shellcheck shell=bash
# lab.sh: builds a dmsc lab from a topology file (module dmsc-lab, config/yang/dmsc-lab.yang)
# in network namespaces: SR boxes and gateways (dmsc-forwarder + dmsc-controld, as in
# tests/interop/sr_lab.sh), FRR routers, and pods (tools/lab/pod.py). Sourced by tools/dmsc-lab.
#
#   topo_load FILE      validates FILE (yanglint + the checks YANG cannot say), fills TOPO_*
#   topo_up             namespaces, links, configurations, daemons; returns once converged
#   pods_start          the pods serve their names, then (all of them listening) send their flows
#   topo_path NAME BOX  the path NAME takes from BOX, hop by hop, from the routers' FIBs
#
# Addressing, from the position n (1-based) of each box in the file: system id 0000.0000.00nn,
# MAC 02:00:00:00:nn:pp on box n's interface towards box pp, interfaces e-<peer> (the veth, owned
# by the forwarder) and t-<peer> (its punt TAP, where dmsc-controld runs IS-IS), forwarder face
# id pp towards box pp, link L's subnet 10.0.L.0/30 (first box .1, second .2). A gateway has a
# static route for each name of its pods to the pod's face; dmsc-controld pushes the rest.

# shellcheck source=../../tests/interop/sr_lab.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../tests/interop/sr_lab.sh"

LAB_YANG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../config/yang" && pwd)
POD_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/pod.py
DMSCCTL=${DMSCCTL:-}
TOPO_BOXES=()                    # names, in file order
declare -A TOPO_ROLE=() TOPO_ID=() TOPO_SERVES=() TOPO_PEERS=()
TOPO_LINKS=()                    # "a b metric", index L = position + 1
TOPO_FLOWS=()                    # "from to rate"
TOPO_FAILURES=()                 # "a b"

topo_error() { printf 'dmsc-lab: %s: %s\n' "$TOPO_NAME" "$*" >&2; exit 2; }

topo_load() {
  TOPO_FILE=$1 TOPO_NAME=$1
  [[ -r $TOPO_FILE ]] || { echo "dmsc-lab: cannot read topology '$TOPO_FILE'" >&2; exit 2; }
  # YAML: the same tree as the JSON form, converted first (yanglint reads JSON and XML).
  if [[ $TOPO_FILE == *.yaml || $TOPO_FILE == *.yml ]]; then
    local json
    json=$(mktemp /tmp/dmsc-lab-topology.XXXXXX.json)
    # shellcheck disable=SC2064  # the name is fixed now
    trap "rm -f '$json'" RETURN
    /usr/bin/python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' "$TOPO_FILE" >"$json" \
      || topo_error "not YAML that python3-yaml reads"
    TOPO_FILE=$json
  fi
  local errors
  if ! errors=$(yanglint -p "$LAB_YANG_DIR" "$LAB_YANG_DIR/dmsc-lab.yang" "$TOPO_FILE" 2>&1); then
    printf 'dmsc-lab: %s is not a valid dmsc-lab topology:\n%s\n' "$TOPO_NAME" "$errors" >&2
    exit 2
  fi
  local q='."dmsc-lab:lab"' name role n=0 a b metric i
  while read -r name role; do
    TOPO_BOXES+=("$name") TOPO_ROLE[$name]=$role TOPO_ID[$name]=$((++n)) TOPO_PEERS[$name]=""
    TOPO_SERVES[$name]=$(jq -r --arg n "$name" "$q.box[] | select(.name == \$n) | (.\"service-prefix\" // []) | join(\" \")" "$TOPO_FILE")
  done < <(jq -r "$q.box[] | \"\(.name) \(.role)\"" "$TOPO_FILE")
  mapfile -t TOPO_LINKS < <(jq -r "$q.link // [] | .[] | \"\(.a) \(.b) \(.metric // 10)\"" "$TOPO_FILE")
  mapfile -t TOPO_FLOWS < <(jq -r "$q.flow // [] | .[] | \"\(.from) \(.to) \(.rate // 200)\"" "$TOPO_FILE")
  mapfile -t TOPO_FAILURES < <(jq -r "$q.failure // [] | .[] | \"\(.a) \(.b)\"" "$TOPO_FILE")
  ((${#TOPO_LINKS[@]} <= 250)) || topo_error "at most 250 links (subnets 10.0.L.0/30)"
  declare -A seen=()
  for i in "${!TOPO_LINKS[@]}"; do
    read -r a b metric <<<"${TOPO_LINKS[i]}"
    [[ -z ${seen["$b $a"]:-} ]] || topo_error "/lab/link[a='$a'][b='$b']: $a and $b are already linked"
    seen["$a $b"]=1
    TOPO_PEERS[$a]+="$b " TOPO_PEERS[$b]+="$a "
  done
  local peers peer
  for name in "${TOPO_BOXES[@]}"; do
    read -ra peers <<<"${TOPO_PEERS[$name]}"
    case ${TOPO_ROLE[$name]} in
      pod)
        ((${#peers[@]} == 1)) && [[ ${TOPO_ROLE[${peers[0]}]} == gateway ]] \
          || topo_error "/lab/box[name='$name']: a pod has exactly one link, to a gateway (it has: ${peers[*]:-none})"
        [[ -n ${TOPO_SERVES[$name]} ]] || topo_error "/lab/box[name='$name']: a pod serves at least one service-prefix (its calls are answered to it)"
        ;;
      router | gateway)
        ((${#peers[@]} >= 1 && ${#peers[@]} <= 16)) || topo_error "/lab/box[name='$name']: 1-16 links (forwarder ports), not ${#peers[@]}"
        ;;
      frr)
        for peer in "${peers[@]}"; do
          [[ ${TOPO_ROLE[$peer]} != pod ]] || topo_error "/lab/box[name='$name']: FRR does not serve pods ($peer)"
        done
        ;;
    esac
  done
}

topo_mac() { printf '02:00:00:00:%02x:%02x\n' "${TOPO_ID[$1]}" "${TOPO_ID[$2]}"; }
topo_system_id() { printf '0000.0000.%04x\n' "${TOPO_ID[$1]}"; }
topo_is_sr() { [[ ${TOPO_ROLE[$1]} == router || ${TOPO_ROLE[$1]} == gateway ]]; }
topo_sr_boxes() { local b; for b in "${TOPO_BOXES[@]}"; do topo_is_sr "$b" && echo "$b"; done; }
# topo_link_index A B: L (1-based) of the link between A and B, and whether A is its first end.
topo_link_index() {
  local i a b m
  for i in "${!TOPO_LINKS[@]}"; do
    read -r a b m <<<"${TOPO_LINKS[i]}"
    if [[ $a == "$1" && $b == "$2" ]]; then echo "$((i + 1)) 1"; return; fi
    if [[ $a == "$2" && $b == "$1" ]]; then echo "$((i + 1)) 2"; return; fi
  done
  return 1
}
topo_metric() { local i; i=$(topo_link_index "$1" "$2" | cut -d' ' -f1); cut -d' ' -f3 <<<"${TOPO_LINKS[i - 1]}"; }
topo_address() { local l end; read -r l end < <(topo_link_index "$1" "$2"); echo "10.0.$l.$end"; }
# Every name some pod serves.
topo_all_names() { local b; for b in "${TOPO_BOXES[@]}"; do [[ ${TOPO_ROLE[$b]} == pod ]] && printf '%s\n' ${TOPO_SERVES[$b]}; done; }
# The names a gateway's pods serve, as "name pod" lines.
topo_gateway_names() {
  local peer name
  for peer in ${TOPO_PEERS[$1]}; do
    [[ ${TOPO_ROLE[$peer]} == pod ]] || continue
    for name in ${TOPO_SERVES[$peer]}; do echo "$name $peer"; done
  done
}

topo_forwarder_conf() {
  local box=$1 peer n=0 tap name pod
  printf 'stats %s-%s-stats\nchannel /%s-%s-fib\ncontrol-socket %s/%s/forwarder.sock\n' \
    "$LAB_TAG" "$box" "$LAB_TAG" "$box" "${LAB_DIR:-/tmp/LAB}" "$box"
  printf 'fib-capacity 4096\nmbufs 8191\npoll-sleep %s\n' "${LAB_POLL_SLEEP:-100}"
  [[ -z ${LAB_FORWARDER_EXTRA:-} ]] || printf '%s\n' "${LAB_FORWARDER_EXTRA//@BOX@/$box}"
  for peer in ${TOPO_PEERS[$box]}; do
    tap=" tap t-$peer"
    [[ ${TOPO_ROLE[$peer]} == pod ]] && tap=""
    # qdisc_bypass=0: what the forwarder sends goes through the kernel's transmit path, so
    # tcpdump on the veth sees both directions (bypassed frames are invisible to it).
    printf 'port p-%s net_af_packet%d,iface=e-%s,qdisc_bypass=0 mac %s%s\n' "$peer" $((n++)) "$peer" "$(topo_mac "$box" "$peer")" "$tap"
  done
  for peer in ${TOPO_PEERS[$box]}; do
    if [[ ${TOPO_ROLE[$peer]} == pod ]]; then
      printf 'face %d ethernet p-%s %s\n' "${TOPO_ID[$peer]}" "$peer" "$(topo_mac "$peer" "$box")"
    else
      printf 'face %d ethernet p-%s learn\n' "${TOPO_ID[$peer]}" "$peer"
    fi
  done
  # Pods serving the same name behind one gateway share its route (weighted equally).
  while read -r name pod; do
    [[ -n $name ]] && printf '%s %d\n' "$name" "${TOPO_ID[$pod]}"
  done < <(topo_gateway_names "$box") | awk '{ faces[$1] = faces[$1] " " $2 } END { for (n in faces) print "route " n faces[n] }' | sort
}

topo_controld_conf() {
  local box=$1 peer name pod
  printf 'system-id %s\narea 49.0001\nhostname %s\nrouter-id 10.255.0.%d\nchannel /%s-%s-fib\n' \
    "$(topo_system_id "$box")" "$box" "${TOPO_ID[$box]}" "$LAB_TAG" "$box"
  printf 'timer spf-delay 0.05\ntimer lsp-gen-interval 0.05\ntimer csnp-interval 2\n'
  topo_gateway_names "$box" | awk '!seen[$1]++ { print "service-prefix " $1 " metric 5" }'
  for peer in ${TOPO_PEERS[$box]}; do
    [[ ${TOPO_ROLE[$peer]} == pod ]] && continue
    printf 'circuit t-%s metric %s face %d ipv4 %s hello-interval 1 hello-multiplier 3\n' \
      "$peer" "$(topo_metric "$box" "$peer")" "${TOPO_ID[$peer]}" "$(topo_address "$box" "$peer")"
  done
}

topo_frr_conf() {
  local box=$1 peer
  printf 'hostname %s\nlog timestamp precision 3\n' "$box"
  for peer in ${TOPO_PEERS[$box]}; do
    printf 'interface e-%s\n ip router isis core\n isis circuit-type level-2-only\n isis network point-to-point\n' "$peer"
    printf ' isis metric %s\n isis hello-interval 1\n isis hello-multiplier 3\n' "$(topo_metric "$box" "$peer")"
  done
  printf 'router isis core\n lsp-gen-interval 1\n spf-interval 1\n is-type level-2-only\n metric-style wide\n'
  printf ' net 49.0001.%s.00\n' "$(topo_system_id "$box")"
}

# topo_up: the whole lab, started; returns once every adjacency is Up and every SR box routes
# every name (or fails after LAB_CONVERGE_S, default 60 s).
topo_up() {
  local box peer a b m l end cpu=${SR_CPU:-1}
  (($(nproc) > 1)) || cpu=0
  lab_ns_add "${TOPO_BOXES[@]}"
  for box in "${TOPO_BOXES[@]}"; do sr_quiet_ns "$box"; done
  for l in "${!TOPO_LINKS[@]}"; do
    read -r a b m <<<"${TOPO_LINKS[l]}"
    local addr_a="" addr_b=""
    [[ ${TOPO_ROLE[$a]} == frr ]] && addr_a=10.0.$((l + 1)).1/30
    [[ ${TOPO_ROLE[$b]} == frr ]] && addr_b=10.0.$((l + 1)).2/30
    lab_link "$a" "e-$b" "$addr_a" "$b" "e-$a" "$addr_b"
    ip -n "$(lab_ns "$a")" link set "e-$b" address "$(topo_mac "$a" "$b")"
    ip -n "$(lab_ns "$b")" link set "e-$a" address "$(topo_mac "$b" "$a")"
  done
  [[ -z ${LAB_CAPTURE:-} ]] || topo_capture_start "$LAB_CAPTURE"
  for box in "${TOPO_BOXES[@]}"; do
    mkdir -p "$LAB_DIR/$box"
    case ${TOPO_ROLE[$box]} in
      router | gateway)
        topo_forwarder_conf "$box" >"$LAB_DIR/$box/forwarder.conf"
        topo_controld_conf "$box" >"$LAB_DIR/$box/controld.conf"
        sr_forwarder_start "$box" --lcores "0@$cpu,1@$cpu"
        sr_controld_start "$box"
        ;;
      frr)
        lab_addr "$box" lo "10.255.0.${TOPO_ID[$box]}/32"
        topo_frr_conf "$box" | lab_frr_start "$box" - || lab_fail "FRR did not start in $box"
        ;;
    esac
  done
  lab_log "daemons started"
  for box in $(topo_sr_boxes); do sr_forwarder_wait "$box"; done
  lab_log "forwarders up"
  local deadline=$((SECONDS + ${LAB_CONVERGE_S:-60}))
  for box in "${TOPO_BOXES[@]}"; do
    for peer in ${TOPO_PEERS[$box]}; do
      [[ ${TOPO_ROLE[$peer]} == pod ]] && continue
      case ${TOPO_ROLE[$box]} in
        router | gateway) wait_until $((deadline - SECONDS)) sr_adjacency_up "$box" "t-$peer" || return 1 ;;
        frr) wait_until $((deadline - SECONDS)) lab_isis_adj_up "$box" "e-$peer" || return 1 ;;
      esac
    done
  done
  lab_log "adjacencies up"
  for box in $(topo_sr_boxes); do
    wait_until $((deadline - SECONDS)) topo_routes_all "$box" || return 1
  done
  lab_log "names routed"
}

# topo_capture_start FILE: tcpdump on a gateway's first link into the network (else the first
# link of an SR box), from before the daemons start: the gateway's own LSP with its names goes up
# that link and every other LSP comes down it; the pods' traffic crosses it both ways.
topo_capture_start() {
  local a b m pick="" link
  for link in "${TOPO_LINKS[@]}"; do
    read -r a b m <<<"$link"
    [[ ${TOPO_ROLE[$a]} == gateway && ${TOPO_ROLE[$b]} != pod ]] && { pick="$a e-$b"; break; }
    [[ ${TOPO_ROLE[$b]} == gateway && ${TOPO_ROLE[$a]} != pod ]] && { pick="$b e-$a"; break; }
    [[ -z $pick ]] && topo_is_sr "$a" && pick="$a e-$b"
    [[ -z $pick ]] && topo_is_sr "$b" && pick="$b e-$a"
  done
  [[ -n $pick ]] || lab_fail "no SR box to capture at"
  read -r a b <<<"$pick"
  lab_capture_start "$a" "$b" "$1"
  lab_log "capturing $a:$b into $1"
}

# topo_routes_all BOX: BOX's dmsc-controld routes every name served elsewhere.
topo_routes_all() {
  local routed name
  routed=$(sr_show "$1" rib json | jq -r '.routes[].prefix') || return 1
  for name in $(topo_all_names); do
    topo_gateway_names "$1" | grep -q "^$name " && continue
    grep -qxF "$name" <<<"$routed" || return 1
  done
}

pods_start() {
  local box gateway name from to rate args
  for box in "${TOPO_BOXES[@]}"; do
    [[ ${TOPO_ROLE[$box]} == pod ]] || continue
    gateway=${TOPO_PEERS[$box]% }
    args=()
    for name in ${TOPO_SERVES[$box]}; do args+=(--serve "$name"); done
    for flow in "${TOPO_FLOWS[@]}"; do
      read -r from to rate <<<"$flow"
      [[ $from == "$box" ]] && args+=(--flow "$to" "$rate")
    done
    ip netns exec "$(lab_ns "$box")" "$SR_PY" "$POD_PY" --iface "e-$gateway" --mac "$(topo_mac "$box" "$gateway")" \
      --gateway-mac "$(topo_mac "$gateway" "$box")" --name "$box" "${args[@]}" --stats "$LAB_DIR/$box/pod.json" --go "$LAB_DIR/pods.go" \
      >"$LAB_DIR/$box/pod.log" 2>&1 &
    echo $! >"$LAB_DIR/$box/pod.pid"
  done
  # Every pod writes its first report once its socket is open: then all serve, and calls start.
  for box in "${TOPO_BOXES[@]}"; do
    [[ ${TOPO_ROLE[$box]} == pod ]] || continue
    wait_until 10 test -s "$LAB_DIR/$box/pod.json" || { cat "$LAB_DIR/$box/pod.log" >&2; lab_fail "pod $box did not start"; }
  done
  touch "$LAB_DIR/pods.go"
}

# pod_flow POD TO FIELD: a figure of POD's flow to TO from its last report.
pod_flow() { jq -r --arg t "$2" --arg f "$3" '.flows[] | select(.to == $t) | .[$f]' "$LAB_DIR/$1/pod.json" 2>/dev/null; }

# topo_box_of_face ID: the box a face leads to (face ids are the peer's position).
topo_box_of_face() {
  local box
  for box in "${TOPO_BOXES[@]}"; do [[ ${TOPO_ID[$box]} == "$1" ]] && { echo "$box"; return; }; done
  echo "?face$1"
}

# topo_path NAME BOX [FLOW_KEY]: "BOX -> ... -> pod": each forwarder's own answer to
# `dmscctl fib lookup NAME flow KEY` (its FIB, and the next hop that flow key takes), followed
# to the box its face leads to. Equal-cost next hops are shown as {a|b}, the flow's pick first.
topo_path() {
  local name=$1 box=$2 key=${3:-0} path=$2 hops=0 answer next all
  while ((hops++ < 16)); do
    if [[ ${TOPO_ROLE[$box]} == pod ]]; then echo "$path"; return 0; fi
    if ! topo_is_sr "$box"; then echo "$path (not an SR box: does not forward DMSC)"; return 1; fi
    answer=$(lab_ctl "$box" --json fib lookup "$name" flow "$key") || { echo "$path (no route at $box)"; return 1; }
    next=$(jq -r '.flow.next_hop.face' <<<"$answer")
    all=$(jq -r --argjson n "$next" '[$n] + [.next_hops[].face | select(. != $n)] | join(" ")' <<<"$answer")
    local boxes=() face
    for face in $all; do boxes+=("$(topo_box_of_face "$face")"); done
    if ((${#boxes[@]} > 1)); then path+=" -> {$(IFS='|'; echo "${boxes[*]}")}"; else path+=" -> ${boxes[0]}"; fi
    box=${boxes[0]}
  done
  echo "$path (loop?)"
  return 1
}

# lab_ctl BOX ARGS...: dmscctl pointed at BOX's daemons.
lab_ctl() {
  local box=$1
  shift
  "$DMSCCTL" --stats "$LAB_TAG-$box-stats" --controld-socket "$LAB_DIR/$box/api.sock" \
    --forwarder-socket "$LAB_DIR/$box/forwarder.sock" "$@"
}

# topo_link_set A B up|down: both ends of the link.
topo_link_set() {
  ip -n "$(lab_ns "$1")" link set "e-$2" "$3"
  ip -n "$(lab_ns "$2")" link set "e-$1" "$3"
}
