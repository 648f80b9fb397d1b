#!/usr/bin/env bash
# Removes Mandate's programs, systemd unit and desktop entry. Keeps the data (database, HSM token, admin
# secret) and /etc/mandate unless --purge. DESTDIR and --prefix as for install.sh.
set -euo pipefail
PREFIX=/opt/mandate
PURGE=no
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift 2 ;;
    --purge) PURGE=yes; shift ;;
    *) echo "uninstall.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
ROOT="${DESTDIR:-}"
if [ -z "$ROOT" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now mandate.service 2>/dev/null || true
fi
rm -rf "$ROOT$PREFIX" "$ROOT/etc/systemd/system/mandate.service" "$ROOT/usr/share/applications/mandate-console.desktop"
if [ "$PURGE" = yes ]; then
  rm -rf "$ROOT/etc/mandate" "$ROOT/var/lib/mandate"
  [ -n "$ROOT" ] || userdel mandate 2>/dev/null || true
  echo "removed Mandate, its data, keys and configuration"
else
  echo "removed Mandate's programs; kept $ROOT/var/lib/mandate and $ROOT/etc/mandate (--purge removes them)"
fi
