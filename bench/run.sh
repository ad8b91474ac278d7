#!/usr/bin/env bash
# The benchmark of BENCHMARKS.md, in one command:
#
#   bench/run.sh            10k, 100k and 1M commits (about 20 minutes; the script at 1M dominates)
#   bench/run.sh --quick    10k and 100k commits only (about ten minutes)
#   BENCH_SIZES=" " bench/run.sh   no pushes: only pre-commit and the audit (about five minutes)
#   BENCH_SIZES=100000 BENCH_PUSHES_ONLY=1 BENCH_PUSH_ROUNDS=1 bench/run.sh
#                           the pushes of one history only, without valgrind (a few minutes)
#   BENCH_PUSHES='^master ' ...    only the pushes whose line in `pushes` matches (grep -E)
#
# Needs git, cargo, hyperfine and jq (Debian: `apt-get install hyperfine jq`) and, for 1M
# commits, about 1 GB in $BENCH_DIR (default target/bench). Generated repositories are cached
# there, keyed by the generator's source; results go to $BENCH_DIR/results/ and the tables to
# $BENCH_DIR/results.md.
#
# Every push is timed as the server runs it: the pushed commits in a quarantine directory
# (GIT_OBJECT_DIRECTORY, with the repository as an alternate), whole processes, in one run:
# our `update` and `pre-receive` hooks and a single `git merge-base --is-ancestor` (the floor)
# side by side in one hyperfine call per push and round, the rounds going over every history,
# then the hand-written script bench/policy-script.sh in another call (it is thousands of times
# slower, so it gets fewer runs).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bench_dir=${BENCH_DIR:-$here/target/bench}
sizes=(10000 100000 1000000)
if [ "${1:-}" = --quick ]; then
    sizes=(10000 100000)
fi
# shellcheck disable=SC2206
[ -n "${BENCH_SIZES:-}" ] && sizes=($BENCH_SIZES)
results=$bench_dir/results
mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.rss "$results"/*.massif "$results"/*.count

for tool in git cargo hyperfine jq; do
    command -v $tool >/dev/null || {
        echo "run.sh: $tool is not installed (Debian: apt-get install hyperfine jq)" >&2
        exit 2
    }
done

say() { printf '\n== %s\n' "$*" >&2; }

say "building (release)"
# Two builds: one with the example would enable the dev-dependencies' features in the binary
# too (proptest turns on regex-syntax's Unicode tables), and time a binary nobody installs.
# The binary is built as install.sh builds it (static on Linux with glibc).
(
    cd "$here"
    # shellcheck source=scripts/release-build.sh
    . scripts/release-build.sh
    cargo build --quiet --release --locked ${release_args[@]+"${release_args[@]}"} --bin git-policy
    ln -sf "$here/target/$release_dir/git-policy" "$bench_dir/git-policy"
    echo "$release_linking" >"$bench_dir/linking"
)
(cd "$here" && cargo build --quiet --release --locked --example gen-history)
bin=$bench_dir/git-policy
massif_bin=$bin
pushes_only=${BENCH_PUSHES_ONLY:-}
massif=yes
if [ -n "$pushes_only" ] || ! command -v valgrind >/dev/null; then
    massif=no
fi
if [ "$(cat "$bench_dir/linking")" = static ] && [ $massif = yes ]; then
    (cd "$here" && cargo build --quiet --release --locked --bin git-policy)
    massif_bin=$here/target/release/git-policy
fi
gen=$here/target/release/examples/gen-history
script=$here/bench/policy-script.sh
{
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
    echo "memory: $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
    echo "system: $(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
    echo "git $(git --version | cut -d' ' -f3), $(hyperfine --version), git-policy $(git -C "$here" describe --always --dirty) (linked $(cat "$bench_dir/linking"))"
    echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
    if command -v python3 >/dev/null; then
        echo "a page fault (first touch of a cached file page): $(python3 "$here/bench/fault-cost.py" "$bin") µs"
    fi
} >"$results/machine.txt"
stamp=$(cat "$here/bench/history.rs" "$here/bench/gen-history.rs" | git hash-object --stdin)

# A cached repository is reused while the generator's source is unchanged.
repo_for() { # size graph
    local dir=$bench_dir/h$1-$2.git
    if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -rf "$dir"
        say "generating $1 commits ($2 commit-graph)"
        "$gen" --commits "$1" --graph "$2" --out "$dir" >/dev/null
        cp "$here/policy/pytokio.toml" "$dir/git-policy.toml"
        echo "$stamp" >"$dir/stamp"
    fi
    echo "$dir"
}

# Peak resident memory of one run, in KB, and with valgrind installed the peak of what the run
# allocated (massif: heap and blocks malloc maps, in every process of the command). Resident
# memory also counts the pages of the files a run maps (commit-graph, packs, the binary), which
# the page cache shares with every other process; how much of a file one first touch maps is
# the kernel's choice (whole large folios on Linux 6.18), so RSS alone says little of a hook's
# own memory.
rss() { # name command...
    local name=$1
    shift
    /usr/bin/time -f %M -o "$results/$name.rss" "$@" >/dev/null 2>&1 || true
    if [ $massif = yes ]; then
        # valgrind counts malloc only in a binary that links it dynamically: the static one's
        # twin stands in (the same code, built without crt-static).
        local args=() arg
        for arg in "$@"; do
            [ "$arg" = "$bin" ] && arg=$massif_bin
            args+=("$arg")
        done
        valgrind --tool=massif --trace-children=yes --massif-out-file="$results/$name.%p.massif" \
            "${args[@]}" >/dev/null 2>&1 || true
    fi
}

# Drops a repository's large files from the page cache, so that they come back the way git
# and the hooks read them: through their mappings, a fault at a time. A file something read
# whole with read(2) (`cat`, a copy, a backup) is held in large folios instead, and then one
# first touch of a mapping maps up to a few hundred KB of it: the same push takes a third fewer
# page faults and twice the peak RSS (BENCHMARKS.md), so a run would depend on what last read
# the files.
uncache() { # repo
    find "$1/objects/info" "$1/objects/pack" "$1/packed-refs" -type f \
        -exec dd if={} iflag=nocache count=0 status=none \; 2>/dev/null || true
}

# Each push's environment as receive-pack gives it to hooks, and its ref line.
push_env() { # repo quarantine
    export GIT_DIR=$1 GIT_OBJECT_DIRECTORY=$2 GIT_QUARANTINE_PATH=$2
    export GIT_ALTERNATE_OBJECT_DIRECTORIES=$1/objects
}

# One round of every push of one history: `update`, `pre-receive` and the floor side by side.
time_pushes() { # size graph round
    local size=$1 graph=$2 round=$3 repo branch n new quarantine old
    repo=$(repo_for "$size" "$graph")
    while read -r branch n new quarantine; do
        old=$(git --git-dir "$repo" rev-parse "refs/heads/$branch")
        local name=$size-$graph-$branch-$n input=$results/$size-$graph-$branch-$n.stdin
        echo "$old $new refs/heads/$branch" >"$input"
        say "$size commits ($graph graph): push of $n commits to $branch, round $round"
        (
            push_env "$repo" "$quarantine"
            # No shell between hyperfine and the command (its correction for one is noisier
            # than the commands are long), except the `sh` that feeds pre-receive its input.
            hyperfine -N --style basic --warmup 2 --runs 10 --export-json "$results/rounds/$name.$round.json" \
                -n update "$bin hook update refs/heads/$branch $old $new" \
                -n pre-receive "sh -c 'exec $bin hook pre-receive < $input'" \
                -n floor "git merge-base --is-ancestor $old $new" >&2
        )
    done < <(grep -E "${BENCH_PUSHES:-.}" "$repo/pushes")
}

# The hand-written script on every push of one history, and the peak memory of our hooks.
script_and_memory() { # size graph with-script
    local size=$1 graph=$2 with_script=$3 repo branch n new quarantine old
    repo=$(repo_for "$size" "$graph")
    while read -r branch n new quarantine; do
        old=$(git --git-dir "$repo" rev-parse "refs/heads/$branch")
        local name=$size-$graph-$branch-$n input=$results/$size-$graph-$branch-$n.stdin
        (
            push_env "$repo" "$quarantine"
            if [ "$with_script" = yes ]; then
                say "$size commits: the script on $n commits to $branch"
                # The script takes about a minute per run on a million commits.
                local runs=(--warmup 1 --runs 5)
                [ "$size" -ge 1000000 ] && runs=(--runs 1)
                hyperfine -N --style basic "${runs[@]}" --export-json "$results/$name.script.json" \
                    -n script "$script refs/heads/$branch $old $new" >&2
            fi
            rss "$name-update" "$bin" hook update "refs/heads/$branch" "$old" "$new"
            rss "$name-pre-receive" sh -c "\"\$0\" hook pre-receive < $input" "$bin"
        )
    done < <(grep -E "${BENCH_PUSHES:-.}" "$repo/pushes")
}

# The histories: one commit-graph file at each size, and the million commits again with the
# graph as a chain of layers, as `git maintenance` leaves it on a server (libgit2 would not
# read it at all).
histories=()
for size in "${sizes[@]}"; do
    histories+=("$size single")
done
if [[ " ${sizes[*]} " == *" 1000000 "* ]]; then
    histories+=("1000000 chain")
fi
# Our pushes are timed in rounds over all histories, each round every push of every size: the
# growth from 10k to 1M commits compares runs from the same stretches of the run, not a first
# block at 10k with a last one at 1M, minutes apart on a shared machine. Each push's runs are
# pooled into one export, as one hyperfine call would write it.
# Each run starts without the generations of tagged commits that hooks remember between runs
# (`git-policy/generations`): the warm-up runs of the first round learn them, as a server's
# first push after a release does, and every timed run uses them.
for history in "${histories[@]}"; do
    # shellcheck disable=SC2086
    repo=$(repo_for $history)
    uncache "$repo"
    rm -rf "$repo/git-policy"
done
mkdir -p "$results/rounds"
rm -f "$results"/rounds/*.json
rounds=${BENCH_PUSH_ROUNDS:-3}
for round in $(seq 1 "$rounds"); do
    for history in "${histories[@]}"; do
        # shellcheck disable=SC2086
        time_pushes $history "$round"
    done
done
for first in "$results"/rounds/*.1.json; do
    [ -e "$first" ] || continue
    name=$(basename "$first" .1.json)
    jq -s 'def median: sort | if length % 2 == 1 then .[length / 2 | floor]
               else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        {results: [.[0].results[].command as $c
            | [.[].results[] | select(.command == $c) | .times[]]
            | {command: $c, times: ., median: median}]}' \
        "$results"/rounds/"$name".*.json >"$results/$name.json"
done
for history in "${histories[@]}"; do
    read -r size graph <<<"$history"
    if [ "$graph" = single ]; then
        script_and_memory "$size" "$graph" yes
    else
        script_and_memory "$size" "$graph" no
    fi
done

if [ -n "$pushes_only" ]; then
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/machine.txt"
    "$here/bench/report.sh" "$results" >"$bench_dir/results.md"
    cat "$bench_dir/results.md"
    exit 0
fi

# pre-commit on a commit to master in a clone of the 100k history: no hook, a hook that only
# runs `exit 0`, and ours (the shim `git policy install` writes). Twice: with the generator's
# few dozen files, and with 10,000 more, as a project of some size has; git reads the whole
# index at every commit, and so does any hook that reads it.
origin=$(repo_for 100000 single)
# The commits need an author; the benchmark does not depend on the user's git config for one.
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
for files in 0 10000; do
    say "pre-commit, 100000 commits, $files files added"
    uncache "$origin"
    work=$bench_dir/work-100000-files$files
    rm -rf "$work"
    git clone -q "$origin" "$work"
    if [ "$files" -gt 0 ]; then
        # A hundred files to a directory, as source trees have them.
        for ((i = 0; i < files; i++)); do
            [ $((i % 100)) -eq 0 ] && mkdir -p "$work/src/d$((i / 100))"
            echo "x = $i" >"$work/src/d$((i / 100))/f$i.py"
        done
        git -C "$work" add src
        git -C "$work" commit -q --no-verify -m "add $files files"
    fi
    git -C "$work" commit-graph write --reachable --no-progress
    git -C "$work" ls-files | wc -l | tr -d ' ' >"$results/pre-commit-files$files.count"
    mkdir -p "$work/hooks-none" "$work/hooks-exit0"
    printf '#!/bin/sh\nexit 0\n' >"$work/hooks-exit0/pre-commit"
    chmod +x "$work/hooks-exit0/pre-commit"
    (cd "$work" && "$bin" install >/dev/null)
    tip=$(git -C "$work" rev-parse HEAD)
    # The three are timed in rounds, each round all three: a busy moment of a shared machine
    # then falls on every one alike instead of on whichever block of runs it hit. report.sh
    # pools the runs, and takes the added cost as the median of each round's difference.
    rounds=${BENCH_PRECOMMIT_ROUNDS:-15}
    (
        cd "$work"
        commit="git -c core.hooksPath=%s commit -q --allow-empty -m bench"
        for round in $(seq -w 1 "$rounds"); do
            hyperfine -N --style none --warmup 2 --runs 20 --prepare "git reset -q --soft $tip" \
                --export-json "$results/pre-commit-files$files-$round.json" \
                -n "no hook" "$(printf "$commit" hooks-none)" \
                -n "exit 0 hook" "$(printf "$commit" hooks-exit0)" \
                -n git-policy "$(printf "$commit" .git/hooks)" >&2
        done
        git reset -q --soft "$tip"
        rss "pre-commit-hook-files$files" "$bin" hook pre-commit
    )
done

# The client's `reference-transaction` hook on commands whose refs it never judges: a fetch of
# 100 remote-tracking refs and `git checkout -b`, against no hook and an `exit 0` hook.
say "reference-transaction, 100000 commits"
"$here/bench/transaction.sh" "$bin" "$results" "$origin" >/dev/null

# The audit of every protected branch and release tag, and the replay of history when this
# build has it (`--history`).
say "git policy check, 100000 commits"
(
    export GIT_DIR=$origin
    cmds=(-n audit "$bin check")
    history=no
    if "$bin" check --help 2>/dev/null | grep -q -- --history; then
        history=yes
        cmds+=(-n history "$bin check --history")
    fi
    hyperfine -N --style basic --warmup 1 -i --export-json "$results/check.json" "${cmds[@]}" >&2
    rss check-audit "$bin" check
    if [ "$history" = yes ]; then
        rss check-history "$bin" check --history
    fi
)

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/machine.txt"
"$here/bench/report.sh" "$results" >"$bench_dir/results.md"
say "tables written to $bench_dir/results.md"
cat "$bench_dir/results.md"
