# The `incident` command-line client, built from this checkout, for the ops scripts.
#   source ops/lib/cli.sh; cli_build; incident token create --sub rui --role responder
cli_dll="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/src/IncidentOrchestrator.Cli/bin/Release/net10.0/incident.dll"

cli_build() {
  dotnet build "$(dirname "$cli_dll")/../../../IncidentOrchestrator.Cli.csproj" -c Release -v q -nologo -clp:ErrorsOnly >/dev/null
}

incident() { dotnet "$cli_dll" "$@"; }
