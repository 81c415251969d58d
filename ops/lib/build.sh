# quiet_build PROJECT: builds it in Release, silent when it builds, its errors on stderr when it does not.
quiet_build() {
  local log
  log=$(mktemp)
  if ! dotnet build "$1" -c Release -v q -nologo -clp:ErrorsOnly >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "$1 does not build (see above)." >&2
    return 1
  fi
  rm -f "$log"
}
