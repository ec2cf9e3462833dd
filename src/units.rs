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

/// A size as people write it in a config: `1048576`, `"500K"`, `"25 MiB"`, `"1.5 GiB"`,
/// `"1G"` (binary units, case-insensitive, optional `B`/`iB`, a fraction with a unit).
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(&unit);
    let shift = match unit {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return None,
    };
    match number.split_once('.') {
        None => number.parse::<u64>().ok()?.checked_mul(1 << shift),
        Some((whole, fraction)) => {
            let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if shift == 0 || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 6 {
                return None;
            }
            let scale = 10u64.pow(fraction.len() as u32);
            let parts =
                whole.parse::<u64>().ok()?.checked_mul(scale)? + fraction.parse::<u64>().ok()?;
            Some(u64::try_from((u128::from(parts) << shift) / u128::from(scale)).ok()?)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_as_written() {
        use super::parse_bytes;
        assert_eq!(parse_bytes("1048576"), Some(1 << 20));
        assert_eq!(parse_bytes("500K"), Some(500 << 10));
        assert_eq!(parse_bytes("25 MiB"), Some(25 << 20));
        assert_eq!(parse_bytes("1g"), Some(1 << 30));
        assert_eq!(parse_bytes("10MB"), Some(10 << 20));
        assert_eq!(parse_bytes("1.5 GiB"), Some(3 << 29));
        assert_eq!(parse_bytes("0.5k"), Some(512));
        assert_eq!(parse_bytes("2 TiB"), Some(2 << 40));
        for bad in [
            "",
            "M",
            "ten",
            "5 P",
            "-1",
            "99999999999999999999G",
            "1.5",
            "1..5G",
            ".5G",
            "1.G",
        ] {
            assert_eq!(parse_bytes(bad), None, "{bad}");
        }
    }

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
