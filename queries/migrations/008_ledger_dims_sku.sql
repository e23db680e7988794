-- The dimension's SKU (part of its key already) and SKU price details: the default categories
-- tell GPU instances and vector stores by them (docs/CATEGORIES.md). Filled by the rebuild
-- every write runs, which this migration runs once.
ALTER TABLE ledger_dims ADD COLUMN IF NOT EXISTS SkuId VARCHAR;
ALTER TABLE ledger_dims ADD COLUMN IF NOT EXISTS SkuPriceDetails VARCHAR;
