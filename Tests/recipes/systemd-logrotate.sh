#!/usr/bin/env bash
# docs/recipes/systemd-logrotate.md: systemd-analyze verify on the unit; its ExecStart run as written (paths moved
# to a scratch directory; systemd itself is not running in CI); the real logrotate -f with the recipe's config,
# whose postrotate is pointed at the ExecReload command (kill -HUP of the main PID). Lines written before the
# rotation are in app.clean.log.1, later ones in the new app.clean.log, none lost, none duplicated, no PHI.
source "$(dirname "$0")/lib.sh"
ensure_pkgs logrotate || skip "logrotate cannot be installed here"
unit=$repo/docs/recipes/files/phiscrub-app.service
if command -v systemd-analyze >/dev/null; then
  # verify wants the binaries to exist: point the unit at this build.
  mkdir -p "$work/units"
  sed "s#/usr/local/bin/phiscrub#$bin#" "$unit" > "$work/units/phiscrub-app.service"
  if ! out=$(systemd-analyze verify "$work/units/phiscrub-app.service" 2>&1); then
    echo "$out" | grep -v -E 'Failed to .*(bus|connect)|Operation not permitted|not running' | grep -q . \
      && fail "systemd-analyze verify: $out"
  fi
fi
mkdir -p "$work/log"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
exec_start=${exec_start//\/usr\/local\/bin\/phiscrub/$bin}
exec_start=${exec_start//\/var\/log\/app/$work\/log}
: > "$work/log/app.log"
# The unit's command line as systemd would run it: /bin/bash -c '<script>'.
[[ $exec_start == "/bin/bash -c '"*"'" ]] || fail "ExecStart is not /bin/bash -c '...': $exec_start"
script=${exec_start#"/bin/bash -c '"}
script=${script%"'"}
/bin/bash -c "$script" &
main=$!
started_pids+=($main)
write_lines() {  # FROM TO
  local i
  for ((i = $1; i < $2; i++)); do
    printf 'line-%04d patient SSN 402-19-8877 mail j.roe%d@example.com\n' "$i" "$i" >> "$work/log/app.log"
  done
}
sleep 0.3   # tail -n 0 starts at the end: let it open the file first
write_lines 0 200
wait_for 10 at_least "$work/log/app.clean.log" 200 || fail "only $(lines "$work/log/app.clean.log") of 200 lines"
[ "$(ps -o comm= -p "$main")" = phiscrub ] || fail "the main process is $(ps -o comm= -p "$main"), not phiscrub"
# logrotate with the recipe's config; postrotate = ExecReload (kill -HUP $MAINPID).
reload=$(sed -n 's/^ExecReload=//p' "$unit")
sed -e "s#/var/log/app#$work/log#" -e "s#systemctl reload phiscrub-app.service#${reload//\$MAINPID/$main}#" \
  "$repo/docs/recipes/files/phiscrub-app.logrotate" > "$work/logrotate.conf"
logrotate -f -s "$work/logrotate.state" "$work/logrotate.conf" || fail "logrotate failed"
[ -f "$work/log/app.clean.log.1" ] || fail "logrotate did not rotate"
wait_for 5 test -f "$work/log/app.clean.log" || fail "phiscrub did not reopen app.clean.log after SIGHUP"
write_lines 200 400
wait_for 10 at_least "$work/log/app.clean.log" 200 || fail "only $(lines "$work/log/app.clean.log") of 200 lines after the rotation"
kill -0 "$main" || fail "phiscrub ended on SIGHUP"
[ "$(lines "$work/log/app.clean.log.1")" -eq 200 ] || fail "app.clean.log.1 has $(lines "$work/log/app.clean.log.1") lines, want 200"
[ "$(stat -c %a "$work/log/app.clean.log")" = 600 ] || fail "new file mode $(stat -c %a "$work/log/app.clean.log")"
all=$(cat "$work/log/app.clean.log.1" "$work/log/app.clean.log" | grep -o 'line-[0-9]*' | sort -u | wc -l)
[ "$all" -eq 400 ] || fail "$all distinct lines of 400"
head -1 "$work/log/app.clean.log" | grep -q '^line-0200 patient SSN \[SSN\] mail \[EMAIL\]$' || fail "first line after rotation: $(head -1 "$work/log/app.clean.log")"
no_phi "$work/log/app.clean.log.1" "$work/log/app.clean.log"
# A second rotation compresses the first (delaycompress).
logrotate -f -s "$work/logrotate.state" "$work/logrotate.conf" || fail "second logrotate failed"
[ -f "$work/log/app.clean.log.2.gz" ] || fail "no app.clean.log.2.gz after the second rotation"
echo "ok: systemd unit verified; logrotate -f + SIGHUP: 200 lines before, 200 after, none lost, no PHI"
