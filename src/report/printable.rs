//! Text from the repository made safe to print: its control characters are shown, not sent.
//!
//! Commit subjects, ref names, paths, file contents and the committed policy reach the output
//! inside messages. A control character among them would act on the reader's terminal: clear
//! the screen, retitle the window, hide a line behind `\r`, or forge a line of the verdict
//! with a newline. Written as its escape (`\u{1b}`, `\r`, `\n`) it can only be read. So are the
//! bidirectional formatting characters, which reorder what follows them on screen ("Trojan
//! Source"): a ref name could otherwise show as another.

use std::borrow::Cow;
use std::fmt;

/// A value for one line of output, with every control character written as its escape.
pub fn printable(text: &str) -> Printable<'_> {
    Printable {
        text,
        newlines: false,
    }
}

/// Text made of lines (an error's message and its causes): newlines kept, every other control
/// character written as its escape.
pub fn printable_lines(text: &str) -> Printable<'_> {
    Printable {
        text,
        newlines: true,
    }
}

/// Text that prints its control characters as escapes; see [`printable`].
#[derive(Debug, Clone, Copy)]
pub struct Printable<'a> {
    text: &'a str,
    newlines: bool,
}

/// Control characters, and the invisible characters that change the order text is shown in.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.text;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| hidden(c) && !(self.newlines && c == '\n'))
        {
            f.write_str(&rest[..at])?;
            write!(f, "{}", c.escape_default())?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// A JSON document with the control characters serde_json leaves as they are (DEL and the C1
/// controls: JSON requires escapes only below U+0020) written as `\u` escapes. They can stand
/// only inside strings, so the document means the same and is safe on a terminal.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    // A newline is the pretty layout's; any other control character stands in a string.
    let raw = |c: char| hidden(c) && c != '\n';
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Escape sequences, carriage returns and C1 controls are shown as escapes; other text,
    /// non-ASCII included, is left as it is.
    #[test]
    fn control_characters_are_shown_as_escapes() {
        let text = "ü \u{1b}]0;title\u{7}\u{1b}[2J\rover\u{9b}31m\u{7f}\tend";
        assert_eq!(
            printable(text).to_string(),
            r"ü \u{1b}]0;title\u{7}\u{1b}[2J\rover\u{9b}31m\u{7f}\tend"
        );
        assert_eq!(printable("a\nb").to_string(), r"a\nb");
        assert_eq!(printable_lines("a\nb\r").to_string(), "a\nb\\r");
    }

    /// Bidirectional overrides and isolates are shown as escapes, so a name cannot be shown
    /// reordered; right-to-left letters themselves are left alone.
    #[test]
    fn bidi_controls_are_shown_as_escapes() {
        let text = "v1\u{202e}0.2\u{202c} \u{2067}x\u{2069}\u{200f} שלום";
        assert_eq!(
            printable(text).to_string(),
            r"v1\u{202e}0.2\u{202c} \u{2067}x\u{2069}\u{200f} שלום"
        );
        let json = serde_json::to_string(&text).expect("serialize");
        let safe = json_safe(&json);
        assert!(!safe.contains('\u{202e}'), "{safe}");
        let back: String = serde_json::from_str(&safe).expect("parse");
        assert_eq!(back, text);
    }

    /// JSON keeps its meaning: DEL and C1 controls become `\u` escapes that parse back to them.
    #[test]
    fn json_escapes_what_serde_leaves_raw() {
        let value = "x\u{1b}[2J\u{9b}31m\u{7f}";
        let json = serde_json::to_string(&value).expect("serialize");
        let safe = json_safe(&json);
        assert!(!safe.chars().any(char::is_control), "{safe}");
        let back: String = serde_json::from_str(&safe).expect("parse");
        assert_eq!(back, value);
    }
}
