#!/usr/bin/env bash
# t/25-ports.t: TCP port rules, --allow-connect and --allow-bind (landlock.c, Landlock ABI 4
# NET_CONNECT_TCP / NET_BIND_TCP; filter.c keeps every other socket out). Judged from
# outside: two listeners on loopback ports run outside the sandbox and log each connection
# they accept; the listed port must see the run's connection, the unlisted one nothing.
. t/tap.sh
. t/lib.sh

tp=$ATTACK/tcp_port
expect_exit "--version runs" 0 "$SANDRUN" --version
abi=$(sed -n 's/^Landlock ABI \([0-9]*\)$/\1/p' "$TMPOUT")
in_out() { grep -qF -- "$1" "$TMPOUT"; }

# ---- refused before anything runs: each 125 with one line ----
for row in "--allow-connect 0" "--allow-connect 65536" "--allow-connect 5-3" \
	"--allow-connect x" "--allow-bind 65536" "--allow-bind 1-" "--allow-bind -1" \
	"--allow-bind 0-65535 --allow-bind 7"; do
	read -r -a words <<<"$row"
	expect_exit "bad port: $row: 125" 125 sr "${words[@]}" -- /bin/true
	check "bad port: $row: one line naming the option" grep -qF -- "${words[0]}" "$TMPERR"
done
expect_exit "--allow-net with --allow-connect: 125" 125 sr --allow-net --allow-connect 80 -- /bin/true
check "--allow-net with a port: says it conflicts" grep -q "conflicting" "$TMPERR"
expect_exit "--allow-bind with --allow-net: 125" 125 sr --allow-bind 80 --allow-net -- /bin/true
if [ -x "$top/sandrun-abi3" ]; then
	expect_exit "ABI 3 build with --allow-connect: 125" 125 env SANDRUN="$top/sandrun-abi3" \
		bash -c '. t/tap.sh; . t/lib.sh; sr --allow-connect 80 -- /bin/true 2>&1 >/dev/null'
	check "ABI 3 build: names the ABI found and the one needed" grep -q "ABI 3 found.*need ABI 4" "$TMPOUT"
else
	skip "sandrun-abi3 not built (make sandrun-abi3)"
	skip "sandrun-abi3 not built (make sandrun-abi3)"
fi
if [ "${abi:-0}" -lt 4 ]; then
	expect_exit "below ABI 4 a port option is 125" 125 sr --allow-connect 80 -- /bin/true
	done_testing; exit
fi

# ---- connect: the listed port is reached, the unlisted one is not ----
lg=$(fixture)
"$tp" listen "$lg/ready1" "$lg/log1" & l1=$!
"$tp" listen "$lg/ready2" "$lg/log2" & l2=$!
for _ in $(seq 100); do [ -s "$lg/ready1" ] && [ -s "$lg/ready2" ] && break; sleep 0.05; done
p1=$(cat "$lg/ready1") p2=$(cat "$lg/ready2")
diag "listeners on 127.0.0.1:$p1 (listed) and :$p2 (not listed)"
expect_exit "connect to the listed port works" 0 sr --allow-connect "$p1" -- "$tp" connect "$p1"
expect_exit "connect to an unlisted port fails" 1 sr --allow-connect "$p1" -- "$tp" connect "$p2"
check "unlisted connect: EACCES (Landlock)" in_out "connect: EACCES"
expect_exit "TCP Fast Open to an unlisted port fails" 1 sr --allow-connect "$p1" -- "$tp" fastopen "$p2"
expect_exit "a range holding the port works" 0 sr --allow-connect "$((p1 - 1))-$((p1 + 1))" -- "$tp" connect "$p1"
expect_exit "without any port option no TCP socket exists" 1 sr -- "$tp" connect "$p1"
check "no port option: socket() EPERM" in_out "socket: EPERM"
kill "$l1" "$l2"; wait "$l1" "$l2"
is "the listed listener saw exactly the two allowed connections" \
	"$(grep -c "accepted hello-from-the-run" "$lg/log1")" 2
is "the unlisted listener saw no connection at all" "$(wc -l <"$lg/log2")" 0

# ---- bind: the listed port works, another fails EACCES; 0 = ephemeral ----
free=$("$tp" freeport)
expect_exit "bind to the listed port works" 0 sr --allow-bind "$free" -- "$tp" bind "$free"
expect_exit "bind to an unlisted port fails" 1 sr --allow-bind "$free" -- "$tp" bind "$((free + 1))"
check "unlisted bind: EACCES" in_out "bind: EACCES"
expect_exit "--allow-bind 0: bind to port 0 gets an ephemeral port" 0 sr --allow-bind 0 -- "$tp" bind 0
check "--allow-bind 0: a port was bound" in_out "bound port"
expect_exit "--allow-connect only: bind 0 fails" 1 sr --allow-connect "$free" -- "$tp" bind 0
check "connect-only bind 0: EACCES" in_out "bind: EACCES"

# ---- every other socket stays refused (filter.c), and the denied log shows it ----
for op in udp udp6 raw netlink mptcp sctp unixdgram unixstream; do
	expect_exit "port rules: socket $op refused" 1 sr --allow-connect "$free" -- "$tp" "$op"
	check "port rules: $op: EPERM" in_out "$op: EPERM"
done
expect_exit "port rules + --allow-unix: unix stream socket works" 0 \
	sr --allow-unix --allow-connect "$free" -- "$tp" unixstream
expect_exit "port rules + --allow-unix: UDP still refused" 1 sr --allow-unix --allow-connect "$free" -- "$tp" udp
expect_exit "--log-denied shows the refused UDP socket()" 1 sr --log-denied --allow-connect "$free" -- "$tp" udp
check "denied log names socket(AF_INET, SOCK_DGRAM)" grep -q "socket.*AF_INET.*SOCK_DGRAM" "$TMPERR"

# ---- what auditors see ----
expect_exit "--print-policy with port rules" 0 "$SANDRUN" --allow-connect 443 --allow-connect 8000-8002 \
	--allow-bind 0 --print-policy
check "--print-policy lists the connect ports" in_out "tcp connect allowed to ports: 443 8000-8002"
check "--print-policy lists the bind ports" in_out "tcp bind allowed to ports: 0 (ephemeral)"
check "--print-policy counts one rule per port" in_out "5 port rules"
check "--print-policy's protections show them" grep -q "landlock-tcp .*active .*connect only to ports 443 8000-8002" "$TMPOUT"
rep=$scratch/report.json
expect_exit "--report with port rules" 0 sr --report "$rep" --allow-connect 443 -- /bin/true
check "the report's protections show the port rules" grep -q "connect only to ports 443" "$rep"
done_testing
