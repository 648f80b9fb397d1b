#!/usr/bin/env bash
# Builds installer/target/mandate-<version>.tar.gz from the built modules: jars, launchers (with a check
# for a JDK >= 25), config and unit templates, install.sh and uninstall.sh. Run through ./mandate dist.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VERSION="${MANDATE_VERSION:-$(sed -n "/<artifactId>mandate-parent<\/artifactId>/{n;s#.*<version>\(.*\)</version>.*#\1#p}" "$ROOT/pom.xml")}"
OUT="$HERE/target/mandate-$VERSION"
rm -rf "$OUT" && mkdir -p "$OUT/lib"
cp -r "$HERE/src/dist/." "$OUT/"
"$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" -pl appliance-server,console-fx dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$OUT/lib"
cp "$ROOT"/appliance-server/target/appliance-server-*.jar "$ROOT"/console-fx/target/console-fx-*.jar "$OUT/lib/"
rm -f "$OUT"/lib/*-tests.jar
cp "$ROOT/README.md" "$OUT/"
echo "$VERSION" > "$OUT/VERSION"
tar -C "$HERE/target" -czf "$HERE/target/mandate-$VERSION.tar.gz" "mandate-$VERSION"
echo "$HERE/target/mandate-$VERSION.tar.gz"
