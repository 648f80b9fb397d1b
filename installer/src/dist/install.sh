#!/usr/bin/env bash
# Installs (or upgrades) Mandate on a Debian host. Idempotent: re-running changes nothing that exists,
# and never makes a second admin secret, signing key, certificate or config.
#
#   install.sh [--prefix DIR] [--bind ADDR] [--port N]
#              [--pkcs11-library PATH --slot-index N --pin-file FILE]   (default: SoftHSM2 in the data dir)
#              [--tls-cert FILE --tls-key FILE]                         (default: a new self-signed certificate)
#              [--database-url jdbc:postgresql://HOST:PORT/DB [--database-user USER]
#               --database-password-file FILE]                          (default: H2 in the data dir)
#
# DESTDIR=/some/root installs into a self-contained root for tests: every path, also in the files written,
# is under it; no user is created and systemd is not touched.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; }
fail() { echo "install.sh: $*" >&2; exit 1; }

DIST="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
PREFIX=/opt/mandate
BIND=127.0.0.1
PORT=8443
LIBRARY=""
SLOT=0
PIN_FILE=""
TLS_CERT=""
TLS_KEY=""
DB_URL=""
DB_USER=mandate
DB_PASSWORD_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift 2 ;;
    --bind) BIND="${2:?--bind needs an address}"; shift 2 ;;
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --pkcs11-library) LIBRARY="${2:?--pkcs11-library needs a path}"; shift 2 ;;
    --slot-index) SLOT="${2:?--slot-index needs a number}"; shift 2 ;;
    --pin-file) PIN_FILE="${2:?--pin-file needs a file}"; shift 2 ;;
    --tls-cert) TLS_CERT="${2:?--tls-cert needs a file}"; shift 2 ;;
    --tls-key) TLS_KEY="${2:?--tls-key needs a file}"; shift 2 ;;
    --database-url) DB_URL="${2:?--database-url needs a jdbc:postgresql:// URL}"; shift 2 ;;
    --database-user) DB_USER="${2:?--database-user needs a name}"; shift 2 ;;
    --database-password-file) DB_PASSWORD_FILE="${2:?--database-password-file needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1'" >&2; usage; exit 2 ;;
  esac
done

# ---- check everything before changing anything ----------------------------------------------------
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -le 65535 ] || { echo "install.sh: --port must be 0-65535" >&2; exit 2; }
[[ "$SLOT" =~ ^[0-9]+$ ]] || { echo "install.sh: --slot-index must be a number" >&2; exit 2; }
if [ -n "$TLS_CERT$TLS_KEY" ] && { [ -z "$TLS_CERT" ] || [ -z "$TLS_KEY" ]; }; then
  echo "install.sh: --tls-cert and --tls-key go together" >&2; exit 2
fi
[ -z "$TLS_CERT" ] || [ -r "$TLS_CERT" ] || fail "cannot read --tls-cert $TLS_CERT"
[ -z "$TLS_KEY" ] || [ -r "$TLS_KEY" ] || fail "cannot read --tls-key $TLS_KEY"
if [ -n "$DB_URL" ]; then
  [[ "$DB_URL" == jdbc:postgresql://* ]] || { echo "install.sh: --database-url must be a jdbc:postgresql:// URL" >&2; exit 2; }
  [[ "$DB_URL" != *password=* ]] || { echo "install.sh: --database-url must not hold the password: use --database-password-file" >&2; exit 2; }
  [[ "$DB_URL$DB_USER" != *[\#\&\|]* ]] || { echo "install.sh: --database-url and --database-user may not contain # & |" >&2; exit 2; }
  [ -n "$DB_PASSWORD_FILE" ] || { echo "install.sh: --database-url needs --database-password-file" >&2; exit 2; }
  [ -r "$DB_PASSWORD_FILE" ] || fail "cannot read --database-password-file $DB_PASSWORD_FILE"
else
  [ -z "$DB_PASSWORD_FILE" ] || { echo "install.sh: --database-password-file goes with --database-url" >&2; exit 2; }
fi
if [ -n "$LIBRARY" ]; then
  [ -r "$LIBRARY" ] || fail "PKCS#11 library not found: $LIBRARY"
  [ -n "$PIN_FILE" ] || fail "--pkcs11-library needs --pin-file"
  [ -r "$PIN_FILE" ] || fail "cannot read --pin-file $PIN_FILE"
else
  [ -z "$PIN_FILE" ] || fail "--pin-file goes with --pkcs11-library"
  [ -r /usr/lib/softhsm/libsofthsm2.so ] || fail "SoftHSM2 is not installed (apt-get install softhsm2 opensc), or give --pkcs11-library"
fi
. "$DIST/bin/java-env"
if [ -z "${DESTDIR:-}" ] && [ "$(id -u)" -ne 0 ]; then
  fail "run as root (or set DESTDIR for a test root)"
fi

ROOT="${DESTDIR:-}"
HOME_DIR="$ROOT$PREFIX"
ETC="$ROOT/etc/mandate"
DATA="$ROOT/var/lib/mandate"
UNIT="$ROOT/etc/systemd/system/mandate.service"
DESKTOP="$ROOT/usr/share/applications/mandate-console.desktop"

# ---- the data directory belongs to the service user: as root, never follow a link planted in it ----
# (an upgrade would otherwise write the admin secret, or a token file, wherever such a link points)
[ -L "$DATA" ] && fail "$DATA is a symbolic link; refusing to work in it as root"
if [ -d "$DATA" ]; then
  LINK="$(find "$DATA" -type l -print -quit)"
  [ -z "$LINK" ] || fail "$LINK is a symbolic link inside the data directory; refusing to work in it as root (remove it, and find out how it got there)"
fi

# ---- on any failure, remove what this run created ---------------------------------------------------
CREATED=()
created() { CREATED+=("$1"); }
rollback() {
  local status=$?
  if [ $status -ne 0 ]; then
    echo "install.sh: failed; removing what this run created" >&2
    for (( i=${#CREATED[@]}-1; i>=0; i-- )); do rm -rf "${CREATED[$i]}"; done
  fi
  exit $status
}
trap rollback EXIT
mkdir_new() { [ -d "$1" ] || { mkdir -p "$1"; created "$1"; }; chmod "${2:-755}" "$1"; }

# ---- the service user ----
if [ -z "$ROOT" ] && ! id mandate >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/mandate --no-create-home --shell /usr/sbin/nologin mandate
fi

# ---- programs (replaced on upgrade) ----
for dir in "$ROOT/etc" "$ROOT/var/lib" "$(dirname "$HOME_DIR")"; do [ -d "$dir" ] || { mkdir -p "$dir"; created "$dir"; }; done
NEW="$HOME_DIR.new.$$"
mkdir -p "$NEW"; created "$NEW"
cp -r "$DIST/lib" "$DIST/bin" "$NEW/"
cp "$DIST/VERSION" "$DIST/README.md" "$DIST/install.sh" "$DIST/uninstall.sh" "$NEW/" 2>/dev/null || true
[ -d "$HOME_DIR" ] || created "$HOME_DIR"
rm -rf "$HOME_DIR.old"; [ -d "$HOME_DIR" ] && mv "$HOME_DIR" "$HOME_DIR.old"
mv "$NEW" "$HOME_DIR"; rm -rf "$HOME_DIR.old"
BIN="$HOME_DIR/bin"

# ---- configuration (never overwritten) ----
mkdir_new "$ETC" 755
mkdir_new "$DATA" 700
# Files are made in a directory only root can write, then renamed into place: rename(2) never follows a link.
STAGE="$(mktemp -d "$ROOT/var/lib/.mandate-install.XXXXXX")"; created "$STAGE"
if [ -n "$LIBRARY" ]; then
  HSM_LIBRARY="$LIBRARY"; HSM_PIN="$PIN_FILE"
else
  HSM_LIBRARY=/usr/lib/softhsm/libsofthsm2.so; HSM_PIN="$DATA/hsm/user-pin"
fi
if [ ! -e "$ETC/mandate.yaml" ]; then
  sed -e "s#@DATA@#$DATA#g" -e "s#@ETC@#$ETC#g" -e "s#@BIND@#$BIND#g" -e "s#@PORT@#$PORT#g" \
      -e "s#@LIBRARY@#$HSM_LIBRARY#g" -e "s#@SLOT@#$SLOT#g" -e "s#@PINFILE@#$HSM_PIN#g" \
      "$DIST/etc/mandate.yaml.template" > "$ETC/mandate.yaml"
  created "$ETC/mandate.yaml"
  echo "wrote $ETC/mandate.yaml"
fi

# ---- PostgreSQL (several nodes on one database): the URL in the config, the password in a 0600 file ----
if [ -n "$DB_URL" ]; then
  CONFIGURED="$(sed -n 's/^  url: *//p' "$ETC/mandate.yaml" | head -n 1)"
  if [ -z "$CONFIGURED" ]; then
    printf 'storage:\n  url: %s\n  user: %s\n  password-file: %s\n' "$DB_URL" "$DB_USER" "$ETC/database-password" >> "$ETC/mandate.yaml"
    echo "added the PostgreSQL database to $ETC/mandate.yaml"
  elif [ "$CONFIGURED" != "$DB_URL" ]; then
    fail "$ETC/mandate.yaml already names the database $CONFIGURED; edit it by hand to move to another"
  fi
  (umask 077; head -n 1 "$DB_PASSWORD_FILE" > "$STAGE/database-password")
  mv -T "$STAGE/database-password" "$ETC/database-password"
  chmod 600 "$ETC/database-password"
fi

# ---- HSM token and the first signing key (key ceremony) ----
if [ -z "$LIBRARY" ]; then
  [ -d "$DATA/hsm" ] || created "$DATA/hsm"
  "$BIN/mandate-keys" init --hsm-dir "$DATA/hsm"
  export SOFTHSM2_CONF="$DATA/hsm/softhsm2.conf"
  HSM_ARGS=(--hsm-dir "$DATA/hsm")
else
  HSM_ARGS=(--library "$LIBRARY" --slot-index "$SLOT" --pin-file "$PIN_FILE")
fi
KEYS="$("$BIN/mandate-keys" list "${HSM_ARGS[@]}")" || fail "cannot use the HSM (see above)"
if ! grep -q '^mandate-initial ' <<<"$KEYS"; then
  "$BIN/mandate-keys" generate "${HSM_ARGS[@]}" --label mandate-initial
fi

# ---- admin secret: shown once, kept only in a 0600 file (the broker stores its bcrypt hash) ----
if [ ! -e "$DATA/admin-secret" ] && [ ! -L "$DATA/admin-secret" ]; then
  SECRET="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  (umask 077; printf '%s\n' "$SECRET" > "$STAGE/admin-secret")
  mv -T "$STAGE/admin-secret" "$DATA/admin-secret"
  created "$DATA/admin-secret"
  echo "admin secret (shown once; also in $DATA/admin-secret, mode 0600): $SECRET"
fi

# ---- TLS ----
mkdir_new "$ETC/tls" 755
if [ -n "$TLS_CERT" ]; then
  install -m 0644 "$TLS_CERT" "$ETC/tls/cert.pem"
  install -m 0600 "$TLS_KEY" "$ETC/tls/key.pem"
elif [ ! -e "$ETC/tls/cert.pem" ]; then
  "$BIN/mandate-tls" "$ETC/tls/cert.pem" "$ETC/tls/key.pem" localhost 127.0.0.1 "$(hostname -f 2>/dev/null || hostname)"
  created "$ETC/tls/cert.pem"; created "$ETC/tls/key.pem"
  echo "made a self-signed TLS certificate: $ETC/tls/cert.pem"
fi
if command -v openssl >/dev/null 2>&1; then
  # The console shows this fingerprint on its first connection and asks the operator to compare it.
  echo "TLS certificate $(openssl x509 -noout -fingerprint -sha256 -in "$ETC/tls/cert.pem" | sed 's/^sha256 Fingerprint=/SHA-256 /I')"
fi

# ---- systemd unit and desktop entry ----
mkdir -p "$(dirname "$UNIT")" "$(dirname "$DESKTOP")"
sed -e "s#@PREFIX@#$HOME_DIR#g" -e "s#@ETC@#$ETC#g" -e "s#@DATA@#$DATA#g" "$DIST/systemd/mandate.service.template" > "$UNIT"
sed -e "s#@PREFIX@#$HOME_DIR#g" "$DIST/share/mandate-console.desktop.template" > "$DESKTOP"

if [ -z "$ROOT" ]; then
  chown -R mandate:mandate "$DATA" "$ETC/tls/key.pem"
  [ ! -e "$ETC/database-password" ] || chown mandate:mandate "$ETC/database-password"
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable mandate.service
    echo "enabled mandate.service: systemctl start mandate"
  fi
fi
rm -rf "$STAGE"
trap - EXIT
echo "installed Mandate $(cat "$HOME_DIR/VERSION" 2>/dev/null || echo) in $HOME_DIR"
