#!/bin/sh
# Idempotent Elasticsearch/Kibana setup, run by Argo CD after every sync: lifecycle policy,
# index template, least-privilege roles and users for Fluent Bit and Grafana, Kibana data
# view. Every call is a PUT (or a POST with override), so running it twice changes nothing.
set -eu

: "${ELASTIC_PASSWORD:?}" "${FLUENT_BIT_PASSWORD:?}" "${GRAFANA_READER_PASSWORD:?}" "${LOG_RETENTION_DAYS:?}"
ES=${ES_URL:-https://fleetman-es-http.logging.svc:9200}
KB=${KIBANA_URL:-https://fleetman-kb-http.logging.svc:5601}
ES_CA=${ES_CA:-/es-ca/ca.crt}
KB_CA=${KB_CA:-/kb-ca/ca.crt}
FILES=${SETUP_FILES:-/setup}
RETRIES=${RETRIES:-30}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

call() { # call METHOD URL CA [BODY_FILE]
  curl --silent --show-error --fail-with-body --retry "$RETRIES" --retry-delay 10 --retry-all-errors \
    --cacert "$3" -u "elastic:${ELASTIC_PASSWORD}" -H 'Content-Type: application/json' -H 'kbn-xsrf: fleetman' \
    -X "$1" "$2" ${4:+--data-binary "@$4"}
  echo
}

echo "waiting for Elasticsearch"
call GET "$ES/_cluster/health?wait_for_status=yellow&timeout=60s" "$ES_CA"

sed "s/\${LOG_RETENTION_DAYS}/${LOG_RETENTION_DAYS}/" "$FILES/ilm-policy.json" > "$WORK/ilm-policy.json"
call PUT "$ES/_ilm/policy/fleetman-logs" "$ES_CA" "$WORK/ilm-policy.json"
call PUT "$ES/_index_template/fleetman-logs" "$ES_CA" "$FILES/index-template.json"
for role in fleetman-logs-writer fleetman-logs-reader; do
  call PUT "$ES/_security/role/$role" "$ES_CA" "$FILES/role-$role.json"
done

user() { # user NAME PASSWORD ROLE (passwords are hex, see docs/observability.md)
  printf '{"password":"%s","roles":["%s"]}' "$2" "$3" > "$WORK/user.json"
  call PUT "$ES/_security/user/$1" "$ES_CA" "$WORK/user.json"
  rm -f "$WORK/user.json"
}
user fluent-bit "$FLUENT_BIT_PASSWORD" fleetman-logs-writer
user grafana-reader "$GRAFANA_READER_PASSWORD" fleetman-logs-reader

echo "waiting for Kibana"
call GET "$KB/api/status" "$KB_CA" > /dev/null
call POST "$KB/api/data_views/data_view" "$KB_CA" "$FILES/data-view.json"
echo "setup done"
