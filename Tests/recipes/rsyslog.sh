#!/usr/bin/env bash
# docs/recipes/rsyslog.md: the real rsyslogd (Debian) with docs/recipes/files/rsyslog-phiscrub.conf, its paths
# pointed at a scratch directory. 3000 messages with fictional PHI through a private socket; the omprog child is
# stopped with SIGTERM part-way (rsyslog starts a new one); every message must arrive exactly once, cleaned.
source "$(dirname "$0")/lib.sh"
ensure_pkgs rsyslog || skip "rsyslog cannot be installed here"
command -v logger >/dev/null || skip "no logger(1)"
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
mkdir -p "$work/spool"
sed -e "s#/usr/local/bin/phiscrub#$bin#" -e "s#/var/log/clean/messages.log#$work/clean.log#" \
  "$repo/docs/recipes/files/rsyslog-phiscrub.conf" > "$work/action.conf"
cat > "$work/rsyslog.conf" <<CONF
global(workDirectory="$work/spool")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$work/log.sock" CreatePath="on")
include(file="$work/action.conf")
CONF
"$rsyslogd" -N1 -f "$work/rsyslog.conf" >/dev/null 2>&1 || fail "rsyslogd -N1 rejects the recipe's config"
"$rsyslogd" -n -f "$work/rsyslog.conf" -i "$work/rsyslogd.pid" 2> "$work/rsyslogd.err" &
started_pids+=($!)
wait_for 10 test -S "$work/log.sock" || fail "rsyslogd did not open its socket: $(cat "$work/rsyslogd.err")"

send() {  # send FROM TO
  local i
  for ((i = $1; i < $2; i++)); do
    printf 'msg-%05d patient SSN 402-19-8877 callback (617) 555-01%02d\n' "$i" $((i % 100))
  done | logger -u "$work/log.sock" -t app
}
send 0 1500
wait_for 20 at_least "$work/clean.log" 1500 || fail "only $(lines "$work/clean.log") of 1500 lines arrived"
child=$(pgrep -P "$(cat "$work/rsyslogd.pid")" -f "$bin" | head -1 || true)
[ -n "$child" ] || fail "no phiscrub child of rsyslogd"
kill -TERM "$child"
send 1500 3000
wait_for 20 at_least "$work/clean.log" 3000 || fail "only $(lines "$work/clean.log") of 3000 lines arrived"
new_child=$(pgrep -P "$(cat "$work/rsyslogd.pid")" -f "$bin" | head -1 || true)
[ -n "$new_child" ] && [ "$new_child" != "$child" ] || fail "rsyslog did not start a new phiscrub"
[ "$(pgrep -P "$(cat "$work/rsyslogd.pid")" -f "$bin" | wc -l)" -eq 1 ] || fail "more than one phiscrub child"
no_phi "$work/clean.log"
dupes=$(grep -o 'msg-[0-9]*' "$work/clean.log" | sort | uniq -d | wc -l)
uniq=$(grep -o 'msg-[0-9]*' "$work/clean.log" | sort -u | wc -l)
[ "$dupes" -eq 0 ] && [ "$uniq" -eq 3000 ] || fail "$uniq distinct messages, $dupes duplicated (want 3000, 0)"
grep -q 'msg-00042 patient SSN \[SSN\] callback \[PHONE\]' "$work/clean.log" || fail "unexpected line shape: $(sed -n 43p "$work/clean.log")"
echo "ok: rsyslog omprog: 3000 messages exactly once through one phiscrub child (restarted once), no PHI"
