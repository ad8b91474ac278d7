//! A step published to a server that judges each ref alone (an `update` hook, as gitolite
//! runs it): whether its refusal of the atomic push is that one, and the order in which the
//! step's refs are accepted one after another, each judged as the server would judge it.

use std::collections::HashSet;

use super::{Move, ReleaseError};
use crate::policy::Policy;
use crate::repo::Pushed;
use crate::rules::{self, Entry, RefState, RepoView, Update};

/// The refs an `update` hook declined in a `git push --porcelain`: git reports `[remote
/// rejected] (hook declined)` for it, `(pre-receive hook declined)` for a `pre-receive`.
pub fn declined_by_update_hook(pushed: &Pushed) -> Vec<String> {
    pushed
        .stdout
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let (flag, refs, summary) = (fields.next()?, fields.next()?, fields.next()?);
            let declined = flag == "!" && summary.trim_end() == "[remote rejected] (hook declined)";
            declined.then(|| refs.rsplit_once(':').map_or(refs, |(_, to)| to).to_owned())
        })
        .collect()
}

/// Whether `refname` moved as `m` says is accepted alone against `state` (the refs as the
/// server has them when its `update` hook runs for it).
fn accepted_alone(
    policy: &Policy,
    view: &dyn RepoView,
    state: &RefState,
    m: &Move,
) -> Result<bool, ReleaseError> {
    let update = Update {
        refname: m.refname.clone(),
        old: state.get(&m.refname).copied(),
        new: Some(m.new),
    };
    let judged = rules::judge_at(policy, view, state, &[update], Entry::Update)?;
    Ok(judged.violations.is_empty())
}

/// Whether a server judging each ref alone against `before` refuses some ref of the step when
/// all arrive in one atomic push (none has landed when each is judged): the refusal an `update`
/// hook gives a step that is valid ref by ref.
pub fn refused_together(
    policy: &Policy,
    view: &dyn RepoView,
    before: &RefState,
    moves: &[Move],
    declined: &[String],
) -> Result<bool, ReleaseError> {
    for m in moves.iter().filter(|m| declined.contains(&m.refname)) {
        if !accepted_alone(policy, view, before, m)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// An order of `moves` in which each is accepted alone against `before` with the ones before
/// it landed, as a server's `update` hook judges a push of one ref after another; the step's
/// own order where it is one. `None`: there is no such order.
pub fn order(
    policy: &Policy,
    view: &dyn RepoView,
    before: &RefState,
    moves: &[Move],
) -> Result<Option<Vec<usize>>, ReleaseError> {
    let mut search = Search {
        policy,
        view,
        before,
        moves,
        dead: HashSet::new(),
    };
    let mut landed = Vec::new();
    Ok(search.extend(&mut landed)?.then_some(landed))
}

/// A depth-first search over the refs still to land; a set of landed refs from which no order
/// finishes is remembered, so each set is tried once.
struct Search<'a> {
    policy: &'a Policy,
    view: &'a dyn RepoView,
    before: &'a RefState,
    moves: &'a [Move],
    dead: HashSet<Vec<bool>>,
}

impl Search<'_> {
    /// Extends `landed` to a whole order; false (and `landed` as it was) where none exists.
    fn extend(&mut self, landed: &mut Vec<usize>) -> Result<bool, ReleaseError> {
        if landed.len() == self.moves.len() {
            return Ok(true);
        }
        let set: Vec<bool> = (0..self.moves.len()).map(|i| landed.contains(&i)).collect();
        if self.dead.contains(&set) {
            return Ok(false);
        }
        let mut state = self.before.clone();
        for &i in landed.iter() {
            state.insert(self.moves[i].refname.clone(), self.moves[i].new);
        }
        for next in (0..self.moves.len()).filter(|i| !set[*i]) {
            if !accepted_alone(self.policy, self.view, &state, &self.moves[next])? {
                continue;
            }
            landed.push(next);
            if self.extend(landed)? {
                return Ok(true);
            }
            landed.pop();
        }
        self.dead.insert(set);
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::memory::MemoryRepo;

    fn pushed(stdout: &str) -> Pushed {
        Pushed {
            ok: false,
            stdout: stdout.to_owned(),
            stderr: String::new(),
        }
    }

    /// The ref an `update` hook declined is read from the porcelain status; the refs failed
    /// with it (`atomic push failure`) and a `pre-receive` refusal are not.
    #[test]
    fn reads_the_ref_an_update_hook_declined() {
        let update = "To git://host/central.git\n\
            !\t343fe59:refs/heads/master\t[remote rejected] (atomic push failure)\n\
            !\t63d100f:refs/heads/rc\t[remote rejected] (hook declined)\n\
            Done\n";
        assert_eq!(declined_by_update_hook(&pushed(update)), ["refs/heads/rc"]);
        let pre_receive = "!\t343fe59:refs/heads/master\t[remote rejected] (pre-receive hook declined)\n\
            !\t63d100f:refs/heads/rc\t[remote rejected] (pre-receive hook declined)\n";
        assert!(declined_by_update_hook(&pushed(pre_receive)).is_empty());
    }

    /// pytokio's freeze, `rc` fast-forwarded to `master` and `master` bumped: refused together
    /// by an `update` hook (`rc` is judged before `master` moves), accepted one ref at a time
    /// with `master` first, whatever order the step lists them in.
    #[test]
    fn freeze_lands_master_first() {
        let policy = crate::policy::presets::load("pytokio")
            .expect("the pytokio preset exists")
            .expect("the pytokio preset parses");
        let py = |v: &str| format!("__version__ = \"{v}\"\n");
        let mut repo = MemoryRepo::new();
        let root = MemoryRepo::commit(
            &mut repo,
            &[],
            "root",
            &[("tokio/__init__.py", &py("0.11.0.dev1"))],
        );
        let dev12 = MemoryRepo::commit(
            &mut repo,
            &[root],
            "0.12",
            &[("tokio/__init__.py", &py("0.12.0.dev1"))],
        );
        let dev13 = MemoryRepo::commit(
            &mut repo,
            &[dev12],
            "0.13",
            &[("tokio/__init__.py", &py("0.13.0.dev1"))],
        );
        let before: RefState = [
            ("refs/heads/rc".to_owned(), root),
            ("refs/heads/master".to_owned(), dev12),
        ]
        .into();
        let moves = [
            Move::branch("rc", Some(root), dev12, "fast-forward"),
            Move::branch("master", Some(dev12), dev13, "bump"),
        ];
        let declined = ["refs/heads/rc".to_owned()];
        assert!(refused_together(&policy, &repo, &before, &moves, &declined).unwrap());
        assert_eq!(
            order(&policy, &repo, &before, &moves).unwrap(),
            Some(vec![1, 0])
        );
        // Without the bump there is no order: `rc` would reach `master`'s version.
        assert_eq!(order(&policy, &repo, &before, &moves[..1]).unwrap(), None);
    }
}
