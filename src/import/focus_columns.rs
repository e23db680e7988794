//! The FOCUS columns tollgate reads, and how each is checked.

/// How a column's text must parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Money,
    Quantity,
    Price,
    Time,
    Integer,
}

impl Kind {
    /// The ledger's type for the column (queries/migrations/001_ledger.sql).
    pub fn ledger_type(self) -> &'static str {
        match self {
            Kind::Text => "VARCHAR",
            Kind::Money => "DECIMAL(18, 9)",
            Kind::Quantity => "DECIMAL(28, 6)",
            Kind::Price => "DECIMAL(28, 12)",
            Kind::Time => "TIMESTAMP",
            Kind::Integer => "BIGINT",
        }
    }
}

pub struct Column {
    /// Name in the ledger (FOCUS 1.2).
    pub name: &'static str,
    /// Names it may have in a file, first match wins.
    pub aliases: &'static [&'static str],
    pub kind: Kind,
    pub required: bool,
}

const fn col(name: &'static str, kind: Kind, required: bool) -> Column {
    Column {
        name,
        aliases: &[],
        kind,
        required,
    }
}

/// In staging-table order (queries/rollups/staging.sql), without x_Source/x_SourceFile/x_RowKey,
/// which the importer sets itself.
pub const COLUMNS: &[Column] = &[
    col("BilledCost", Kind::Money, true),
    col("EffectiveCost", Kind::Money, true),
    col("ListCost", Kind::Money, false),
    col("ContractedCost", Kind::Money, false),
    col("BillingAccountId", Kind::Text, true),
    col("BillingAccountName", Kind::Text, false),
    col("BillingCurrency", Kind::Text, true),
    col("BillingPeriodStart", Kind::Time, false),
    col("BillingPeriodEnd", Kind::Time, false),
    col("ChargeCategory", Kind::Text, true),
    col("ChargeClass", Kind::Text, false),
    col("ChargeDescription", Kind::Text, false),
    col("ChargeFrequency", Kind::Text, false),
    col("ChargePeriodStart", Kind::Time, true),
    col("ChargePeriodEnd", Kind::Time, true),
    Column {
        name: "ConsumedQuantity",
        aliases: &["ConsumedQuantity", "UsageQuantity"],
        kind: Kind::Quantity,
        required: false,
    },
    Column {
        name: "ConsumedUnit",
        aliases: &["ConsumedUnit", "UsageUnit"],
        kind: Kind::Text,
        required: false,
    },
    col("PricingQuantity", Kind::Quantity, false),
    col("PricingUnit", Kind::Text, false),
    col("PricingCategory", Kind::Text, false),
    col("ListUnitPrice", Kind::Price, false),
    Column {
        name: "InvoiceIssuerName",
        aliases: &["InvoiceIssuerName", "InvoiceIssuer"],
        kind: Kind::Text,
        required: false,
    },
    // FOCUS 1.3 renamed ProviderName to ServiceProviderName; either satisfies the requirement.
    Column {
        name: "ProviderName",
        aliases: &["ProviderName", "ServiceProviderName", "Provider"],
        kind: Kind::Text,
        required: true,
    },
    Column {
        name: "PublisherName",
        aliases: &["PublisherName", "Publisher", "HostProviderName"],
        kind: Kind::Text,
        required: false,
    },
    Column {
        name: "RegionId",
        aliases: &["RegionId", "Region"],
        kind: Kind::Text,
        required: false,
    },
    col("ResourceId", Kind::Text, false),
    col("ResourceName", Kind::Text, false),
    col("ResourceType", Kind::Text, false),
    col("ServiceCategory", Kind::Text, true),
    col("ServiceSubcategory", Kind::Text, false),
    col("ServiceName", Kind::Text, true),
    col("SkuId", Kind::Text, false),
    col("SkuPriceDetails", Kind::Text, false),
    col("SubAccountId", Kind::Text, false),
    col("SubAccountName", Kind::Text, false),
    col("Tags", Kind::Text, false),
    col("x_Model", Kind::Text, false),
    col("x_TokenType", Kind::Text, false),
    col("x_Requests", Kind::Integer, false),
    col("x_ApiKeyId", Kind::Text, false),
    col("x_ApiKeyName", Kind::Text, false),
    col("x_RawUsageType", Kind::Text, false),
];
