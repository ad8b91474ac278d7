//! Version arithmetic for release steps (pure): the next dev, pre-release, post-release or
//! calendar version the policy asks a branch to take.

use pep440_rs::{Prerelease, PrereleaseKind, Version};

use crate::policy::{Calendar, Level};
use crate::version::{Kind, PreLetter};

/// The release part padded to three components (`0.13` is `0.13.0`).
fn release3(version: &Version) -> Vec<u64> {
    let mut release = version.release().to_vec();
    if release.len() < 3 {
        release.resize(3, 0);
    }
    release
}

fn kind_of(letter: PreLetter) -> PrereleaseKind {
    match letter {
        PreLetter::A => PrereleaseKind::Alpha,
        PreLetter::B => PrereleaseKind::Beta,
        PreLetter::Rc => PrereleaseKind::Rc,
    }
}

/// The first dev version one `by` above `version` (`0.13.0.dev4` by minor: `0.14.0.dev1`), as
/// a branch kept above another moves on at a feature freeze.
pub fn next_dev(version: &Version, by: Level) -> Version {
    let mut release = release3(version);
    let at = match by {
        Level::Major => 0,
        Level::Minor => 1,
        Level::Micro | Level::Version => 2,
    };
    release[at] += 1;
    release.iter_mut().skip(at + 1).for_each(|r| *r = 0);
    Version::new(release)
        .with_epoch(version.epoch())
        .with_dev(Some(1))
}

/// The pre-release `letter` of `release` (its release part) one above the highest among
/// `existing` (the versions of the tags released so far), else number 1.
pub fn next_pre(release: &Version, letter: PreLetter, existing: &[Version]) -> Version {
    let base = release.only_release();
    let kind = kind_of(letter);
    let number = existing
        .iter()
        .filter(|v| v.only_release() == base && v.pre().is_some_and(|p| p.kind == kind))
        .filter_map(|v| v.pre().map(|p| p.number + 1))
        .max()
        .unwrap_or(1);
    base.with_pre(Some(Prerelease { kind, number }))
}

/// The version a branch moves on to after `tagged` was tagged on it, where its rules ask it to
/// stay ahead of its tags: the next pre-release after a pre-release (`0.13.0b1`: `0.13.0b2`);
/// after a final or post-release, the first pre-release of the next micro when the branch
/// carries pre-releases (with `letter`), else the next post-release.
pub fn after_tag(tagged: &Version, kinds: Option<&[Kind]>, letter: PreLetter) -> Version {
    let allows = |kind| kinds.is_none_or(|k| k.contains(&kind));
    if let Some(mut pre) = tagged.pre() {
        pre.number += 1;
        return tagged.only_release().with_pre(Some(pre));
    }
    if allows(Kind::Pre) {
        let mut release = release3(tagged);
        release[2] += 1;
        return Version::new(release)
            .with_epoch(tagged.epoch())
            .with_pre(Some(Prerelease {
                kind: kind_of(letter),
                number: 1,
            }));
    }
    let post = tagged.post().map_or(1, |p| p + 1);
    tagged.clone().with_dev(None).with_post(Some(post))
}

/// The next release of a calendar scheme on `today`: each date component today's, and the
/// first number after the dates one above the highest released with the same dates, else 0,
/// the numbers after it 0 (`YY.N.patch` on a day of 2026, after `26.0.0`: `26.1.0`). Released
/// are `existing` (the versions of the tags so far) and `source`, the version of the branch the
/// release is cut from: it counts whether its tag is here or not (trunk at `26.4.0`: `26.5.0`),
/// except a dev version, which names the release to come (trunk at `26.5.0.dev0`: `26.5.0`).
pub fn calendar(
    calendar: &Calendar,
    today: jiff::civil::Date,
    existing: &[Version],
    source: Option<&Version>,
) -> Version {
    let dates: Vec<(usize, u64)> = calendar
        .parts
        .iter()
        .enumerate()
        .filter_map(|(i, part)| part.map(|p| (i, p.of(today))))
        .collect();
    let mut release: Vec<u64> = vec![0; calendar.parts.len().max(3)];
    for &(i, value) in &dates {
        release[i] = value;
    }
    // The first number that is not a date counts the releases of the same dates.
    let counter = calendar.parts.iter().position(Option::is_none);
    if let Some(counter) = counter {
        let same_dates = |v: &&Version| {
            dates
                .iter()
                .all(|&(i, value)| v.release().get(i).copied() == Some(value))
        };
        let number = |v: &Version| v.release().get(counter).copied().unwrap_or(0);
        let after_tags = existing
            .iter()
            .filter(same_dates)
            .map(|v| number(v) + 1)
            .max();
        let after_source = source.filter(same_dates).map(|v| {
            if Kind::of(v) == Kind::Dev {
                number(v)
            } else {
                number(v) + 1
            }
        });
        release[counter] = after_tags.max(after_source).unwrap_or(0);
    }
    Version::new(release)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DatePart;

    fn v(text: &str) -> Version {
        crate::version::parse(text).expect("a version")
    }

    /// A feature freeze moves the upper branch to the first dev of the next `by`.
    #[test]
    fn next_dev_moves_up_one_level() {
        assert_eq!(next_dev(&v("0.13.0.dev4"), Level::Minor), v("0.14.0.dev1"));
        assert_eq!(next_dev(&v("0.13.2.dev4"), Level::Minor), v("0.14.0.dev1"));
        assert_eq!(next_dev(&v("1.3.0.dev4"), Level::Major), v("2.0.0.dev1"));
        assert_eq!(next_dev(&v("0.13.dev4"), Level::Micro), v("0.13.1.dev1"));
        assert_eq!(next_dev(&v("1!2.0.dev1"), Level::Minor), v("1!2.1.0.dev1"));
    }

    /// The next pre-release counts the tags of the same release and letter only.
    #[test]
    fn next_pre_counts_tags_of_the_same_release_and_letter() {
        let tags = [v("1.2.3rc1"), v("1.2.3rc2"), v("1.2.3b7"), v("1.2.4rc5")];
        assert_eq!(next_pre(&v("1.2.3"), PreLetter::Rc, &tags), v("1.2.3rc3"));
        assert_eq!(next_pre(&v("1.2.3"), PreLetter::A, &tags), v("1.2.3a1"));
        assert_eq!(
            next_pre(&v("1.3.0.dev2"), PreLetter::Rc, &tags),
            v("1.3.0rc1")
        );
    }

    /// After a tag the branch moves to the next pre-release, the next micro's first
    /// pre-release, or the next post-release, as its kinds allow.
    #[test]
    fn after_tag_stays_ahead() {
        use Kind::*;
        let all = [Pre, Final, Post];
        assert_eq!(
            after_tag(&v("0.13.0b1"), Some(&all), PreLetter::B),
            v("0.13.0b2")
        );
        assert_eq!(
            after_tag(&v("0.13.0rc9"), None, PreLetter::B),
            v("0.13.0rc10")
        );
        assert_eq!(
            after_tag(&v("0.13.0"), Some(&all), PreLetter::B),
            v("0.13.1b1")
        );
        assert_eq!(
            after_tag(&v("0.13"), Some(&all), PreLetter::Rc),
            v("0.13.1rc1")
        );
        assert_eq!(
            after_tag(&v("0.13.0"), Some(&[Final, Post]), PreLetter::B),
            v("0.13.0.post1")
        );
        assert_eq!(
            after_tag(&v("0.13.0.post1"), Some(&[Final, Post]), PreLetter::B),
            v("0.13.0.post2")
        );
    }

    /// A calendar release takes today's date components and counts the releases of that date.
    #[test]
    fn calendar_counts_the_releases_of_the_year() {
        let scheme = Calendar {
            scheme: "YY.N.patch".into(),
            parts: vec![Some(DatePart::ShortYear), None, None],
        };
        let today = jiff::civil::date(2026, 12, 2);
        assert_eq!(calendar(&scheme, today, &[], None), v("26.0.0"));
        let tags = [v("25.4.0"), v("26.0.0"), v("26.1.2"), v("26.1.0rc1")];
        assert_eq!(calendar(&scheme, today, &tags, None), v("26.2.0"));
        let monthly = Calendar {
            scheme: "YYYY.MM.N".into(),
            parts: vec![Some(DatePart::Year), Some(DatePart::Month), None],
        };
        assert_eq!(
            calendar(&monthly, today, &[v("2026.12.0")], None),
            v("2026.12.1")
        );
    }

    /// The branch a calendar release is cut from counts as released without its tags: at a
    /// final, post- or pre-release the next number is above it, at a dev it is the number the
    /// dev names; the higher of that and the tags' wins, and another year's version is ignored.
    #[test]
    fn calendar_counts_the_source_branch_version() {
        let scheme = Calendar {
            scheme: "YY.N.patch".into(),
            parts: vec![Some(DatePart::ShortYear), None, None],
        };
        let today = jiff::civil::date(2023, 11, 14);
        let next =
            |tags: &[Version], source: &str| calendar(&scheme, today, tags, Some(&v(source)));
        assert_eq!(next(&[], "23.10.0"), v("23.11.0"));
        assert_eq!(next(&[], "23.10.1.post1"), v("23.11.0"));
        assert_eq!(next(&[], "23.11.0.dev0"), v("23.11.0"));
        assert_eq!(next(&[], "23.11.0rc1"), v("23.12.0"));
        assert_eq!(next(&[v("23.11.0")], "23.10.0"), v("23.12.0"));
        assert_eq!(next(&[v("23.8.0")], "23.11.0.dev0"), v("23.11.0"));
        assert_eq!(next(&[v("23.4.0")], "22.10.0"), v("23.5.0"));
        assert_eq!(next(&[], "22.10.0"), v("23.0.0"));
        assert_eq!(calendar(&scheme, today, &[], None), v("23.0.0"));
    }
}
