-- Moves staged rows into the ledger, casting money exactly and deriving the dimension key
-- that allocation rules and categories are evaluated on. Rows go in as staged; a write puts a
-- scope's rows in time order afterwards only when they arrived out of it (store/ingest.rs,
-- cluster_by_time), so each row group covers a short period and DuckDB's zone maps skip the
-- groups outside a month or a window. FOCUS imports run this select over the file itself
-- (import/focus_typed.rs).
INSERT INTO ledger
SELECT
    CAST(BilledCost AS DECIMAL(18, 9)),
    CAST(EffectiveCost AS DECIMAL(18, 9)),
    CAST(COALESCE(ListCost, EffectiveCost) AS DECIMAL(18, 9)),
    CAST(COALESCE(ContractedCost, BilledCost) AS DECIMAL(18, 9)),
    BillingAccountId, BillingAccountName, upper(BillingCurrency),
    BillingPeriodStart, BillingPeriodEnd,
    ChargeCategory, ChargeClass, ChargeDescription, ChargeFrequency,
    ChargePeriodStart, ChargePeriodEnd,
    CAST(ConsumedQuantity AS DECIMAL(28, 6)), ConsumedUnit,
    CAST(PricingQuantity AS DECIMAL(28, 6)), PricingUnit, PricingCategory,
    CAST(ListUnitPrice AS DECIMAL(28, 12)),
    InvoiceIssuerName, ProviderName, PublisherName,
    RegionId, ResourceId, ResourceName, ResourceType,
    ServiceCategory, ServiceSubcategory, ServiceName,
    SkuId, SkuPriceDetails, SubAccountId, SubAccountName, Tags,
    x_Source, x_SourceFile, x_RowKey,
    md5(concat_ws(chr(31), x_Source, ProviderName, ServiceName, ServiceCategory,
        coalesce(ServiceSubcategory, ''), coalesce(SubAccountId, ''), coalesce(x_ApiKeyId, ''),
        coalesce(x_Model, ''), coalesce(Tags, ''), coalesce(PricingCategory, ''),
        coalesce(ResourceType, ''), coalesce(SkuId, ''))),
    x_Model, x_TokenType, x_Requests, x_ApiKeyId, x_ApiKeyName, x_RawUsageType,
    COALESCE(x_Unpriced, false)
FROM staging;
