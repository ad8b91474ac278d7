//! A Python module's source as Python reads it: decoded by its PEP 263 declaration, line ends
//! folded, and cut into the tokens the binding analysis in `pyread` looks at.
//!
//! This is not a full tokenizer: indentation is only "is there any", operators are kept as text
//! and numbers are skipped over. What it gets exactly right is what decides which names a
//! module binds: where strings, comments and f-string fields start and end, which lines are
//! one logical line, and identifiers compared after NFKC normalisation, as Python compares them.

use unicode_normalization::UnicodeNormalization;

use super::ExtractError;

/// f-strings nested deeper than this are refused: a bound on recursion for hostile input.
const MAX_FSTRING_NESTING: usize = 16;
/// Brackets nested deeper than this are refused (Python's own parser stops at 200).
const MAX_BRACKETS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword, NFKC-normalised.
    Name,
    Number,
    /// A string literal: its prefix in lower case and its text between the quotes, as written.
    Str {
        prefix: String,
        body: String,
    },
    /// An operator or bracket, as written.
    Op,
    /// The end of a logical line.
    Newline,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: Kind,
    /// The name for a `Name`, the operator for an `Op`; empty otherwise.
    pub text: String,
    /// Byte offsets in the decoded text (see [`decode`]).
    pub start: usize,
    pub end: usize,
    /// The 1-based line the token starts on.
    pub line: usize,
    /// The first token of a logical line, and whether that line is indented.
    pub first: bool,
    pub indented: bool,
}

impl Token {
    pub fn is_op(&self, op: &str) -> bool {
        self.kind == Kind::Op && self.text == op
    }

    pub fn is_name(&self, name: &str) -> bool {
        self.kind == Kind::Name && self.text == name
    }
}

/// The module's text as Python sees it: BOM dropped, decoded as its coding declaration says,
/// and `\r\n` and lone `\r` turned into `\n` (Python splits lines at all three).
pub fn decode(bytes: &[u8]) -> Result<String, ExtractError> {
    if bytes.contains(&0) {
        return Err(ExtractError::Python {
            line: line_at(bytes, bytes.iter().position(|&b| b == 0).unwrap_or(0)),
            message: "a NUL byte, which Python refuses in source code".to_owned(),
        });
    }
    let (bom, bytes) = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let text = match declared_encoding(bytes).as_deref().map(normal_encoding) {
        None | Some(Some(Encoding::Utf8)) => std::str::from_utf8(bytes)
            .map_err(|_| ExtractError::NotUtf8)?
            .to_owned(),
        Some(Some(_)) if bom => {
            return Err(ExtractError::EncodingAfterBom(
                declared_encoding(bytes).unwrap_or_default(),
            ));
        }
        Some(Some(Encoding::Latin1)) => bytes.iter().map(|&b| char::from(b)).collect(),
        Some(Some(Encoding::Ascii)) => {
            if !bytes.is_ascii() {
                return Err(ExtractError::NotUtf8);
            }
            String::from_utf8_lossy(bytes).into_owned()
        }
        Some(None) => {
            let name = declared_encoding(bytes).unwrap_or_default();
            return Err(ExtractError::Encoding(name));
        }
    };
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Where the text at `offset` in `decoded`, which is `decode(bytes)`, starts in `bytes`: the
/// byte-order mark, the Latin-1 decoding and the folding of line ends undone.
pub fn source_offset(bytes: &[u8], decoded: &str, offset: usize) -> usize {
    let mut at = if bytes.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let latin1 = at == 0
        && declared_encoding(bytes).as_deref().map(normal_encoding) == Some(Some(Encoding::Latin1));
    for (i, c) in decoded.char_indices() {
        if i >= offset {
            break;
        }
        at += match c {
            '\n' if bytes.get(at..at + 2) == Some(b"\r\n") => 2,
            '\n' => 1,
            _ if latin1 => 1,
            _ => c.len_utf8(),
        };
    }
    at
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    let text = String::from_utf8_lossy(before);
    text.replace("\r\n", "\n").matches(['\n', '\r']).count() + 1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Latin1,
    Ascii,
}

/// The encodings read here, under the names Python's codec registry accepts for them.
fn normal_encoding(name: &str) -> Option<Encoding> {
    let name = name.to_ascii_lowercase().replace('_', "-");
    let family = |base: &str| name == base || name.starts_with(&format!("{base}-"));
    if family("utf-8") || name == "utf8" {
        Some(Encoding::Utf8)
    } else if family("latin-1")
        || family("iso-8859-1")
        || family("iso-latin-1")
        || ["latin1", "latin", "l1", "iso8859-1", "8859", "cp819"].contains(&name.as_str())
    {
        Some(Encoding::Latin1)
    } else if ["ascii", "us-ascii", "646"].contains(&name.as_str()) {
        Some(Encoding::Ascii)
    } else {
        None
    }
}

/// The PEP 263 declaration: `coding[:=]name` in a comment on the first line, or on the second
/// when the first holds only a comment or nothing; found as CPython's `get_coding_spec` does.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let mut first_two: Vec<&[u8]> = Vec::new();
    let mut rest = bytes;
    while first_two.len() < 2 && !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        first_two.push(&rest[..end]);
        let ending = match rest.get(end..end + 2) {
            Some(b"\r\n") => 2,
            _ => 1,
        };
        rest = rest.get(end + ending..).unwrap_or_default();
    }
    let first = first_two.first()?;
    if let Some(name) = coding_spec(first) {
        return Some(name);
    }
    let blank_or_comment = first
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))
        .is_none_or(|&b| b == b'#');
    if blank_or_comment {
        first_two.get(1).and_then(|line| coding_spec(line))
    } else {
        None
    }
}

fn coding_spec(line: &[u8]) -> Option<String> {
    let start = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
    if line[start] != b'#' {
        return None;
    }
    let rest = &line[start..];
    let mut i = 0;
    while i + 6 < rest.len() {
        if &rest[i..i + 6] == b"coding" && matches!(rest[i + 6], b':' | b'=') {
            let mut t = i + 7;
            while matches!(rest.get(t), Some(b' ' | b'\t')) {
                t += 1;
            }
            let begin = t;
            while rest
                .get(t)
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            {
                t += 1;
            }
            if t > begin {
                return Some(String::from_utf8_lossy(&rest[begin..t]).into_owned());
            }
        }
        i += 1;
    }
    None
}

/// Operators, longest first so the first match is the longest.
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "@=", "**", "//", "<<", ">>", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "=", "!",
];

/// The tokens of a decoded module (see [`decode`]).
pub fn tokens(text: &str) -> Result<Vec<Token>, ExtractError> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        line: 1,
        out: Vec::new(),
        brackets: Vec::new(),
        nesting: 0,
    };
    lexer.module()?;
    Ok(lexer.out)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    out: Vec<Token>,
    /// Open brackets of the code outside f-string fields, with the line each opened on.
    brackets: Vec<(char, usize)>,
    nesting: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.text[self.pos..].chars().nth(ahead)
    }

    fn error(&self, message: impl Into<String>) -> ExtractError {
        ExtractError::Python {
            line: self.line,
            message: message.into(),
        }
    }

    fn push(&mut self, kind: Kind, text: String, start: usize, line: usize) {
        self.out.push(Token {
            kind,
            text,
            start,
            end: self.pos,
            line,
            first: false,
            indented: false,
        });
    }

    fn module(&mut self) -> Result<(), ExtractError> {
        let mut line_start = true;
        let mut logical_open = false;
        let mut indented = false;
        while self.pos < self.text.len() {
            if line_start && self.brackets.is_empty() && !logical_open {
                let rest = &self.text[self.pos..];
                let indent = rest.len() - rest.trim_start_matches([' ', '\t', '\x0c']).len();
                indented = indent > 0;
                self.pos += indent;
            }
            line_start = false;
            let Some(c) = self.peek() else { break };
            match c {
                ' ' | '\t' | '\x0c' => self.pos += 1,
                '#' => {
                    self.pos += self.text[self.pos..]
                        .find('\n')
                        .unwrap_or(self.text.len() - self.pos)
                }
                '\\' => {
                    if self.peek_at(1) != Some('\n') {
                        return Err(self.error("a character after a line continuation"));
                    }
                    self.pos += 2;
                    self.line += 1;
                }
                '\n' => {
                    let start = self.pos;
                    self.pos += 1;
                    if self.brackets.is_empty() && logical_open {
                        self.push(Kind::Newline, String::new(), start, self.line);
                        logical_open = false;
                    }
                    self.line += 1;
                    line_start = true;
                }
                _ => {
                    let at = self.out.len();
                    self.token(false)?;
                    if !logical_open {
                        if let Some(first) = self.out.get_mut(at) {
                            first.first = true;
                            first.indented = indented;
                        }
                        logical_open = true;
                    }
                }
            }
        }
        if let Some(&(_, line)) = self.brackets.first() {
            return Err(ExtractError::Python {
                line,
                message: "a bracket that is never closed".to_owned(),
            });
        }
        if logical_open {
            let end = self.text.len();
            self.push(Kind::Newline, String::new(), end, self.line);
        }
        Ok(())
    }

    /// One token at `pos` (not whitespace, a comment or a line end). In an f-string field,
    /// brackets are the field's own and are checked by the caller.
    fn token(&mut self, in_field: bool) -> Result<(), ExtractError> {
        let start = self.pos;
        let line = self.line;
        let Some(c) = self.peek() else {
            return Err(self.error("an unexpected end"));
        };
        if c == '_' || c.is_alphabetic() || (!c.is_ascii() && !c.is_whitespace()) {
            // Outside strings and comments Python allows other characters only in names.
            let rest = &self.text[start..];
            let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
            let word = &rest[..len];
            self.pos += len;
            if matches!(self.peek(), Some('"' | '\'')) && is_prefix(word) {
                return self.string(word.to_ascii_lowercase(), start, line);
            }
            let name: String = if word.is_ascii() {
                word.to_owned()
            } else {
                word.nfkc().collect()
            };
            self.push(Kind::Name, name, start, line);
            return Ok(());
        }
        if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) {
            self.number();
            self.push(Kind::Number, String::new(), start, line);
            return Ok(());
        }
        if c == '"' || c == '\'' {
            return self.string(String::new(), start, line);
        }
        let rest = &self.text[start..];
        let Some(op) = OPERATORS
            .iter()
            .filter(|op| op.as_bytes()[0] == rest.as_bytes()[0])
            .find(|op| rest.starts_with(**op))
        else {
            return Err(self.error(format!("the character {c:?}, which is not Python")));
        };
        self.pos += op.len();
        if !in_field {
            match *op {
                "(" | "[" | "{" => {
                    if self.brackets.len() >= MAX_BRACKETS {
                        return Err(self.error("brackets nested too deeply"));
                    }
                    self.brackets.push((op.chars().next().unwrap_or('('), line));
                }
                ")" | "]" | "}" => {
                    let open = self.brackets.pop();
                    if open.map(|(c, _)| closing(c)) != op.chars().next() {
                        return Err(self.error(format!("`{op}` closes no matching bracket")));
                    }
                }
                _ => {}
            }
        }
        self.push(Kind::Op, (*op).to_owned(), start, line);
        Ok(())
    }

    /// Skips a number as Python's tokenizer reads it, so `1if x else 2` leaves `if` a name.
    fn number(&mut self) {
        let rest = &self.text[self.pos..];
        let bytes = rest.as_bytes();
        let mut i = 0;
        let radix = match (bytes.first(), bytes.get(1)) {
            (Some(b'0'), Some(b'x' | b'X')) => Some(16),
            (Some(b'0'), Some(b'o' | b'O')) => Some(8),
            (Some(b'0'), Some(b'b' | b'B')) => Some(2),
            _ => None,
        };
        if let Some(radix) = radix {
            i = 2;
            while i < bytes.len() && (bytes[i] == b'_' || char::from(bytes[i]).is_digit(radix)) {
                i += 1;
            }
            self.pos += i;
            return;
        }
        let digits = |i: &mut usize| {
            while *i < bytes.len() && (bytes[*i].is_ascii_digit() || bytes[*i] == b'_') {
                *i += 1;
            }
        };
        digits(&mut i);
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                i = j;
                digits(&mut i);
            }
        }
        if matches!(bytes.get(i), Some(b'j' | b'J')) {
            i += 1;
        }
        self.pos += i;
    }

    /// A string literal from its opening quote at `pos`; f-string fields become tokens of
    /// their own, inside a `(` `)` pair, after the string's token.
    fn string(&mut self, prefix: String, start: usize, line: usize) -> Result<(), ExtractError> {
        let Some(quote) = self.peek() else {
            return Err(self.error("an unexpected end"));
        };
        let triple = self.text[self.pos..].starts_with(&quote.to_string().repeat(3));
        let delimiter = if triple { 3 } else { 1 };
        self.pos += delimiter;
        let formatted = prefix.contains('f') || prefix.contains('t');
        let index = self.out.len();
        self.push(
            Kind::Str {
                prefix: prefix.clone(),
                body: String::new(),
            },
            String::new(),
            start,
            line,
        );
        let body_start = self.pos;
        if formatted {
            self.nesting += 1;
            if self.nesting > MAX_FSTRING_NESTING {
                return Err(self.error("f-strings nested too deeply"));
            }
        }
        let body_end = loop {
            let Some(c) = self.peek() else {
                return Err(ExtractError::Python {
                    line,
                    message: "a string that is never closed".to_owned(),
                });
            };
            if c == quote
                && (!triple || self.text[self.pos..].starts_with(&quote.to_string().repeat(3)))
            {
                let end = self.pos;
                self.pos += delimiter;
                break end;
            }
            match c {
                '\\' => {
                    self.pos += 1;
                    if let Some(next) = self.peek() {
                        if next == '\n' {
                            self.line += 1;
                        }
                        self.pos += next.len_utf8();
                    }
                }
                '\n' if !triple => {
                    return Err(ExtractError::Python {
                        line,
                        message: "a string that is never closed".to_owned(),
                    });
                }
                '\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                '{' | '}' if formatted && self.peek_at(1) == Some(c) => self.pos += 2,
                '{' if formatted => {
                    self.pos += 1;
                    self.field()?;
                }
                _ => self.pos += c.len_utf8(),
            }
        };
        if formatted {
            self.nesting -= 1;
        }
        let body = self.text[body_start..body_end].to_owned();
        if let Some(token) = self.out.get_mut(index) {
            token.kind = Kind::Str { prefix, body };
            if !formatted {
                token.end = self.pos;
            }
        }
        Ok(())
    }

    /// An f-string replacement field after its `{`: the expression's tokens inside `(` `)`,
    /// then a conversion and a format spec, which may hold fields of its own.
    fn field(&mut self) -> Result<(), ExtractError> {
        let open = self.pos;
        self.push(Kind::Op, "(".to_owned(), open, self.line);
        let mut depth: Vec<char> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("an f-string field that is never closed"));
            };
            match c {
                ' ' | '\t' | '\x0c' => self.pos += 1,
                '\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                '#' => {
                    self.pos += self.text[self.pos..]
                        .find('\n')
                        .unwrap_or(self.text.len() - self.pos)
                }
                '}' if depth.is_empty() => break,
                '!' if depth.is_empty() && self.peek_at(1) != Some('=') => {
                    self.pos += 1;
                    while self.peek().is_some_and(|c| c.is_alphanumeric()) {
                        self.pos += 1;
                    }
                    if self.peek() == Some(':') {
                        self.spec()?;
                    }
                    break;
                }
                ':' if depth.is_empty() => {
                    self.spec()?;
                    break;
                }
                _ => {
                    self.token(true)?;
                    let Some(last) = self.out.last() else {
                        continue;
                    };
                    if last.kind == Kind::Op {
                        match last.text.as_str() {
                            "(" | "[" | "{" => {
                                if depth.len() >= MAX_BRACKETS {
                                    return Err(self.error("brackets nested too deeply"));
                                }
                                depth.push(last.text.chars().next().unwrap_or('('));
                            }
                            ")" | "]" | "}" => {
                                let close = last.text.chars().next();
                                if depth.pop().map(closing) != close {
                                    return Err(
                                        self.error("an f-string field's brackets do not match")
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        if self.peek() != Some('}') {
            return Err(self.error("an f-string field that is never closed"));
        }
        let at = self.pos;
        self.pos += 1;
        self.push(Kind::Op, ")".to_owned(), at, self.line);
        Ok(())
    }

    /// A format spec after its `:`, up to the field's closing `}` (left for the caller).
    fn spec(&mut self) -> Result<(), ExtractError> {
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(self.error("an f-string field that is never closed")),
                Some('}') => return Ok(()),
                Some('{') => {
                    self.pos += 1;
                    self.field()?;
                }
                Some('\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(c) => self.pos += c.len_utf8(),
            }
        }
    }
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace())
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// The string prefixes Python accepts (`t` is Python 3.14's template strings).
fn is_prefix(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "r" | "u" | "b" | "f" | "t" | "br" | "rb" | "fr" | "rf" | "tr" | "rt"
    )
}
