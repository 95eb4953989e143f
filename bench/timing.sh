# Shared by the bench scripts (sourced): median wall time of a command.
# Needs TIMER (hyperfine or loop) set by the caller.

# median_ms RUNS PREPARE CMD...: prints "MEDIAN_WALL_MS CPU_MS" over RUNS runs of CMD
# (stdout and stderr discarded; CPU is hyperfine's mean user+system, "-" with the loop
# timer). PREPARE (one command, no shell syntax, or "") runs untimed before each run.
median_ms() {
  local runs=$1 prepare=$2
  shift 2
  if [[ $TIMER == hyperfine ]]; then
    local json
    json=$(mktemp)
    local args=(--shell=none --style=none --runs "$runs" --export-json "$json")
    if [[ -n $prepare ]]; then args+=(--prepare "$prepare"); else args+=(--warmup 2); fi
    hyperfine "${args[@]}" -- "$*" >/dev/null
    python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.2f %.2f" % (r["median"] * 1000, (r["user"] + r["system"]) * 1000))' "$json"
    rm -f "$json"
  else
    local i t0 t1 samples=()
    [[ -z $prepare ]] && { "$@" >/dev/null 2>&1 || true; "$@" >/dev/null 2>&1 || true; }
    for ((i = 0; i < runs; i++)); do
      [[ -n $prepare ]] && $prepare
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1
      t1=$(date +%s%N)
      samples+=($(( t1 - t0 )))
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f -\n", m / 1e6}'
  fi
}
