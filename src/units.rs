//! Sizes in words people read, and text from servers made safe to print: one formatter
//! for every message, report and plan line.

/// Text a server controls, made fit for a terminal or a log: control characters (CR, LF,
/// NUL, ESC, which could forge log lines or move the cursor) written as `\x..`, and at most
/// `max` characters, the rest counted rather than shown.
pub fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (shown, (i, c)) in text.char_indices().enumerate() {
        if shown >= max {
            out.push_str(&format!(" ... ({} more bytes)", text.len() - i));
            return out;
        }
        if c.is_control() {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_text_is_made_printable() {
        assert_eq!(
            super::printable("a\r\nerror: forged\0\x1b[2J", 100),
            "a\\x0d\\x0aerror: forged\\x00\\x1b[2J"
        );
        let long = "x".repeat(5000);
        let p = super::printable(&long, 300);
        assert!(
            p.starts_with(&"x".repeat(300)) && p.ends_with("(4700 more bytes)"),
            "{p}"
        );
        assert_eq!(super::printable("Entwürfe", 10), "Entwürfe");
    }

    #[test]
    fn bytes() {
        assert_eq!(super::human_bytes(512), "512 B");
        assert_eq!(super::human_bytes(1536), "1.5 KiB");
        assert_eq!(super::human_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
