#!/usr/bin/env bash
# Installer acceptance (issue 7), run by ./mandate test after the Maven tests: builds the distributable,
# installs it into temporary roots with DESTDIR, starts the installed broker with the unit's own
# ExecStart line and environment, and checks what each step promised. Prints "N passed, N failed".
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
T="$(mktemp -d /tmp/mandate-install-test.XXXXXX)"
PASS=0; FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else ko "$what"; fi; }
# A step the rest depends on: when it fails, every later check would only report its absence, so stop here.
need() { local what="$1"; shift; if "$@" >"$T/step.log" 2>&1; then ok "$what"; else ko "$what"; cat "$T/step.log"; abort "$what failed"; fi; }
abort() { echo "installer: stopped: $*"; echo "installer: $PASS passed, $FAIL failed (and the rest not run)"; exit 1; }
BROKER=""
cleanup() { [ -n "$BROKER" ] && kill "$BROKER" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

TARBALL="$("$HERE/build-dist.sh")" || abort "building the distributable failed (see above)"
[ -f "$TARBALL" ] || abort "build-dist.sh printed '$TARBALL', which is not a file"
tar -C "$T" -xzf "$TARBALL" || abort "cannot unpack $TARBALL"
DIST="$(ls -d "$T"/mandate-*/ | head -n 1)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18443)
R="$T/root"

start_broker() {   # runs the unit's ExecStart with its Environment lines, waits for /v1/health over TLS
  local unit="$R/etc/systemd/system/mandate.service"
  ( while IFS= read -r line; do export "${line#Environment=}"; done < <(grep '^Environment=' "$unit")
    exec $(sed -n 's/^ExecStart=//p' "$unit") ) > "$T/broker.log" 2>&1 &
  BROKER=$!
  for _ in $(seq 1 120); do
    curl -fs --cacert "$R/etc/mandate/tls/cert.pem" "https://127.0.0.1:$PORT/v1/health" >/dev/null && return 0
    sleep 0.5
  done
  cat "$T/broker.log"; return 1
}
stop_broker() { kill "$BROKER" 2>/dev/null; wait "$BROKER" 2>/dev/null; BROKER=""; }
B="https://127.0.0.1:$PORT"
api() { curl -s --cacert "$R/etc/mandate/tls/cert.pem" "$@"; }
field() { sed -E "s/.*\"$1\":\"?([^\",}]*).*/\1/"; }

# 1. install into a temporary root, start the installed broker
need "install.sh into DESTDIR succeeds" bash -c 'DESTDIR="$1" "$2" --port "$3" > "$4" 2>&1 || { cat "$4"; false; }' _ "$R" "$DIST/install.sh" "$PORT" "$T/install1.log"
check "admin secret file is mode 0600" test "$(stat -c %a "$R/var/lib/mandate/admin-secret")" = 600
check "TLS key is mode 0600" test "$(stat -c %a "$R/etc/mandate/tls/key.pem")" = 600
check "install prints the certificate's SHA-256 fingerprint (the console asks to compare it)" \
  grep -q "^TLS certificate SHA-256 $(openssl x509 -noout -fingerprint -sha256 -in "$R/etc/mandate/tls/cert.pem" | sed 's/.*=//')$" "$T/install1.log"
need "the installed broker starts from the unit's ExecStart" start_broker
check "health is ok over TLS" bash -c "curl -fs --cacert '$R/etc/mandate/tls/cert.pem' '$B/v1/health' | grep -q '\"status\":\"ok\"'"
check "plain HTTP is refused (TLS on)" bash -c "! curl -fs 'http://127.0.0.1:$PORT/v1/health'"
check "HSTS is sent" bash -c "curl -sI --cacert '$R/etc/mandate/tls/cert.pem' '$B/v1/health' | grep -qi '^strict-transport-security'"
PIN="$(cat "$R/var/lib/mandate/hsm/user-pin")"
OBJECTS="$(SOFTHSM2_CONF="$R/var/lib/mandate/hsm/softhsm2.conf" P="$PIN" pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --login --pin env:P --list-objects 2>/dev/null)"
check "the first key is in the HSM token (pkcs11-tool)" grep -q "label:      mandate-initial" <<<"$OBJECTS"
check "it is sensitive and never extractable (pkcs11-tool)" grep -q "Access:     sensitive, always sensitive, never extractable" <<<"$OBJECTS"
ADMIN=$(api -X POST "$B/v1/admin/auth" -H 'Content-Type: application/json' -d "{\"secret\":\"$(cat "$R/var/lib/mandate/admin-secret")\"}" | field access_token)
check "the admin secret from the 0600 file authenticates" test "${#ADMIN}" -gt 100
INITIAL_KID=$(grep '^mandate-initial ' "$T/install1.log" | awk '{print $3}')
ADMIN_KID=$(printf %s "${ADMIN%%.*}" | tr '_-' '/+' | base64 -d 2>/dev/null | sed -E 's/.*"kid":"([^"]*)".*/\1/')
check "the broker signs with the key ceremony's key" test -n "$INITIAL_KID" -a "$ADMIN_KID" = "$INITIAL_KID"
LAUNCH=$(api -X POST "$B/v1/admin/launch-tokens" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"agent_name":"it","allowed_scope":["read:data:*"]}' | field launch_token)
openssl genpkey -algorithm ed25519 -out "$T/agent.pem" 2>/dev/null
PUB=$(openssl pkey -in "$T/agent.pem" -pubout -outform DER | tail -c 32 | base64)
NONCE=$(api "$B/v1/challenge" | field nonce)
printf %s "$NONCE" | perl -pe 's/([0-9a-f]{2})/chr hex $1/ge' > "$T/nonce.bin"
SIG=$(openssl pkeyutl -sign -inkey "$T/agent.pem" -rawin -in "$T/nonce.bin" | base64 -w0)
TOKEN=$(api -X POST "$B/v1/register" -H 'Content-Type: application/json' -d "{\"launch_token\":\"$LAUNCH\",\"nonce\":\"$NONCE\",\"public_key\":\"$PUB\",\"signature\":\"$SIG\",\"orch_id\":\"it\",\"task_id\":\"install\",\"requested_scope\":[\"read:data:x\"]}" | field access_token)
check "register → validate works on the installed broker" bash -c "curl -s --cacert '$R/etc/mandate/tls/cert.pem' -X POST '$B/v1/token/validate' -H 'Content-Type: application/json' -d '{\"token\":\"$TOKEN\"}' | grep -q '\"valid\":true'"

# 2. the unit
UNIT="$R/etc/systemd/system/mandate.service"
for d in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' 'CapabilityBoundingSet=$' \
         'Restart=on-failure' 'RestartPreventExitStatus=2' 'User=mandate' "ReadWritePaths=$R/var/lib/mandate"; do
  check "unit has $d" grep -q "^$d" "$UNIT"
done
check "unit has no MemoryDenyWriteExecute (it breaks the JIT)" bash -c "! grep -q MemoryDenyWriteExecute '$UNIT'"
cp "$UNIT" "$T/mandate.service"
sed -i 's/^User=mandate/User=root/; s/^Group=mandate/Group=root/' "$T/mandate.service"   # no mandate user in a DESTDIR root
check "systemd-analyze verify passes" systemd-analyze verify "$T/mandate.service"

# 3. upgrade: data made with build A survives installing build B over it
APP=$(api -X POST "$B/v1/admin/apps" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d '{"name":"kept-app","scopes":["read:data:*"]}' | field app_id)
JTI=$(api -X POST "$B/v1/token/validate" -H 'Content-Type: application/json' -d "{\"token\":\"$TOKEN\"}" | field jti)
api -X POST "$B/v1/revoke" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -d "{\"level\":\"token\",\"target\":\"$JTI\"}" >/dev/null
SECRET_BEFORE="$(cat "$R/var/lib/mandate/admin-secret")"; CONF_BEFORE="$(sha256sum < "$R/etc/mandate/mandate.yaml")"
stop_broker
cp -r "$DIST" "$T/build-b"; echo "0.1.1-test" > "$T/build-b/VERSION"
need "installing build B over A succeeds" bash -c 'DESTDIR="$1" "$2" --port "$3" > "$4" 2>&1 || { cat "$4"; false; }' _ "$R" "$T/build-b/install.sh" "$PORT" "$T/install2.log"
check "build B is installed" grep -q 0.1.1-test "$R/opt/mandate/VERSION"
need "B's broker starts" start_broker
ADMIN=$(api -X POST "$B/v1/admin/auth" -H 'Content-Type: application/json' -d "{\"secret\":\"$SECRET_BEFORE\"}" | field access_token)
check "the admin secret still authenticates" test "${#ADMIN}" -gt 100
check "the app is still there" bash -c "curl -s --cacert '$R/etc/mandate/tls/cert.pem' '$B/v1/admin/apps/$APP' -H 'Authorization: Bearer $ADMIN' | grep -q kept-app"
check "the revoked token stays revoked" bash -c "curl -s --cacert '$R/etc/mandate/tls/cert.pem' -X POST '$B/v1/token/validate' -H 'Content-Type: application/json' -d '{\"token\":\"$TOKEN\"}' | grep -q '\"valid\":false'"
check "the audit chain verifies" bash -c "curl -s --cacert '$R/etc/mandate/tls/cert.pem' '$B/v1/audit/verify' -H 'Authorization: Bearer $ADMIN' | grep -q '\"valid\":true'"
stop_broker

# 5. re-running changes nothing
KEYS_BEFORE="$(SOFTHSM2_CONF="$R/var/lib/mandate/hsm/softhsm2.conf" "$R/opt/mandate/bin/mandate-keys" list --hsm-dir "$R/var/lib/mandate/hsm" | wc -l)"
DESTDIR="$R" "$T/build-b/install.sh" --port "$PORT" > "$T/install3.log" 2>&1
check "re-running install.sh succeeds" test $? -eq 0
check "no second admin secret" test "$(cat "$R/var/lib/mandate/admin-secret")" = "$SECRET_BEFORE"
check "no admin secret printed again" bash -c "! grep -q 'admin secret' '$T/install3.log'"
check "no second key" test "$(SOFTHSM2_CONF="$R/var/lib/mandate/hsm/softhsm2.conf" "$R/opt/mandate/bin/mandate-keys" list --hsm-dir "$R/var/lib/mandate/hsm" | wc -l)" = "$KEYS_BEFORE"
check "config untouched" test "$(sha256sum < "$R/etc/mandate/mandate.yaml")" = "$CONF_BEFORE"

# 4. uninstall keeps data unless --purge
DESTDIR="$R" "$DIST/uninstall.sh" > /dev/null
check "uninstall removes the programs" test ! -e "$R/opt/mandate"
check "uninstall removes the unit" test ! -e "$UNIT"
check "uninstall keeps the data and the token" test -e "$R/var/lib/mandate/admin-secret" -a -d "$R/var/lib/mandate/hsm/tokens"
check "uninstall keeps the config" test -e "$R/etc/mandate/mandate.yaml"
DESTDIR="$R" "$DIST/uninstall.sh" --purge > /dev/null
check "--purge removes data, token and config" test ! -e "$R/var/lib/mandate" -a ! -e "$R/etc/mandate"

# 6. bad input: a clear message, a non-zero exit, nothing left behind
DESTDIR="$T/bad1" "$DIST/install.sh" --colour red > "$T/bad1.log" 2>&1; s=$?
check "unknown option: exit 2" test $s -eq 2
check "unknown option: says so" grep -q "unknown option '--colour'" "$T/bad1.log"
check "unknown option: nothing installed" test ! -e "$T/bad1"
DESTDIR="$T/bad2" "$DIST/install.sh" --pkcs11-library /nonexistent/libpkcs11.so --pin-file /etc/hostname > "$T/bad2.log" 2>&1; s=$?
check "missing PKCS#11 library: non-zero" test $s -ne 0
check "missing PKCS#11 library: says so" grep -q "PKCS#11 library not found" "$T/bad2.log"
check "missing PKCS#11 library: nothing installed" test ! -e "$T/bad2"
mkdir -p "$T/hsm-other"
"$DIST/bin/mandate-keys" init --hsm-dir "$T/hsm-other" > /dev/null 2>&1
(umask 077; echo wrong-pin-000 > "$T/wrong-pin")
SOFTHSM2_CONF="$T/hsm-other/softhsm2.conf" DESTDIR="$T/bad3" "$DIST/install.sh" --pkcs11-library /usr/lib/softhsm/libsofthsm2.so \
  --slot-index 0 --pin-file "$T/wrong-pin" > "$T/bad3.log" 2>&1; s=$?
check "wrong PIN: non-zero" test $s -ne 0
check "wrong PIN: says so" grep -q "CKR_PIN_INCORRECT" "$T/bad3.log"
check "wrong PIN: the PIN is not printed" bash -c "! grep -q wrong-pin-000 '$T/bad3.log'"
check "wrong PIN: nothing half-installed" bash -c "test -z \"\$(find '$T/bad3' -type f 2>/dev/null)\""

# 7. a link planted in the data directory (by a compromised service user) is never followed by root
DESTDIR="$T/sym" "$DIST/install.sh" --port "$PORT" > "$T/sym1.log" 2>&1
rm -f "$T/sym/var/lib/mandate/admin-secret"; ln -s "$T/pwned" "$T/sym/var/lib/mandate/admin-secret"
DESTDIR="$T/sym" "$DIST/install.sh" --port "$PORT" > "$T/sym2.log" 2>&1; s=$?
check "planted link in the data directory: refused" test $s -ne 0
check "planted link: says so" grep -q "symbolic link inside the data directory" "$T/sym2.log"
check "planted link: nothing written where it points" test ! -e "$T/pwned"
check "planted link: the installation is left as it was" test -x "$T/sym/opt/mandate/bin/mandate-broker"

# 8. several nodes on PostgreSQL: the URL goes into the config, the password into a 0600 file, nothing else
(umask 077; echo pg-secret-8f2a > "$T/db-password")
DESTDIR="$T/pg" "$DIST/install.sh" --port "$PORT" --database-url jdbc:postgresql://db.example:5432/mandate \
  --database-password-file "$T/db-password" > "$T/pg1.log" 2>&1; s=$?
check "--database-url: install succeeds" test $s -eq 0
check "--database-url: the config names the database" grep -q "^  url: jdbc:postgresql://db.example:5432/mandate$" "$T/pg/etc/mandate/mandate.yaml"
check "--database-url: the config names the password file, not the password" bash -c \
  "grep -q '^  password-file: $T/pg/etc/mandate/database-password$' '$T/pg/etc/mandate/mandate.yaml' && ! grep -q pg-secret-8f2a '$T/pg/etc/mandate/mandate.yaml'"
check "--database-url: the password file is mode 0600 and holds the password" bash -c \
  "test \"\$(stat -c %a '$T/pg/etc/mandate/database-password')\" = 600 && test \"\$(cat '$T/pg/etc/mandate/database-password')\" = pg-secret-8f2a"
check "--database-url: the password is not printed" bash -c "! grep -q pg-secret-8f2a '$T/pg1.log'"
check "--database-url: the unit is the same as without it" bash -c \
  "diff <(sed 's#$T/pg##g' '$T/pg/etc/systemd/system/mandate.service') <(sed 's#$T/sym##g' '$T/sym/etc/systemd/system/mandate.service')"
CONF_PG="$(sha256sum < "$T/pg/etc/mandate/mandate.yaml")"
DESTDIR="$T/pg" "$DIST/install.sh" --port "$PORT" --database-url jdbc:postgresql://db.example:5432/mandate \
  --database-password-file "$T/db-password" > /dev/null 2>&1
check "--database-url: re-running changes nothing in the config" test "$(sha256sum < "$T/pg/etc/mandate/mandate.yaml")" = "$CONF_PG"
DESTDIR="$T/pg" "$DIST/install.sh" --port "$PORT" --database-url jdbc:postgresql://other:5432/mandate \
  --database-password-file "$T/db-password" > "$T/pg3.log" 2>&1; s=$?
check "--database-url: another database is refused, naming the configured one" bash -c \
  "test $s -ne 0 && grep -q 'already names the database jdbc:postgresql://db.example:5432/mandate' '$T/pg3.log'"
DESTDIR="$T/pg-bad" "$DIST/install.sh" --database-url jdbc:mysql://db/mandate --database-password-file "$T/db-password" > "$T/pg4.log" 2>&1; s=$?
check "--database-url: a URL of another database is refused (exit 2), nothing installed" bash -c \
  "test $s -eq 2 && grep -q 'jdbc:postgresql://' '$T/pg4.log' && test ! -e '$T/pg-bad'"

echo
echo "installer: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
