-- The month's FOCUS rows for an export pack, [?, ?) the month's bounds. Needs ledger_alloc.
-- One row per (ledger row, use case): a row split across use cases becomes one part per use
-- case; its costs, quantities and requests are multiplied by the share, and the last part takes
-- the remainder, so the parts add up exactly to the ledger row (and the file to the month).
-- x_AllocatedCost is the part's EffectiveCost. Ordered for byte-identical exports.
CREATE OR REPLACE TEMP TABLE export_focus AS
WITH parts AS (
    SELECT *,
        row_number() OVER (PARTITION BY x_Source, x_RowKey
                           ORDER BY x_UseCase NULLS LAST, x_Category, x_Share) AS p_index,
        count(*) OVER (PARTITION BY x_Source, x_RowKey) AS p_count,
        CAST(round(CAST(BilledCost AS DECIMAL(38, 9)) * x_Share, 9) AS DECIMAL(38, 9)) AS p_billed,
        CAST(round(CAST(EffectiveCost AS DECIMAL(38, 9)) * x_Share, 9) AS DECIMAL(38, 9)) AS p_effective,
        CAST(round(CAST(ListCost AS DECIMAL(38, 9)) * x_Share, 9) AS DECIMAL(38, 9)) AS p_list,
        CAST(round(CAST(ContractedCost AS DECIMAL(38, 9)) * x_Share, 9) AS DECIMAL(38, 9)) AS p_contracted,
        CAST(round(CAST(ConsumedQuantity AS DECIMAL(38, 6)) * x_Share, 6) AS DECIMAL(38, 6)) AS p_consumed,
        CAST(round(CAST(PricingQuantity AS DECIMAL(38, 6)) * x_Share, 6) AS DECIMAL(38, 6)) AS p_pricing,
        CAST(round(CAST(x_Requests AS DECIMAL(38, 6)) * x_Share, 0) AS BIGINT) AS p_requests
    FROM ledger_alloc
    WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?
),
split AS (
    SELECT *,
        p_index = p_count AS p_last,
        sum(p_billed) OVER w - p_billed AS o_billed,
        sum(p_effective) OVER w - p_effective AS o_effective,
        sum(p_list) OVER w - p_list AS o_list,
        sum(p_contracted) OVER w - p_contracted AS o_contracted,
        sum(p_consumed) OVER w - p_consumed AS o_consumed,
        sum(p_pricing) OVER w - p_pricing AS o_pricing,
        sum(p_requests) OVER w - p_requests AS o_requests
    FROM parts
    WINDOW w AS (PARTITION BY x_Source, x_RowKey)
)
SELECT
    CAST(CASE WHEN p_last THEN BilledCost - o_billed ELSE p_billed END AS DECIMAL(18, 9)) AS BilledCost,
    CAST(CASE WHEN p_last THEN EffectiveCost - o_effective ELSE p_effective END AS DECIMAL(18, 9)) AS EffectiveCost,
    CAST(CASE WHEN p_last THEN ListCost - o_list ELSE p_list END AS DECIMAL(18, 9)) AS ListCost,
    CAST(CASE WHEN p_last THEN ContractedCost - o_contracted ELSE p_contracted END AS DECIMAL(18, 9)) AS ContractedCost,
    BillingAccountId, BillingAccountName, BillingCurrency, BillingPeriodStart, BillingPeriodEnd,
    ChargeCategory, ChargeClass, ChargeDescription, ChargeFrequency, ChargePeriodStart, ChargePeriodEnd,
    CAST(CASE WHEN p_last THEN ConsumedQuantity - o_consumed ELSE p_consumed END AS DECIMAL(28, 6)) AS ConsumedQuantity,
    ConsumedUnit,
    CAST(CASE WHEN p_last THEN PricingQuantity - o_pricing ELSE p_pricing END AS DECIMAL(28, 6)) AS PricingQuantity,
    PricingUnit, PricingCategory, ListUnitPrice, InvoiceIssuerName, ProviderName, PublisherName,
    RegionId, ResourceId, ResourceName, ResourceType, ServiceCategory, ServiceSubcategory,
    ServiceName, SkuId, SkuPriceDetails, SubAccountId, SubAccountName, Tags,
    COALESCE(x_UseCase, 'unallocated') AS x_UseCase,
    x_Category,
    x_Share,
    CAST(CASE WHEN p_last THEN EffectiveCost - o_effective ELSE p_effective END AS DECIMAL(18, 9)) AS x_AllocatedCost,
    x_Source,
    parse_filename(x_SourceFile) AS x_SourceFile,
    x_RowKey, x_DimKey, x_Model, x_TokenType,
    CAST(CASE WHEN p_last THEN x_Requests - o_requests ELSE p_requests END AS BIGINT) AS x_Requests,
    x_ApiKeyId, x_ApiKeyName, x_RawUsageType, x_Unpriced
FROM split
ORDER BY ChargePeriodStart, x_Source, x_RowKey, p_index
