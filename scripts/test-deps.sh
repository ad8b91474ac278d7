#!/usr/bin/env bash
# What the tests need beyond git and Rust, installed where missing (the first half of the
# README's test command; `.ci/run` runs it too). Each test that needs one of these fails,
# naming it, when it is missing. Needs root for the Debian packages; the rest come from PyPI
# and npm. Running it again is harmless.
set -euo pipefail

# The transport tests (tests/cli/transports/) push through Debian's `sshd`, `lighttpd` running
# `git http-backend`, and gitolite; they fail, naming the package, when one is missing.
# `git policy --help` runs `man`, and the completion test loads git's completion through
# bash-completion (tests/cli/setup.rs); the schema tests need pip for their validators.
missing=()
for package in openssh-server lighttpd gitolite3 man-db bash-completion; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
# husky comes from npm (tests/cli/managers/husky.rs).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo ".ci/run: not root, cannot install ${missing[*]}; the tests that need them will fail" >&2
    fi
fi
# The schema tests validate policies with `jsonschema` and `taplo` from PyPI (tests/cli/schema.rs),
# where Debian's own Python refuses plain `pip install` (PEP 668) too.
pip_install() {
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check "$@" 2>/dev/null \
        || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@"
}
pip_install jsonschema taplo
# The hook-manager tests (tests/cli/precommit.rs, tests/cli/managers/) run the real tools and
# fail, naming the package, when one is missing: the pre-commit framework, prek and lefthook
# from PyPI, husky from npm.
pip_install pre-commit prek lefthook
npm install -g --silent husky || echo ".ci/run: could not install husky with npm; its tests will fail" >&2
