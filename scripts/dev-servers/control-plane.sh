#!/usr/bin/env bash
# A local Kubernetes control plane with a real Argo CD, for the gitops suite (tests/gitops) and
# for anyone who wants to watch Argo CD sync this repository without a VM. Everything is built
# from the Go module proxy into the cache (keyed on versions, reused across runs) and listens on
# 127.0.0.1 only. See docs/gitops.md ("How the gitops suite runs").
#
#   control-plane.sh install              build/install what is missing (idempotent)
#   control-plane.sh bin-dir              print the directory holding the binaries
#   control-plane.sh start CLUSTER        etcd (shared), kube-apiserver, controller-manager,
#                                         scheduler, kwok (fake nodes) for CLUSTER (minikube|eks)
#   control-plane.sh start-argocd CLUSTER redis + Argo CD (repo server, application controller,
#                                         ApplicationSet controller) out of cluster, for CLUSTER
#   control-plane.sh stop [CLUSTER...]    stop the cluster's processes (no name: everything)
#   control-plane.sh status               one line per process
#   control-plane.sh kubeconfig CLUSTER   print the kubeconfig path of CLUSTER
#   control-plane.sh port CLUSTER NAME    print one of its ports (apiserver, redis, repo-server, ...)
#   control-plane.sh wipe                 stop everything and delete the clusters' data
#
# What the pieces are and why:
# - kube-apiserver, kube-controller-manager, kube-scheduler and kubectl at the Kubernetes version
#   the manifests target, from a small wrapper module: k8s.io/kubernetes cannot be `go install`ed
#   (its go.mod replaces the staging modules with local folders), so the wrapper requires it and
#   replaces each staging module with its published v0.x twin. etcd builds in the same module at
#   the version Kubernetes itself requires.
# - kwok: fake nodes whose pods become Running and Ready, so Deployments and StatefulSets report
#   the health Argo CD judges, without a container runtime.
# - Argo CD at exactly the version platform/argocd deploys, from its Go module; its go.mod replaces
#   the nested gitops-engine module with a folder the module proxy does not serve, so the wrapper
#   points that replacement at FLEETMAN_GITOPS_ENGINE_DIR (the same folder from an argo-cd clone,
#   or ../shared/third_party/argo-cd-gitops-engine on the project machines).
# - kustomize at the version Argo CD's own image ships (its hack/tool-versions.sh), redis (Debian).
# shellcheck disable=SC2317 # functions are reached through "cmd_$command"
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPTS_DIR/../.." && pwd)
# shellcheck source=/dev/null # plain KEY=value lines (versions.env)
source "$SCRIPTS_DIR/../../versions.env"

die() { echo "control-plane.sh: error: $*" >&2; exit 1; }
note() { if [[ -n ${FLEETMAN_VERBOSE:-} ]]; then echo "control-plane.sh: $*" >&2; fi; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# One source for each version: the Kubernetes minor and the Argo CD release are the ones the
# manifest suite validates against (tests/manifests/sources.env); versions.env adds the patch.
sources_value() { sed -n "s/^$1=//p" "$ROOT/tests/manifests/sources.env"; }
K8S_MINOR=$(sources_value KUBERNETES_VERSION)
ARGOCD_VERSION=$(sources_value ARGOCD_MODULE | sed 's/.*@v//')
K8S_VERSION=$CONTROL_PLANE_KUBERNETES_VERSION
[[ $K8S_VERSION == "$K8S_MINOR".* ]] ||
  die "versions.env CONTROL_PLANE_KUBERNETES_VERSION=$K8S_VERSION is not a $K8S_MINOR patch (tests/manifests/sources.env)"

CACHE=$(realpath -m "${FLEETMAN_CACHE:-$HOME/.cache/fleetman}")
HOME_DIR=$CACHE/control-plane-k8s$K8S_VERSION-etcd$CONTROL_PLANE_ETCD_VERSION-kwok$CONTROL_PLANE_KWOK_VERSION-argocd$ARGOCD_VERSION
BIN=$HOME_DIR/bin
RUN_DIR=$CACHE/run/control-plane
DATA_DIR=$CACHE/data/control-plane
START_TIMEOUT=${FLEETMAN_START_TIMEOUT:-120}
BASE_PORT=${FLEETMAN_CONTROL_PLANE_PORT:-16440}

gitops_engine_dir() {
  local dir=${FLEETMAN_GITOPS_ENGINE_DIR:-}
  if [[ -z $dir ]]; then
    for dir in "$ROOT/../shared/third_party/argo-cd-gitops-engine" /work/shared/third_party/argo-cd-gitops-engine ""; do
      [[ -n $dir && -f $dir/go.mod ]] && break
    done
  fi
  [[ -n $dir && -f $dir/go.mod ]] ||
    die "Argo CD's nested gitops-engine module is not on the module proxy: set FLEETMAN_GITOPS_ENGINE_DIR to the gitops-engine folder of an argo-cd v$ARGOCD_VERSION clone"
  grep -q '^module github.com/argoproj/argo-cd/gitops-engine' "$dir/go.mod" ||
    die "$dir/go.mod is not github.com/argoproj/argo-cd/gitops-engine"
  realpath "$dir"
}

# ---------------------------------------------------------------------------------- install

module_dir() { # module@version -> its folder in the module cache (downloaded, verified)
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# The Kubernetes wrapper module: require k8s.io/kubernetes, replace every staging module that its
# go.mod points at ./staging/... with the published version of the same release.
write_k8s_module() {
  local dir=$1 gomod staging
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  [[ -f $gomod ]] || die "could not download k8s.io/kubernetes v$K8S_VERSION"
  staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod")
  [[ -n $staging ]] || die "no staging replacements found in k8s.io/kubernetes v$K8S_VERSION go.mod"
  {
    echo "module fleetman.local/control-plane"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/').0"
    echo
    echo "require ("
    echo "	k8s.io/kubernetes v$K8S_VERSION"
    echo "	go.etcd.io/etcd/server/v3 v$CONTROL_PLANE_ETCD_VERSION"
    echo ")"
    echo
    echo "replace ("
    local m
    for m in $staging; do echo "	$m => $m v0.${K8S_VERSION#1.}"; done
    echo ")"
  } >"$dir/go.mod"
  cat >"$dir/tools.go" <<'EOF'
//go:build tools

// Package tools pins the binaries this module builds.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
}

# The Argo CD wrapper module: Argo CD's own replace block (replacements in a dependency are
# ignored, so they are repeated here) with gitops-engine pointed at a local folder, and a slim
# main with the three out-of-cluster components the suite runs. It does not call
# grpc.DisableSRVLookups() (upstream's main does): out of cluster there is no SRV bug to avoid and
# the repo server is reached by 127.0.0.1:port.
write_argocd_module() {
  local dir=$1 engine argomod
  engine=$(gitops_engine_dir)
  argomod=$(module_dir "github.com/argoproj/argo-cd/v3@v$ARGOCD_VERSION")/go.mod
  [[ -f $argomod ]] || die "could not download github.com/argoproj/argo-cd/v3 v$ARGOCD_VERSION"
  {
    echo "module fleetman.local/argocd"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "$argomod"
    echo
    echo "require github.com/argoproj/argo-cd/v3 v$ARGOCD_VERSION"
    echo
    echo "replace ("
    awk '/^replace \($/ {inside=1; next} inside && /^\)/ {inside=0} inside && /=>/ {print}' "$argomod"
    echo "	github.com/argoproj/argo-cd/gitops-engine => $engine"
    echo ")"
  } >"$dir/go.mod"
  cat >"$dir/main.go" <<'EOF'
// Command argocd runs the Argo CD components the gitops suite needs, chosen like upstream's
// cmd/main.go by the binary's name (or ARGOCD_BINARY_NAME).
package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	appcontroller "github.com/argoproj/argo-cd/v3/cmd/argocd-application-controller/commands"
	applicationset "github.com/argoproj/argo-cd/v3/cmd/argocd-applicationset-controller/commands"
	gitaskpass "github.com/argoproj/argo-cd/v3/cmd/argocd-git-ask-pass/commands"
	reposerver "github.com/argoproj/argo-cd/v3/cmd/argocd-repo-server/commands"
	"github.com/argoproj/argo-cd/v3/util/log"
)

func init() {
	klog.SetLogger(log.NewLogrusLogger(log.NewWithCurrentConfig()))
}

func main() {
	name := filepath.Base(os.Args[0])
	if v := os.Getenv("ARGOCD_BINARY_NAME"); v != "" {
		name = v
	}
	var command *cobra.Command
	switch name {
	case "argocd-application-controller":
		command = appcontroller.NewCommand()
	case "argocd-repo-server":
		command = reposerver.NewCommand()
	case "argocd-applicationset-controller":
		command = applicationset.NewCommand()
	case "argocd-git-ask-pass":
		command = gitaskpass.NewCommand()
	default:
		os.Stderr.WriteString("unknown Argo CD component " + name + "\n")
		os.Exit(2)
	}
	if err := command.Execute(); err != nil {
		os.Exit(1)
	}
}
EOF
}

build_k8s() {
  local src=$HOME_DIR/src/k8s out=$1 log=$RUN_DIR/install-k8s.log
  rm -rf "$src" && mkdir -p "$src"
  write_k8s_module "$src"
  note "building Kubernetes v$K8S_VERSION and etcd v$CONTROL_PLANE_ETCD_VERSION (cold: ~30 min on 2 cores)"
  (cd "$src" && GOFLAGS=-mod=mod nice go build -trimpath -o "$out/" \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=${K8S_VERSION%%.*} -X k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION")" \
    go.etcd.io/etcd/server/v3 k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl) >"$log" 2>&1 ||
    { tail -n 40 "$log" >&2; die "could not build Kubernetes v$K8S_VERSION (log: $log)"; }
  # `go build` names a /vN module's binary after the element before the suffix.
  if [[ -f $out/server ]]; then mv "$out/server" "$out/etcd"; elif [[ -f $out/v3 ]]; then mv "$out/v3" "$out/etcd"; fi
  [[ -x $out/etcd ]] || die "the etcd binary is missing after the build (log: $log)"
}

build_argocd() {
  local src=$HOME_DIR/src/argocd out=$1 log=$RUN_DIR/install-argocd.log argodir
  rm -rf "$src" && mkdir -p "$src"
  write_argocd_module "$src"
  note "building Argo CD v$ARGOCD_VERSION"
  (cd "$src" && GOFLAGS=-mod=mod nice go build -trimpath -o "$out/argocd" \
    -ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=$ARGOCD_VERSION" .) >"$log" 2>&1 ||
    { tail -n 40 "$log" >&2; die "could not build Argo CD v$ARGOCD_VERSION (log: $log)"; }
  local c
  for c in argocd-application-controller argocd-repo-server argocd-applicationset-controller argocd-git-ask-pass; do
    ln -sf argocd "$out/$c"
  done
  # The repo server runs git through this wrapper (upstream image: /usr/local/bin).
  argodir=$(module_dir "github.com/argoproj/argo-cd/v3@v$ARGOCD_VERSION")
  install -m 0755 "$argodir/hack/git-verify-wrapper.sh" "$out/git-verify-wrapper.sh"
}

# kustomize: the version Argo CD's image ships; kwok: fake nodes, with the stage files of its module.
build_go_tools() {
  local out=$1 log=$RUN_DIR/install-tools.log argodir kustomize_version kwokdir
  argodir=$(module_dir "github.com/argoproj/argo-cd/v3@v$ARGOCD_VERSION")
  kustomize_version=$(sed -n 's/^kustomize5_version=//p' "$argodir/hack/tool-versions.sh")
  [[ -n $kustomize_version ]] || die "no kustomize5_version in Argo CD's hack/tool-versions.sh"
  (GOBIN=$out GOFLAGS='' nice go install "sigs.k8s.io/kustomize/kustomize/v5@v$kustomize_version" &&
    GOBIN=$out GOFLAGS='' nice go install "sigs.k8s.io/kwok/cmd/kwok@v$CONTROL_PLANE_KWOK_VERSION") >"$log" 2>&1 ||
    { tail -n 40 "$log" >&2; die "could not install kustomize v$kustomize_version / kwok v$CONTROL_PLANE_KWOK_VERSION (log: $log)"; }
  kwokdir=$(module_dir "sigs.k8s.io/kwok@v$CONTROL_PLANE_KWOK_VERSION")
  local stage f
  for stage in node/fast node/heartbeat pod/fast; do
    for f in "$kwokdir/kustomize/stage/$stage"/*.yaml; do
      [[ $(basename "$f") == kustomization.yaml ]] && continue
      echo "---"
      cat "$f"
    done
  done >"$out/kwok-stages.yaml"
}

install_redis() {
  command -v redis-server >/dev/null && return
  note "installing redis-server from Debian"
  local apt=(apt-get -o DPkg::Lock::Timeout=900 -y -q --no-install-recommends)
  as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install redis-server >"$RUN_DIR/apt-redis.log" 2>&1 ||
    { as_root apt-get -o DPkg::Lock::Timeout=900 -q update >>"$RUN_DIR/apt-redis.log" 2>&1 &&
      as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install redis-server >>"$RUN_DIR/apt-redis.log" 2>&1; } ||
    { tail -n 20 "$RUN_DIR/apt-redis.log" >&2; die "apt-get install redis-server failed"; }
  # Debian starts a system redis on 6379; ours runs on its own port, the system one is left alone.
}

# Each part is built into a .partial folder and moved into place when complete, so an
# interrupted build never leaves a half-installed binary that later runs would trust.
cmd_install() {
  mkdir -p "$RUN_DIR" "$BIN"
  command -v go >/dev/null || die "Go is required (https://go.dev/dl/)"
  command -v git >/dev/null || die "git is required"
  command -v openssl >/dev/null || die "openssl is required"
  install_redis
  local stamp
  if [[ ! -f $BIN/.k8s-done ]]; then
    rm -rf "$HOME_DIR/k8s.partial" && mkdir -p "$HOME_DIR/k8s.partial"
    build_k8s "$HOME_DIR/k8s.partial"
    mv "$HOME_DIR/k8s.partial"/* "$BIN/" && rmdir "$HOME_DIR/k8s.partial" && touch "$BIN/.k8s-done"
  fi
  if [[ ! -f $BIN/.tools-done ]]; then
    rm -rf "$HOME_DIR/tools.partial" && mkdir -p "$HOME_DIR/tools.partial"
    build_go_tools "$HOME_DIR/tools.partial"
    mv "$HOME_DIR/tools.partial"/* "$BIN/" && rmdir "$HOME_DIR/tools.partial" && touch "$BIN/.tools-done"
  fi
  # The gitops-engine folder is part of the Argo CD build: a different folder rebuilds it.
  stamp=$(gitops_engine_dir | sha256sum | cut -c1-16)
  if [[ $(cat "$BIN/.argocd-done" 2>/dev/null) != "$stamp" ]]; then
    rm -rf "$HOME_DIR/argocd.partial" && mkdir -p "$HOME_DIR/argocd.partial"
    build_argocd "$HOME_DIR/argocd.partial"
    cp -a "$HOME_DIR/argocd.partial"/. "$BIN/" && rm -rf "$HOME_DIR/argocd.partial" && echo "$stamp" >"$BIN/.argocd-done"
  fi
  rm -rf "$HOME_DIR/src"
}

cmd_bin-dir() { echo "$BIN"; }

# ---------------------------------------------------------------------------------- processes

CLUSTERS=(minikube eks)

# Ports from FLEETMAN_CONTROL_PLANE_PORT: the shared etcd takes 2, each cluster 8 more.
cluster_index() {
  case $1 in minikube) echo 0 ;; eks) echo 1 ;; *) die "unknown cluster '$1' (expected: ${CLUSTERS[*]})" ;; esac
}
port() { # CLUSTER NAME
  local o=$((BASE_PORT + 2 + 8 * $(cluster_index "$1")))
  case $2 in
    apiserver) echo $o ;; redis) echo $((o + 1)) ;; repo-server) echo $((o + 2)) ;;
    repo-server-metrics) echo $((o + 3)) ;; controller-metrics) echo $((o + 4)) ;;
    appset-metrics) echo $((o + 5)) ;; appset-probe) echo $((o + 6)) ;; appset-webhook) echo $((o + 7)) ;;
    *) die "unknown port $2" ;;
  esac
}
ETCD_PORT=$BASE_PORT
ETCD_PEER_PORT=$((BASE_PORT + 1))

pid_file() { echo "$RUN_DIR/$1.pid"; }
running() { local pid; pid=$(cat "$(pid_file "$1")" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; }

# spawn NAME COMMAND...: in the background, own session (so stop reaches its children), log in RUN_DIR.
spawn() {
  local name=$1
  shift
  running "$name" && return
  note "starting $name"
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

# wait_for NAME PROBE...: until PROBE succeeds; the log tail if the process died or time ran out.
wait_for() {
  local name=$1 deadline=$((SECONDS + START_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    if ! running "$name"; then tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name exited (log: $RUN_DIR/$name.log)"; fi
    if ((SECONDS > deadline)); then tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name not ready after ${START_TIMEOUT}s (log: $RUN_DIR/$name.log)"; fi
    sleep 0.5
  done
}

stop_process() {
  local name=$1 pid deadline
  pid=$(cat "$(pid_file "$name")" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
}

require_installed() {
  [[ -f $BIN/.k8s-done && -f $BIN/.tools-done && -f $BIN/.argocd-done ]] ||
    die "the control plane is not installed in $HOME_DIR: run 'bash scripts/dev-servers/control-plane.sh install'"
}

# Certificates (local CA, serving certificate for 127.0.0.1), the service-account key pair and
# a static admin token, shared by both clusters; created once per data directory.
ensure_pki() {
  local pki=$DATA_DIR/pki
  [[ -f $pki/done ]] && return
  rm -rf "$pki" && mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=fleetman-control-plane-ca" \
      -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\n' >san.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile san.ext -out apiserver.crt
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    printf '%s,admin,admin,system:masters\n' "$(openssl rand -hex 16)" >tokens.csv
    touch ./done
  ) >"$RUN_DIR/pki.log" 2>&1 || { cat "$RUN_DIR/pki.log" >&2; die "could not create the local certificates"; }
}

cmd_kubeconfig() { echo "$DATA_DIR/$1/kubeconfig"; }

write_kubeconfig() {
  local cluster=$1 file token
  file=$(cmd_kubeconfig "$cluster")
  token=$(cut -d, -f1 "$DATA_DIR/pki/tokens.csv")
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $cluster
    cluster:
      server: https://127.0.0.1:$(port "$cluster" apiserver)
      certificate-authority: $DATA_DIR/pki/ca.crt
users:
  - name: admin
    user:
      token: $token
contexts:
  - name: $cluster
    context: {cluster: $cluster, user: admin}
current-context: $cluster
EOF
  chmod 0600 "$file"
}

start_etcd() {
  mkdir -p "$DATA_DIR/etcd"
  spawn etcd nice "$BIN/etcd" --name fleetman --data-dir "$DATA_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "fleetman=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --quota-backend-bytes 4294967296 \
    --log-level warn
  wait_for etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
}

kubectl_c() { "$BIN/kubectl" --kubeconfig "$(cmd_kubeconfig "$1")" "${@:2}"; }

# The objects a provider gives a fresh cluster: a fake node (kwok gives it a large capacity
# and keeps it Ready), the default StorageClass
# (Minikube: standard, EKS: gp2) and pre-created volumes standing in for a provisioner (kwok
# runs no CSI driver), in the class the cluster's workloads ask for (EKS: gp3).
cluster_fixture() {
  local cluster=$1 default_class claim_class provisioner i
  case $cluster in
    minikube) default_class=standard claim_class=standard provisioner=k8s.io/minikube-hostpath ;;
    eks) default_class=gp2 claim_class=gp3 provisioner=kubernetes.io/aws-ebs ;;
  esac
  {
    printf '%s\n' "apiVersion: v1" "kind: Node" "metadata:" "  name: $cluster-node-0" \
      "  annotations: {kwok.x-k8s.io/node: fake}" \
      "  labels: {kubernetes.io/hostname: $cluster-node-0, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}" \
      "---" "apiVersion: storage.k8s.io/v1" "kind: StorageClass" "metadata:" "  name: $default_class" \
      '  annotations: {storageclass.kubernetes.io/is-default-class: "true"}' "provisioner: $provisioner" \
      "reclaimPolicy: Delete" "volumeBindingMode: Immediate"
    for i in $(seq 0 11); do
      printf '%s\n' "---" "apiVersion: v1" "kind: PersistentVolume" "metadata:" "  name: $claim_class-volume-$i" \
        "spec:" "  capacity: {storage: 1Ti}" "  accessModes: [ReadWriteOnce]" "  persistentVolumeReclaimPolicy: Retain" \
        "  storageClassName: $claim_class" "  hostPath: {path: /tmp/$cluster-volume-$i}"
    done
  } | kubectl_c "$cluster" apply --server-side -f - >/dev/null
}

cmd_start() {
  [[ $# -ge 1 ]] || die "usage: control-plane.sh start CLUSTER..."
  require_installed
  mkdir -p "$RUN_DIR" "$DATA_DIR"
  ensure_pki
  start_etcd
  local cluster pki=$DATA_DIR/pki i
  for cluster in "$@"; do
    i=$(cluster_index "$cluster")
    mkdir -p "$DATA_DIR/$cluster"
    write_kubeconfig "$cluster"
    # Each cluster is its own API server over the shared etcd (its own key prefix).
    spawn "$cluster-apiserver" nice "$BIN/kube-apiserver" \
      --etcd-servers "http://127.0.0.1:$ETCD_PORT" --etcd-prefix "/fleetman-$cluster" \
      --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$(port "$cluster" apiserver)" \
      --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
      --token-auth-file "$pki/tokens.csv" --authorization-mode RBAC \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
      --service-cluster-ip-range "10.$((96 + i)).0.0/16" --allow-privileged \
      --cert-dir "$DATA_DIR/$cluster/certs" --profiling=false --enable-priority-and-fairness=false \
      --event-ttl 10m
  done
  for cluster in "$@"; do
    wait_for "$cluster-apiserver" kubectl_c "$cluster" get --raw /readyz
    spawn "$cluster-controller-manager" nice "$BIN/kube-controller-manager" \
      --kubeconfig "$(cmd_kubeconfig "$cluster")" --leader-elect=false --secure-port 0 \
      --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
      --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
      --use-service-account-credentials=false --profiling=false
    spawn "$cluster-scheduler" nice "$BIN/kube-scheduler" \
      --kubeconfig "$(cmd_kubeconfig "$cluster")" --leader-elect=false --secure-port 0 --profiling=false
    spawn "$cluster-kwok" nice "$BIN/kwok" --kubeconfig "$(cmd_kubeconfig "$cluster")" \
      --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
      --config "$BIN/kwok-stages.yaml" --cidr "10.$((244 + i)).0.0/16" --node-ip 127.0.0.1
    cluster_fixture "$cluster"
    # The default ServiceAccount appears once the controller manager runs.
    wait_for "$cluster-controller-manager" kubectl_c "$cluster" get serviceaccount default -n default
  done
}

# Argo CD's components run as local processes, configured like their in-cluster workloads:
# every env var the live Deployment/StatefulSet (applied by the bootstrap) takes from a
# ConfigMap (argocd-cmd-params-cm, ...) is resolved from the live ConfigMap, so the suite runs
# the configuration in git. Listening addresses, plain gRPC to the repo server and the extra
# FLEETMAN_ARGOCD_ENV / FLEETMAN_ARGOCD_CONTROLLER_FLAGS (the suite's short refresh periods)
# are the only additions.
component_env() { # CLUSTER KIND NAME: NAME=value lines
  local name cm key value
  kubectl_c "$1" get -n argocd "$2" "$3" -o json |
    jq -r '.spec.template.spec.containers[0].env[]? | select(.valueFrom.configMapKeyRef) | [.name, .valueFrom.configMapKeyRef.name, .valueFrom.configMapKeyRef.key] | @tsv' |
    while IFS=$'\t' read -r name cm key; do
      value=$(kubectl_c "$1" get configmap -n argocd "$cm" -o json 2>/dev/null | jq -r --arg k "$key" '.data[$k] // empty')
      if [[ -n $value ]]; then printf '%s=%s\n' "$name" "$value"; fi
    done
}

cmd_start-argocd() {
  [[ $# -ge 1 ]] || die "usage: control-plane.sh start-argocd CLUSTER..."
  require_installed
  command -v redis-server >/dev/null || die "redis-server is missing: run 'bash scripts/dev-servers/control-plane.sh install'"
  local cluster dir kubeconfig envs extra
  # shellcheck disable=SC2206 # word splitting is the point: "A=1 B=2"
  extra=(${FLEETMAN_ARGOCD_ENV:-})
  for cluster in "$@"; do
    dir=$DATA_DIR/$cluster/argocd
    kubeconfig=$(cmd_kubeconfig "$cluster")
    mkdir -p "$dir/home" "$dir/tmp" "$dir/redis"
    kubectl_c "$cluster" get crd applications.argoproj.io >/dev/null 2>&1 ||
      die "Argo CD's CRDs are not in cluster $cluster: bootstrap first (kubectl apply -k platform/argocd)"
    spawn "$cluster-redis" nice redis-server --bind 127.0.0.1 --port "$(port "$cluster" redis)" --save "" \
      --appendonly no --dir "$dir/redis" --protected-mode no
    wait_for "$cluster-redis" redis-cli -p "$(port "$cluster" redis)" ping
    local common=(env "HOME=$dir/home" "TMPDIR=$dir/tmp" "PATH=$BIN:$PATH" ARGOCD_FAKE_IN_CLUSTER=true
      ARGOCD_GPG_ENABLED=false "KUBECONFIG=$kubeconfig")
    mapfile -t envs < <(component_env "$cluster" deployment argocd-repo-server)
    spawn "$cluster-repo-server" nice "${common[@]}" "${envs[@]}" "${extra[@]}" "$BIN/argocd-repo-server" \
      --disable-tls --client-ca-path= --port "$(port "$cluster" repo-server)" \
      --metrics-address 127.0.0.1 --metrics-port "$(port "$cluster" repo-server-metrics)" \
      --address 127.0.0.1 --redis "127.0.0.1:$(port "$cluster" redis)"
    mapfile -t envs < <(component_env "$cluster" statefulset argocd-application-controller)
    # shellcheck disable=SC2086 # extra flags are a word list
    spawn "$cluster-application-controller" nice "${common[@]}" "${envs[@]}" "${extra[@]}" "$BIN/argocd-application-controller" \
      --namespace argocd --kubeconfig "$kubeconfig" --repo-server "127.0.0.1:$(port "$cluster" repo-server)" \
      --repo-server-plaintext --redis "127.0.0.1:$(port "$cluster" redis)" \
      --metrics-port "$(port "$cluster" controller-metrics)" ${FLEETMAN_ARGOCD_CONTROLLER_FLAGS:-}
    mapfile -t envs < <(component_env "$cluster" deployment argocd-applicationset-controller)
    spawn "$cluster-applicationset-controller" nice "${common[@]}" "${envs[@]}" "${extra[@]}" "$BIN/argocd-applicationset-controller" \
      --namespace argocd --kubeconfig "$kubeconfig" --argocd-repo-server "127.0.0.1:$(port "$cluster" repo-server)" \
      --repo-server-plaintext --metrics-addr "127.0.0.1:$(port "$cluster" appset-metrics)" \
      --probe-addr "127.0.0.1:$(port "$cluster" appset-probe)" --webhook-addr "127.0.0.1:$(port "$cluster" appset-webhook)"
  done
  for cluster in "$@"; do
    wait_for "$cluster-repo-server" curl -fsS "http://127.0.0.1:$(port "$cluster" repo-server-metrics)/metrics"
    wait_for "$cluster-application-controller" curl -fsS "http://127.0.0.1:$(port "$cluster" controller-metrics)/metrics"
    # (its probe address serves no check: the metrics endpoint says it is up)
    wait_for "$cluster-applicationset-controller" curl -fsS "http://127.0.0.1:$(port "$cluster" appset-metrics)/metrics"
  done
}

processes_of() { # CLUSTER: its processes, Argo CD first
  local c=$1
  echo "$c-applicationset-controller $c-application-controller $c-repo-server $c-redis $c-kwok $c-scheduler $c-controller-manager $c-apiserver"
}

cmd_stop() {
  local clusters=("$@") cluster name
  ((${#clusters[@]})) || clusters=("${CLUSTERS[@]}")
  for cluster in "${clusters[@]}"; do
    for name in $(processes_of "$cluster"); do stop_process "$name"; done
  done
  # etcd goes when no cluster uses it any more.
  for cluster in "${CLUSTERS[@]}"; do if running "$cluster-apiserver"; then return 0; fi; done
  stop_process etcd
}

# Stop everything and delete the clusters' data (etcd, certificates, Argo CD state).
cmd_wipe() { cmd_stop "${CLUSTERS[@]}"; rm -rf "$DATA_DIR"; }

cmd_status() {
  local name all=(etcd) cluster status=0
  for cluster in "${CLUSTERS[@]}"; do for name in $(processes_of "$cluster"); do all+=("$name"); done; done
  for name in "${all[@]}"; do
    if running "$name"; then
      printf '%-36s running (pid %s)\n' "$name" "$(cat "$(pid_file "$name")")"
    else
      printf '%-36s stopped\n' "$name"
      status=3
    fi
  done
  return $status
}

# port CLUSTER NAME: one of the ports above (the suite asks rather than recomputes).
cmd_port() { port "$@"; }

# ---------------------------------------------------------------------------------- dispatch

usage() { sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p' | sed '/^shellcheck/d' >&2; exit 2; }
[[ $# -ge 1 ]] || usage
command=$1
shift
declare -F "cmd_$command" >/dev/null || usage
"cmd_$command" "$@"
