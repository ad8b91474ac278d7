//! Dates of tags and commits as git reads them: libgit2 drops a time zone beyond ±14 hours
//! (it reads it as UTC), git keeps any `±HHMM` up to `±9959` and shows the date there.

/// The offset in minutes of the `field` line (`tagger`, `committer`) in an object's raw
/// header, as git reads it: `+HHMM` or `-HHMM`, hours and minutes taken as written.
pub fn header_offset(raw: &[u8], field: &str) -> Option<i32> {
    let line = raw
        .split(|&b| b == b'\n')
        .take_while(|line| !line.is_empty())
        .find(|line| {
            line.strip_prefix(field.as_bytes())
                .is_some_and(|rest| rest.first() == Some(&b' '))
        })?;
    let zone = line.rsplit(|&b| b == b' ').next()?;
    let (sign, digits) = match zone {
        [b'+', digits @ ..] => (1, digits),
        [b'-', digits @ ..] => (-1, digits),
        _ => return None,
    };
    if digits.len() != 4 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |at: usize| i32::from(digits[at] - b'0') * 10 + i32::from(digits[at + 1] - b'0');
    Some(sign * (number(0) * 60 + number(2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Offsets libgit2 drops are read as git writes them, up to `±9959`.
    #[test]
    fn offsets_beyond_fourteen_hours_are_read() {
        let tag =
            b"object 0\ntype commit\ntag t\ntagger A <a@b> 1704060000 -9959\n\nmessage -0100\n";
        assert_eq!(header_offset(tag, "tagger"), Some(-(99 * 60 + 59)));
        let commit = b"tree 0\nauthor A <a@b> 1 +0100\ncommitter C <c@d> 1 +1500\n";
        assert_eq!(header_offset(commit, "committer"), Some(15 * 60));
        assert_eq!(header_offset(commit, "author"), Some(60));
        assert_eq!(header_offset(b"tagger A <a@b> 1 +15\n", "tagger"), None);
        assert_eq!(
            header_offset(b"tree 0\n\ntagger A <a@b> 1 +0100\n", "tagger"),
            None
        );
    }
}
