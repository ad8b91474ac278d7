#!/usr/bin/env bash
# Build and install git-policy, optionally install its hooks into a repository, and show it
# working.
#
#   ./install.sh                   install the binary, then demonstrate it on a scratch repository
#   ./install.sh PATH              ... and install the client hooks into the repository at PATH
#   ./install.sh --server PATH     ... and install the server hook and policy into a bare repository
#                                  (the clone's `.git-policy.toml` here, else the pytokio preset;
#                                  --policy FILE or --preset NAME to choose, --hook update for
#                                  servers whose pre-receive is taken)
#
# Running it again is harmless: the binary is rebuilt and the hooks are left or updated in place.
set -euo pipefail

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$1" >&2; [ -n "${2:-}" ] && printf 'hint: %s\n' "$2" >&2; exit 2; }

server=""
target=""
server_args=()
usage="./install.sh [PATH | --server BARE_REPO [--policy FILE | --preset NAME] [--hook pre-receive|update]]"
while [ $# -gt 0 ]; do
    case "$1" in
        --server) [ -n "${2:-}" ] || die "--server needs the path of a bare repository" "./install.sh --server /srv/git/project.git"
                  server="$2"; shift 2 ;;
        --policy|--preset|--hook)
                  [ -n "${2:-}" ] || die "$1 needs a value" "$usage"
                  server_args+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        -*) die "unknown option $1" "$usage" ;;
        *) [ -z "$target" ] || die "unexpected argument $1" "$usage"
           target="$1"; shift ;;
    esac
done
if [ -n "$server" ] && [ -n "$target" ]; then
    die "give either a clone's PATH or --server BARE_REPO, not both" "$usage"
fi
if [ -z "$server" ] && [ ${#server_args[@]} -gt 0 ]; then
    die "${server_args[0]} goes with --server" "$usage"
fi

command -v cargo >/dev/null || die "cargo is not installed" "install Rust from your package manager or with rustup, then run ./install.sh again; or, with no Rust at all, install the wheel: \`pipx install git-policy\` (or \`pip install git-policy\`), then \`git policy install\` in your clone"
command -v git >/dev/null || die "git is not installed" "install git, then run ./install.sh again"

# Refuse a wrong path before a build of several minutes, not after.
if [ -n "$server" ]; then
    git -C "$server" rev-parse --git-dir >/dev/null 2>&1 || die "$server is not a git repository" "create one with: git init --bare $server"
    for ((i = 0; i < ${#server_args[@]}; i += 2)); do
        if [ "${server_args[i]}" = --policy ] && [ ! -f "${server_args[i + 1]}" ]; then
            die "${server_args[i + 1]} is not a file" "give the path of a policy file, e.g. --policy .git-policy.toml"
        fi
    done
elif [ -n "$target" ]; then
    git -C "$target" rev-parse --git-dir >/dev/null 2>&1 || die "$target is not a git repository" "run it on a clone: ./install.sh path/to/clone"
fi

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/release-build.sh
. "$here/scripts/release-build.sh"
say "building and installing git-policy (release mode, linked $release_linking); this takes a few minutes"
say "(without a Rust toolchain, \`pipx install git-policy\` installs the same binary from its wheel)"
# On a terminal cargo shows its progress; in a log it would add a line per crate.
quiet=(--quiet)
[ -t 2 ] && quiet=()
if ! cargo install ${quiet[@]+"${quiet[@]}"} --locked --force ${release_args[@]+"${release_args[@]}"} --path "$here"; then
    [ "$release_linking" = static ] || die "cargo could not build git-policy" "the error is above"
    say "the static build failed; building a dynamically linked binary instead"
    release_dynamic
    cargo install ${quiet[@]+"${quiet[@]}"} --locked --force --path "$here"
fi
bin_dir="${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}/bin"
bin="$bin_dir/git-policy"
[ -x "$bin" ] || die "cargo did not install $bin"
say "installed $("$bin" --version) at $bin"
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) say "note: $bin_dir is not on PATH; add it so that \`git policy\` works: export PATH=\"$bin_dir:\$PATH\"" ;;
esac

# `git policy --help` is `git help policy`, which runs `man git-policy`; man looks in
# ../share/man beside each bin/ directory on PATH (~/.cargo/share/man for ~/.cargo/bin).
man_dir="$(dirname "$bin_dir")/share/man"
"$bin" man --dir "$man_dir" >/dev/null
say "installed the manual pages into $man_dir/man1 (\`git policy --help\`)"
if command -v man >/dev/null && ! PATH="$bin_dir:$PATH" man -w git-policy >/dev/null 2>&1; then
    say "note: man does not look in $man_dir; add it to MANPATH"
fi
# Completions where bash-completion loads them from, for `git-policy` and, through git's own
# completion, `git policy`; fish's where fish looks; zsh has no directory of its own.
bash_dir="${BASH_COMPLETION_USER_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/bash-completion}/completions"
mkdir -p "$bash_dir"
"$bin" completions bash > "$bash_dir/git-policy"
say "installed bash completions into $bash_dir/git-policy"
if command -v fish >/dev/null; then
    fish_dir="${XDG_CONFIG_HOME:-$HOME/.config}/fish/completions"
    mkdir -p "$fish_dir"
    "$bin" completions fish > "$fish_dir/git-policy.fish"
    say "installed fish completions into $fish_dir/git-policy.fish"
fi
if command -v zsh >/dev/null; then
    say "zsh completions: \`git policy completions zsh > DIR/_git-policy\`, for a DIR on your fpath"
fi

if [ -n "$server" ]; then
    "$bin" install --server "$server" ${server_args[@]+"${server_args[@]}"}
    say "checking $server as it is now"
    (cd "$server" && "$bin" check) || true
elif [ -n "$target" ]; then
    (cd "$target" && "$bin" install)
    say "checking $target as it is now"
    (cd "$target" && "$bin" check) || true
else
    # A scratch pytokio repository: a clean state passes, a back-merge of rc is refused.
    demo=$(mktemp -d)
    trap 'rm -rf "$demo"' EXIT
    export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.invalid
    export GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.invalid
    cd "$demo"
    git init -q -b master
    mkdir tokio
    echo '__version__ = "0.12.0.dev1"' > tokio/__init__.py
    git add . && git commit -q -m "start 0.12"
    git branch rc
    echo '__version__ = "0.13.0.dev1"' > tokio/__init__.py
    git commit -q -am "master moves to 0.13"
    "$bin" install >/dev/null
    say "demo: a repository following the pytokio model"
    "$bin" check
    git checkout -q rc && echo fix > fix.txt && git add fix.txt && git commit -q -m "hotfix on rc"
    git checkout -q master
    say "demo: merging rc back into master is refused before the commit exists"
    git merge -q --no-edit rc || true
    say "done: run \`./install.sh PATH\` to install the hooks into your repository"
fi
