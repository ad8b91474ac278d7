#!/usr/bin/env bash
# Turns bench/run.sh's hyperfine results into the markdown tables of BENCHMARKS.md:
#   bench/report.sh target/bench/results
set -euo pipefail
results=${1:?usage: bench/report.sh RESULTS_DIR}

# The median of a named command in a hyperfine JSON export, in milliseconds ("" if absent).
median() { # file name
    [ -f "$1" ] || return 0
    jq -r --arg n "$2" '.results[] | select(.command == $n) | .median * 1000' "$1"
}
ms() { # value
    [ -n "$1" ] && printf '%.1f' "$1" || printf -- '-'
}
ratio() { # a b
    if [ -n "$1" ] && [ -n "$2" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
    else
        printf -- '-'
    fi
}
# a ÷ b as 1/N when a is the faster by far.
speedup() { # a b
    if [ -n "$1" ] && [ -n "$2" ]; then
        awk -v a="$1" -v b="$2" 'BEGIN { r = a / b; if (r < 1) printf "1/%.0f", 1 / r; else printf "%.2f", r }'
    else
        printf -- '-'
    fi
}
rss_mb() { # name
    # GNU time writes `Command exited with non-zero status N` first when the command failed
    # (an audit that finds violations does): the number is the last line.
    [ -f "$results/$1.rss" ] && awk 'END { printf "%.1f", $1 / 1024 }' "$results/$1.rss" || printf -- '-'
}

# The most a run allocated at once, in MB, over the processes of its command (massif files).
heap_mb() { # name
    compgen -G "$results/$1.*.massif" >/dev/null || {
        printf -- '-'
        return
    }
    awk -F= '/^mem_heap_B=/ { heap = $2 } /^mem_heap_extra_B=/ { if (heap + $2 > max) max = heap + $2 }
        END { printf "%.1f", max / 1048576 }' "$results/$1".*.massif
}

[ -f "$results/machine.txt" ] && {
    echo '### Machine'
    echo
    sed 's/^/    /' "$results/machine.txt"
    echo
}

# Pushes, when this run timed any (`BENCH_SIZES=" "` times only pre-commit and the audit).
if compgen -G "$results/*-single-*.json" >/dev/null; then
    echo '### Pushes (medians in ms; memory in MB: peak RSS, and the most allocated at once)'
    echo
    echo '| commits | commit-graph | push | `update` | `pre-receive` | script | floor | update ÷ script | update ÷ floor | peak RSS update / pre-receive | allocated update / pre-receive |'
    echo '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
    for file in $(ls "$results"/*-*-*-*.json 2>/dev/null | grep -v '\.script\.json$' | sort -t- -k1,1n); do
        name=$(basename "$file" .json)
        IFS=- read -r size graph rest <<<"$name"
        n=${rest##*-}
        branch=${rest%-*}
        update=$(median "$file" update)
        receive=$(median "$file" pre-receive)
        script=$(median "${file%.json}.script.json" script)
        floor=$(median "$file" floor)
        printf '| %s | %s | %s commits to `%s` | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |\n' \
            "$size" "$graph" "$n" "$branch" "$(ms "$update")" "$(ms "$receive")" "$(ms "$script")" \
            "$(ms "$floor")" "$(speedup "$update" "$script")" "$(ratio "$update" "$floor")" \
            "$(rss_mb "$name-update")" "$(rss_mb "$name-pre-receive")" \
            "$(heap_mb "$name-update")" "$(heap_mb "$name-pre-receive")"
    done
    echo

    echo '### Growth of `update` (same push; single commit-graph)'
    echo
    sizes=$(ls "$results"/*-single-*.json 2>/dev/null | xargs -n1 basename | cut -d- -f1 | sort -un)
    pushes=$(ls "$results"/*-single-*.json | grep -v '\.script\.json$' | xargs -n1 basename |
        sed 's/^[0-9]*-single-//; s/\.json$//' | sort -u)
    smallest=$(echo "$sizes" | head -1)
    largest=$(echo "$sizes" | tail -1)
    printf '| push |'
    for size in $sizes; do printf ' %s |' "$size"; done
    printf ' %s ÷ %s |\n' "$largest" "$smallest"
    printf '| --- |'
    for _ in $sizes; do printf ' ---: |'; done
    printf ' ---: |\n'
    for push in $pushes; do
        printf '| %s commits to `%s` |' "${push##*-}" "${push%-*}"
        for size in $sizes; do
            printf ' %s |' "$(ms "$(median "$results/$size-single-$push.json" update)")"
        done
        printf ' %s |\n' "$(ratio "$(median "$results/$largest-single-$push.json" update)" \
            "$(median "$results/$smallest-single-$push.json" update)")"
    done
    echo
    printf '| 500 ÷ 5 pushed commits |'
    for size in $sizes; do printf ' %s |' "$size"; done
    printf '\n| --- |'
    for _ in $sizes; do printf ' ---: |'; done
    printf '\n'
    for branch in $(echo "$pushes" | sed -n 's/-5$//p'); do
        printf '| `%s` |' "$branch"
        for size in $sizes; do
            printf ' %s |' "$(ratio "$(median "$results/$size-single-$branch-500.json" update)" \
                "$(median "$results/$size-single-$branch-5.json" update)")"
        done
        printf '\n'
    done
    echo
fi

# The pre-commit rounds (bench/run.sh), for each index size: every run of a command pooled,
# and the median over rounds of one command's median minus another's.
pooled() { # variant name
    jq -s -r --arg n "$2" '[.[].results[] | select(.command == $n) | .times[]] | sort
        | if length == 0 then empty else (.[(length - 1) / 2 | floor] + .[length / 2 | floor]) / 2 * 1000 end' \
        "$results"/pre-commit-"$1"-*.json
}
added() { # variant name base
    jq -s -r --arg a "$2" --arg b "$3" '[.[] | (.results[] | select(.command == $a) | .median)
        - (.results[] | select(.command == $b) | .median)] | sort
        | (.[(length - 1) / 2 | floor] + .[length / 2 | floor]) / 2 * 1000' "$results"/pre-commit-"$1"-*.json
}
if compgen -G "$results/pre-commit-*.count" >/dev/null; then
    variants=$(find "$results" -name 'pre-commit-*.count' | sed 's|.*/pre-commit-||; s|\.count$||' | sort)
    rounds=$(find "$results" -name "pre-commit-$(echo "$variants" | head -1)-*.json" | wc -l)
    echo "### \`git commit\` on master, 100k commits (ms; $rounds interleaved rounds of 20 runs each)"
    echo
    echo '| files in the index | no hook | `exit 0` hook | git-policy `pre-commit` | added by git-policy | added by an `exit 0` hook | peak RSS of the hook | allocated |'
    echo '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'
    for variant in $variants; do
        printf '| %s | %s | %s | %s | %s | %s | %s MB | %s MB |\n' "$(cat "$results/pre-commit-$variant.count")" \
            "$(ms "$(pooled "$variant" "no hook")")" "$(ms "$(pooled "$variant" "exit 0 hook")")" \
            "$(ms "$(pooled "$variant" git-policy)")" "$(ms "$(added "$variant" git-policy "no hook")")" \
            "$(ms "$(added "$variant" "exit 0 hook" "no hook")")" \
            "$(rss_mb "pre-commit-hook-$variant")" "$(heap_mb "pre-commit-hook-$variant")"
    done
    echo
    echo 'The first three are medians of all runs; an added cost is the median over rounds of the'
    echo "round's median difference."
    echo
fi

if [ -f "$results/transaction.md" ]; then
    echo '### The client `reference-transaction` hook on refs it does not judge (ms)'
    echo
    cat "$results/transaction.md"
    echo
    echo 'Pooled medians of interleaved rounds; an added cost is the median over rounds of the'
    echo "round's difference (bench/transaction.sh)."
    echo
fi

if [ -f "$results/check.json" ]; then
    f=$results/check.json
    echo '### `git policy check`, 100k commits (medians in ms)'
    echo
    echo '| audit | `--history` | peak RSS of the audit | peak RSS of `--history` | allocated by the audit | allocated by `--history` |'
    echo '| ---: | ---: | ---: | ---: | ---: | ---: |'
    printf '| %s | %s | %s MB | %s MB | %s MB | %s MB |\n' "$(ms "$(median "$f" audit)")" "$(ms "$(median "$f" history)")" \
        "$(rss_mb check-audit)" "$(rss_mb check-history)" "$(heap_mb check-audit)" "$(heap_mb check-history)"
fi
