//! `gongkai serve`: build, then serve the output over HTTP on loopback.

use crate::build::{self, Options, Outcome};
use crate::diag::render_text;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request path under the site's root path to a file of the output directory.
pub fn resolve(output: &Path, root: &str, request: &str) -> Option<PathBuf> {
    let path = request.split(['?', '#']).next().unwrap_or("/");
    let rel = path
        .strip_prefix(root)
        .or_else(|| path.strip_prefix(root.trim_end_matches('/')))?;
    let rel = crate::model::normalize(&percent_decode(rel))?;
    let mut file = output.join(&rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn handle(mut stream: TcpStream, output: &Path, root: &str) {
    let mut line = String::new();
    let mut reader = BufReader::new(&stream);
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let (status, file) = match resolve(output, root, target) {
        Some(f) => ("200 OK", f),
        None => ("404 Not Found", output.join("404.html")),
    };
    let body = std::fs::read(&file).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        content_type(&file),
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

pub fn run(root: &Path, bind: &str, port: u16, now: Option<String>, drafts: bool) -> ExitCode {
    let output = root.join("output");
    let opts = Options {
        root: root.to_path_buf(),
        output: Some(output.clone()),
        now,
        drafts,
        base_url: None,
    };
    match build::run(&opts) {
        Outcome::BadNow(s) => {
            eprintln!("error: --now 的值「{s}」不是日期");
            return ExitCode::from(2);
        }
        Outcome::Failed(diags) => {
            for d in &diags {
                eprintln!("{}", render_text(d));
            }
            return ExitCode::from(1);
        }
        Outcome::Done { .. } => {}
    }
    let site_root = std::fs::read_to_string(root.join("site.yaml"))
        .ok()
        .and_then(|t| {
            crate::config::load_site(&crate::diag::SourceFile::new("site.yaml", t), None).ok()
        })
        .map_or_else(|| "/".to_string(), |c| c.root);
    let listener = match TcpListener::bind((bind, port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: 无法监听 {bind}:{port}：{e}");
            return ExitCode::from(2);
        }
    };
    println!("serving at http://{bind}:{port}{site_root}");
    for stream in listener.incoming().flatten() {
        handle(stream, &output, &site_root);
    }
    ExitCode::SUCCESS
}
