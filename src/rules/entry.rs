//! Where a verdict is asked for: what the user was doing when refused, so a hint names what
//! fixes that situation (a merge in progress is aborted, a pushed branch is put back).

/// The entry point that asks [`super::judge_at`] for a verdict. Each caller names its own;
/// the rules read it only to word their hints, never to change a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// `pre-commit`: a commit on a protected branch, not made yet.
    Commit,
    /// `pre-merge-commit` (or `pre-commit` during a merge): a merge in progress, not committed.
    Merge,
    /// `pre-push` on the developer's machine.
    Push,
    /// The server's `pre-receive`: the whole push judged as one set.
    PreReceive,
    /// The server's `update`: one ref at a time, each landing before the next is judged.
    Update,
    /// `git policy check` judging an explicit update set, or the update a CI push job judges.
    Ci,
    /// `git policy check` judging a pull or merge request: its head landed on its base as the
    /// forge would land it. The one who reads the hint changes the request, not the branches.
    Request,
    /// `git policy check` with nothing to judge but the repository as it is, or a replay.
    Audit,
    /// A client's `reference-transaction`: a local move of a protected branch that makes no
    /// commit (a fast-forward, `branch -f`, `reset`), refused before git writes it, so there is
    /// nothing to undo.
    LocalUpdate,
    /// `git policy release`: a step's whole result judged before anything is written, so a
    /// refusal has nothing to undo.
    Release,
}

/// Who asks for a verdict: the entry point, and the remote its user pushes to, which the
/// commands in hints name. A server cannot know what its pushers call it: `origin` there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asker {
    pub entry: Entry,
    pub remote: String,
}

impl From<Entry> for Asker {
    fn from(entry: Entry) -> Asker {
        entry.pushing_to("origin")
    }
}

impl Entry {
    /// This entry point, for a user whose pushes go to `remote` (`git push upstream ...`).
    pub fn pushing_to(self, remote: &str) -> Asker {
        Asker {
            entry: self,
            remote: remote.to_owned(),
        }
    }

    /// Whether the refusal reaches someone who pushed (so the refused commits exist in their
    /// clone and the ref on the other side is still at its old value).
    pub fn is_push(self) -> bool {
        matches!(self, Entry::Push | Entry::PreReceive | Entry::Update)
    }

    /// Whether the server judges each ref of a push on its own.
    pub fn one_ref_at_a_time(self) -> bool {
        self == Entry::Update
    }

    /// How to take back what put commits on `branch` that must not be there: abort the merge
    /// in progress, or put the pushed branch back where the other side has it (`old`, a commit
    /// the pusher has: the push started from it). `None` where no command fixes it.
    pub fn undo(self, branch: &str, old: Option<&str>) -> Option<String> {
        match self {
            Entry::Merge => Some("abandon the merge with `git merge --abort`".to_owned()),
            Entry::Push | Entry::PreReceive | Entry::Update => old.map(|old| {
                format!("put `{branch}` back where the server has it with `git checkout -B {branch} {old}`")
            }),
            Entry::Commit
            | Entry::Ci
            | Entry::Request
            | Entry::Audit
            | Entry::LocalUpdate
            | Entry::Release => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A merge in progress is aborted, a refused push's branch is put back at the server's
    /// value, and a commit, a pull request or an audit get no command.
    #[test]
    fn undo_follows_what_the_user_was_doing() {
        assert_eq!(
            Entry::Merge.undo("rc", Some("abc")).as_deref(),
            Some("abandon the merge with `git merge --abort`")
        );
        for entry in [Entry::Push, Entry::PreReceive, Entry::Update] {
            let undo = entry.undo("rc", Some("abc1234")).expect("a command");
            assert!(undo.contains("`git checkout -B rc abc1234`"), "{undo}");
            assert_eq!(entry.undo("rc", None), None);
        }
        for entry in [
            Entry::Commit,
            Entry::Ci,
            Entry::Request,
            Entry::Audit,
            Entry::LocalUpdate,
            Entry::Release,
        ] {
            assert_eq!(entry.undo("rc", Some("abc")), None);
        }
    }
}
