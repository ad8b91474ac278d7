#!/usr/bin/env bash
# Builds the Python wheel with maturin, installs it with pip into a fresh virtual environment
# and runs it as its users do, with no other git-policy on PATH:
#   - `git-policy --version`, and `git policy check` on a new repository;
#   - the pre-commit framework with `language: python`, reading the hook repository
#     (`pre-commit/`) from a local path, with the wheel the only git-policy pip can install:
#     a clean commit is accepted, a violation refused.
# Needs python3 with venv, and maturin and pre-commit from PyPI (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
# The Python this machine runs (not the virtual environment made below): the CI templates'
# `python3`, and the one with PyYAML (a dependency of pre-commit) to read them.
system_python=$(python3 -c 'import sys; print(sys.executable)')
pass() { passed=$((passed + 1)); printf 'wheel-check: ok: %s\n' "$*"; }
fail() { printf 'wheel-check: FAILED: %s\n' "$*" >&2; printf '%s passed, 1 failed\n' "$passed"; exit 1; }

for tool in maturin pre-commit; do
    command -v "$tool" >/dev/null || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check "$tool"
done

maturin build --quiet --release --locked --out "$work/wheels" >"$work/maturin.log" 2>&1 \
    || { cat "$work/maturin.log" >&2; fail "maturin could not build the wheel"; }
wheel=$(ls "$work"/wheels/git_policy-*.whl)
pass "built $(basename "$wheel")"

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"
# Only the wheel's binary: no ~/.cargo/bin, no install.sh build.
PATH="$work/venv/bin:$(dirname "$(command -v python3)"):$(dirname "$(command -v pre-commit)"):/usr/bin:/bin"
export PATH
[ "$(command -v git-policy)" = "$work/venv/bin/git-policy" ] || fail "git-policy is not the wheel's: $(command -v git-policy)"
version=$(git-policy --version) || fail "git-policy --version"
[ "$version" = "git-policy $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)" ] \
    || fail "the wheel's version is $version"
pass "$version from the wheel"
# git turns `git policy --help` into `man git-policy`, which finds the wheel's page through PATH.
if command -v man >/dev/null; then
    MANPAGER=cat PAGER=cat git policy --help 2>&1 | grep -q "SYNOPSIS" \
        || fail "git policy --help from the wheel: $(MANPAGER=cat git policy --help 2>&1 | head -n 2)"
    pass "git policy --help shows the wheel's manual page"
else
    fail "\`man\` is missing: install man-db (.ci/run does)"
fi

# A sandboxed git identity, as the tests use.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/gitconfig" PRE_COMMIT_HOME="$work/pre-commit-cache"
git config --global user.name "Wheel Check"
git config --global user.email "wheel@example.invalid"
git config --global init.defaultBranch master

repo="$work/project"
mkdir -p "$repo/tokio"
cd "$repo"
git init -q
printf '__version__ = "0.13.0.dev1"\n' >tokio/__init__.py
git add -A && git commit -q -m "start"
git policy check >"$work/check.log" 2>&1 || { cat "$work/check.log" >&2; fail "git policy check on a new repository"; }
pass "git policy check: $(head -n 1 "$work/check.log")"

# The hook repository, as a project publishes pre-commit/ (see its pyproject.toml).
hooks="$work/hooks"
mkdir -p "$hooks"
cp "$here/pre-commit/pyproject.toml" "$here/pre-commit/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q && git -C "$hooks" add -A && git -C "$hooks" commit -q -m "hooks"
# pip may install only the wheel built here, and setuptools for the hook repository's build.
python3 -m pip download --quiet --disable-pip-version-check --dest "$work/wheels" setuptools
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$work/wheels"
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $(git -C "$hooks" rev-parse HEAD)
    hooks:
      - id: git-policy
YAML
git add .pre-commit-config.yaml && git commit -q --no-verify -m "add pre-commit"
pre-commit install --hook-type pre-commit --hook-type pre-merge-commit >/dev/null
echo "a change" >feature.txt
git add feature.txt
git commit -q -m "a clean change" >"$work/clean.log" 2>&1 || { cat "$work/clean.log" >&2; fail "a clean commit through pre-commit"; }
pass "pre-commit (language: python) accepts a clean commit"
printf '__version__ = "0.13.0"\n' >tokio/__init__.py
git add -A
if git commit -q -m "drop the .devN on master" >"$work/refused.log" 2>&1; then
    fail "a commit dropping master's .devN was accepted"
fi
grep -q "version/kind" "$work/refused.log" || { cat "$work/refused.log" >&2; fail "the refusal does not name version/kind"; }
pass "pre-commit (language: python) refuses master without .devN (version/kind)"

# The CI templates' and the action's install commands, as written, with this wheel the only
# git-policy pip can install (`PIP_NO_INDEX`, `PIP_FIND_LINKS` above).
cd "$here"
"$system_python" - >"$work/installs.tsv" <<'PY'
import yaml
def show(name, version, command):
    print(f"{name}\t{version}\t{command}")
for path in ["docs/ci/github-actions.yml", "docs/ci/github-release.yml"]:
    doc = yaml.safe_load(open(path))
    for job in doc["jobs"].values():
        for step in job["steps"]:
            if step.get("name") == "Install git-policy":
                show(path, doc["env"]["GIT_POLICY_VERSION"], step["run"])
action = yaml.safe_load(open("action.yml"))
for step in action["runs"]["steps"]:
    if step.get("name") == "Install git-policy":
        show("action.yml", action["inputs"]["version"]["default"], step["run"])
job = yaml.safe_load(open("docs/ci/gitlab-ci.yml"))["git-policy"]
for line in job["before_script"]:
    if "pip install" in line:
        show("docs/ci/gitlab-ci.yml", job["variables"]["GIT_POLICY_VERSION"], line)
PY
# `python3` as the templates call it, whatever HOME says (a pyenv shim reads its root from HOME).
pydir="$work/python"
mkdir -p "$pydir"
ln -s "$system_python" "$pydir/python3"
n=0
while IFS=$'\t' read -r template version command; do
    n=$((n + 1))
    home="$work/home-$n"
    mkdir -p "$home"
    case "$command" in
        *--user*) bin="$home/.local/bin" ;;  # GitHub's runners: the user's site
        *) python3 -m venv "$work/ci-venv-$n"; bin="$work/ci-venv-$n/bin" ;;  # GitLab's image: its Python
    esac
    HOME="$home" PATH="$bin:$pydir:$PATH" GIT_POLICY_VERSION="$version" bash -c "$command" >"$work/ci-install.log" 2>&1 \
        || { cat "$work/ci-install.log" >&2; fail "$template: \`$command\`"; }
    "$bin/git-policy" --version >/dev/null || fail "$template: no git-policy in $bin"
    pass "$template installs the wheel as written"
done <"$work/installs.tsv"
[ "$n" -eq 4 ] || fail "expected four install commands in the templates, found $n"
printf '%s passed, 0 failed\n' "$passed"
