"""Runs queries/portable/month_totals.sql in Apache Spark (local mode) over a tollgate lake.

Usage: python3 month_totals.py LAKE_DIR SQL_FILE. Prints the rows as JSON:
[[month, dimension, name, exact cost as text], ...].
"""
import json
import sys

from pyspark.sql import SparkSession

lake, sql_file = sys.argv[1], sys.argv[2]
spark = (
    SparkSession.builder.master("local[1]")
    .appName("tollgate-lake")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    .config("spark.ui.enabled", "false")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
spark.read.option("basePath", lake).parquet(lake).createOrReplaceTempView("ledger")
spark.read.parquet(lake + "/_allocation").createOrReplaceTempView("allocation")
with open(sql_file, encoding="utf-8") as f:
    rows = spark.sql(f.read()).collect()
print(json.dumps([[r["month"], r["dimension"], r["name"], str(r["cost"])] for r in rows]))
spark.stop()
