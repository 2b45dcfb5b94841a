//! The tones of a `.pill` (app.css), a short state in a table cell: done (ok), needs
//! attention (warn), failed (error), of no further interest (quiet), or plain ("").

export type Tone = "ok" | "warn" | "error" | "quiet" | "";
