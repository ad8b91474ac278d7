//! Deliberate faults, for the tests that prove a server hook fails closed on a panic. Compiled
//! only with the `fault-injection` feature (`.ci/run` enables it): a normal build has no way
//! to trigger one, whatever its environment.

/// Panics when the environment variable `GIT_POLICY_FAULT` names this point.
#[cfg(feature = "fault-injection")]
pub fn point(name: &str) {
    if std::env::var_os("GIT_POLICY_FAULT").is_some_and(|fault| fault == name) {
        panic!("fault injected at `{name}`");
    }
}

/// Without the feature a fault point is nothing at all.
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn point(_name: &str) {}
