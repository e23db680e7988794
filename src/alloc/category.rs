//! The four spend categories: config overrides first, then defaults by what the row is, after
//! the premise's split (PRODUCT §1; the table is docs/CATEGORIES.md):
//! - `embeddings_vector`: vector databases (Pinecone, Qdrant, ..., OpenSearch Serverless,
//!   services named "vector") and embedding models, whoever bills them;
//! - `experimentation`: GPU platforms (Modal, Replicate, RunPod, ...), GPU and accelerator
//!   instances wherever they are billed (EC2, SageMaker, Compute Engine, FOCUS exports), ML
//!   platforms' instances (SageMaker), and spot compute;
//! - `llm_api`: the other AI and Machine Learning rows (model tokens: OpenAI, Anthropic,
//!   Bedrock, Vertex AI);
//! - `other`: everything else (CPU instances on demand, storage, networking, tax).

use super::{rules::matches, Dimension};
use crate::config::{Category, Config};

pub fn category(config: &Config, d: &Dimension) -> Category {
    config
        .categories
        .iter()
        .find(|c| matches(&c.matches, d))
        .map(|c| c.category)
        .unwrap_or_else(|| default_category(d))
}

const VECTOR_DBS: &[&str] = &[
    "pinecone",
    "qdrant",
    "weaviate",
    "milvus",
    "zilliz",
    "chroma",
    "turbopuffer",
    "lancedb",
];
const GPU_PLATFORMS: &[&str] = &[
    "modal",
    "replicate",
    "runpod",
    "lambda",
    "coreweave",
    "vast.ai",
    "together gpu",
];
/// Instance families with GPUs or ML accelerators (AWS p/g/gr, dl, inf, trn; GCP a2, a3, a4,
/// g2, g4, ct/tpu): the family is the part of an instance type before its first dot, after an
/// `ml.` (SageMaker) prefix.
const ACCELERATED_PREFIXES: &[&str] = &["dl", "inf", "trn", "gr", "ct", "tpu"];

pub fn default_category(d: &Dimension) -> Category {
    let provider = d.provider.to_lowercase();
    let service = d.service.to_lowercase();
    let model = d.model.as_deref().unwrap_or("").to_lowercase();
    if is_vector_store(&provider, &service, d.sku_id.as_deref()) {
        return Category::EmbeddingsVector;
    }
    if model.contains("embed") || service.contains("embedding") {
        return Category::EmbeddingsVector;
    }
    if GPU_PLATFORMS.iter().any(|g| provider.contains(g)) || is_gpu_instance(d) {
        return Category::Experimentation;
    }
    if service.contains("sagemaker") && d.model.is_none() {
        return Category::Experimentation;
    }
    if d.service_category == "Compute" && d.pricing_category.as_deref() == Some("Dynamic") {
        return Category::Experimentation;
    }
    if d.service_category == "AI and Machine Learning" {
        return Category::LlmApi;
    }
    Category::Other
}

/// Vector databases by name, services named "vector", and OpenSearch Serverless (its OCU
/// usage types when Cost Explorer names only "Amazon OpenSearch Service").
fn is_vector_store(provider: &str, service: &str, sku: Option<&str>) -> bool {
    let sku = sku.unwrap_or("").to_lowercase();
    VECTOR_DBS
        .iter()
        .any(|v| provider.contains(v) || service.contains(v))
        || service.contains("vector")
        || (service.contains("opensearch")
            && (service.contains("serverless") || sku.contains("ocu")))
}

/// A GPU or accelerator instance: by SkuPriceDetails (`GpuCount` > 0, or an accelerated
/// `InstanceType`, or tollgate's `x_Accelerator`), else by the instance type in the SKU (AWS usage
/// types such as `USE1-BoxUsage:g5.xlarge` or `USE1-Train:ml.p4d.24xlarge`).
pub fn is_gpu_instance(d: &Dimension) -> bool {
    let details: Option<serde_json::Value> = d
        .sku_price_details
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok());
    if let Some(v) = &details {
        if let Some(n) = v
            .get("GpuCount")
            .and_then(|n| n.as_f64().or_else(|| n.as_str()?.parse().ok()))
        {
            return n > 0.0;
        }
        if v.get("x_Accelerator").is_some() {
            return true;
        }
        if let Some(t) = v.get("InstanceType").and_then(|t| t.as_str()) {
            return accelerated_instance_type(t);
        }
    }
    d.sku_id
        .as_deref()
        .is_some_and(|sku| sku.split([':', '-']).any(accelerated_instance_type))
}

/// `p4d.24xlarge`, `ml.g5.2xlarge`, `a3-highgpu-8g` (GCP) -> true; `m5.large` -> false.
fn accelerated_instance_type(t: &str) -> bool {
    let t = t.trim().to_lowercase();
    let t = t.strip_prefix("ml.").unwrap_or(&t);
    let family = match t.split_once('.') {
        Some((family, size)) if is_size(size) => family,
        // GCP machine types: a2-highgpu-1g, a3-megagpu-8g, g2-standard-4
        _ => {
            return matches!(
                t.split_once('-'),
                Some(("a2" | "a3" | "a4" | "g2" | "g4", _))
            )
        }
    };
    let mut chars = family.chars();
    let first = chars.next();
    let digit_next = chars.next().is_some_and(|c| c.is_ascii_digit());
    (matches!(first, Some('p') | Some('g')) && digit_next)
        || ACCELERATED_PREFIXES.iter().any(|p| {
            family.starts_with(p) && family[p.len()..].starts_with(|c: char| c.is_ascii_digit())
        })
}

fn is_size(size: &str) -> bool {
    ["large", "medium", "small", "micro", "nano", "metal"]
        .iter()
        .any(|s| size.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accelerated_instance_types() {
        for t in [
            "p4d.24xlarge",
            "ml.p3.2xlarge",
            "ml.g5.2xlarge",
            "g6e.12xlarge",
            "gr6.4xlarge",
            "inf2.xlarge",
            "trn1.32xlarge",
            "dl1.24xlarge",
            "a3-highgpu-8g",
            "g5g.metal",
        ] {
            assert!(accelerated_instance_type(t), "{t}");
        }
        for t in [
            "m5.large",
            "ml.t3.medium",
            "c7i.large",
            "r6g.xlarge",
            "e2-standard-4",
            "TimedStorage",
            "BoxUsage",
        ] {
            assert!(!accelerated_instance_type(t), "{t}");
        }
    }
}
