"""Baseline for bench/etl: pandas read_sql of the sales table + daily revenue per store.

Usage: /usr/bin/python3 pandas_daily.py SALES.db
Prints key=value lines (read_s, groupby_s, groups, total) for run.sh.
"""
import sqlite3
import sys
import time

import pandas as pd


def main() -> None:
    db = sys.argv[1]
    start = time.perf_counter()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        sales = pd.read_sql("SELECT * FROM sales", con)
    read_s = time.perf_counter() - start

    start = time.perf_counter()
    revenue = (sales["quantity"] * sales["unit_price"]).rename("revenue")
    day = sales["sold_at"].str.slice(0, 10).rename("day")
    daily = revenue.groupby([sales["store_id"], day]).sum()
    groupby_s = time.perf_counter() - start

    print(f"rows={len(sales)}")
    print(f"read_s={read_s:.3f}")
    print(f"groupby_s={groupby_s:.3f}")
    print(f"groups={len(daily)}")
    print(f"total={daily.sum():.2f}")


if __name__ == "__main__":
    main()
