//! What the HTTP client says when a provider rejects the key or a response is cut off: raw
//! HTTP/1.1 answers from a loopback server, read by the client every connector uses.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use tollgate::sources::{Http, RetryPolicy};

/// Serves every connection with `answer` (bytes written as-is, then the connection closed),
/// `connections` times; returns the base URL.
fn raw_server(answer: Vec<u8>, connections: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(&answer);
            let _ = stream.flush();
        }
    });
    format!("http://{addr}")
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        timeout: Duration::from_secs(10),
    }
}

fn get(base: &str) -> String {
    let http = Http::new("openai", base, Default::default(), policy()).expect("client");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let r: Result<serde_json::Value, _> = rt.block_on(http.get_json("/v1/organization/costs", &[]));
    r.expect_err("the request fails").to_string()
}

#[test]
fn rejected_key_message_has_one_full_stop() {
    // OpenAI's own 401 body: its message ends with a full stop
    let body = r#"{"error":{"message":"Incorrect API key provided: sk-proj-abcdefghijklmnop1234.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#;
    let answer = format!(
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let msg = get(&raw_server(answer.into_bytes(), 1));
    assert!(!msg.contains(".."), "{msg}");
    assert!(
        msg.contains("Incorrect API key provided: [redacted]. Check TOLLGATE_OPENAI_KEY"),
        "{msg}"
    );
    assert!(!msg.contains("abcdefghijklmnop"), "{msg}");
}

#[test]
fn body_cut_off_mid_way_says_so_with_its_length() {
    let partial = format!("{{\"object\":\"page\",\"data\":[{}", "0,".repeat(600));
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{partial}"
    );
    let msg = get(&raw_server(answer.into_bytes(), 2));
    assert!(
        msg.contains(&format!(
            "the response from GET /v1/organization/costs was cut off after {} bytes",
            partial.len()
        )),
        "{msg}"
    );
    assert!(!msg.contains("cannot reach"), "{msg}");
    assert!(!msg.contains("error decoding"), "{msg}");
}
