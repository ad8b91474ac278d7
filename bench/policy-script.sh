#!/usr/bin/env bash
# The pytokio rules as a hand-written server hook with the git CLI, the way teams write them
# without git-policy: the benchmark's baseline. Usable as `update <ref> <old> <new>`, or as
# `pre-receive` (no arguments, `<old> <new> <ref>` lines on stdin, each judged on its own).
#
# Per pushed branch it asks `git merge-base --all` against every other protected branch (a merge
# base the old tip and the allowed sources do not contain is a commit entering from there),
# checks merges on rc and version branches, the version file's kind, branch name and relation
# (master a minor above rc), monotonic versions, and that a version branch is ahead of the
# release tags it contains (`git tag --merged`). Exit 1 on a violation.
set -u

zero=0000000000000000000000000000000000000000
version_file=tokio/__init__.py
status=0

fail() {
    echo "error: $*" >&2
    status=1
}

is_protected() { [[ $1 =~ ^(master|rc|[0-9]+\.[0-9]+)$ ]]; }

sources_of() {
    case $1 in
    master) ;;
    rc) echo master ;;
    *) echo rc ;;
    esac
}

version_at() {
    git show "$1:$version_file" 2>/dev/null | sed -n 's/^__version__ = "\(.*\)"$/\1/p'
}

# A string that sorts like the PEP 440 versions pytokio uses: X.Y.Z[.devN|aN|bN|rcN|.postN].
version_key() {
    local v=$1 stage=4 n=0
    v=${v#v}
    v=${v/-beta/b}
    if [[ $v =~ ^(.*)\.dev([0-9]+)$ ]]; then
        v=${BASH_REMATCH[1]} stage=0 n=${BASH_REMATCH[2]}
    elif [[ $v =~ ^(.*[0-9])(a|b|rc)([0-9]+)$ ]]; then
        v=${BASH_REMATCH[1]} n=${BASH_REMATCH[3]}
        case ${BASH_REMATCH[2]} in a) stage=1 ;; b) stage=2 ;; rc) stage=3 ;; esac
    elif [[ $v =~ ^(.*)\.post([0-9]+)$ ]]; then
        v=${BASH_REMATCH[1]} stage=5 n=${BASH_REMATCH[2]}
    fi
    local IFS=.
    # shellcheck disable=SC2206
    local parts=($v 0 0 0)
    printf '%06d.%06d.%06d.%d.%06d' "${parts[0]}" "${parts[1]}" "${parts[2]}" "$stage" "$n"
}

minor_of() {
    local IFS=.
    # shellcheck disable=SC2206
    local parts=($1)
    echo "${parts[1]}"
}

check_branch() {
    local ref=$1 old=$2 new=$3 branch=${1#refs/heads/}
    is_protected "$branch" || return 0
    if [ "$new" = $zero ]; then
        fail "$branch: protected branches are not deleted"
        return
    fi
    if [ "$old" != $zero ] && ! git merge-base --is-ancestor "$old" "$new"; then
        fail "$branch: not a fast-forward"
    fi
    local sources
    sources=$(sources_of "$branch")

    # flow/foreign: a merge base with another protected branch that is not already in the old
    # tip or an allowed source is a commit of that branch entering this one.
    local other base entered source
    for other in $(git for-each-ref --format='%(refname:short)' refs/heads/); do
        is_protected "$other" || continue
        [ "$other" = "$branch" ] && continue
        [[ " $sources " == *" $other "* ]] && continue
        for base in $(git merge-base --all "$new" "$other"); do
            entered=1
            if [ "$old" != $zero ] && git merge-base --is-ancestor "$base" "$old"; then
                entered=0
            fi
            for source in $sources; do
                git merge-base --is-ancestor "$base" "$source" && entered=0
            done
            [ $entered = 1 ] && fail "$branch: commits of $other would enter it"
        done
    done

    # flow/source: merges made on rc or a version branch bring only the allowed source.
    if [ -n "$sources" ]; then
        local hide=() merge parent
        [ "$old" != $zero ] && hide+=("^$old")
        for source in $sources; do hide+=("^$source"); done
        for merge in $(git rev-list --first-parent --merges "$new" "${hide[@]}"); do
            for parent in $(git rev-parse "$merge^@" | tail -n +2); do
                local ok=0
                [ "$old" != $zero ] && git merge-base --is-ancestor "$parent" "$old" && ok=1
                for source in $sources; do
                    git merge-base --is-ancestor "$parent" "$source" && ok=1
                done
                [ $ok = 1 ] || fail "$branch: $merge merges a branch other than $sources"
            done
        done
    fi

    # Versions.
    local version key
    version=$(version_at "$new")
    if [ -z "$version" ]; then
        fail "$branch: no version in $version_file"
        return
    fi
    key=$(version_key "$version")
    case $branch in
    master | rc)
        [[ $version =~ \.dev[0-9]+$ ]] || fail "$branch: $version is not a .devN version"
        ;;
    *)
        [[ $version =~ \.dev[0-9]+$ ]] && fail "$branch: $version is a .devN version"
        [[ $version == "$branch".* ]] || fail "$branch: $version is not $branch.*"
        ;;
    esac
    if [ "$old" != $zero ]; then
        local before
        before=$(version_at "$old")
        if [ -n "$before" ] && [[ $key < $(version_key "$before") ]]; then
            fail "$branch: version goes back from $before to $version"
        fi
    fi
    local master_version rc_version
    case $branch in
    master) master_version=$version rc_version=$(version_at rc) ;;
    rc) master_version=$(version_at master) rc_version=$version ;;
    esac
    if [ -n "${master_version:-}" ] && [ -n "${rc_version:-}" ] &&
        [ "$(minor_of "$master_version")" -le "$(minor_of "$rc_version")" ]; then
        fail "$branch: master ($master_version) must be a minor above rc ($rc_version)"
    fi

    # version/ahead-of-tags: a version branch moves past every release it contains.
    if [[ $branch =~ ^[0-9]+\.[0-9]+$ ]]; then
        local tag
        for tag in $(git tag --merged "$new" --list 'v[0-9]*'); do
            if [[ ! $key > $(version_key "$tag") ]] &&
                [ "$(git rev-parse "$tag^{commit}")" != "$new" ]; then
                fail "$branch: at $version but $tag is already released"
            fi
        done
    fi
}

check_tag() {
    local tag=${1#refs/tags/} new=$3
    [[ $tag =~ ^v[0-9] ]] || return 0
    if [ "$new" = $zero ]; then
        fail "$tag: release tags are not deleted"
        return
    fi
    [ "$2" != $zero ] && fail "$tag: release tags are not moved"
    local commit version
    commit=$(git rev-parse "$new^{commit}")
    version=$(version_at "$commit")
    [ "$(version_key "$tag")" = "$(version_key "$version")" ] ||
        fail "$tag: the tagged commit is at $version"
    local on=0 branch
    for branch in $(git for-each-ref --format='%(refname:short)' refs/heads/); do
        [[ $branch =~ ^[0-9]+\.[0-9]+$ ]] || continue
        git merge-base --is-ancestor "$commit" "$branch" && on=1 && break
    done
    [ $on = 1 ] || fail "$tag: not on a version branch"
}

check() {
    case $1 in
    refs/heads/*) check_branch "$@" ;;
    refs/tags/*) check_tag "$@" ;;
    esac
}

if [ $# -eq 3 ]; then
    check "$1" "$2" "$3"
else
    while read -r old new ref; do
        check "$ref" "$old" "$new"
    done
fi
exit $status
