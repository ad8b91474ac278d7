# shellcheck shell=bash
# Sourced by install.sh and bench/run.sh, so that the benchmark times the binary users install.
#
# On Linux with glibc the release binary is a static PIE (`crt-static`): without the dynamic
# loader a hook process starts about 0.4 ms sooner, a third of what starting one costs (see
# BENCHMARKS.md). zlib then comes from libz-sys's bundled source, since not every distribution
# ships a static libz. `--target` keeps the flag off build scripts and proc-macros, which cannot
# be linked statically. Without a static libc (Fedora's `glibc-static` is not installed by
# default) the binary is linked dynamically as before.
#
# Sets `release_args` (more arguments for `cargo build` or `cargo install`; expand it as
# `${release_args[@]+"${release_args[@]}"}`, which bash before 4.4 needs for an empty array
# under `set -u`), `release_dir` (where `cargo build` leaves the binary, under the target
# directory) and `release_linking`; `release_dynamic` goes back to the dynamic build.
release_rustflags=${RUSTFLAGS-}
release_dynamic() {
    release_args=()
    release_dir=release
    release_linking=dynamic
    if [ -n "$release_rustflags" ]; then export RUSTFLAGS=$release_rustflags; else unset RUSTFLAGS; fi
    unset LIBZ_SYS_STATIC
}
release_args=()
release_dir=release
release_linking=dynamic
release_host=$(rustc -vV | sed -n 's/^host: //p')
case "$release_host" in
    *-linux-gnu)
        if command -v cc >/dev/null && [[ $(cc -print-file-name=libc.a) == /* ]]; then
            release_args=(--target "$release_host")
            release_dir=$release_host/release
            release_linking=static
            export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static"
            export LIBZ_SYS_STATIC=1
        fi
        ;;
esac
