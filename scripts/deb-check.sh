#!/usr/bin/env bash
# Builds the .deb, checks what it carries and runs lintian on it (any E: fails), installs
# it (apt as root; unpacked elsewhere otherwise), and starts the installed app under Xvfb
# on a 3,000-nomination review: reports installer size, installed size, time to an
# interactive window and memory.
#
#   scripts/deb-check.sh [OUT]          release build: the figures for the notes
#   scripts/deb-check.sh --debug [OUT]  packages the debug app `scripts/test.sh` already
#                                       built (seconds, not the quarter of an hour a cold
#                                       release build takes here): what CI runs
#
# The package is assembled from copies in <target>/deb-stage/<profile>: both binaries
# stripped (lintian refuses unstripped ones; the debug build itself keeps its line
# tables), the manual pages and shell completions `paneldesk __generate-docs` writes
# from its clap definitions, the app's hand-written page and the Debian changelog from
# assets/deb/. Its Depends come from dpkg-shlibdeps on the stripped binaries. The .deb
# ends up in <target>/<profile>/bundle/deb/ as before.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="${PANELDESK_VENV:-$HOME/.cache/paneldesk/venv}"
profile=release
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  shift
fi
out="${1:-$repo/target/deb-check}"
mkdir -p "$out"
for tool in lintian dpkg-shlibdeps strip; do
  command -v "$tool" >/dev/null || {
    echo "deb-check: $tool is missing (Debian packages lintian, dpkg-dev, binutils;" \
      "scripts/setup-test.sh installs them)" >&2
    exit 1
  }
done

if [ "$profile" = debug ]; then
  # The binaries the e2e test drove, with the UI the app embeds.
  cargo build --locked -p paneldesk -p paneldesk-app
  cargo build --locked -p paneldesk-app --example bare_window
else
  (cd ui && npm run --silent build)
  (cd src-tauri && ../ui/node_modules/.bin/tauri build --no-bundle)
  cargo build --release --locked -p paneldesk --bin paneldesk
  cargo build --release --locked -p paneldesk-app --example bare_window
fi
packaging_started=$(date +%s%N)
# Seconds since a `date +%s%N`, to a tenth.
since() { local t=$(( ($(date +%s%N) - $1) / 100000000 )); echo "$((t / 10)).$((t % 10))"; }

# The staging tree: debian/panel-desk/ is laid out as installed, which is also where
# dpkg-shlibdeps expects binaries; target/<profile>/ is the app as Tauri's bundler
# looks for it (pointed there by CARGO_TARGET_DIR, so it never touches — nor patches —
# the binary in the shared target folder, which a running test may hold open).
stage="$target/deb-stage/$profile"
root="$stage/debian/panel-desk"
app="$stage/target/$profile/paneldesk-app"
rm -rf "$stage"
mkdir -p "$root/usr/bin" "$(dirname "$app")"
strip_to() {
  strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$2" "$1"
  chmod 0755 "$2"
}
strip_to "$target/$profile/paneldesk" "$root/usr/bin/paneldesk"
strip_to "$target/$profile/paneldesk-app" "$app"

"$root/usr/bin/paneldesk" __generate-docs "$stage/generated"
install -d "$root/usr/share/man/man1" "$root/usr/share/doc/panel-desk"
install -m 0644 "$stage"/generated/man1/*.1 assets/deb/paneldesk-app.1 "$root/usr/share/man/man1/"
gzip -9n "$root"/usr/share/man/man1/*.1
completions="$stage/generated/completions"
install -D -m 0644 "$completions/paneldesk.bash" "$root/usr/share/bash-completion/completions/paneldesk"
install -D -m 0644 "$completions/_paneldesk" "$root/usr/share/zsh/vendor-completions/_paneldesk"
install -D -m 0644 "$completions/paneldesk.fish" "$root/usr/share/fish/vendor_completions.d/paneldesk.fish"
# A native package's changelog is changelog.gz (Tauri's own `changelog` option would put
# it under the product name, PanelDesk, not the package's).
gzip -9n <assets/deb/changelog >"$root/usr/share/doc/panel-desk/changelog.gz"

printf 'Source: panel-desk\n\nPackage: panel-desk\nArchitecture: any\n' >"$stage/debian/control"
(cd "$stage" && dpkg-shlibdeps -O "$root/usr/bin/paneldesk" "$app") >"$stage/shlibs" 2>"$stage/shlibdeps.log" || {
  cat "$stage/shlibdeps.log" >&2
  exit 1
}
grep -v "should already be installed in their package's directory" "$stage/shlibdeps.log" >&2 || true

# What tauri.conf.json does not carry: every staged file, and Depends as the configured
# ones (the fonts) plus the libraries' packages. Merged into the configuration.
python3 - "$root" "$stage/shlibs" src-tauri/tauri.conf.json >"$stage/tauri.deb.json" <<'EOF'
import json, os, sys
root, shlibs, conf = sys.argv[1:]
depends = json.load(open(conf))["bundle"]["linux"]["deb"].get("depends", [])
libs = open(shlibs).read().strip().removeprefix("shlibs:Depends=")
depends += [d.strip() for d in libs.split(",") if d.strip()]
files = {}
for folder, _, names in os.walk(root):
    for name in names:
        path = os.path.join(folder, name)
        files["/" + os.path.relpath(path, root)] = path
print(json.dumps({"bundle": {"linux": {"deb": {"depends": depends, "files": files}}}}, indent=1))
EOF

bundle_flags=(--bundles deb --config "$stage/tauri.deb.json")
if [ "$profile" = debug ]; then bundle_flags+=(--debug); fi
(cd src-tauri && CARGO_TARGET_DIR="$stage/target" ../ui/node_modules/.bin/tauri bundle "${bundle_flags[@]}")
rm -rf "$target/$profile/bundle/deb"
mkdir -p "$target/$profile/bundle/deb"
mv "$stage/target/$profile"/bundle/deb/*.deb "$target/$profile/bundle/deb/"
deb="$(ls -t "$target/$profile"/bundle/deb/*.deb | head -n 1)"

echo "deb: $deb"
echo "installer size: $(stat -c %s "$deb") bytes"
echo "installed size: $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "maintainer: $(dpkg-deb -f "$deb" Maintainer)"
echo "depends: $(dpkg-deb -f "$deb" Depends)"
package="$(dpkg-deb -f "$deb" Package)"
version="$(dpkg-deb -f "$deb" Version)"
changelog_version="$(dpkg-parsechangelog -l assets/deb/changelog -S Version)"
[ "$changelog_version" = "$version" ] || {
  echo "assets/deb/changelog's newest entry is $changelog_version, the package $version: add an entry" >&2
  exit 1
}
paths="$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')"
for needed in usr/bin/paneldesk-app usr/bin/paneldesk \
  usr/share/man/man1/paneldesk.1.gz usr/share/man/man1/paneldesk-import.1.gz \
  usr/share/man/man1/paneldesk-app.1.gz \
  usr/share/bash-completion/completions/paneldesk usr/share/zsh/vendor-completions/_paneldesk \
  usr/share/fish/vendor_completions.d/paneldesk.fish \
  "usr/share/doc/$package/copyright" "usr/share/doc/$package/changelog.gz" \
  "usr/share/doc/$package/guide/expert.zh.md" "usr/share/doc/$package/guide/clerk-import.en.md" \
  "usr/share/doc/$package/guide/images/" \
  usr/share/paneldesk/fonts/NotoSansCJKsc-Regular.otf \
  usr/share/paneldesk/fonts/NotoSerifCJKsc-Regular.otf usr/share/paneldesk/fonts/NotoSerifCJKsc-Bold.otf \
  usr/share/paneldesk/fonts/OFL.txt usr/share/applications/; do
  case "$needed" in
    */) grep -q "^$needed" <<<"$paths" ;; # a folder with something in it
    *) grep -qxF "$needed" <<<"$paths" ;;
  esac || { echo "the .deb lacks $needed" >&2; exit 1; }
done

# Errors fail the check; warnings are printed (docs/installers.md lists the ones left).
# binaries/spelling only gives info-level tags (words in the binaries' strings, most from
# dependencies) and takes a quarter of lintian's time on these large binaries: skipped.
lintian_started=$(date +%s%N)
lint="$(lintian --tag-display-limit 0 --fail-on none -X binaries/spelling "$deb" 2>&1)" || {
  echo "$lint" >&2
  echo "lintian did not run to the end" >&2
  exit 1
}
lint="$(grep -v '^running with root privileges' <<<"$lint" || true)"
echo "lintian ($(since "$lintian_started") s):"
sed 's/^/  /' <<<"${lint:-no tags}"
if grep -q '^E: ' <<<"$lint"; then
  echo "lintian reports errors on $deb" >&2
  exit 1
fi
echo "packaging (staging, bundling, checks, lintian): $(since "$packaging_started") s"

if [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --reinstall "$deb" >/dev/null
  app=/usr/bin/paneldesk-app
  cli=/usr/bin/paneldesk
  dpkg -s "$package" >/dev/null
else
  unpacked="$(mktemp -d)"
  dpkg-deb -x "$deb" "$unpacked"
  app="$unpacked/usr/bin/paneldesk-app"
  cli="$unpacked/usr/bin/paneldesk"
  echo "not root: unpacked to $unpacked instead of installing"
fi
cli_version="$("$cli" --version)"
echo "installed command line: $cli_version"
[ "$cli_version" = "paneldesk $version" ] || { echo "$cli --version says '$cli_version'" >&2; exit 1; }

data="$(mktemp -d)"
export PANELDESK_CLERK_PASSPHRASE="deb-check clerk passphrase 1357"
PANELDESK_DATA_DIR="$data" "$cli" demo --nominations 3000 --experts 25 >/dev/null
# An expert's laptop with all 3,000 in one panel: the scoring grid at province scale.
# Packaged from a review of its own, so the clerk's review above is measured as it was.
expert="$(mktemp -d)"
expert_clerk="$(mktemp -d)"
PANELDESK_DATA_DIR="$expert_clerk" "$cli" demo --nominations 3000 --experts 25 >/dev/null
PANELDESK_DATA_DIR="$expert_clerk" "$cli" package --out "$expert/panel.pdpanel" --closes 2099-12-31 >/dev/null
PANELDESK_DATA_DIR="$expert" "$cli" expert open "$expert/panel.pdpanel" >/dev/null
first_expert="$(PANELDESK_DATA_DIR="$expert_clerk" "$cli" roster list --json | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)[0]["name"])')"
PANELDESK_DATA_DIR="$expert" PANELDESK_PASSPHRASE="deb-check expert passphrase 2468" \
  "$cli" expert enrol --name "$first_expert" >/dev/null
# A national batch, to open and scroll; and a bare Tauri window measured in the same run.
large="$(mktemp -d)"
PANELDESK_DATA_DIR="$large" "$cli" demo --nominations 30000 --experts 25 >/dev/null
# Cold start: drop the page cache's copy of the binary where we may.
sync; (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true
xvfb-run -a -s "-screen 0 1280x800x24" \
  "$venv/bin/python" tests/e2e/installed_app.py "$app" "$data" "$out" \
  --large "$large" --expert "$expert" --bare "$target/$profile/examples/bare_window" | tee "$out/figures.json"
