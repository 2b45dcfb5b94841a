//! Benchmark (not a test): what one passphrase guess costs, i.e. one expert unlock at
//! submit time or one clerk unlock per session. Target: about a second on an old laptop;
//! the attacker with a copied file pays the same per guess.

use std::time::Instant;

use paneldesk::keys;

fn main() {
    let runs: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let passphrase = "lamp orbit 7 tides";
    let key = keys::signing_key(&[7; 32]);
    let start = Instant::now();
    let wrapped = keys::wrap(&key, passphrase, [1; 16], [2; 12]).expect("wraps");
    println!(
        "argon2id {} MiB x {} passes; wrap {:.0} ms",
        wrapped.memory_kib / 1024,
        wrapped.iterations,
        start.elapsed().as_secs_f64() * 1000.0
    );
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            keys::unwrap(&wrapped, passphrase).expect("unwraps");
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "unlock over {runs} runs: median {:.0} ms, max {:.0} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let per_guess = times[times.len() / 2] / 1000.0;
    println!(
        "10^8 guesses (the weakest accepted passphrase) on one core: {:.1} years",
        1e8 * per_guess / (365.25 * 24.0 * 3600.0)
    );
}
