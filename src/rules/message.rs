//! A violation's message with lists in it: whole for machines (JSON), cut short for people.

/// A list cut short names this many items and counts the rest.
const NAMED: usize = 3;

/// A message, whole and, when it has a long list, as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub whole: String,
    pub short: Option<String>,
}

impl Message {
    /// A message around lists: `write` spells it given how to spell a list, and is called
    /// twice, once with every list whole and once with every list cut short.
    pub fn with_lists(write: impl Fn(&dyn Fn(&[String]) -> String) -> String) -> Message {
        let whole = write(&|items: &[String]| items.join(", "));
        let short = write(&|items: &[String]| cut_short(items));
        Message {
            short: (short != whole).then_some(short),
            whole,
        }
    }
}

impl From<String> for Message {
    fn from(whole: String) -> Message {
        Message { whole, short: None }
    }
}

/// `` `0.1`, `0.2`, `0.3` and 38 more ``: a few items, then how many are left out. A list
/// only one longer than that is named whole ("and 1 more" would be no shorter).
pub fn cut_short(items: &[String]) -> String {
    if items.len() <= NAMED + 1 {
        return items.join(", ");
    }
    format!(
        "{} and {} more",
        items[..NAMED].join(", "),
        items.len() - NAMED
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("`0.{i}`")).collect()
    }

    /// A long list names three items and counts the rest; a short one is named whole.
    #[test]
    fn long_lists_name_a_few_and_count_the_rest() {
        assert_eq!(cut_short(&names(41)), "`0.1`, `0.2`, `0.3` and 38 more");
        assert_eq!(cut_short(&names(4)), "`0.1`, `0.2`, `0.3`, `0.4`");
        assert_eq!(cut_short(&names(1)), "`0.1`");
        assert_eq!(cut_short(&[]), "");
    }

    /// A message keeps its lists whole, and has a short form only when a list was cut.
    #[test]
    fn message_keeps_the_whole_list() {
        let long = names(5);
        let m = Message::with_lists(|list| format!("of {} here", list(&long)));
        assert_eq!(m.whole, "of `0.1`, `0.2`, `0.3`, `0.4`, `0.5` here");
        assert_eq!(
            m.short.as_deref(),
            Some("of `0.1`, `0.2`, `0.3` and 2 more here")
        );
        let few = names(2);
        let m = Message::with_lists(|list| format!("of {}", list(&few)));
        assert_eq!(m.short, None);
    }
}
