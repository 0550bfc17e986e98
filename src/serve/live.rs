//! Live reload: the event stream that tells open pages a rebuild happened, the status that the
//! overlay reads, and the script injected into served pages.

use super::Shared;
use super::http::{ReplyBody, reply};
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use std::sync::Arc;
use std::time::Duration;

pub(super) const LIVE_JS: &str = include_str!("live.js");

/// An idle event stream sends a comment this often; writing it to a closed tab fails, which
/// ends the stream and frees its connection slot.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// `/__gongkai/status`: the generation, whether it built, and the diagnostics if not.
pub(super) fn status(shared: &Shared) -> String {
    let (generation, failure) = {
        let s = shared.lock();
        (s.generation, s.failure.clone())
    };
    match failure {
        Some(f) => format!(
            "{{\"generation\":{generation},\"ok\":false,\"diagnostics\":{},\"text\":{}}}",
            f.json,
            serde_json::Value::String(f.text.clone())
        ),
        None => {
            format!("{{\"generation\":{generation},\"ok\":true,\"diagnostics\":[],\"text\":\"\"}}")
        }
    }
}

/// `/__gongkai/events`: `reload` after a good rebuild, `failed` after a broken one. A page
/// passes the generation it was built from (`?since=`), so a rebuild between its load and this
/// request is not missed.
pub(super) fn events(shared: &Arc<Shared>, query: &str) -> Response<ReplyBody> {
    let since = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    // One message in flight: a stalled reader holds nothing but this.
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
    let mut rebuilt = shared.rebuilt.subscribe();
    let shared = shared.clone();
    tokio::spawn(async move {
        if tx
            .send(Bytes::from_static(b"retry: 500\n\n"))
            .await
            .is_err()
        {
            return;
        }
        let mut seen = since.unwrap_or_else(|| shared.lock().generation);
        loop {
            let (generation, failed) = {
                let s = shared.lock();
                (s.generation, s.failure.is_some())
            };
            let message = if generation > seen {
                seen = generation;
                let event = if failed { "failed" } else { "reload" };
                format!("event: {event}\ndata: {seen}\n\n")
            } else {
                tokio::select! {
                    changed = rebuilt.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        continue;
                    }
                    () = tokio::time::sleep(KEEPALIVE) => ": keepalive\n\n".to_string(),
                    () = tx.closed() => return,
                }
            };
            if tx.send(Bytes::from(message)).await.is_err() {
                return;
            }
        }
    });
    let mut res = reply(StatusCode::OK, "text/event-stream", Vec::new());
    *res.body_mut() = ReplyBody::Stream(rx);
    res
}
