//! The HTTP side of `serve`, on hyper: the accept loop and its limits (connections, the size and
//! read time of a request's head, the size of a body), the request guard (Host and Origin), and
//! the router between the site's files, the live-reload endpoints and the editor's hook.

use super::{Shared, live, site};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc};

/// Connections served at once; the next ones wait in the system's queue until one ends.
pub const MAX_CONNECTIONS: usize = 256;
/// A request's line and headers together; a longer head is refused with 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// A client must have sent its whole head this long after connecting (or after its previous
/// response), or the connection is closed: idle sockets cannot hold the connection slots.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(3);
/// A request body (the editor's uploads); a longer one is refused with 413.
pub const MAX_BODY: usize = 32 * 1024 * 1024;
/// Where the editor's routes live; requests below it go to the `EditHandler`.
pub const EDIT_PREFIX: &str = "/__gongkai/edit/";

/// Takes a request below [`EDIT_PREFIX`] (any method; the body already read, at most
/// [`MAX_BODY`] bytes; Host and Origin already checked by [`Guard::check`], and the server's
/// `Guard` in the request's extensions for checks of its own) and answers it. It runs on a
/// blocking thread, so it may read and write files.
pub type EditHandler = Arc<dyn Fn(Request<Bytes>) -> Response<Vec<u8>> + Send + Sync>;

/// Which Host and Origin a request may carry: on a loopback address only the loopback names
/// with this server's port, so that a page of another site whose name was pointed at 127.0.0.1
/// (DNS rebinding) cannot read or change anything.
#[derive(Clone, Copy, Debug)]
pub struct Guard {
    pub port: u16,
    /// Bound to a loopback address; otherwise any Host is accepted (the site is public there).
    pub loopback: bool,
}

impl Guard {
    /// Whether a `Host` header's value names this server.
    pub fn host_ok(&self, host: Option<&str>) -> bool {
        if !self.loopback {
            return true;
        }
        let Some(host) = host else {
            return false;
        };
        let (name, port) = split_host(host);
        let name_ok = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        name_ok && port.is_none_or(|p| p == self.port.to_string())
    }

    /// Whether a request's headers pass: its Host names this server, and its Origin, when it
    /// has one, is this server's own (`http://` and an accepted Host).
    pub fn check(&self, headers: &HeaderMap) -> bool {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        self.host_ok(host) && self.origin_ok(headers)
    }

    /// Whether the `Origin` header is absent or this server's own. A `null` origin (a sandboxed
    /// page, a file) is refused.
    pub fn origin_ok(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        match origin.strip_prefix("http://") {
            Some(host) if !host.contains('/') => self.host_ok(Some(host)),
            _ => false,
        }
    }
}

/// `127.0.0.1:8080` → (`127.0.0.1`, `8080`); `[::1]:80` → (`[::1]`, `80`); `localhost` → no port.
fn split_host(host: &str) -> (&str, Option<&str>) {
    let split_at = if host.starts_with('[') {
        host.find(']').map(|i| i + 1)
    } else {
        host.find(':')
    };
    match split_at {
        Some(i) if host[i..].starts_with(':') => (&host[..i], Some(&host[i + 1..])),
        _ => (host, None),
    }
}

/// What the request handler needs: the server's state, its guard and the editor's hook.
pub(super) struct App {
    pub shared: Arc<Shared>,
    pub guard: Guard,
    pub edit: Option<EditHandler>,
}

/// A response body: whole, or a stream of chunks (the event stream) that ends when its sender
/// is dropped.
pub enum ReplyBody {
    Full(Option<Bytes>),
    Stream(mpsc::Receiver<Bytes>),
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            ReplyBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            ReplyBody::Stream(rx) => rx.poll_recv(cx).map(|d| d.map(|d| Ok(Frame::data(d)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ReplyBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ReplyBody::Full(data) => {
                SizeHint::with_exact(data.as_ref().map_or(0, |d| d.len() as u64))
            }
            ReplyBody::Stream(_) => SizeHint::default(),
        }
    }
}

/// A whole response; nothing a server on a person's own machine sends may be cached, since the
/// next rebuild changes it.
pub(super) fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<ReplyBody> {
    let mut res = Response::new(ReplyBody::Full(Some(Bytes::from(body))));
    *res.status_mut() = status;
    set(res.headers_mut(), header::CONTENT_TYPE, content_type);
    set(res.headers_mut(), header::CACHE_CONTROL, "no-store");
    res
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

fn text(status: StatusCode, message: &str) -> Response<ReplyBody> {
    reply(
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes(),
    )
}

/// Accepts connections for as long as the process runs, each served on its own task; at most
/// [`MAX_CONNECTIONS`] at once.
pub(super) async fn accept_loop(listener: TcpListener, app: Arc<App>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD)
        .max_buf_size(4 * MAX_HEAD)
        // `Location`, `Content-Type` as the hand-written server wrote them (and tools grep).
        .title_case_headers(true);
    loop {
        // A slot first: beyond the cap, new connections wait in the system's queue.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, say: let some connections end first.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let http = http.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(route(req, &app).await) }
            });
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(slot);
        });
    }
}

/// Where a request goes: the guard first, then the editor's hook, the server's own endpoints
/// and the site's files.
async fn route(req: Request<Incoming>, app: &Arc<App>) -> Response<ReplyBody> {
    if !app.guard.check(req.headers()) {
        return text(
            StatusCode::MISDIRECTED_REQUEST,
            "这个预览服务器只接受本机地址（127.0.0.1、localhost）的请求。",
        );
    }
    let path = req.uri().path().to_string();
    if let Some(handler) = &app.edit
        && (path.starts_with(EDIT_PREFIX) || path == EDIT_PREFIX.trim_end_matches('/'))
    {
        let mut req = req;
        req.extensions_mut().insert(app.guard);
        return edit(req, handler.clone()).await;
    }
    let head_only = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head_only {
        let mut res = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "这里只能用 GET 或 HEAD 读取。",
        );
        set(res.headers_mut(), header::ALLOW, "GET, HEAD");
        return res;
    }
    let query = req.uri().query().unwrap_or_default();
    match path.as_str() {
        "/__gongkai/events" => live::events(&app.shared, query),
        "/__gongkai/live.js" => reply(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            live::LIVE_JS.as_bytes().to_vec(),
        ),
        "/__gongkai/status" => reply(
            StatusCode::OK,
            "application/json; charset=utf-8",
            live::status(&app.shared).into_bytes(),
        ),
        _ => {
            let shared = app.shared.clone();
            // Rendering a page or making the generated files takes a while: off the event loop.
            tokio::task::spawn_blocking(move || site_file(&shared, &path))
                .await
                .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "生成页面时出错。"))
        }
    }
}

/// Hands a request below the editor's prefix to the hook, its body read up to [`MAX_BODY`].
async fn edit<B>(req: Request<B>, handler: EditHandler) -> Response<ReplyBody>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "上传的内容太大，超过了 {} MB 的上限。",
                    MAX_BODY / 1024 / 1024
                ),
            );
        }
    };
    let req = Request::from_parts(parts, body);
    let answer = tokio::task::spawn_blocking(move || handler(req)).await;
    let Ok(answer) = answer else {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "编辑台处理请求时出错。");
    };
    let (mut parts, body) = answer.into_parts();
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        set(&mut parts.headers, header::CACHE_CONTROL, "no-store");
    }
    Response::from_parts(parts, ReplyBody::Full(Some(Bytes::from(body))))
}

/// A file of the last good build, a redirect to a folder's page, or the site's 404 page.
fn site_file(shared: &Shared, path: &str) -> Response<ReplyBody> {
    let (good, generation) = {
        let s = shared.lock();
        (s.good.clone(), s.generation)
    };
    let (status, name, body) = match site::find(&good.root, path, &|name| good.has(name)) {
        site::Found::Redirect(to) => {
            let mut res = reply(StatusCode::FOUND, "text/plain; charset=utf-8", Vec::new());
            set(res.headers_mut(), header::LOCATION, &to);
            return res;
        }
        site::Found::File(name) => match good.contents(&name) {
            Some(Ok(body)) => (StatusCode::OK, name, body.to_vec()),
            Some(Err(d)) => {
                // Shown in the page; the background check puts it in the overlay too.
                let mut text = String::new();
                crate::markdown::escape_html(&mut text, &crate::diag::render_text(&d));
                let page = format!(
                    "<!doctype html><meta charset=\"utf-8\"><title>模板出错</title><body><pre>{text}</pre></body>"
                );
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error.html".to_string(),
                    page.into_bytes(),
                )
            }
            None => (StatusCode::NOT_FOUND, name, Vec::new()),
        },
        site::Found::Missing => return missing(&good, generation),
    };
    let kind = site::content_type(&name);
    let body = if kind.starts_with("text/html") {
        site::inject(body, generation)
    } else {
        body
    };
    reply(status, kind, body)
}

/// The site's own 404 page, with the live-reload script.
fn missing(good: &site::Good, generation: u64) -> Response<ReplyBody> {
    let body = match good.contents("404.html") {
        Some(Ok(body)) => body.to_vec(),
        // No good build yet: a bare page that still carries the overlay.
        _ => "<!doctype html><meta charset=\"utf-8\"><title>gongkai</title><body><p>网站还没有生成成功。</p></body>"
            .as_bytes()
            .to_vec(),
    };
    reply(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        site::inject(body, generation),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        h
    }

    #[test]
    fn on_loopback_only_loopback_names_of_this_port_pass() {
        let g = Guard {
            port: 1111,
            loopback: true,
        };
        for ok in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:1111",
            "LOCALHOST",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(g.host_ok(Some(ok)), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.1:2222",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "[::1]:2222",
            "",
        ] {
            assert!(!g.host_ok(Some(bad)), "{bad}");
        }
        assert!(!g.host_ok(None), "a request without Host");
        let open = Guard {
            port: 1111,
            loopback: false,
        };
        assert!(open.host_ok(Some("192.168.1.5:1111")));
    }

    #[test]
    fn an_origin_must_be_this_server() {
        let g = Guard {
            port: 1111,
            loopback: true,
        };
        let host = ("host", "127.0.0.1:1111");
        assert!(g.check(&headers(&[host])));
        assert!(g.check(&headers(&[host, ("origin", "http://localhost:1111")])));
        assert!(!g.check(&headers(&[host, ("origin", "http://evil.example")])));
        assert!(!g.check(&headers(&[host, ("origin", "null")])));
        assert!(!g.check(&headers(&[host, ("origin", "https://127.0.0.1:1111")])));
        assert!(!g.check(&headers(&[("host", "evil.example:1111")])));
    }

    #[tokio::test]
    async fn the_editor_gets_bodies_up_to_the_limit_and_no_more() {
        let handler: EditHandler = Arc::new(|req: Request<Bytes>| {
            Response::new(format!("{} bytes", req.body().len()).into_bytes())
        });
        let request = |len: usize| {
            Request::post("/__gongkai/edit/upload")
                .body(http_body_util::Full::new(Bytes::from(vec![b'x'; len])))
                .expect("request")
        };
        let ok = edit(request(MAX_BODY), handler.clone()).await;
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[header::CACHE_CONTROL], "no-store");
        let body = ok.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(body, format!("{MAX_BODY} bytes").as_bytes());
        let refused = edit(request(MAX_BODY + 1), handler).await;
        assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
