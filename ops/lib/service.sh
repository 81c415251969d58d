# The service as ops/run ships it: published ahead-of-time compiled (ReadyToRun), so the first request is as fast as the next.
#   source ops/lib/service.sh; service_publish DIR
service_publish() {
  local out=$1 root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  dotnet publish "$root/src/IncidentOrchestrator" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$out" -v q -nologo -clp:ErrorsOnly
}
