#!/usr/bin/env bash
# Times R Prophet (r-cran-prophet) and sluice's model on the same 3-year daily
# series: fit + predict 30 days with 1000-sample intervals. Prints both and the ratio.
#
#   bench/forecast/compare_r_prophet.sh [build-dir] [r-reps]
# Needs: a built forecast_bench (cmake --build <build-dir> --target forecast_bench) and Rscript with prophet.
set -euo pipefail
build_dir=${1:-build-forecast}
r_reps=${2:-5}
bench="$build_dir/bench/forecast/forecast_bench"
if [[ ! -x "$bench" ]]; then
  echo "error: $bench not found; build it with: cmake --build $build_dir --target forecast_bench" >&2
  exit 1
fi
if ! Rscript -e 'suppressPackageStartupMessages(library(prophet))' >/dev/null 2>&1; then
  echo "error: R Prophet is not installed; install it with: apt-get install -y r-cran-prophet" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bench" --write-csv "$tmp/series.csv"

ours_out=$("$bench" --series 0 --reps 51)
ours_ms=$(awk '/median/ {print $2}' <<<"$ours_out")
ours_cpu_ms=$(awk '/median/ {print $(NF-1)}' <<<"$ours_out")
r_ms=$(Rscript - "$tmp/series.csv" "$r_reps" 2>/dev/null <<'RSCRIPT'
suppressPackageStartupMessages(library(prophet))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1])
df$ds <- as.Date(df$ds)
reps <- as.integer(args[2])
run <- function() {
  t0 <- proc.time()
  m <- prophet(df, uncertainty.samples = 1000)
  fc <- predict(m, make_future_dataframe(m, periods = 30))
  d <- proc.time() - t0
  c(d[["elapsed"]], d[["user.self"]] + d[["sys.self"]]) * 1000
}
invisible(suppressMessages(run()))  # warm-up: loads the compiled Stan model
times <- sapply(seq_len(reps), function(i) suppressMessages(run()))
cat(median(times[1, ]), median(times[2, ]))
RSCRIPT
)
read -r r_wall_ms r_cpu_ms <<<"$r_ms"
echo "series: 1096 daily rows, fit + predict 30 days, 1000-sample intervals (medians)"
printf "R Prophet 1.0 (rstan): wall %.1f ms, CPU %.1f ms over %d runs\n" "$r_wall_ms" "$r_cpu_ms" "$r_reps"
printf "sluice prophet model:  wall %.2f ms, CPU %.2f ms over 51 runs\n" "$ours_ms" "$ours_cpu_ms"
awk -v rw="$r_wall_ms" -v rc="$r_cpu_ms" -v ow="$ours_ms" -v oc="$ours_cpu_ms" \
  'BEGIN { printf "speed-up: %.0fx wall, %.0fx CPU\n", rw / ow, rc / oc }'
