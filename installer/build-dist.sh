#!/usr/bin/env bash
# Builds installer/target/mandate-<version>.tar.gz from the sources: packages the broker, the console and
# hsm-config in one reactor (so our own modules resolve from the build itself, never from the local Maven
# repository), then adds launchers (with a check for a JDK >= 25), config and unit templates, install.sh
# and uninstall.sh. Run through ./mandate dist. Build output goes to stderr; the only line on stdout is the
# tarball's path, printed once everything has succeeded.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
fail() { echo "build-dist.sh: $*" >&2; exit 1; }
trap 's=$?; [ $s -eq 0 ] || echo "build-dist.sh: failed (exit $s) at line $LINENO; no tarball was made" >&2' EXIT

VERSION="${MANDATE_VERSION:-$(sed -n "/<artifactId>mandate-parent<\/artifactId>/{n;s#.*<version>\(.*\)</version>.*#\1#p}" "$ROOT/pom.xml")}"
[ -n "$VERSION" ] || fail "cannot read the version from $ROOT/pom.xml"
OUT="$HERE/target/mandate-$VERSION"
rm -rf "$OUT" "$OUT.tar.gz" && mkdir -p "$OUT/lib"
cp -r "$HERE/src/dist/." "$OUT/"
"$ROOT/mvnw" -q -B -ntp -f "$ROOT/pom.xml" -pl appliance-server,console-fx -am -DskipTests \
  package dependency:copy-dependencies -DincludeScope=runtime -DexcludeGroupIds=dev.mandate -DoutputDirectory="$OUT/lib" >&2 \
  || fail "the Maven build failed (see above)"
for module in hsm-config appliance-server console-fx; do
  jar="$ROOT/$module/target/$module-$VERSION.jar"
  [ -f "$jar" ] || fail "the build made no $jar"
  cp "$jar" "$OUT/lib/"
done
cp "$ROOT/README.md" "$OUT/"
echo "$VERSION" > "$OUT/VERSION"
tar -C "$HERE/target" -czf "$OUT.tar.gz" "mandate-$VERSION"
echo "$OUT.tar.gz"
