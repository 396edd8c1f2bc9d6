#!/usr/bin/env bash
# fetch-trilinos-source.sh DEST_DIR
#
# Downloads Debian's (or Ubuntu's) `trilinos` source package, whose packages/kokkos holds the
# Kokkos source, into DEST_DIR. The source entries are derived from the machine's own apt
# configuration (same URIs and suites, type deb-src) into a private apt state, so the system's
# lists stay untouched and no root rights are needed.
set -euo pipefail

dest=${1:?usage: fetch-trilinos-source.sh DEST_DIR}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/parts"

# One-line format (sources.list, *.list): every "deb" line again as "deb-src".
for list in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -f "$list" ] || continue
  sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$list" >>"$work/parts/from-lists.list"
done
# deb822 format (*.sources): every stanza again with "Types: deb-src".
for sources in /etc/apt/sources.list.d/*.sources; do
  [ -f "$sources" ] || continue
  sed 's/^Types:.*/Types: deb-src/' "$sources" >"$work/parts/$(basename "$sources")"
done

apt_options=(
  -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/parts"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)"
)
# A third-party source without source packages makes update fail; the Debian/Ubuntu ones suffice.
apt-get "${apt_options[@]}" -qq update || echo "note: some source indexes could not be fetched"
cd "$dest"
apt-get "${apt_options[@]}" -qq source --download-only trilinos
ls "$dest"/trilinos_*.orig.tar.* >/dev/null
