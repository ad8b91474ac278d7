#!/usr/bin/env bash
# What the client's `reference-transaction` hook adds to git commands that move refs it never
# judges (BENCHMARKS.md), each timed against the same command with no hook and with an
# `exit 0` shell hook, in one hyperfine call per round:
#
#   bench/transaction.sh BIN RESULTS_DIR [ORIGIN]
#
# - a `git fetch` that updates 100 remote-tracking refs (git runs the hook twice per ref:
#   `prepared` and `committed`, as it gives each ref a transaction of its own);
# - `git checkout -b` (the new branch is not protected: the hook's `sh` filter starts
#   git-policy for it in `prepared`, which opens the repository and loads the policy to know
#   that; a fetch's remote-tracking refs never start git-policy).
#
# ORIGIN is the repository to clone (bench/run.sh passes its 100k history); without it a small
# one is made. Writes RESULTS_DIR/transaction-*.json and RESULTS_DIR/transaction.md.
set -euo pipefail
bin=${1:?usage: bench/transaction.sh BIN RESULTS_DIR [ORIGIN]}
results=${2:?usage: bench/transaction.sh BIN RESULTS_DIR [ORIGIN]}
origin=${3:-}
rounds=${BENCH_TRANSACTION_ROUNDS:-5}
mkdir -p "$results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

if [ -z "$origin" ]; then
    origin=$work/origin.git
    git init -q --bare -b master "$origin"
    git clone -q "$origin" "$work/seed" 2>/dev/null
    git -C "$work/seed" commit -q --allow-empty -m one
    git -C "$work/seed" push -q origin master
fi
# 100 branches in a repository of the origin's, each one commit ahead of what the clone
# will be reset to before every fetch.
upstream=$work/upstream.git
git clone -q --bare "$origin" "$upstream"
base=$(git -C "$upstream" rev-parse master)
next=$(git -C "$upstream" commit-tree -p "$base" -m next "$base^{tree}")
for i in $(seq -w 0 99); do
    echo "create refs/heads/b$i $next"
done | git -C "$upstream" update-ref --stdin
clone=$work/clone
git clone -q "$upstream" "$clone"
# The clone as a developer has it: the hooks `git policy install` writes.
(cd "$clone" && "$bin" install >/dev/null)
mkdir -p "$work/hooks-none" "$work/hooks-exit0"
printf '#!/bin/sh\nexit 0\n' >"$work/hooks-exit0/reference-transaction"
chmod +x "$work/hooks-exit0/reference-transaction"
# Every fetch finds the 100 remote-tracking refs one commit behind (reset without hooks).
back=$work/back
for i in $(seq -w 0 99); do
    echo "update refs/remotes/origin/b$i $base"
done >"$back"

cd "$clone"
with() { # hooks-dir command...
    local dir=$1
    shift
    printf 'git -c core.hooksPath=%s %s' "$dir" "$*"
}
for round in $(seq -w 1 "$rounds"); do
    hyperfine -N --style none --warmup 1 --runs 5 \
        --prepare "sh -c 'git -c core.hooksPath=/dev/null update-ref --stdin < $back'" \
        --export-json "$results/transaction-fetch-$round.json" \
        -n "no hook" "$(with "$work/hooks-none" fetch -q origin)" \
        -n "exit 0 hook" "$(with "$work/hooks-exit0" fetch -q origin)" \
        -n git-policy "$(with .git/hooks fetch -q origin)" >&2
    hyperfine -N --style none --warmup 2 --runs 20 \
        --prepare "sh -c 'git -c core.hooksPath=/dev/null checkout -q master && git -c core.hooksPath=/dev/null branch -q -D topic 2>/dev/null || true'" \
        --export-json "$results/transaction-checkout-$round.json" \
        -n "no hook" "$(with "$work/hooks-none" checkout -q -b topic)" \
        -n "exit 0 hook" "$(with "$work/hooks-exit0" checkout -q -b topic)" \
        -n git-policy "$(with .git/hooks checkout -q -b topic)" >&2
done

# Pooled medians, and the added costs as the median of each round's difference.
table_row() { # label kind
    jq -rs --arg title "$1" '
        def median: sort | if length % 2 == 1 then .[length / 2 | floor]
            else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        def of($n): [.[] | .results[] | select(.command == $n) | .times[]] | median * 1000;
        def added($n): [.[] | (.results | map({(.command): .median}) | add) as $m
            | ($m[$n] - $m["no hook"]) * 1000] | median;
        [$title, of("no hook"), of("exit 0 hook"), of("git-policy"),
         added("git-policy"), added("exit 0 hook"), of("git-policy") / of("no hook")]
        | "| \(.[0]) | \(.[1:4] | map(. * 10 | round / 10 | tostring) | join(" | ")) | \(.[4:6] | map(. * 10 | round / 10 | tostring) | join(" | ")) | \(.[6] * 100 | round / 100) |"
    ' "$results"/transaction-"$2"-*.json
}
{
    echo "| command | no hook | \`exit 0\` hook | git-policy | added by git-policy | added by an \`exit 0\` hook | git-policy ÷ no hook |"
    echo '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'
    table_row '`git fetch` updating 100 remote-tracking refs' fetch
    table_row '`git checkout -b topic`' checkout
} >"$results/transaction.md"
cat "$results/transaction.md"
