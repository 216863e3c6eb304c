#!/usr/bin/env bash
# Builds the Debian package from the static release eslsh: `make deb` runs it.
# usage: packaging/debian/build.sh ESLSH VERSION OUT.deb
# ESLSH is the static executable, VERSION the one its --version prints (the Makefile reads it from the
# sources), OUT.deb the package to write. The changelog's latest entry must be for the same version.
set -euo pipefail
umask 022
eslsh=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fail() { echo "make deb: $*" >&2; exit 1; }

printed=$("$eslsh" --version)
[ "$printed" = "eslsh $version" ] || fail "$eslsh --version prints '$printed', the sources say $version"
logged=$(dpkg-parsechangelog -l "$here/changelog" -S Version)
[ "$logged" = "$version" ] || fail "packaging/debian/changelog's latest entry is $logged, eslsh is $version: add an entry for $version"
# Every date in the package is the changelog entry's, so the same sources give the same archive.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$here/changelog" -S Timestamp)
export SOURCE_DATE_EPOCH

root="${out%.deb}.root"
rm -rf "$root"
trap 'rm -rf "$root"' EXIT
doc=$root/usr/share/doc/eslsh
install -d -m 755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$doc" \
    "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
    "$root/usr/share/fish/vendor_completions.d" "$root/usr/share/lintian/overrides"

# Stripped as dh_strip would: the symbol table only serves debuggers (Swift's metadata lives in its own
# sections), and it is most of the file.
install -m 755 "$eslsh" "$root/usr/bin/eslsh"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/eslsh"
gzip -9n < "$top/docs/eslsh.1" > "$root/usr/share/man/man1/eslsh.1.gz"
# bash-completion sources the file; the generator's #!/bin/bash line would only suggest running it.
"$eslsh" --generate-completion-script bash | sed '1{/^#!/d}' > "$root/usr/share/bash-completion/completions/eslsh"
"$eslsh" --generate-completion-script zsh > "$root/usr/share/zsh/vendor-completions/_eslsh"
"$eslsh" --generate-completion-script fish > "$root/usr/share/fish/vendor_completions.d/eslsh.fish"
install -m 644 "$here/copyright" "$doc/copyright"
gzip -9n < "$here/changelog" > "$doc/changelog.gz"
gzip -9n < "$top/docs/guide.md" > "$doc/guide.md.gz"
gzip -9n < "$top/docs/console.md" > "$doc/console.md.gz"
sed '/^#/d; /^$/d' "$here/lintian-overrides" > "$root/usr/share/lintian/overrides/eslsh"
chmod 644 "$root"/usr/share/man/man1/* "$root"/usr/share/*/*completion*/* "$root"/usr/share/zsh/*/* \
    "$doc"/* "$root/usr/share/lintian/overrides/eslsh"

# The source packages of the static libraries the Makefile links into eslsh (with the Swift runtime,
# which is no Debian package): Debian Policy 7.8, Built-Using.
# Each archive is found the way the Swift toolchain's linker finds it.
clang=$(dirname "$(readlink -f "$(command -v swift)")")/clang
built_using=$(
    for lib in libc.a libedit.a libtinfo.a libbsd.a libmd.a libstdc++.a libgcc.a; do
        path=$(readlink -f "$("$clang" -print-file-name="$lib")")
        owner=$(dpkg -S "$path" 2>/dev/null | cut -d: -f1) || fail "no installed Debian package has $path"
        dpkg-query -W -f '${source:Package} (= ${source:Version})\n' "$owner"
    done | sort -u | paste -sd, | sed 's/,/, /g')

size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e '/^#/d' -e "s/@VERSION@/$version/" -e "s/@ARCH@/$(dpkg --print-architecture)/" \
    -e "s/@INSTALLED_SIZE@/$size/" -e "s/@BUILT_USING@/$built_using/" "$here/control.in" > "$root/DEBIAN/control"
# md5sums, as dh_md5sums writes it: dpkg --verify and debsums check the installed files against it.
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "Built $out"
