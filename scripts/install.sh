#!/bin/sh
# Installs the ha-audit release binary for this machine:
#
#   curl -fsSL https://github.com/your-org/ha-audit/releases/latest/download/install.sh | sh
#
# It picks the archive for the OS and CPU, downloads it and its published SHA-256 from the
# GitHub release, refuses it unless the checksum matches, and only then puts the binary in the
# install directory. Nothing is installed when any step fails.
#
# Options (or the environment variables beside them):
#   --version vX.Y.Z   HA_AUDIT_VERSION      release to install (default: the latest)
#   --dir DIR          HA_AUDIT_INSTALL_DIR  where to put ha-audit (default: ~/.local/bin)
#   --repo OWNER/NAME  HA_AUDIT_REPO         GitHub repository to download from
#   --github URL       HA_AUDIT_GITHUB_URL   GitHub server (default https://github.com; for
#                                            GitHub Enterprise Server)
#   --base-url URL     HA_AUDIT_BASE_URL     download URL/<archive> instead of the release
#                                            (a mirror); --version, --repo, --github unused
#   --target TRIPLE    HA_AUDIT_TARGET       archive to fetch, instead of this machine's
set -eu

repo="${HA_AUDIT_REPO:-your-org/ha-audit}"
github="${HA_AUDIT_GITHUB_URL:-https://github.com}"
version="${HA_AUDIT_VERSION:-latest}"
install_dir="${HA_AUDIT_INSTALL_DIR:-${HOME:-}/.local/bin}"
base_url="${HA_AUDIT_BASE_URL:-}"
target="${HA_AUDIT_TARGET:-}"

say() { printf 'install.sh: %s\n' "$*" >&2; }
fail() {
  say "error: $*"
  exit 1
}

usage() {
  cat <<'EOF'
usage: install.sh [--version vX.Y.Z] [--dir DIR] [--repo OWNER/NAME] [--github URL]
                  [--base-url URL] [--target TRIPLE]
Downloads the ha-audit release archive for this machine, verifies its SHA-256 and installs
the binary (default: the latest release into ~/.local/bin).
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || fail "--version needs a value"; version="$2"; shift 2 ;;
    --dir) [ $# -ge 2 ] || fail "--dir needs a value"; install_dir="$2"; shift 2 ;;
    --repo) [ $# -ge 2 ] || fail "--repo needs a value"; repo="$2"; shift 2 ;;
    --github) [ $# -ge 2 ] || fail "--github needs a value"; github="$2"; shift 2 ;;
    --base-url) [ $# -ge 2 ] || fail "--base-url needs a value"; base_url="$2"; shift 2 ;;
    --target) [ $# -ge 2 ] || fail "--target needs a value"; target="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done

[ -n "$install_dir" ] || fail "no install directory: set --dir or HOME"

# The release's target triple for this machine. Linux gets the static musl build, which runs
# on any distribution (glibc or not).
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) fail "no release binary for CPU $arch (build from source: cargo install ha-audit)" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin)
      # A shell under Rosetta reports x86_64 on Apple silicon: prefer the native binary.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then
        arch=aarch64
      fi
      echo "$arch-apple-darwin"
      ;;
    MINGW* | MSYS* | CYGWIN*)
      [ "$arch" = x86_64 ] || fail "no Windows release binary for $arch"
      echo "x86_64-pc-windows-msvc"
      ;;
    *) fail "no release binary for $os (build from source: cargo install ha-audit)" ;;
  esac
}

[ -n "$target" ] || target=$(detect_target)
case "$target" in
  *-windows-*) archive="ha-audit-$target.zip"; binary=ha-audit.exe ;;
  *) archive="ha-audit-$target.tar.gz"; binary=ha-audit ;;
esac

if [ -z "$base_url" ]; then
  if [ "$version" = latest ]; then
    base_url="$github/$repo/releases/latest/download"
  else
    case "$version" in v*) ;; *) version="v$version" ;; esac
    base_url="$github/$repo/releases/download/$version"
  fi
fi

download() { # url file
  if command -v curl >/dev/null 2>&1; then
    # Redirects (GitHub sends release downloads to its CDN) may only go to HTTPS.
    curl -fsSL --retry 3 --proto-redir '=https' -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    fail "neither curl nor wget is installed"
  fi
}

sha256_of() { # file
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail "no SHA-256 tool (sha256sum, shasum or openssl) to verify the download"
  fi
}

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t ha-audit)
staged=""
trap 'rm -rf "$tmp"; [ -z "$staged" ] || rm -f "$staged"' EXIT
trap 'exit 130' INT TERM

say "downloading $base_url/$archive"
download "$base_url/$archive" "$tmp/$archive" || fail "cannot download $base_url/$archive"
download "$base_url/$archive.sha256" "$tmp/$archive.sha256" ||
  fail "cannot download the checksum $base_url/$archive.sha256"

# The .sha256 file is `sha256sum` output: "<hex>  <file name>".
expected=$(tr -d '\r' <"$tmp/$archive.sha256" | cut -d ' ' -f 1 | tr 'A-F' 'a-f')
case "$expected" in
  *[!0-9a-f]* | "") fail "$archive.sha256 does not hold a SHA-256" ;;
esac
[ ${#expected} -eq 64 ] || fail "$archive.sha256 does not hold a SHA-256"
actual=$(sha256_of "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"
fi
say "checksum verified: $actual"

mkdir "$tmp/unpacked"
case "$archive" in
  *.zip)
    command -v unzip >/dev/null 2>&1 || fail "unzip is needed to unpack $archive"
    unzip -q "$tmp/$archive" -d "$tmp/unpacked"
    ;;
  *) tar -xzf "$tmp/$archive" -C "$tmp/unpacked" ;;
esac
unpacked="$tmp/unpacked/ha-audit-$target/$binary"
[ -f "$unpacked" ] || fail "$archive does not contain ha-audit-$target/$binary"

# Copied next to its destination and renamed, so that the install directory never holds a
# half-written binary, even when an older ha-audit is running from it.
mkdir -p "$install_dir"
staged="$install_dir/.$binary.tmp.$$"
cp "$unpacked" "$staged"
chmod 755 "$staged"
mv -f "$staged" "$install_dir/$binary"
staged=""
say "installed $install_dir/$binary"

case ":${PATH:-}:" in
  *":$install_dir:"*) ;;
  *) say "$install_dir is not on PATH; add it, e.g.: export PATH=\"$install_dir:\$PATH\"" ;;
esac
