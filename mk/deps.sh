#!/bin/sh
# Install the Debian build dependencies that pkg-config (or PATH) cannot find.
# Runs apt-get update only when a package is missing from the package lists.
set -u
missing=""
need_pkg() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd make make
need_pkg ncursesw libncurses-dev
need_pkg libcurl libcurl4-openssl-dev
need_pkg jansson libjansson-dev
need_pkg cmocka libcmocka-dev
need_pkg libmicrohttpd libmicrohttpd-dev
need_pkg sqlite3 libsqlite3-dev
need_pkg zlib zlib1g-dev
need_cmd tmux tmux
need_cmd curl curl
# `sh mk/deps.sh fuzz` / `valgrind`: the tools of those targets only
case " $* " in *" fuzz "*) need_cmd clang clang; ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 || missing="$missing libclang-rt-dev" ;; esac
case " $* " in *" valgrind "*) need_cmd valgrind valgrind ;; esac
[ -d /usr/share/zoneinfo/Europe ] || missing="$missing tzdata"
[ -f /usr/share/terminfo/t/tmux-256color ] || [ -f /lib/terminfo/t/tmux-256color ] || missing="$missing ncurses-term"

[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing || {
        echo "deps: apt-get could not install:$missing" >&2
        exit 1
    }
fi
