//! False `<old>` values never buy a push anything: on random graphs, policies and honest
//! update sets, adding updates with false `<old>` values (zeros for a ref that exists, a
//! commit that is not the ref's, an object that does not exist) leaves every violation the
//! honest updates get alone, and each false one is refused by `ref/stale`.

use git_policy::rules::memory::MemoryRepo;
use git_policy::rules::{Id, Update, evaluate_received};
use proptest::prelude::*;

use super::{MEMORY_CASES, REFS, case, realize, refname, run};

/// An `<old>` no repository has.
const NOWHERE: Id = Id([0x5a; 20]);

/// One false update: which ref, what `<old>` it claims (`None`: zeros; `Some(None)`: an
/// object that does not exist), and its new commit (`None`: a deletion).
type Lie = (usize, Option<Option<usize>>, Option<usize>);

fn lies() -> impl Strategy<Value = Vec<Lie>> {
    let claim = prop::option::weighted(0.6, prop::option::weighted(0.8, 0..64usize));
    let new = prop::option::weighted(0.7, 0..64usize);
    prop::collection::vec((0..REFS, claim, new), 1..=3)
}

/// Honest updates judged with false ones beside them keep every violation they get alone,
/// and each false update is named by `ref/stale`.
#[test]
fn false_old_values_never_make_a_push_more_permissive() {
    run(
        (MEMORY_CASES, file!()),
        (case(16), lies()),
        |(case, lies)| {
            let policy = case.knobs.policy();
            let mut repo = MemoryRepo::new();
            let built = realize(&case, &mut repo);
            let commit = |seed: usize| built.commits[seed % built.commits.len()];
            let mut updates = built.updates.clone();
            let mut liars = Vec::new();
            for (r, claim, new) in lies {
                let name = refname(r);
                let real = built.before.get(&name).copied();
                let mut old = claim.map(|c| c.map_or(NOWHERE, commit));
                if old == real {
                    // Make the claim false: zeros for a ref that exists, else some commit.
                    old = match real {
                        Some(_) => None,
                        None => Some(commit(0)),
                    };
                }
                liars.push(name.clone());
                updates.push(Update {
                    refname: name,
                    old,
                    new: new.map(commit),
                });
            }
            let judge = |updates: &[Update]| {
                evaluate_received(&policy, &repo, &built.before, updates)
                    .unwrap_or_else(|e| panic!("evaluation fails: {e}"))
            };
            let alone = judge(&built.updates);
            let together = judge(&updates);
            for violation in &alone {
                prop_assert!(
                    together.contains(violation),
                    "lost {:?} with false updates beside it:\n{:#?}",
                    violation,
                    together
                );
            }
            for name in &liars {
                prop_assert!(
                    together
                        .iter()
                        .any(|v| v.rule.as_str() == "ref/stale" && &v.refname == name),
                    "no ref/stale for {}",
                    name
                );
            }
            Ok(())
        },
    );
}
