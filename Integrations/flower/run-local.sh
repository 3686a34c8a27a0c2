#!/usr/bin/env bash
# SemCom clinics in a real Flower federation on this machine (loopback only):
# a SuperLink, N SuperNodes (one per clinic, each bound to its own shard), `flwr run`, then
# everything it started is stopped. Prints the result summary; writes OUT/results/results.json.
#
#   Integrations/flower/run-local.sh --clinics 20 --rounds 20 [--secure-aggregation]
#       [--privacy-unit record --epsilon 1 [--sampling-rate Q] [--clip-norm C]] [--crash-clinic K --crash-round R]
#       [--semcom PATH] [--out DIR] [--seed S] [--timeout SECONDS] [--step-timeout SECONDS]
#
# The virtual environment (flwr pinned by Integrations/flower/pyproject.toml) is created on
# first use in $SEMCOM_FLOWER_VENV (default ~/.cache/semcom/flower-venv), outside the sources.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CLINICS=3 ROUNDS=2 SEED=0 PRIVACY=none EPSILON=1.0 SAMPLING=1.0 CLIP=1.0 SECAGG=false CRASH_CLINIC=-1 CRASH_ROUND=-1
MODEL=svm LOCAL_EPOCHS=1 BATCH=16 LR=0.1 CLIENT_EVAL=true
TIMEOUT=900 STEP_TIMEOUT=600 OUT="" SEMCOM=""
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
        --venv) VENV="$2"; shift 2 ;;
        -h|--help) sed -n 2,12p "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ "$CLINICS" =~ ^[0-9]+$ && "$CLINICS" -ge 2 ]] || die "--clinics must be an integer >= 2, got $CLINICS"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 1 ]] || die "--rounds must be an integer >= 1, got $ROUNDS"
[[ "$PRIVACY" == none || "$PRIVACY" == record ]] || die "--privacy-unit must be none or record, got $PRIVACY"

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

PIDS=()
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The clinics' shards, the test set and the initial parameters (same split as `semcom clinic simulate`).
"$SEMCOM" clinic shard --clinics "$CLINICS" --seed "$SEED" --model "$MODEL" --out-dir "$OUT/shards" \
    --json "$OUT/shards.json" --quiet >&2
MAX_SHARD=$("$VENV/bin/python" -c "import json,sys; print(max(r['records'] for r in json.load(open(sys.argv[1]))['rows']))" "$OUT/shards.json")

# 2. Free loopback ports: the SuperLink's (since flwr 1.40 the Fleet, Control and Runtime APIs
#    share one HTTP port) and one Runtime port per SuperNode.
read -r -a PORTS <<< "$("$VENV/bin/python" - "$((CLINICS + 1))" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)"
LINK=${PORTS[0]}
cat > "$FLWR_HOME/config.toml" <<EOF
[superlink]
default = "semcom-local"

[superlink.semcom-local]
address = "127.0.0.1:$LINK"
insecure = true
EOF

wait_port() {  # wait_port PORT SECONDS PID: until something listens on 127.0.0.1:PORT (and PID lives)
    "$VENV/bin/python" - "$1" "$2" "$3" <<'PY'
import os, socket, sys, time
deadline = time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        os.kill(int(sys.argv[3]), 0)
    except OSError:
        sys.exit(1)
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5).close(); sys.exit(0)
    except OSError:
        time.sleep(0.25)
sys.exit(1)
PY
}

# 3. The SuperLink (in-memory state: a SQLite file locks under load; processes run from OUT).
cd "$OUT"
T0=$(date +%s.%N)
setsid "$VENV/bin/flower-superlink" --insecure --host 127.0.0.1 --port "$LINK" \
    --disable-runtime-dependency-installation \
    > "$OUT/logs/superlink.log" 2>&1 &
PIDS+=($!)
wait_port "$LINK" 60 "${PIDS[0]}" || { tail -20 "$OUT/logs/superlink.log" >&2; die "the SuperLink did not answer on 127.0.0.1:$LINK within 60 s"; }
echo "SuperLink up on 127.0.0.1:$LINK after $("$VENV/bin/python" -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))' "$T0" "$(date +%s.%N)") s" >&2

# 4. One SuperNode per clinic, each bound to its own shard and state directory.
for ((k = 0; k < CLINICS; k++)); do
    shard=$(printf "%s/shards/clinic-%03d.data" "$OUT" "$k")
    config="clinic-id=$k shard='$shard' state-dir='$OUT/state/clinic-$k'"
    if [ "$k" -eq "$CRASH_CLINIC" ]; then config="$config crash-round=$CRASH_ROUND"; fi
    setsid "$VENV/bin/flower-supernode" --insecure --superlink "127.0.0.1:$LINK" \
        --port "${PORTS[$((k + 1))]}" --node-config "$config" --max-retries 10 --max-wait-time 60 \
        > "$OUT/logs/supernode-$k.log" 2>&1 &
    PIDS+=($!)
done

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
    if timeout --kill-after=10 300 "$VENV/bin/flwr" run "$HERE" semcom-local --run-config "$RUN_CONFIG" \
        --format json > "$OUT/logs/flwr-submit.json" 2> "$OUT/logs/flwr-submit.err"; then
        RUN_STATUS=0
        break
    fi
    echo "flwr run: submission failed (attempt $attempt of 5): $(tr -s ' \n' ' ' < "$OUT/logs/flwr-submit.json" | cut -c1-200)" >&2
    sleep 5
done
[ $RUN_STATUS -eq 0 ] || die "flwr run could not submit the run to the SuperLink at 127.0.0.1:$LINK"
RUN_ID=$("$VENV/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["run-id"])' "$OUT/logs/flwr-submit.json")
[ "$RUN_ID" != None ] || die "the SuperLink refused the run: $(tr -s ' \n' ' ' < "$OUT/logs/flwr-submit.json" | cut -c1-300)"
echo "run $RUN_ID submitted; waiting for its results (at most $TIMEOUT s)" >&2
# The ServerApp's log, best effort (the results do not depend on it).
setsid timeout "$TIMEOUT" "$VENV/bin/flwr" log "$RUN_ID" semcom-local --stream > "$OUT/logs/flwr-run.log" 2>&1 &
PIDS+=($!)
DEADLINE=$((SECONDS + TIMEOUT))
while [ ! -s "$OUT/results/results.json" ] && [ $SECONDS -lt $DEADLINE ]; do
    kill -0 "${PIDS[0]}" 2>/dev/null || { RUN_STATUS=3; echo "run-local.sh: the SuperLink exited" >&2; break; }
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
echo "results: $RESULTS" >&2
[ "$RESULTS" = "$OUT/results/results.json" ] || exit 1
