#!/usr/bin/env bash
# The flagship demo, end to end on a fresh Debian 12 machine:
#   1. installs the dependencies and builds Sluice,
#   2. generates the demo store-sales database (20 stores, ~3 years) locally,
#   3. runs pipelines/sales_forecast.toml: extract -> daily series -> warehouse -> forecast -> dashboard,
#   4. appends one more week of sales and reruns, showing what the weekly update recomputed,
#   5. corrects one store's last week in the source and reruns: only that store is read and recomputed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
demo="${SLUICE_DEMO_DIR:-$root/build-release/demo}"

./scripts/setup-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

sluice="$root/build-release/bin/sluice"
pipeline="$root/pipelines/sales_forecast.toml"
sets=(--set "vars.source_db=$demo/sales.db" --set "vars.warehouse_db=$demo/warehouse.db" --set "vars.out_dir=$demo/out"
      --cache-dir "$demo/cache")

rm -rf "$demo"
mkdir -p "$demo"
echo "== generating the demo database (20 stores, 1100 days)"
"$sluice" demo-data "$demo/sales.db" --stores 20 --days 1100

echo "== first run (cold)"
"$sluice" run "$pipeline" "${sets[@]}"

echo "== the weekly update: 7 more days of sales, then the same command again"
"$sluice" demo-data "$demo/sales.db" --append-days 7
"$sluice" run "$pipeline" "${sets[@]}" --explain

echo "== a correction: store 3's last week is fixed in the source; only store 3 is read and recomputed"
sqlite3 "$demo/sales.db" "UPDATE sales SET quantity = quantity + 1 WHERE store_id = 3 AND sold_at >= (SELECT date(max(sold_at), '-6 days') FROM sales)"
"$sluice" run "$pipeline" "${sets[@]}" --explain

echo "== a no-op rerun: everything is cached"
"$sluice" run "$pipeline" "${sets[@]}" --quiet

echo
echo "Dashboard:  $demo/out/dashboard.html"
echo "Warehouse:  $demo/warehouse.db (tables dim_store, fact_daily_sales, fact_forecast, fact_backtest)"
echo "Run history: $sluice runs $pipeline --cache-dir $demo/cache"
