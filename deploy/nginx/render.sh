#!/bin/sh
# Renders the hall's nginx files: replaces each @NAME@ placeholder by its value and writes every *.conf of this
# folder into OUT_DIR. Values not given keep the defaults below. Fails if a placeholder is left.
#
#   deploy/nginx/render.sh OUT_DIR [NAME=VALUE]...
#   deploy/nginx/render.sh /etc/nginx/hall SERVER_NAME=vote.example.gov.cn HALL_OUTPUT=/srv/hall/output
#   PARTNER_ORIGINS="https://news.example.com https://www.example.gov.cn": the partner sites (site.yaml `partners:`)
#   that may frame the embed pages; none by default.
#
# The integration tests (tests/testsuite/deploy.rs) render the very same files with this script.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUT_DIR [NAME=VALUE]..." >&2; exit 2; }
out=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

HALL_CONF=$out
HALL_OUTPUT=/srv/hall/output
SERVER_NAME=hall.example.org
VOTE_SERVICE=127.0.0.1:8787
SHARD_1=127.0.0.1:8787
SHARD_2=127.0.0.1:8788
SHARD_3=127.0.0.1:8789
TLS_CERTIFICATE=/etc/letsencrypt/live/hall.example.org/fullchain.pem
TLS_CERTIFICATE_KEY=/etc/letsencrypt/live/hall.example.org/privkey.pem
PARTNER_ORIGINS=

for pair in "$@"; do
  name=${pair%%=*}
  case $name in
    HALL_CONF | HALL_OUTPUT | SERVER_NAME | VOTE_SERVICE | SHARD_1 | SHARD_2 | SHARD_3 | TLS_CERTIFICATE | TLS_CERTIFICATE_KEY | PARTNER_ORIGINS)
      eval "$name=\${pair#*=}" ;;
    *) echo "$0: unknown placeholder $name" >&2; exit 2 ;;
  esac
done

# Partner origins go into a quoted header value: scheme and host only, separated by spaces.
for origin in $PARTNER_ORIGINS; do
  case $origin in
    http://?* | https://?*) ;;
    *) echo "$0: PARTNER_ORIGINS: '$origin' is not an origin such as https://www.example.com" >&2; exit 2 ;;
  esac
  case ${origin#*://} in
    *[!A-Za-z0-9.:-]*) echo "$0: PARTNER_ORIGINS: '$origin' is not an origin such as https://www.example.com" >&2; exit 2 ;;
  esac
done

# A value goes into sed's replacement text: escape \, & and the | delimiter.
escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }

mkdir -p "$out"
for file in "$here"/*.conf; do
  target="$out/$(basename "$file")"
  sed -e "s|@HALL_CONF@|$(escape "$HALL_CONF")|g" \
      -e "s|@HALL_OUTPUT@|$(escape "$HALL_OUTPUT")|g" \
      -e "s|@SERVER_NAME@|$(escape "$SERVER_NAME")|g" \
      -e "s|@VOTE_SERVICE@|$(escape "$VOTE_SERVICE")|g" \
      -e "s|@SHARD_1@|$(escape "$SHARD_1")|g" \
      -e "s|@SHARD_2@|$(escape "$SHARD_2")|g" \
      -e "s|@SHARD_3@|$(escape "$SHARD_3")|g" \
      -e "s|@TLS_CERTIFICATE@|$(escape "$TLS_CERTIFICATE")|g" \
      -e "s|@TLS_CERTIFICATE_KEY@|$(escape "$TLS_CERTIFICATE_KEY")|g" \
      -e "s|@PARTNER_ORIGINS@|$(escape "$PARTNER_ORIGINS")|g" \
      "$file" > "$target"
  if grep -n '^[^#]*@[A-Z][A-Z0-9_]*@' "$target" >&2; then
    echo "$0: $target: a placeholder is left (above)" >&2
    exit 1
  fi
done
echo "rendered into $out"
