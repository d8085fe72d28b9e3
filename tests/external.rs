//! `nenpo check --external` against a local server only: HEAD then GET, an error at the place of
//! each link that leads nowhere, answers kept a day so that a second run asks nothing; `build`
//! never asks.

mod cli_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use cli_support::{run, site, text, write};

/// A server on 127.0.0.1 that answers `/ok` 200, `/get-only` 405 to HEAD and 200 to GET, and
/// anything else 404; it records each request line.
fn server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let request = request.trim().to_string();
            let status = match request.split(' ').take(2).collect::<Vec<_>>()[..] {
                [_, "/ok"] => "200 OK",
                ["HEAD", "/get-only"] => "405 Method Not Allowed",
                ["GET", "/get-only"] => "200 OK",
                _ => "404 Not Found",
            };
            log.lock().unwrap().push(request);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
        }
    });
    (address, seen)
}

#[test]
fn external_links_are_asked_once_a_day_and_never_by_build() {
    let (address, seen) = server();
    let dir = site("site");
    let root = dir.path();
    write(
        root,
        "content/_index.en.md",
        format!(
            "+++\ntitle = \"Home\"\n+++\n\n[a]({address}/ok) [b]({address}/get-only)\n\n[c]({address}/gone) [a again]({address}/ok)\n"
        ),
    );

    // A build makes no request.
    let out = run(root, &["build"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(root, &["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(seen.lock().unwrap().is_empty());

    let out = run(root, &["check", "--external"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "error: the link `{address}/gone` answers 404 Not Found"
        )),
        "{err}"
    );
    assert!(err.contains("content/_index.en.md:7:1"), "{err}");
    assert!(err.contains("1 error in 1 file"), "{err}");
    let mut asked = seen.lock().unwrap().clone();
    asked.sort();
    assert_eq!(
        asked,
        [
            "GET /get-only HTTP/1.1",
            "GET /gone HTTP/1.1",
            "HEAD /get-only HTTP/1.1",
            "HEAD /gone HTTP/1.1",
            "HEAD /ok HTTP/1.1",
        ]
    );

    // Within a day, the same answers without a request.
    let out = run(root, &["check", "--external"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/gone` answers 404"));
    assert_eq!(seen.lock().unwrap().len(), 5);
}
