#!/usr/bin/env bash
# Builds a release tarball that installs without a Swift toolchain:
#   dist/phiscrub-<version>-linux-<arch>.tar.gz, holding phiscrub-<version>/{bin,share}/...
#     bin/phiscrub                                   Swift standard library and Foundation linked statically
#     lib/libphiscrub.so.1, lib/libphiscrub.so      the C ABI (SONAME libphiscrub.so.1; the Swift runtime and
#                                                    Foundation linked into it too; only phiscrub_* exported)
#     include/phiscrub.h                             its header
#     share/phiscrub/rules/                          the default rule packs (found as ../share/phiscrub/rules)
#     share/man/man1/phiscrub.1 (+ one per command)  generated from the argument parser (--experimental-dump-help)
#     share/bash-completion/completions/phiscrub, share/zsh/site-functions/_phiscrub,
#     share/fish/vendor_completions.d/phiscrub.fish  from --generate-completion-script
#     share/doc/phiscrub/                            LICENSE, README.md, INSTALL
# At run time the binary and the library need only Debian's libpcre2-8-0, libssl3 (libcrypto), libicu72, zlib1g
# and libzstd1 (and glibc, libstdc++6 and libgcc-s1, on every Debian system), which `ldd bin/phiscrub` lists. Options
# (environment):
#   SKIP_BUILD=1   package the existing .build/release-static build instead of building
#   OUT=DIR        where the tarball goes (default dist/)
#   JOBS=N         build jobs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${JOBS:-2}
out=${OUT:-$root/dist}
scratch=$root/.build/release-static

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # The Swift runtime, Foundation and its ICU data go into the binary; the C libraries stay shared (Debian's).
  # PHISCRUB_STATIC_LIBRARY=1 links the runtime into the C ABI's library as well (Package.swift).
  PHISCRUB_STATIC_LIBRARY=1 swift build -c release -j "$jobs" --scratch-path "$scratch" --static-swift-stdlib \
    --product phiscrub >&2
  PHISCRUB_STATIC_LIBRARY=1 swift build -c release -j "$jobs" --scratch-path "$scratch" --static-swift-stdlib \
    --product PHIScrubC >&2
fi
bindir=$(PHISCRUB_STATIC_LIBRARY=1 swift build -c release --scratch-path "$scratch" --static-swift-stdlib --show-bin-path)
bin=$bindir/phiscrub
lib=$bindir/libPHIScrubC.so
[ -x "$bin" ] || { echo "release.sh: no binary at $bin (run without SKIP_BUILD)" >&2; exit 2; }
[ -f "$lib" ] || { echo "release.sh: no library at $lib (run without SKIP_BUILD)" >&2; exit 2; }

version=$("$bin" --version | sed -n 's/^phiscrub \([^ ]*\) .*/\1/p')
[ -n "$version" ] || { echo "release.sh: cannot read the version from $bin --version" >&2; exit 2; }
arch=$(uname -m)
name=phiscrub-$version
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=$stage/$name
mkdir -p "$prefix/bin" "$prefix/lib" "$prefix/include" "$prefix/share/phiscrub/rules/names" "$prefix/share/man/man1" \
  "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" \
  "$prefix/share/fish/vendor_completions.d" "$prefix/share/doc/phiscrub"

install -m 0755 "$bin" "$prefix/bin/phiscrub"
strip --strip-unneeded "$prefix/bin/phiscrub" 2>/dev/null || true
# The C ABI under its SONAME, the link-time name beside it, and the header.
install -m 0755 "$lib" "$prefix/lib/libphiscrub.so.1"
strip --strip-unneeded "$prefix/lib/libphiscrub.so.1" 2>/dev/null || true
ln -s libphiscrub.so.1 "$prefix/lib/libphiscrub.so"
install -m 0644 Sources/PHIScrubC/include/phiscrub.h "$prefix/include/phiscrub.h"
# Rule packs and the files they name (the name dictionary, relative to names.yaml), with their sources' licences.
install -m 0644 rules/*.yaml rules/packs.snapshot rules/README.md "$prefix/share/phiscrub/rules/"
# Every data file the name pack reads (its dictionary, its list of places larger than a city) and their sources.
install -m 0644 rules/names/*.tsv rules/names/*.txt rules/names/SOURCES.md "$prefix/share/phiscrub/rules/names/"

# The man pages, from the argument parser's description of every command (swift-argument-parser's generate-manual
# tool, built from the checkout SwiftPM already resolved: no network).
tools=$root/.build/argument-parser-tools
parser=$scratch/checkouts/swift-argument-parser
if [ ! -x "$tools/release/generate-manual" ]; then
  swift build -c release -j "$jobs" --package-path "$parser" --scratch-path "$tools" --product generate-manual >&2
fi
"$tools/release/generate-manual" "$prefix/bin/phiscrub" --multi-page --date "$(date -u +%Y-%m-%d)" \
  --output-directory "$prefix/share/man/man1" >&2
gzip -9n "$prefix"/share/man/man1/*.1

"$prefix/bin/phiscrub" --generate-completion-script bash > "$prefix/share/bash-completion/completions/phiscrub"
"$prefix/bin/phiscrub" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_phiscrub"
"$prefix/bin/phiscrub" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/phiscrub.fish"

install -m 0644 LICENSE README.md "$prefix/share/doc/phiscrub/"
cat > "$prefix/share/doc/phiscrub/INSTALL" <<TXT
phiscrub $version ($("$bin" --version | sed -n 's/.*(\(commit [^)]*\)).*/\1/p')), Linux $arch

Needs at run time (Debian 12 package names): libpcre2-8-0 libssl3 libicu72 zlib1g libzstd1
(and libc6, libstdc++6, libgcc-s1, which every Debian system has):
  apt-get install libpcre2-8-0 libssl3 libicu72 zlib1g libzstd1
No Swift toolchain is needed: the Swift runtime and Foundation are linked into bin/phiscrub and into
lib/libphiscrub.so.1, the C ABI (include/phiscrub.h; cc app.c -I PREFIX/include -L PREFIX/lib -lphiscrub).
The library finds the rule packs in ../share/phiscrub/rules from its own directory, whatever program loads it.

Install into a prefix (here /usr/local; any directory works, the binary finds its rules in ../share/phiscrub/rules):
  tar -xzf $name-linux-$arch.tar.gz
  cp -R $name/bin $name/lib $name/include $name/share /usr/local/   (then ldconfig, for libphiscrub.so.1)
  phiscrub --version && phiscrub rules test && man phiscrub

Or run it in place: $name/bin/phiscrub. PHISCRUB_RULES_DIR overrides where the rule packs are read from.
TXT

mkdir -p "$out"
tarball=$out/$name-linux-$arch.tar.gz
# Reproducible order and owners.
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$stage" -czf "$tarball" "$name"
echo "$tarball"
