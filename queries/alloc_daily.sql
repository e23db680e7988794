-- Run by Store::refresh_allocation right after dim_alloc, from the ledger_alloc view: the
-- allocated ledger summed per day, use case (NULL: unallocated) and row group (provider, item =
-- model else resource else service, token type, consumed unit, API key). Gates, spikes and
-- dependencies read it instead of each joining the whole ledger again; it is rebuilt with the
-- allocation (once per ledger write and allocation config). Sums stay exact DECIMALs of the
-- types that summing ledger_alloc directly gives (cost DECIMAL(38, 15), quantity
-- DECIMAL(38, 12), requests DECIMAL(38, 6)), so re-summing them gives the very same numbers.
-- Quantities are scaled by the share, like the cost, so split rows count once in total.
CREATE OR REPLACE TEMP TABLE alloc_daily AS
SELECT CAST(l.ChargePeriodStart AS DATE) AS day,
       l.x_UseCase AS use_case,
       l.ProviderName AS provider,
       coalesce(nullif(l.x_Model, ''), nullif(l.ResourceId, ''), l.ServiceName) AS item,
       coalesce(l.x_TokenType, '') AS token_type,
       coalesce(l.ConsumedUnit, '') AS unit,
       coalesce(l.x_ApiKeyId, '') AS api_key,
       sum(l.x_AllocatedCost) AS cost,
       sum(CAST(l.ConsumedQuantity AS DECIMAL(38, 6)) * l.x_Share) AS quantity,
       sum(CAST(l.x_Requests AS DECIMAL(38, 0)) * l.x_Share) AS requests,
       bool_or(l.ConsumedQuantity IS NOT NULL) AS has_quantity,
       bool_or(l.x_Requests IS NOT NULL) AS has_requests,
       -- the rows reported requests or tokens (NULL when that is unknown for every row)
       bool_or(coalesce(l.x_Requests, 0) > 0 OR (lower(l.ConsumedUnit) = 'tokens' AND coalesce(l.ConsumedQuantity, 0) > 0)) AS used
FROM ledger_alloc l
GROUP BY ALL;
