#!/usr/bin/env bash
# Checks a built eslsh package: `make deb-check` runs it (and `make test`, so CI does).
# usage: packaging/debian/check.sh ESLSH.deb VERSION
# Fails on any file, mode or owner that differs from packaging/debian/contents, on a control field that is
# missing, unexpected or wrong, on contents that do not work (the binary's version, the manual, the bash
# completion), and on any lintian error or warning not overridden in packaging/debian/lintian-overrides.
set -euo pipefail
deb=$1 version=$2
here=$(cd "$(dirname "$0")" && pwd)
status=0
bad() { echo "deb-check: $*" >&2; status=1; }

# The file list: type, mode, owner and path of every entry (sizes and dates vary).
if ! diff -u "$here/contents" <(dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' | sed 's| -> .*||'); then
    bad "the package's files differ from packaging/debian/contents (- expected, + built)"
fi

# The control fields: exactly these, with these values.
fields=$(dpkg-deb -f "$deb" | sed -n 's/^\([A-Za-z-]*\):.*/\1/p' | paste -sd' ')
want="Package Version Architecture Maintainer Installed-Size Built-Using Section Priority Description"
[ "$fields" = "$want" ] || bad "control fields are '$fields', want '$want' (no Depends: see control.in)"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = eslsh ] || bad "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || bad "Version: $(field Version), eslsh --version says $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || bad "Architecture: $(field Architecture)"
[ "$(field Section)" = net ] || bad "Section: $(field Section)"
[ "$(field Priority)" = optional ] || bad "Priority: $(field Priority)"
[[ "$(field Maintainer)" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] || bad "Maintainer: $(field Maintainer)"
for source in glibc libedit ncurses libbsd libmd gcc-12; do
    [[ ", $(field Built-Using)," == *", $source (= "* ]] || bad "Built-Using lacks $source: $(field Built-Using)"
done
case "$(basename "$deb")" in
    "eslsh_${version}_$(field Architecture).deb") ;;
    *) bad "file name $(basename "$deb") is not eslsh_${version}_$(field Architecture).deb" ;;
esac

# The contents work: unpacked, not installed (installing needs root and changes the machine).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
printed=$("$tmp/usr/bin/eslsh" --version) || true
[ "$printed" = "eslsh $version" ] || bad "the packaged eslsh --version prints '$printed', want 'eslsh $version'"
readelf -d "$tmp/usr/bin/eslsh" 2>&1 | grep -q 'no dynamic section' ||
    bad "/usr/bin/eslsh is dynamically linked: its shared libraries belong in Depends"
MANWIDTH=80 man -l "$tmp/usr/share/man/man1/eslsh.1.gz" 2>/dev/null | grep -q "eslsh.*FreeSWITCH" ||
    bad "man -l cannot render usr/share/man/man1/eslsh.1.gz"
bash --norc -c '. "$1" && complete -p eslsh' _ "$tmp/usr/share/bash-completion/completions/eslsh" \
    >/dev/null 2>&1 || bad "the bash completion does not define a completion for eslsh"
grep -q '^#compdef eslsh' "$tmp/usr/share/zsh/vendor-completions/_eslsh" || bad "_eslsh is no zsh completion"
grep -q "^complete -c '\\?eslsh\\b" "$tmp/usr/share/fish/vendor_completions.d/eslsh.fish" ||
    bad "eslsh.fish is no fish completion"
logged=$(zcat "$tmp/usr/share/doc/eslsh/changelog.gz" | dpkg-parsechangelog -l - -S Version)
[ "$logged" = "$version" ] || bad "changelog.gz's latest entry is $logged, want $version"
head -1 "$tmp/usr/share/doc/eslsh/copyright" |
    grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    bad "copyright is not in the machine-readable format"

# lintian: errors and warnings fail; the kept ones are overridden, with the reason, in lintian-overrides.
lintian --fail-on error,warning "$deb" || bad "lintian (above)"

[ "$status" = 0 ] && echo "deb-check: $(basename "$deb") is as expected"
exit "$status"
