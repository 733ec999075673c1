#!/usr/bin/env bash
# What only a cluster can show, checked with kubectl once Argo CD has synced logging and
# monitoring (Minikube by hand, or the kind e2e workflow). Polls each hop until it holds:
#   1. Elasticsearch green/yellow and the setup Job finished (template, users, data view);
#   2. Fluent Bit shipped records (its own metrics) and Fleetman lines are searchable by field;
#   3. Prometheus has the Fleetman and Fluent Bit targets up and our rules loaded;
#   4. Grafana lists the three Fleetman dashboards and both data sources.
# Usage: bash tests/observability/cluster-check.sh [timeout-seconds]
set -euo pipefail
TIMEOUT=${1:-900}
deadline=$((SECONDS + TIMEOUT))

step() { printf '%-60s' "$1"; }
until_ok() { # until_ok DESCRIPTION COMMAND... : retry until the command succeeds or time runs out
  local what=$1; shift
  step "$what"
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then echo "FAILED"; "$@" || true; exit 1; fi
    sleep 10
  done
  echo ok
}

es() { # es PATH : GET on Elasticsearch, from inside its pod, as elastic (operator check only)
  local pw
  pw=$(kubectl -n logging get secret fleetman-es-elastic-user -o jsonpath='{.data.elastic}' | base64 -d)
  kubectl -n logging exec fleetman-es-default-0 -c elasticsearch -- \
    curl -sfk -u "elastic:$pw" "https://localhost:9200$1" # -k: localhost inside the pod
}
kibana() { # kibana PATH : GET on Kibana, from inside its pod
  local pw
  pw=$(kubectl -n logging get secret fleetman-es-elastic-user -o jsonpath='{.data.elastic}' | base64 -d)
  kubectl -n logging exec deploy/fleetman-kb -c kibana -- curl -sfk -u "elastic:$pw" "https://localhost:5601$1"
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }
prom() { kubectl get --raw "/api/v1/namespaces/monitoring/services/kube-prometheus-stack-prometheus:http-web/proxy$1"; }
grafana() {
  local user pw
  user=$(kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-user}' | base64 -d)
  pw=$(kubectl -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d)
  kubectl -n monitoring exec deploy/kube-prometheus-stack-grafana -c grafana -- \
    wget -qO- --header "Authorization: Basic $(printf '%s:%s' "$user" "$pw" | base64 | tr -d '\n')" "http://localhost:3000$1"
}

es_healthy() { es '/_cluster/health' | json 'd["status"] in ("green", "yellow")'; }
setup_done() { kubectl -n logging logs job/logging-setup | grep -q 'setup done'; }
template_installed() { es '/_index_template/fleetman-logs' | json 'd["index_templates"][0]["index_template"]["template"]["settings"]["index"]["lifecycle"]["name"] == "fleetman-logs"'; }
data_view_exists() { kibana '/api/data_views/data_view/fleetman-logs' | json 'd["data_view"]["title"] == "fleetman-logs-*"'; }
fluent_bit_ships() {
  local pod
  pod=$(kubectl -n logging get pod -l app.kubernetes.io/name=fluent-bit -o jsonpath='{.items[0].metadata.name}')
  kubectl get --raw "/api/v1/namespaces/logging/pods/$pod:2020/proxy/api/v2/metrics/prometheus" |
    awk '/^fluentbit_output_proc_records_total/ && $NF > 0 { found = 1 } END { exit !found }'
}
fleet_logs_searchable() { es '/fleetman-logs-*/_count?q=service:position-tracker%20AND%20level:info' | json 'd["count"] > 0'; }
targets_up() {
  prom '/api/v1/targets?state=active' | json 'all(any(t["labels"].get("job") == j and t["health"] == "up" for t in d["data"]["activeTargets"]) for j in ("position-simulator", "position-tracker", "api-gateway", "fluent-bit"))'
}
rules_loaded() { prom '/api/v1/rules' | json 'len([r for g in d["data"]["groups"] for r in g["rules"] if g["name"].startswith("fleetman.")]) >= 9'; }
dashboards_listed() { grafana '/api/search?tag=fleetman' | json 'sorted(x["uid"] for x in d) == ["fleetman-logs", "fleetman-overview", "fleetman-red"]'; }
datasources_listed() { grafana '/api/datasources' | json '{"prometheus", "elasticsearch-logs"} <= {x["uid"] for x in d}'; }

until_ok "Elasticsearch cluster healthy" es_healthy
until_ok "setup Job finished (ILM, template, users, data view)" setup_done
until_ok "index template with its lifecycle policy installed" template_installed
until_ok "Kibana data view fleetman-logs exists" data_view_exists
until_ok "Fluent Bit output shipped records" fluent_bit_ships
until_ok "position-tracker lines searchable by service and level" fleet_logs_searchable
until_ok "Prometheus targets up (3 services + Fluent Bit)" targets_up
until_ok "Fleetman alert rules loaded" rules_loaded
until_ok "Grafana lists the 3 Fleetman dashboards" dashboards_listed
until_ok "Grafana has the Elasticsearch data source" datasources_listed
