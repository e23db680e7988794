-- One lake partition's rows into the temp table `lake_partition` (COPY writes it to Parquet):
-- every ledger column but x_Source (the partition path carries it; x_SourceFile keeps only the
-- file's name, no paths leave the machine), rows whose
-- BillingPeriodStart is in [?, ?) of source ?, in a stable order so the same rows give the same
-- file. No allocation needed.
CREATE OR REPLACE TEMP TABLE lake_partition AS
SELECT * EXCLUDE (x_Source) REPLACE (parse_filename(x_SourceFile) AS x_SourceFile)
FROM ledger
WHERE BillingPeriodStart >= ? AND BillingPeriodStart < ? AND x_Source = ?
ORDER BY ChargePeriodStart, x_RowKey
