//! The value a Python module gives a name, read without running it, or a refusal: a value is
//! given only where a plain reading is sure it is the one Python ends with.
//!
//! Sure means: the name is bound exactly once in the whole module, by a plain module-level
//! assignment of one plain string literal (or, for a policy's regex, one call of plain
//! literals), and nothing in the module can bind names where a plain reading cannot see it
//! (`exec`, `globals()`, `setattr`, a star import...). Everything else is refused, naming the
//! line, rather than guessed.

use regex_lite::Regex;

use super::pylex::{self, Kind, Token};
use super::{ExtractError, Found};

/// Names through which code binds a module's names without naming them: any of them, as a
/// name or an attribute, makes every value uncertain. `globals()` and `locals()` are among them
/// except as arguments of `__import__`, which only reads them (pypiserver's `__init__.py`).
/// What an imported module does to this one is beyond a plain reading, as with any import.
const DYNAMIC: &[&str] = &[
    "exec",
    "eval",
    "globals",
    "locals",
    "vars",
    "setattr",
    "delattr",
    "__setattr__",
    "__delattr__",
    "__dict__",
    "__globals__",
    "__builtins__",
    "builtins",
    "f_globals",
    "f_locals",
    "f_builtins",
];

/// Keywords that open a compound statement: what follows their `:` on the same line is in a
/// block, not at module level.
const COMPOUND: &[&str] = &[
    "if", "elif", "else", "while", "for", "try", "except", "finally", "with", "def", "class",
    "async",
];

const AUGMENTED: &[&str] = &[
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "|=", "^=", "@=",
];

/// The `__version__` of a Python module.
pub fn version(text: &str) -> Result<Found, ExtractError> {
    version_at(text).map(|(found, _)| found)
}

/// The `__version__` of a Python module and where its text stands in `text`, between the
/// string literal's quotes.
pub fn version_at(text: &str) -> Result<(Found, std::ops::Range<usize>), ExtractError> {
    let module = Module::read(text)?;
    let name = "__version__";
    let binding = module.only_binding(name)?;
    let statement = module.plain_assignment(binding, name)?;
    let value = &module.tokens[statement.range.clone()];
    let why = |why: &str| ExtractError::NotPlain {
        line: module.tokens[binding].line,
        what: format!("`{name}` is {why}: git-policy reads only one plain string literal"),
    };
    if let Some(Kind::Str { prefix, .. }) = value.first().map(|t| &t.kind)
        && (prefix.contains('f') || prefix.contains('t'))
    {
        return Err(why("assigned an f-string"));
    }
    let [token] = value else {
        return Err(why(match value.first().map(|t| &t.kind) {
            Some(Kind::Str { .. }) if value.iter().all(|t| matches!(t.kind, Kind::Str { .. })) => {
                "assigned strings joined by implicit concatenation"
            }
            _ => "not assigned one plain string literal",
        }));
    };
    let Kind::Str { prefix, body } = &token.kind else {
        return Err(why("not assigned one plain string literal"));
    };
    match prefix.as_str() {
        "" | "u" | "r" => {}
        p if p.contains('b') => return Err(why("assigned bytes, not a string")),
        p if p.contains('f') || p.contains('t') => return Err(why("assigned an f-string")),
        _ => return Err(why("not assigned one plain string literal")),
    }
    if body.contains('\\') {
        return Err(why("assigned a string with a backslash escape"));
    }
    if body.contains('\n') {
        return Err(why("assigned a string that spans lines"));
    }
    // The literal is `prefix quote body quote`, the two quotes of the same length.
    let delimiter = (token.end - token.start - prefix.len() - body.len()) / 2;
    let end = token.end - delimiter;
    let found = Found {
        text: body.clone(),
        line: module.tokens[binding].line,
    };
    Ok((found, end - body.len()..end))
}

/// The version a policy's regex finds in a Python module, where the match is the whole value
/// of a plain module-level assignment of one call of plain literals (Twisted's
/// `__version__ = Version("Twisted", 24, 10, 0)`), bound once, and matches in comments and
/// strings do not count.
pub fn regex_match<'t>(
    regex: &Regex,
    text: &'t str,
) -> Result<(regex_lite::Captures<'t>, usize), ExtractError> {
    let module = Module::read(text)?;
    let mut matches = regex.captures_iter(text).filter_map(|caps| {
        let whole = caps.get(0)?;
        // Token starts never go down (an f-string's fields follow its own token).
        let first = module.tokens.partition_point(|t| t.start < whole.start());
        let first = (module.tokens.get(first)?.start == whole.start()).then_some(first)?;
        Some((caps, first))
    });
    let Some((caps, first)) = matches.next() else {
        return Err(ExtractError::NotFound(
            "match for the policy's version regex outside comments and strings",
        ));
    };
    let line = module.tokens[first].line;
    if let Some((_, second)) = matches.next() {
        return Err(ExtractError::SecondMatch {
            line: module.tokens[second].line,
            first: line,
        });
    }
    let end = caps.get(0).map_or(0, |m| m.end());
    let statement = module.statement_of(first);
    let not_plain = |why: &str| ExtractError::NotPlain {
        line,
        what: format!(
            "the policy's version regex matches {why}: git-policy reads only a plain module-level assignment of one call of literals"
        ),
    };
    let value = module
        .chain(statement)
        .filter(|(targets, _)| !targets.is_empty())
        .map(|(_, value)| value)
        .ok_or(not_plain("outside a plain module-level assignment"))?;
    let tokens = &module.tokens[value.clone()];
    let covered = tokens
        .first()
        .is_some_and(|t| t.start >= caps.get(0).map_or(0, |m| m.start()))
        && tokens.last().is_some_and(|t| t.end <= end)
        && !module.tokens[statement.range.clone()]
            .iter()
            .any(|t| t.start < end && t.end > end);
    if !covered {
        return Err(not_plain("other than the whole value of its assignment"));
    }
    if !is_plain_call(tokens) {
        return Err(not_plain("a value that is not one call of plain literals"));
    }
    for target in module.chain(statement).map(|(t, _)| t).unwrap_or_default() {
        let name = module.tokens[target].text.clone();
        let only = module.only_binding(&name)?;
        if only != target {
            return Err(ExtractError::Ambiguous {
                line: module.tokens[target].line,
                first: module.tokens[only].line,
                name,
            });
        }
    }
    if let Some(callee) = tokens.first().filter(|t| t.kind == Kind::Name) {
        let bindings = module.bindings(&callee.text);
        let imported = bindings.iter().all(|&b| module.in_import(b));
        if bindings.len() > 1 || !imported {
            return Err(ExtractError::NotPlain {
                line: bindings.last().map_or(line, |&b| module.tokens[b].line),
                what: format!(
                    "`{}` is bound other than by one import, so the call's value is not certain",
                    callee.text
                ),
            });
        }
    }
    Ok((caps, line))
}

/// `Name(literal, ..., keyword=literal, ...)`, or one literal.
fn is_plain_call(tokens: &[Token]) -> bool {
    let literal = |t: &Token| match &t.kind {
        Kind::Number => true,
        Kind::Str { prefix, .. } => !prefix.contains('f') && !prefix.contains('t'),
        _ => false,
    };
    match tokens {
        [one] => literal(one),
        [callee, open, args @ .., close]
            if callee.kind == Kind::Name && open.is_op("(") && close.is_op(")") =>
        {
            args.split(|t| t.is_op(",")).all(|arg| match arg {
                [] => true,
                [value] => literal(value),
                [key, eq, value] => key.kind == Kind::Name && eq.is_op("=") && literal(value),
                _ => false,
            })
        }
        _ => false,
    }
}

/// One simple statement: its tokens, and whether it stands at module level on its own (not
/// indented, not after a compound statement's `:` on the same line).
#[derive(Debug, Clone)]
struct Statement {
    range: std::ops::Range<usize>,
    module_level: bool,
}

struct Module {
    tokens: Vec<Token>,
    statements: Vec<Statement>,
    /// Tokens that bind whatever they name by where they stand (see [`in_target`]).
    in_target: Vec<bool>,
}

impl Module {
    fn read(text: &str) -> Result<Module, ExtractError> {
        let tokens = pylex::tokens(text)?;
        if let Some(t) = tokens
            .iter()
            .enumerate()
            .find(|&(i, t)| {
                t.kind == Kind::Name
                    && DYNAMIC.contains(&t.text.as_str())
                    && !namespace_read_by_import(&tokens, i)
            })
            .map(|(_, t)| t)
        {
            return Err(ExtractError::Dynamic {
                line: t.line,
                name: format!("`{}`", t.text),
            });
        }
        let mut statements = Vec::new();
        let mut depth = Vec::with_capacity(tokens.len());
        let mut level = 0usize;
        let mut start = 0;
        let mut compound = false;
        let mut indented = false;
        for (i, t) in tokens.iter().enumerate() {
            if t.first {
                compound = t.kind == Kind::Name && COMPOUND.contains(&t.text.as_str())
                    || (matches!(t.text.as_str(), "match" | "case") && ends_in_colon(&tokens[i..]));
                indented = t.indented;
            }
            if t.is_op(")") || t.is_op("]") || t.is_op("}") {
                level = level.saturating_sub(1);
            }
            depth.push(level);
            if t.is_op("(") || t.is_op("[") || t.is_op("{") {
                level += 1;
            }
            let ends = t.kind == Kind::Newline || (level == 0 && t.is_op(";"));
            if ends {
                statements.push(Statement {
                    range: start..i,
                    module_level: !compound && !indented,
                });
                start = i + 1;
                level = 0;
            }
        }
        let in_target = in_target(&tokens, &depth, &statements);
        let module = Module {
            tokens,
            statements,
            in_target,
        };
        if let Some(t) = module.tokens.iter().enumerate().find(|(i, t)| {
            matches!(&t.kind, Kind::Str { body, .. } if body == "__version__")
                && !module.tokens[module.statement_of(*i).range.start].is_name("__all__")
        }) {
            return Err(ExtractError::Dynamic {
                line: t.1.line,
                name: "the string `\"__version__\"`".to_owned(),
            });
        }
        if let Some(star) = module.statements.iter().find_map(|s| {
            let tokens = &module.tokens[s.range.clone()];
            let import = tokens.iter().position(|t| t.is_name("import"))?;
            tokens[import..].iter().find(|t| t.is_op("*"))
        }) {
            return Err(ExtractError::Dynamic {
                line: star.line,
                name: "`import *`".to_owned(),
            });
        }
        Ok(module)
    }

    fn statement_of(&self, token: usize) -> &Statement {
        let at = self
            .statements
            .partition_point(|s| s.range.end <= token)
            .min(self.statements.len().saturating_sub(1));
        &self.statements[at]
    }

    /// The one token that binds `name`, or why there is not exactly one.
    fn only_binding(&self, name: &str) -> Result<usize, ExtractError> {
        let bindings = self.bindings(name);
        match bindings.as_slice() {
            [] => Err(ExtractError::NotFound("`__version__ = \"...\"` assignment")),
            [one] => Ok(*one),
            [first, second, ..] => Err(ExtractError::Ambiguous {
                line: self.tokens[*second].line,
                first: self.tokens[*first].line,
                name: name.to_owned(),
            }),
        }
    }

    /// Every token that binds (or may bind, or unbinds) `name`, as a name or an attribute.
    fn bindings(&self, name: &str) -> Vec<usize> {
        (0..self.tokens.len())
            .filter(|&i| self.tokens[i].is_name(name) && self.binds(i))
            .collect()
    }

    fn binds(&self, i: usize) -> bool {
        let statement = self.statement_of(i);
        let range = statement.range.clone();
        let tokens = &self.tokens;
        let next = tokens.get(i + 1);
        let prev = (i > range.start).then(|| &tokens[i - 1]);
        // Assigned: `x = `, `x += `, `x := `, a keyword argument `f(x=...)`.
        if next.is_some_and(|n| {
            n.is_op("=")
                || n.is_op(":=")
                || AUGMENTED.contains(&n.text.as_str()) && n.kind == Kind::Op
        }) {
            return true;
        }
        // Annotated: `x: str` at the start of a statement.
        if i == range.start && next.is_some_and(|n| n.is_op(":")) {
            return true;
        }
        if prev.is_some_and(|p| ["as", "def", "class", "type"].iter().any(|k| p.is_name(k))) {
            return true;
        }
        self.in_target[i]
    }

    fn in_import(&self, token: usize) -> bool {
        let range = self.statement_of(token).range.clone();
        self.tokens[range].iter().any(|t| t.is_name("import"))
    }

    /// A statement `t1 = t2 = ... = value` of plain names: the targets' tokens and the value's
    /// range, or `None` for any other statement.
    fn chain(&self, statement: &Statement) -> Option<(Vec<usize>, std::ops::Range<usize>)> {
        let range = statement.range.clone();
        let tokens = &self.tokens;
        let mut targets = Vec::new();
        let mut at = range.start;
        loop {
            let is_target = tokens[at].kind == Kind::Name
                && tokens.get(at + 1).is_some_and(|t| t.is_op("="))
                && at + 1 < range.end;
            if !is_target {
                break;
            }
            targets.push(at);
            at += 2;
        }
        if targets.is_empty() && tokens[range.start].kind == Kind::Name {
            // `x: annotation = value`, the annotation a dotted name, maybe subscripted.
            let colon = range.start + 1;
            if tokens.get(colon).is_some_and(|t| t.is_op(":")) {
                let eq = (colon + 1..range.end).find(|&j| tokens[j].is_op("="))?;
                let annotation = &tokens[colon + 1..eq];
                let simple = !annotation.is_empty()
                    && annotation.iter().all(|t| {
                        t.kind == Kind::Name
                            || t.is_op(".")
                            || t.is_op("[")
                            || t.is_op("]")
                            || t.is_op(",")
                    });
                if !simple {
                    return None;
                }
                targets.push(range.start);
                at = eq + 1;
            }
        }
        statement.module_level.then_some((targets, at..range.end))
    }

    /// The statement of the binding at `token`, when it is `name = value` (maybe chained or
    /// annotated) standing at module level.
    fn plain_assignment(&self, token: usize, name: &str) -> Result<Statement, ExtractError> {
        let statement = self.statement_of(token).clone();
        let not_plain = |why: &str| ExtractError::NotPlain {
            line: self.tokens[token].line,
            what: format!(
                "`{name}` is {why}: git-policy reads only `{name} = \"...\"` at module level"
            ),
        };
        if !statement.module_level {
            return Err(not_plain("bound inside a block"));
        }
        match self.chain(&statement) {
            Some((targets, value)) if targets.contains(&token) && !value.is_empty() => {
                Ok(Statement {
                    range: value,
                    module_level: true,
                })
            }
            _ => Err(not_plain("bound other than by a plain assignment")),
        }
    }
}

/// `globals()` or `locals()` as a whole argument of `__import__(...)`, which reads it only.
fn namespace_read_by_import(tokens: &[Token], i: usize) -> bool {
    let call = tokens.get(i + 1).is_some_and(|t| t.is_op("("))
        && tokens.get(i + 2).is_some_and(|t| t.is_op(")"))
        && tokens
            .get(i + 3)
            .is_some_and(|t| t.is_op(",") || t.is_op(")"))
        && i > 0
        && (tokens[i - 1].is_op(",") || tokens[i - 1].is_op("("));
    if !call || !matches!(tokens[i].text.as_str(), "globals" | "locals") {
        return false;
    }
    // The innermost open bracket before it, within a bounded look back: `__import__(`.
    let mut depth = 0usize;
    for j in (i.saturating_sub(64)..i).rev() {
        let t = &tokens[j];
        if t.is_op(")") || t.is_op("]") || t.is_op("}") {
            depth += 1;
        } else if t.is_op("(") || t.is_op("[") || t.is_op("{") {
            if depth == 0 {
                return t.is_op("(") && j > 0 && tokens[j - 1].is_name("__import__");
            }
            depth -= 1;
        }
    }
    false
}

/// For each token, whether a name there is bound by where it stands, in one pass: before the
/// last top-level `=` (or augmented assignment) of its statement (`a, x = ...`, `x.y = ...`,
/// `if c: x = ...`), in an import, after `global`, `nonlocal`, `del` or `as` (with a tuple:
/// `with f() as (a, x)`), in a `case` pattern, or between a `for` and its `in`.
fn in_target(tokens: &[Token], depth: &[usize], statements: &[Statement]) -> Vec<bool> {
    let mut out = vec![false; tokens.len()];
    for statement in statements {
        let range = statement.range.clone();
        let last_assign = range.clone().rev().find(|&j| {
            depth[j] == 0
                && tokens[j].kind == Kind::Op
                && (tokens[j].text == "=" || AUGMENTED.contains(&tokens[j].text.as_str()))
        });
        let import = tokens[range.clone()].iter().any(|t| t.is_name("import"));
        let case =
            tokens.get(range.start).is_some_and(|t| t.is_name("case")) && !statement.module_level;
        let mut keyword_before = false;
        // Per bracket depth: inside a `for` target opened at that depth.
        let mut for_target: Vec<bool> = Vec::new();
        for i in range {
            let level = depth[i];
            for_target.resize(level + 1, false);
            let t = &tokens[i];
            out[i] = import
                || case
                || keyword_before
                || last_assign.is_some_and(|j| i < j)
                || for_target.iter().any(|&open| open);
            if ["global", "nonlocal", "del", "as"]
                .iter()
                .any(|k| t.is_name(k))
            {
                keyword_before = true;
            }
            if t.is_name("for") {
                for_target[level] = true;
            } else if t.is_name("in") {
                for_target[level] = false;
            }
        }
    }
    out
}

fn ends_in_colon(tokens: &[Token]) -> bool {
    let end = tokens
        .iter()
        .position(|t| t.kind == Kind::Newline)
        .unwrap_or(tokens.len());
    end > 0 && tokens[end - 1].is_op(":")
}
