#!/usr/bin/env bash
# docs/recipes/rsyslog.md: the real rsyslogd (Debian) with docs/recipes/files/rsyslog-phiscrub.conf, its paths
# pointed at a scratch directory. 60000 messages (RSYSLOG_MESSAGES) with fictional PHI in one burst through a
# private socket; the omprog child is stopped with SIGTERM twice mid-burst (rsyslog starts a new one); every
# message must arrive exactly once, cleaned.
source "$(dirname "$0")/lib.sh"
ensure_pkgs rsyslog || skip "rsyslog cannot be installed here"
command -v logger >/dev/null || skip "no logger(1)"
rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
mkdir -p "$work/spool"
sed -e "s#/usr/local/bin/phiscrub#$bin#" -e "s#/var/log/clean/messages.log#$work/clean.log#" \
  "$repo/docs/recipes/files/rsyslog-phiscrub.conf" > "$work/action.conf"
cat > "$work/rsyslog.conf" <<CONF
global(workDirectory="$work/spool")
module(load="imuxsock" SysSock.Use="off" SysSock.RateLimit.Interval="0")
input(type="imuxsock" Socket="$work/log.sock" CreatePath="on" RateLimit.Interval="0")
include(file="$work/action.conf")
CONF
"$rsyslogd" -N1 -f "$work/rsyslog.conf" >/dev/null 2>&1 || fail "rsyslogd -N1 rejects the recipe's config"
"$rsyslogd" -n -f "$work/rsyslog.conf" -i "$work/rsyslogd.pid" 2> "$work/rsyslogd.err" &
started_pids+=($!)
wait_for 10 test -S "$work/log.sock" || fail "rsyslogd did not open its socket: $(cat "$work/rsyslogd.err")"

N=${RSYSLOG_MESSAGES:-60000}
# The child is stopped twice mid-burst (RSYSLOG_STOP_TEST=0 leaves it running). With confirmMessages each message
# is confirmed once it is in the file and an unconfirmed one is sent again, so none is lost or doubled. (Without it,
# phiscrub's drain of the pipe on SIGTERM lost 5-60 of 60,000 in about one run of four: rsyslog may write between
# the last read and the close.)
stop_test=${RSYSLOG_STOP_TEST:-1}
# Three bursts of N/3; right after each of the first two is handed to rsyslog (while rsyslog is still writing it to
# the child) the child is stopped with SIGTERM. rsyslog starts a new one for the next message; what the old one's
# pipe held is cleaned by it before it exits, what rsyslog could not write is sent again to the new one.
burst() {
  local i
  for ((i = $1; i < $2; i++)); do
    printf 'msg-%06d patient SSN 402-19-8877 callback (617) 555-01%02d\n' "$i" $((i % 100))
  done | logger -u "$work/log.sock" -t app
}
children=(none)
child_of_rsyslog() { pgrep -P "$(cat "$work/rsyslogd.pid")" -f "$bin" | head -1; }
new_child() { child=$(child_of_rsyslog || true); [ -n "$child" ] && [ "$child" != "${children[${#children[@]}-1]}" ]; }
in_flight=0
for k in 0 1; do
  burst $(( N * k / 3 )) $(( N * (k + 1) / 3 ))
  [ "$stop_test" = 1 ] || continue
  wait_for 10 new_child || fail "no new phiscrub child after $(lines "$work/clean.log") lines"
  # Not in its first milliseconds: a signal before main() runs kills any process with its default action.
  sleep 0.3
  [ "$(lines "$work/clean.log")" -lt $(( N * (k + 1) / 3 )) ] && in_flight=$((in_flight + 1))
  children+=("$child")
  kill -TERM "$child"
done
burst $(( N * 2 / 3 )) "$N" &
sender=$!
wait "$sender"
# A slow or loaded host can take more than 8 s to write the last third (CI once saw the final 3,200 lines arrive
# after that), so the wait ends when all are in or when the file stops growing for 10 s.
grows_to "$work/clean.log" "$N" 10 || { got=$(lines "$work/clean.log"); grep -o "msg-[0-9]*" "$work/clean.log" | sort -u > "$work/got"; for ((i = 0; i < N; i++)); do printf "msg-%06d\n" $i; done > "$work/want"; comm -13 "$work/got" "$work/want" | awk -F- "{print \$2+0}" | awk "NR==1{s=\$1;p=\$1;next} \$1!=p+1{print s\"-\"p; s=\$1} {p=\$1} END{print s\"-\"p}" | head >&2; fail "only $got of $N lines arrived (none for 10 s)"; }
sleep 0.5
[ "$(pgrep -P "$(cat "$work/rsyslogd.pid")" -f "$bin" | wc -l)" -le 1 ] || fail "more than one phiscrub child"
no_phi "$work/clean.log"
dupes=$(grep -o 'msg-[0-9]*' "$work/clean.log" | sort | uniq -d | wc -l)
uniq=$(grep -o 'msg-[0-9]*' "$work/clean.log" | sort -u | wc -l)
[ "$dupes" -eq 0 ] && [ "$uniq" -eq "$N" ] && [ "$(lines "$work/clean.log")" -eq "$N" ] \
  || fail "$uniq distinct messages, $dupes duplicated, $(lines "$work/clean.log") lines (want $N, 0, $N)"
grep -q 'msg-000042 patient SSN \[SSN\] callback \[PHONE\]' "$work/clean.log" || fail "unexpected line shape: $(grep msg-000042 "$work/clean.log")"
if [ "$stop_test" = 1 ]; then
  echo "ok: rsyslog omprog: $N messages in 3 bursts, the child stopped twice ($in_flight of them with messages in flight): each exactly once, no PHI"
else
  echo "ok: rsyslog omprog: $N messages in 3 bursts through one child: each exactly once, no PHI (RSYSLOG_STOP_TEST=1 also stops it twice)"
fi
