# Sourced by gen, test, bench and bin/*: an offline Go environment for this module.
#
# The module builds against Debian's golang-google-protobuf-dev (go.mod replaces
# google.golang.org/protobuf with /usr/share/gocode/src/google.golang.org/protobuf),
# so no module proxy or network is needed. Caches live under Clients/go/.cache
# unless the caller set GOCACHE / GOPATH.
go_client_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! command -v go >/dev/null 2>&1; then
    echo "error: no 'go' on PATH; install Debian's golang-go (apt-get install golang-go)" >&2
    exit 2
fi
if [ ! -d /usr/share/gocode/src/google.golang.org/protobuf ]; then
    echo "error: /usr/share/gocode/src/google.golang.org/protobuf is missing; apt-get install golang-google-protobuf-dev" >&2
    exit 2
fi
export GOPROXY=off GOSUMDB=off GO111MODULE=on GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-$go_client_dir/.cache/go-build}"
export GOPATH="${GOPATH:-$go_client_dir/.cache/gopath}"
export GOMODCACHE="${GOMODCACHE:-$GOPATH/pkg/mod}"
