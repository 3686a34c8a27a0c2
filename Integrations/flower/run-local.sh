#!/usr/bin/env bash
# SemCom clinics in a real Flower federation on this machine: a SuperLink, N SuperNodes (one per
# clinic, each bound to its own shard), `flwr run`, then everything it started is stopped. Prints
# the result summary; writes OUT/results/results.json.
#
#   Integrations/flower/run-local.sh --clinics 20 --rounds 20 [--secure-aggregation]
#       [--privacy-unit record --epsilon 1 [--sampling-rate Q] [--clip-norm C]] [--crash-clinic K --crash-round R]
#       [--netns] [--semcom PATH] [--out DIR] [--seed S] [--timeout SECONDS] [--step-timeout SECONDS]
#       [--connect-timeout SECONDS]
#
# Without --netns everything talks over loopback (127.0.0.1). With --netns (root, iproute2) the
# SuperLink and every SuperNode run in network namespaces of their own, as separate hosts joined by
# veth pairs to a bridge (SuperLink 10.42.0.1, clinic k 10.42.0.(k+10), /16); the namespaces, the
# bridge and the veth pairs are removed on exit, also on failure or Ctrl-C.
# Every SuperNode is started by semcom_flower/launch_supernode.py: a SuperLink it cannot reach or
# register with within --connect-timeout seconds (default 120) ends the run with an error naming
# the address.
# The virtual environment (flwr pinned by Integrations/flower/pyproject.toml) is created on
# first use in $SEMCOM_FLOWER_VENV (default ~/.cache/semcom/flower-venv), outside the sources.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CLINICS=3 ROUNDS=2 SEED=0 PRIVACY=none EPSILON=1.0 SAMPLING=1.0 CLIP=1.0 SECAGG=false CRASH_CLINIC=-1 CRASH_ROUND=-1
MODEL=svm LOCAL_EPOCHS=1 BATCH=16 LR=0.1 CLIENT_EVAL=true
TIMEOUT=900 STEP_TIMEOUT=600 CONNECT_TIMEOUT=120 OUT="" SEMCOM="" NETNS=false
VENV="${SEMCOM_FLOWER_VENV:-$HOME/.cache/semcom/flower-venv}"

die() { echo "run-local.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --clinics) CLINICS="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --privacy-unit) PRIVACY="$2"; shift 2 ;;
        --epsilon) EPSILON="$2"; shift 2 ;;
        --sampling-rate) SAMPLING="$2"; shift 2 ;;
        --clip-norm) CLIP="$2"; shift 2 ;;
        --secure-aggregation) SECAGG=true; shift ;;
        --crash-clinic) CRASH_CLINIC="$2"; shift 2 ;;
        --crash-round) CRASH_ROUND="$2"; shift 2 ;;
        --model) MODEL="$2"; shift 2 ;;
        --local-epochs) LOCAL_EPOCHS="$2"; shift 2 ;;
        --batch-size) BATCH="$2"; shift 2 ;;
        --local-learning-rate) LR="$2"; shift 2 ;;
        --no-client-evaluate) CLIENT_EVAL=false; shift ;;
        --semcom) SEMCOM="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        --step-timeout) STEP_TIMEOUT="$2"; shift 2 ;;
        --connect-timeout) CONNECT_TIMEOUT="$2"; shift 2 ;;
        --netns) NETNS=true; shift ;;
        --venv) VENV="$2"; shift 2 ;;
        -h|--help) sed -n 2,22p "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ "$CLINICS" =~ ^[0-9]+$ && "$CLINICS" -ge 2 ]] || die "--clinics must be an integer >= 2, got $CLINICS"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 ]] || die "--rounds must be an integer >= 1, got $ROUNDS"
[[ "$PRIVACY" == none || "$PRIVACY" == record ]] || die "--privacy-unit must be none or record, got $PRIVACY"
[[ "$CONNECT_TIMEOUT" =~ ^[0-9]+$ && "$CONNECT_TIMEOUT" -ge 1 ]] || die "--connect-timeout must be an integer >= 1, got $CONNECT_TIMEOUT"
if $NETNS; then
    [ "$(id -u)" -eq 0 ] || die "--netns needs root (it creates network namespaces)"
    command -v ip > /dev/null || die "--netns needs iproute2's ip"
    [ "$CLINICS" -le 60000 ] || die "--netns supports at most 60000 clinics (one /16), got $CLINICS"
fi

# The semcom binary: given, or the release build, or the debug build.
if [ -z "$SEMCOM" ]; then
    for candidate in "$ROOT/.build/release/semcom" "$ROOT/.build/debug/semcom"; do
        if [ -x "$candidate" ]; then SEMCOM="$candidate"; break; fi
    done
fi
[ -n "$SEMCOM" ] && [ -x "$SEMCOM" ] || die "no semcom binary: run 'swift build -c release --product semcom' or pass --semcom PATH"
SEMCOM="$(cd "$(dirname "$SEMCOM")" && pwd)/$(basename "$SEMCOM")"

"$HERE/setup-venv.sh" "$VENV" >&2

OUT="${OUT:-$(mktemp -d /tmp/semcom-flower.XXXXXX)}"
mkdir -p "$OUT/logs" "$OUT/state" "$OUT/results"
OUT="$(cd "$OUT" && pwd)"
export FLWR_HOME="$OUT/flwr-home" FLWR_TELEMETRY_ENABLED=0 FLWR_DISABLE_UPDATE_CHECK=1
export PATH="$VENV/bin:$PATH"  # the SuperLink and SuperNodes start flower-superexec, flwr-serverapp, flwr-clientapp
mkdir -p "$FLWR_HOME"

PIDS=() NAMESPACES=()
cleanup() {
    local status=$? ns pid alive
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for _ in $(seq 30); do  # up to 15 s to stop gracefully (SuperNodes deregister), then SIGKILL
        alive=false
        for pid in "${PIDS[@]}"; do if kill -0 -- "-$pid" 2>/dev/null; then alive=true; break; fi; done
        $alive || break
        sleep 0.5
    done
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    # Whatever still runs in our namespaces is ours; then the namespaces go, and with them the
    # bridge and both ends of every veth pair.
    for ns in "${NAMESPACES[@]}"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    wait 2>/dev/null || true
    for ns in "${NAMESPACES[@]}"; do ip netns delete "$ns" 2>/dev/null || true; done
    for ns in "${NAMESPACES[@]}"; do
        if ip netns list | grep -qw -- "$ns"; then echo "run-local.sh: could not remove network namespace $ns" >&2; fi
    done
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The clinics' shards, the test set and the initial parameters (same split as `semcom clinic simulate`).
"$SEMCOM" clinic shard --clinics "$CLINICS" --seed "$SEED" --model "$MODEL" --out-dir "$OUT/shards" \
    --json "$OUT/shards.json" --quiet >&2
MAX_SHARD=$("$VENV/bin/python" -c "import json,sys; print(max(r['records'] for r in json.load(open(sys.argv[1]))['rows']))" "$OUT/shards.json")

# 2. Addresses. Since flwr 1.40 the SuperLink's Fleet, Control and Runtime APIs share one HTTP
#    port; every SuperNode also serves a Runtime API (for its ClientApps) on a port of its own.
if $NETNS; then
    # One namespace per host: the SuperLink's, one per clinic, and a hub holding the bridge (so
    # nothing is added to the machine's own network namespace). Names are unique to this run.
    TAG="semcom-$$"
    NS_HUB="$TAG-hub" NS_LINK="$TAG-link"
    LINK_HOST=10.42.0.1 LINK=9092
    clinic_ns() { echo "$TAG-c$1"; }
    clinic_ip() { echo "10.42.$((($1 + 10) / 256)).$((($1 + 10) % 256))"; }
    add_ns() {  # add_ns NAME: a namespace with loopback up (registered for removal first)
        NAMESPACES+=("$1")
        ip netns add "$1" && ip -n "$1" link set lo up
    }
    attach_ns() {  # attach_ns NAMESPACE HUB-SIDE-NAME ADDRESS: a veth pair from the bridge to eth0 in NAMESPACE
        ip -n "$NS_HUB" link add "$2" type veth peer name eth0 netns "$1" &&
            ip -n "$NS_HUB" link set "$2" master br0 up &&
            ip -n "$1" addr add "$3/16" dev eth0 && ip -n "$1" link set eth0 up
    }
    add_ns "$NS_HUB" || die "cannot create network namespace $NS_HUB"
    ip -n "$NS_HUB" link add br0 type bridge && ip -n "$NS_HUB" link set br0 up || die "cannot create the bridge in $NS_HUB"
    add_ns "$NS_LINK" && attach_ns "$NS_LINK" v-link "$LINK_HOST" || die "cannot connect namespace $NS_LINK"
    for ((k = 0; k < CLINICS; k++)); do
        add_ns "$(clinic_ns "$k")" && attach_ns "$(clinic_ns "$k")" "v-c$k" "$(clinic_ip "$k")" ||
            die "cannot connect namespace $(clinic_ns "$k")"
    done
    echo "network namespaces: SuperLink $NS_LINK ($LINK_HOST), clinics $TAG-c0 … $TAG-c$((CLINICS - 1)) ($(clinic_ip 0) …), bridge br0 in $NS_HUB" >&2
    IN_LINK=(ip netns exec "$NS_LINK")
else
    read -r -a PORTS <<< "$("$VENV/bin/python" - "$((CLINICS + 1))" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)"
    LINK_HOST=127.0.0.1 LINK=${PORTS[0]}
    IN_LINK=()
fi
cat > "$FLWR_HOME/config.toml" <<EOF
[superlink]
default = "semcom-local"

[superlink.semcom-local]
address = "$LINK_HOST:$LINK"
insecure = true
EOF

wait_port() {  # wait_port HOST PORT SECONDS PID: until something listens on HOST:PORT (and PID lives)
    "${IN_LINK[@]}" "$VENV/bin/python" - "$1" "$2" "$3" "$4" <<'PY'
import os, socket, sys, time
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline:
    try:
        os.kill(int(sys.argv[4]), 0)
    except OSError:
        sys.exit(1)
    try:
        socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=0.5).close(); sys.exit(0)
    except OSError:
        time.sleep(0.25)
sys.exit(1)
PY
}

# 3. The SuperLink (in-memory state: a SQLite file locks under load; processes run from OUT).
cd "$OUT"
T0=$(date +%s.%N)
setsid "${IN_LINK[@]}" "$VENV/bin/flower-superlink" --insecure --host "$LINK_HOST" --port "$LINK" \
    --disable-runtime-dependency-installation \
    > "$OUT/logs/superlink.log" 2>&1 &
PIDS+=($!)
wait_port "$LINK_HOST" "$LINK" 60 "${PIDS[0]}" || { tail -20 "$OUT/logs/superlink.log" >&2; die "the SuperLink did not answer on $LINK_HOST:$LINK within 60 s"; }
echo "SuperLink up on $LINK_HOST:$LINK after $("$VENV/bin/python" -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))' "$T0" "$(date +%s.%N)") s" >&2

# 4. One SuperNode per clinic, each bound to its own shard and state directory (in its own
#    namespace with --netns), started by the launcher that bounds its connection to the SuperLink.
for ((k = 0; k < CLINICS; k++)); do
    shard=$(printf "%s/shards/clinic-%03d.data" "$OUT" "$k")
    config="clinic-id=$k shard='$shard' state-dir='$OUT/state/clinic-$k'"
    if [ "$k" -eq "$CRASH_CLINIC" ]; then config="$config crash-round=$CRASH_ROUND"; fi
    if $NETNS; then in_clinic=(ip netns exec "$(clinic_ns "$k")") runtime_port=9094; else in_clinic=() runtime_port=${PORTS[$((k + 1))]}; fi
    setsid "${in_clinic[@]}" "$VENV/bin/python" "$HERE/semcom_flower/launch_supernode.py" \
        --superlink "$LINK_HOST:$LINK" --connect-timeout "$CONNECT_TIMEOUT" --max-retries 10 --max-wait-time 60 \
        --label "clinic $k" -- --insecure --port "$runtime_port" --node-config "$config" \
        > "$OUT/logs/supernode-$k.log" 2>&1 &
    PIDS+=($!)
done
supernodes_alive() {  # a SuperNode that exited (e.g. could not reach the SuperLink) ends the run
    local k pid status
    for ((k = 0; k < CLINICS; k++)); do
        pid=${PIDS[$((k + 1))]}
        if ! kill -0 "$pid" 2>/dev/null; then
            status=0; wait "$pid" || status=$?
            echo "run-local.sh: clinic $k's SuperNode exited (status $status): $(grep -a 'launch_supernode:' "$OUT/logs/supernode-$k.log" | tail -1)" >&2
            return 1
        fi
    done
}

# 5. The run.
RUN_CONFIG="semcom='$SEMCOM' shards-dir='$OUT/shards' results-dir='$OUT/results' num-clinics=$CLINICS"
RUN_CONFIG+=" num-server-rounds=$ROUNDS seed=$SEED model='$MODEL' local-epochs=$LOCAL_EPOCHS batch-size=$BATCH"
RUN_CONFIG+=" local-learning-rate=$LR privacy-unit='$PRIVACY' epsilon=$EPSILON sampling-rate=$SAMPLING"
RUN_CONFIG+=" clip-norm=$CLIP secure-aggregation=$SECAGG"
RUN_CONFIG+=" secagg-max-weight=$MAX_SHARD.0 client-evaluate=$CLIENT_EVAL step-timeout=$STEP_TIMEOUT.0"
echo "flwr run: $CLINICS clinics, $ROUNDS rounds, privacy $PRIVACY, secure aggregation $SECAGG (logs in $OUT/logs)" >&2
# `flwr run` submits the run (the SuperLink starts the ServerApp); we then wait for the results the
# ServerApp writes, bounded by --timeout. (Submitting and then polling is more robust than
# `flwr run --stream` on a loaded machine, where the log stream can drop.) `flwr run` probes the
# SuperLink with a 0.4 s timeout, so a submission is retried a few times.
RUN_STATUS=1
for attempt in 1 2 3 4 5; do
    supernodes_alive || die "a clinic could not join the federation; see $OUT/logs"
    if timeout --kill-after=10 300 "${IN_LINK[@]}" "$VENV/bin/flwr" run "$HERE" semcom-local --run-config "$RUN_CONFIG" \
        --format json > "$OUT/logs/flwr-submit.json" 2> "$OUT/logs/flwr-submit.err"; then
        RUN_STATUS=0
        break
    fi
    echo "flwr run: submission failed (attempt $attempt of 5): $(tr -s ' \n' ' ' < "$OUT/logs/flwr-submit.json" | cut -c1-200)" >&2
    sleep 5
done
[ $RUN_STATUS -eq 0 ] || die "flwr run could not submit the run to the SuperLink at $LINK_HOST:$LINK"
RUN_ID=$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["run-id"])' "$OUT/logs/flwr-submit.json")
[ "$RUN_ID" != None ] || die "the SuperLink refused the run: $(tr -s ' \n' ' ' < "$OUT/logs/flwr-submit.json" | cut -c1-300)"
echo "run $RUN_ID submitted; waiting for its results (at most $TIMEOUT s)" >&2
# The ServerApp's log, best effort (the results do not depend on it).
setsid timeout "$TIMEOUT" "${IN_LINK[@]}" "$VENV/bin/flwr" log "$RUN_ID" semcom-local --stream > "$OUT/logs/flwr-run.log" 2>&1 &
PIDS+=($!)
DEADLINE=$((SECONDS + TIMEOUT))
while [ ! -s "$OUT/results/results.json" ] && [ $SECONDS -lt $DEADLINE ]; do
    kill -0 "${PIDS[0]}" 2>/dev/null || { RUN_STATUS=3; echo "run-local.sh: the SuperLink exited" >&2; break; }
    supernodes_alive || { RUN_STATUS=3; break; }
    sleep 2
done
[ -s "$OUT/results/results.json" ] || { [ $RUN_STATUS -ne 0 ] || RUN_STATUS=124; }

RESULTS="$OUT/results/results.json"
if [ ! -s "$RESULTS" ]; then
    RESULTS="$OUT/results/results.partial.json"
    [ -s "$RESULTS" ] || die "the run ended (status $RUN_STATUS) without results; see $OUT/logs"
    echo "run-local.sh: the run did not complete (status $RUN_STATUS$([ $RUN_STATUS -eq 124 ] && echo ", not finished after $TIMEOUT s")); rounds completed so far:" >&2
fi
"$VENV/bin/python" - "$RESULTS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{'round':>5}  {'fit s':>7}  {'clinics':>7}  {'failures':>8}  {'no reply':>8}  {'accuracy':>8}  {'epsilon':>8}")
for r in d["rows"]:
    print(f"{r['round']:>5}  {r.get('fit_seconds', 0):7.3f}  {len(r.get('clinics', [])):>7}  {r.get('failures', 0):>8}  {r.get('no_reply', 0):>8}  "
          f"{r['accuracy'] if r['accuracy'] is not None else float('nan'):8.4f}  {r.get('epsilon_spent', 0):8.4f}")
    for reason in r.get("failure_reasons", []):
        print(f"       failure survived: {reason}")
fits = [r["fit_seconds"] for r in d["rows"] if "fit_seconds" in r]
print(f"{'final' if d.get('complete') else 'last'} accuracy {d['final_accuracy']:.4f}, epsilon spent {d['epsilon_spent']:.4f}, "
      f"{d['failures']} clinic failures, {sum(fits) / max(1, len(fits)):.3f} s per fit round, run {d['wall_seconds']:.1f} s")
PY
if $NETNS; then  # the SuperLink's access log: which hosts registered a SuperNode
    PEERS=$(grep -ao '[0-9.]*:[0-9]* - "POST /v1/fleet/register-node' "$OUT/logs/superlink.log" | cut -d: -f1 | sort -u -t. -k3,3n -k4,4n || true)
    echo "the SuperLink at $LINK_HOST registered SuperNodes from $(grep -c . <<< "$PEERS" || true) addresses: $(tr '\n' ' ' <<< "$PEERS")" >&2
fi
echo "results: $RESULTS" >&2
[ "$RESULTS" = "$OUT/results/results.json" ] || exit 1
