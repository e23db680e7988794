//! The four spend categories: config overrides first, then defaults by what the row is.

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

/// GPU instances, Modal and Replicate are experimentation; vector DBs and embedding models are
/// embeddings_vector; LLM token services are llm_api; the rest is other.
pub fn default_category(d: &Dimension) -> Category {
    let provider = d.provider.to_lowercase();
    let service = d.service.to_lowercase();
    let model = d.model.as_deref().unwrap_or("").to_lowercase();
    if VECTOR_DBS
        .iter()
        .any(|v| provider.contains(v) || service.contains(v))
        || service.contains("vector")
    {
        return Category::EmbeddingsVector;
    }
    if model.contains("embed") || service.contains("embedding") {
        return Category::EmbeddingsVector;
    }
    if GPU_PLATFORMS.iter().any(|g| provider.contains(g)) {
        return Category::Experimentation;
    }
    let gpu_instance = d.pricing_category.as_deref() == Some("Dynamic") || service.contains("gpu");
    if d.service_category == "Compute"
        && (gpu_instance || provider == "aws" || provider.contains("google"))
    {
        return Category::Experimentation;
    }
    if d.service_category == "AI and Machine Learning" {
        return Category::LlmApi;
    }
    Category::Other
}
