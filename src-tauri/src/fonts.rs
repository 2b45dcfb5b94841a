//! The certificate faces for the window: the `paneldesk-font:` URI scheme.
//!
//! The template editor's preview draws the core's layout in the very font files the PDF
//! embeds, so what the clerk sees is what prints. The page names a face, never a file:
//! `paneldesk-font://localhost/serif-regular` or `/serif-bold` (Windows:
//! `http://paneldesk-font.localhost/…`); the shell serves the file the core's
//! `report::font::face` loaded for that style. Anything else is 404. Nothing from the
//! request reaches the core or the file system.

use paneldesk::report::font::{self, Style};
use tauri::http::{HeaderValue, Request, Response, StatusCode};

/// The scheme's name, as the content policy's `font-src` names it.
pub const SCHEME: &str = "paneldesk-font";

/// The page's own origins (Linux/macOS, Windows, and `tauri dev`): fonts are fetched in
/// CORS mode, so the answer must name the page's origin.
const ORIGINS: &[&str] = &[
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
    "http://localhost:5173",
];

/// The faces the window may ask for, by the names in its URLs.
fn style_of(path: &str) -> Option<Style> {
    match path.trim_start_matches('/') {
        "serif-regular" => Some(Style::Serif),
        "serif-bold" => Some(Style::SerifBold),
        _ => None,
    }
}

fn answer(request: &Request<Vec<u8>>, status: StatusCode, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        "X-Content-Type-Options",
        HeaderValue::from_static("nosniff"),
    );
    if let Some(origin) = request.headers().get("Origin").filter(|o| {
        ORIGINS
            .iter()
            .any(|allowed| o.as_bytes() == allowed.as_bytes())
    }) {
        headers.insert("Access-Control-Allow-Origin", origin.clone());
        headers.insert("Vary", HeaderValue::from_static("Origin"));
    }
    response
}

/// Answers one request of the scheme.
pub fn respond(request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    if request.method() != "GET" {
        return answer(request, StatusCode::METHOD_NOT_ALLOWED, Vec::new());
    }
    let Some(style) = style_of(request.uri().path()) else {
        return answer(request, StatusCode::NOT_FOUND, Vec::new());
    };
    // The face the PDF is printed in; a face inside a collection (a system `.ttc`, index
    // > 0) is not one a browser can pick out, so the preview falls back rather than draw
    // in a sibling face that only looks alike.
    let Ok(face) = font::face(style) else {
        return answer(request, StatusCode::NOT_FOUND, Vec::new());
    };
    if face.index != 0 {
        return answer(request, StatusCode::NOT_FOUND, Vec::new());
    }
    let Ok(bytes) = std::fs::read(&face.path) else {
        return answer(request, StatusCode::NOT_FOUND, Vec::new());
    };
    let mut response = answer(request, StatusCode::OK, bytes);
    let headers = response.headers_mut();
    headers.insert("Content-Type", HeaderValue::from_static("font/otf"));
    headers.insert(
        "Cache-Control",
        HeaderValue::from_static("private, max-age=86400"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str, origin: Option<&str>) -> Response<Vec<u8>> {
        let mut request = Request::builder().uri(uri);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        respond(&request.body(Vec::new()).unwrap())
    }

    #[test]
    fn the_window_gets_the_files_the_pdf_is_printed_in_and_nothing_else() {
        for (name, style) in [
            ("serif-regular", Style::Serif),
            ("serif-bold", Style::SerifBold),
        ] {
            let served = get(
                &format!("paneldesk-font://localhost/{name}"),
                Some("tauri://localhost"),
            );
            assert_eq!(served.status(), StatusCode::OK, "{name}");
            let face = font::face(style).unwrap();
            assert_eq!(served.body(), &std::fs::read(&face.path).unwrap());
            assert_eq!(
                served.headers()["Access-Control-Allow-Origin"],
                "tauri://localhost"
            );
        }
        for refused in [
            "paneldesk-font://localhost/sans-regular",
            "paneldesk-font://localhost/../../../etc/passwd",
            "paneldesk-font://localhost/%2Fetc%2Fpasswd",
            "paneldesk-font://localhost/assets/fonts/NotoSerifCJKsc-Regular.otf",
            "paneldesk-font://localhost/",
        ] {
            assert_eq!(
                get(refused, None).status(),
                StatusCode::NOT_FOUND,
                "{refused}"
            );
        }
        let elsewhere = get(
            "paneldesk-font://localhost/serif-regular",
            Some("https://example.com"),
        );
        assert!(!elsewhere
            .headers()
            .contains_key("Access-Control-Allow-Origin"));
    }
}
