// The collector that runs on a remote host (over ssh, `docker exec -i`, `unshare -n sh`, ...):
// a POSIX sh script, sent on the transport's stdin. Nothing is installed on the remote; it needs
// only sh, ls, od, cat, uname (and uses gzip + base64, readlink, getconf, date when present), and
// runs under dash, bash and `busybox sh` with only busybox applets. One round trip per refresh.
//
// Session: the definitions below are written once when a session starts; each refresh writes
// one line, `procnet_collect NONCE ROOT MODE`, and reads one response (see remoteCapture.ts for
// the parser and the protocol):
//
//   @@PROCNET <nonce> begin raw|gzip64\n
//   <records> (raw) | base64 of gzip(<records>) (gzip64)
//   [@@PROCNET <nonce> part\n
//   base64 of gzip(<more records>)]   (gzip64: one gzip member per part, so that the first part
//                                     can be decoded and parsed while the remote makes the next)
//   @@PROCNET <nonce> end\n
//
// Two kinds of record, both starting with a header line made only of our tags and numbers:
//   framed    `TAG LEN [ARG...]\n`, then exactly LEN bytes of content, then `\n`. Content is
//             framed by its byte length, never searched for markers (unix socket paths, comm and
//             cwd can hold newlines and marker-like text).
//   streamed  `TAG - [ARG...]\n`, then the output of one command as it comes, then `\0STATUS\n`
//             (the command's exit status). Used for the bulk (socket tables, fd listings) so that
//             it never passes through a shell variable: at 100k sockets, dash spent more time
//             copying 20 MB through variables than the kernel spends making the tables. Only
//             for output that cannot hold a NUL byte: the kernel prints every NUL of a unix
//             socket's name as '@', the other tables, `ls` listings and `od` dumps are numbers
//             and text, and a path (readlink) has no NUL.
// In gzip64 mode the marker lines are found in base64 text, which cannot contain '@'.
//
// Order: part 1 (procnet_body1) has the small facts (the byte order and clock tick among them),
// the processes and their namespaces, then every namespace's tables; part 2 (procnet_body2) the
// command lines, fd listings, cwds and the rest. So the tables are in (and can be parsed) while
// the remote is still listing fds. Part 1 hands part 2 the list of user processes on fd 3 (each
// part runs in its own subshell, piped to its own gzip).
//
// What is read, per record tag:
//   U uname -s · H hostname · K uname -r · E first 6 bytes of /bin/sh (ELF header, hex: byte
//   order) · T getconf CLK_TCK · P getconf PAGESIZE · B btime of ROOT/stat · D date (UTC) · I $$ (the collector's pid)
//   W /etc/passwd
//   S PID  ROOT/PID/stat (read with the `read` builtin: no process per pid; stat has no NUL)
//   C PID  streamed: ROOT/PID/cmdline as `od -An -v -tx1` hex (cmdline holds NULs, which no
//          shell variable keeps; hex is exact, costs one od per pid and 3x bytes before
//          compression). Kernel threads (PF_KTHREAD in stat's flags, tested with shell
//          arithmetic) have no cmdline and no fds: they get an empty framed C and neither od nor ls.
//   A      `ls -dLin` of PID, PID/ns/net, PID/net/tcp for a batch of pids: owner uid, the
//          namespace inode (= N in net:[N]) and the inode of the namespace's tcp table
//   L      streamed: `ls -1LiF self/fd P1/fd P2/fd ...` for a batch of up to 100 pids (one ls,
//          not one per process): under each `P/fd:` heading, `INODE FD=` for a socket (with -L
//          the inode is the socket inode of socket:[N]; -F marks sockets with '='). ls reads the
//          directories itself, so there is no argument per fd (no ARG_MAX at 100k fds), and the
//          names it prints are fd numbers, so no file name can forge a line or a heading.
//   F PID  `ls -Lin PID/fd` (mode `s...` for a socket), framed, only for pids that hold a
//          socket: what an `ls` without -F gets (and what older collectors sent).
//   Q PID  the fd directory exists but is not readable (another user's process), or fd 0, 1
//          or 2 is a link that cannot be followed (`[ -L ] && [ ! -e ]`: readlink refused)
//   G PID  ROOT/PID/cgroup (the `read` builtin, as S), for every user process: unit and container
//   R PID  readlink ROOT/PID/cwd, streamed, for every user process as procfsReader does (framed
//          and for the pids holding sockets only with F, and in older collectors' captures)
//   N TCPINO VIAPID TABLE  one table of the namespace whose net/tcp has inode TCPINO, read once
//          via its first live member (VIAPID -1: ROOT/self/net or ROOT/net, as procfsReader);
//          streamed by `cat` (framed in older collectors' captures); a failed `cat` (the
//          process left) is no table, and if none could be read the next member is tried
//   Y      the namespace inode of ROOT/self/ns/net (id of the VIAPID -1 tables)
//   X CODE a fatal problem (CODE no-proc): the capture has nothing else
//
// The body runs in subshells with stderr to /dev/null (a process exiting mid-scan makes ls, od
// and redirections complain; that is a normal race, as in procfsReader).
import { canonicalAddress, MAX_RESOLVE } from './peerNames';

/** Tables read per namespace; the same list as TABLE_NAMES (kept literal: the script is text). */
const TABLES = 'tcp tcp6 udp udp6 udplite udplite6 raw raw6 icmp icmp6 unix packet netlink sctp/eps sctp/assocs';

// Written with `$\{` for the shell's `${` (this is a template literal); see the replace below.
const SCRIPT_SOURCE = String.raw`LC_ALL=C; export LC_ALL
procnet_nl='
'
procnet_rec() {
	procnet_rt=$1; procnet_rc=$2; shift 2
	printf '%s %s%s\n%s\n' "$procnet_rt" "$\{#procnet_rc}" "$\{*:+ $*}" "$procnet_rc"
}
procnet_file() {
	procnet_fc=$(cat "$1" 2>/dev/null && echo .)
	case $procnet_fc in *.) procnet_fc=$\{procnet_fc%.}; return 0;; esac
	return 1
}
procnet_flush_a() {
	[ -n "$procnet_a" ] || return 0
	procnet_ac=$(ls -dLin $procnet_a 2>/dev/null)
	procnet_a=; procnet_an=0
	procnet_rec A "$procnet_ac"
	while read -r procnet_i procnet_m procnet_r; do
		case $procnet_r in */net/tcp) procnet_r=$\{procnet_r##* }; procnet_pairs="$procnet_pairs $\{procnet_r%%/*}:$procnet_i";; esac
	done <<procnet_EOF
$procnet_ac
procnet_EOF
}
procnet_stream() {
	# TAG ARGS... then a command's output as a streamed record (see above); returns its status.
	printf '%s - %s\n' "$1" "$2"
	shift 2
	"$@" 2>/dev/null
	procnet_st=$?
	printf '\000%s\n' "$procnet_st"
	return $procnet_st
}
# Is procnet_s the stat of a kernel thread? (PF_KTHREAD in the flags, field 9.) Kernel threads
# have no cmdline and no fds: no process is spent on them. The fields after the comm's last ") "
# are state, ppid, ..., flags = 7th.
procnet_kthread() {
	set -- $\{procnet_s##*) }
	[ "$#" -ge 7 ] && [ "$(( $7 & 2097152 ))" -ne 0 ] 2>/dev/null
}
procnet_body1() {
	procnet_rec U "$(uname -s 2>/dev/null)"
	procnet_rec I "$$"
	procnet_rec E "$(od -An -tx1 -N6 /bin/sh 2>/dev/null || od -An -tx1 -N6 /proc/self/exe 2>/dev/null)"
	procnet_rec T "$(getconf CLK_TCK 2>/dev/null)"
	procnet_rec P "$(getconf PAGESIZE 2>/dev/null)"
	procnet_root=$1
	if ! cd "$procnet_root" 2>/dev/null; then
		procnet_rec X "cannot read $procnet_root: no such directory (is this Linux, with /proc mounted?)" no-proc
		return 0
	fi
	procnet_a=; procnet_an=0; procnet_pairs=; procnet_upids=
	for procnet_p in [0-9]*; do
		case $procnet_p in *[!0-9]*) continue;; esac
		procnet_s=
		while IFS= read -r procnet_l; do procnet_s=$procnet_s$procnet_l$procnet_nl; done 2>/dev/null <"$procnet_p/stat"
		[ -n "$procnet_s" ] || continue
		procnet_rec S "$procnet_s" "$procnet_p"
		procnet_a="$procnet_a $procnet_p $procnet_p/ns/net $procnet_p/net/tcp"
		procnet_an=$((procnet_an + 3))
		[ "$procnet_an" -lt 600 ] || procnet_flush_a
		if procnet_kthread; then procnet_rec C "" "$procnet_p"; else procnet_upids="$procnet_upids $procnet_p"; fi
	done
	# The user processes, for procnet_body2 (which may run in another subshell: see procnet_collect).
	printf '%s' "$procnet_upids" >&3
	procnet_flush_a
	procnet_done=
	for procnet_x in $procnet_pairs; do
		procnet_i=$\{procnet_x#*:}; procnet_p=$\{procnet_x%%:*}
		case " $procnet_done " in *" $procnet_i "*) continue;; esac
		procnet_got=
		for procnet_t in ${TABLES}; do
			[ -r "$procnet_p/net/$procnet_t" ] || continue
			procnet_stream N "$procnet_i $procnet_p $procnet_t" cat "$procnet_p/net/$procnet_t" && procnet_got=1
		done
		[ -z "$procnet_got" ] || procnet_done="$procnet_done $procnet_i"
	done
	if [ -z "$procnet_done" ]; then
		for procnet_d in self/net net; do
			procnet_got=
			for procnet_t in ${TABLES}; do
				[ -r "$procnet_d/$procnet_t" ] || continue
				procnet_stream N "0 -1 $procnet_t" cat "$procnet_d/$procnet_t" && procnet_got=1
			done
			if [ -n "$procnet_got" ]; then
				procnet_c=$(ls -dLi self/ns/net 2>/dev/null)
				set -- $procnet_c
				procnet_rec Y "$\{1:-}"
				break
			fi
		done
	fi
	return 0
}
procnet_flush_l() {
	[ -n "$procnet_g" ] || return 0
	# self/fd (ls's own) makes at least two operands, so that ls always heads each listing "PID/fd:".
	procnet_stream L "" ls -1LiF self/fd $procnet_g
	procnet_g=; procnet_gn=0
}
procnet_body2() {
	procnet_root=$1
	cd "$procnet_root" 2>/dev/null || return 0
	# ls -F marks a socket with '=' (GNU, busybox, toybox, BSD); an ls without -F gets the long listing.
	procnet_lsf=
	ls -1diF . >/dev/null 2>&1 && procnet_lsf=1
	procnet_g=; procnet_gn=0
	for procnet_p in $procnet_upids; do
		procnet_stream C "$procnet_p" od -An -v -tx1 "$procnet_p/cmdline"
		if [ -d "$procnet_p/fd" ] && { [ ! -r "$procnet_p/fd" ] || [ ! -x "$procnet_p/fd" ]; }; then
			procnet_rec Q "" "$procnet_p"
			continue
		fi
		# Listable but not followable (pid 1 in some sandboxes, ptrace-protected processes): denied.
		for procnet_x in 0 1 2; do
			if [ -L "$procnet_p/fd/$procnet_x" ] && [ ! -e "$procnet_p/fd/$procnet_x" ]; then procnet_rec Q "" "$procnet_p"; continue 2; fi
		done
		# ls reads each fd directory itself (no argument per fd, so no ARG_MAX at 100k fds) and -L
		# stats each link's target: a socket shows as such, with its inode. One ls per 100 processes.
		if [ -n "$procnet_lsf" ]; then
			procnet_g="$procnet_g $procnet_p/fd"
			procnet_gn=$((procnet_gn + 1))
			[ "$procnet_gn" -lt 100 ] || procnet_flush_l
		else
			procnet_c=$(ls -Lin "$procnet_p/fd" 2>/dev/null)
			case $procnet_c in *" s"[r-][w-]*) procnet_rec F "$procnet_c" "$procnet_p";; *) continue;; esac
		fi
		procnet_stream R "$procnet_p" readlink "$procnet_p/cwd"
		procnet_s=
		while IFS= read -r procnet_l; do procnet_s=$procnet_s$procnet_l$procnet_nl; done 2>/dev/null <"$procnet_p/cgroup"
		[ -z "$procnet_s" ] || procnet_rec G "$procnet_s" "$procnet_p"
	done
	procnet_flush_l
	procnet_c=
	while read -r procnet_k procnet_v; do [ "$procnet_k" = btime ] && procnet_c=$procnet_v; done 2>/dev/null <stat
	procnet_rec B "$procnet_c"
	if procnet_file sys/kernel/hostname && [ "$procnet_root" != /proc ]; then procnet_rec H "$\{procnet_fc%"$procnet_nl"}"; else procnet_rec H "$(uname -n 2>/dev/null)"; fi
	procnet_rec K "$(uname -r 2>/dev/null)"
	procnet_rec D "$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)"
	procnet_file /etc/passwd && procnet_rec W "$procnet_fc"
	return 0
}
procnet_kill() {
	printf '@@PROCNET %s begin raw\n' "$1"
	(procnet_killbody "$2" "$3" "$4" "$5")
	printf '@@PROCNET %s end\n' "$1"
}
# Signals PID only if it is still the process that started at TICKS (pids are reused): the start
# time (stat field 22) is read again right before kill. SIG 0 only checks. Answers one Z record:
# ok | gone | reused TICKS_NOW | failed (content: kill's message).
procnet_killbody() {
	procnet_kp=$2; procnet_kt=$3; procnet_ks=$4
	procnet_s=
	while IFS= read -r procnet_l; do procnet_s=$procnet_s$procnet_l$procnet_nl; done 2>/dev/null <"$1/$procnet_kp/stat"
	if [ -z "$procnet_s" ]; then procnet_rec Z "" gone; return 0; fi
	# The fields after the comm's last ") " start at field 3 (state): the start time is the 20th.
	set -- $\{procnet_s##*) }
	if [ "$#" -lt 20 ]; then procnet_rec Z "" gone; return 0; fi
	shift 19
	if [ "$1" != "$procnet_kt" ]; then procnet_rec Z "" reused "$1"; return 0; fi
	if [ "$procnet_ks" = 0 ]; then procnet_rec Z "" ok; return 0; fi
	if procnet_ke=$(kill -s "$procnet_ks" "$procnet_kp" 2>&1); then procnet_rec Z "" ok; else procnet_rec Z "$procnet_ke" failed; fi
	return 0
}
procnet_close() {
	printf '@@PROCNET %s begin raw\n' "$1"
	(procnet_closebody "$2" "$3" "$4" "$5" "$6" "$7" "$8")
	printf '@@PROCNET %s end\n' "$1"
}
# Aborts the TCP connection SRC -> DST with ss -K, only if fd FD of PID still is socket INODE: a
# live socket keeps its four-tuple, so the filter then matches that socket and no other. Run in
# PID's network namespace (nsenter) when it is not the shell's. ss prints the sockets it destroyed
# and nothing for one the kernel would not close. Answers one Z record: ok | gone | no-ss |
# failed (content: ss's message) | open (content: ss's output).
# Before either: is fd FD of PID (under ROOT) still socket INODE, and is there an ss? Else the Z
# record that says why, and a failure status.
procnet_sscheck() {
	if [ "$(readlink "$1/$2/fd/$3" 2>/dev/null)" != "socket:[$4]" ]; then procnet_rec Z "" gone; return 1; fi
	if ! command -v ss >/dev/null 2>&1; then procnet_rec Z "" no-ss; return 1; fi
	return 0
}
# ss ARGS... in the network namespace of PID (under ROOT): through nsenter when it is not the shell's.
procnet_ssin() {
	procnet_sr=$1; procnet_sp=$2; shift 2
	procnet_sn=$(readlink "$procnet_sr/$procnet_sp/ns/net" 2>/dev/null)
	if [ -n "$procnet_sn" ] && [ "$procnet_sn" != "$(readlink /proc/self/ns/net 2>/dev/null)" ]; then
		nsenter "--net=$procnet_sr/$procnet_sp/ns/net" -- ss "$@"
	else
		ss "$@"
	fi
}
procnet_closebody() {
	procnet_sscheck "$1" "$2" "$3" "$4" || return 0
	procnet_co=$(procnet_ssin "$1" "$2" -K -H -n "-$5" -t src "$6" dst "$7" 2>&1)
	case $procnet_co in
	*"not permitted"*|*"ermission denied"*) procnet_rec Z "$procnet_co" failed ;;
	*" $6 "*) procnet_rec Z "" ok ;;
	*) procnet_rec Z "$procnet_co" open ;;
	esac
	return 0
}
procnet_tcpinfo() {
	printf '@@PROCNET %s begin raw\n' "$1"
	(procnet_tcpinfobody "$2" "$3" "$4" "$5" "$6" "$7" "$8")
	printf '@@PROCNET %s end\n' "$1"
}
# ss -tie about the TCP sockets of FAMILY on SPORT and DPORT (0 for a listener's, which keeps the
# connections it accepted out of the answer), only if fd FD of PID
# still is socket INODE, in PID's network namespace (nsenter when it is not the shell's). The
# caller picks the socket from the answer by its inode. One Z record: ok (content: ss's output) |
# gone | no-ss | failed (content: ss's message).
procnet_tcpinfobody() {
	procnet_sscheck "$1" "$2" "$3" "$4" || return 0
	procnet_tf="sport = :$6 dport = :$7"
	# The filter's words split on purpose: each value in it is a number (tcpInfoCommand).
	if procnet_to=$(procnet_ssin "$1" "$2" -t -i -e -H -n "-$5" state all $procnet_tf 2>&1); then procnet_rec Z "$procnet_to" ok; else procnet_rec Z "$procnet_to" failed; fi
	return 0
}
procnet_traffic() {
	procnet_tn=$1
	shift
	printf '@@PROCNET %s begin raw\n' "$procnet_tn"
	(procnet_trafficbody "$@")
	printf '@@PROCNET %s end\n' "$procnet_tn"
}
# ss -tie about every TCP socket whose KEY (sport or dport) is one of PORTS... (every TCP socket
# when none is given), only if fd FD of PID still is socket INODE, in PID's network namespace: a
# process's connections, or a namespace's (trafficCommand), picked from the answer by their
# inodes. One Z record, as procnet_tcpinfobody's.
procnet_trafficbody() {
	procnet_sscheck "$1" "$2" "$3" "$4" || return 0
	procnet_tr=$1; procnet_tp=$2; procnet_tk=$5
	shift 5
	procnet_tf=''
	for procnet_x in "$@"; do
		[ -z "$procnet_tf" ] && procnet_tf='(' || procnet_tf="$procnet_tf or"
		procnet_tf="$procnet_tf $procnet_tk = :$procnet_x"
	done
	[ -z "$procnet_tf" ] || procnet_tf="$procnet_tf )"
	# The filter's words split on purpose: each value in it is a number or sport/dport (trafficCommand).
	if procnet_to=$(procnet_ssin "$procnet_tr" "$procnet_tp" -t -i -e -H -n state all $procnet_tf 2>&1); then procnet_rec Z "$procnet_to" ok; else procnet_rec Z "$procnet_to" failed; fi
	return 0
}
procnet_resolve() {
	procnet_rn=$1
	shift
	printf '@@PROCNET %s begin raw\n' "$procnet_rn"
	(procnet_resolvebody "$@")
	printf '@@PROCNET %s end\n' "$procnet_rn"
}
# getent hosts for each ADDRESS, all at once (a slow DNS answer holds only its own), each cut
# off after 2 s where timeout(1) exists: the session answers one request at a time, so a hung
# lookup would hold the next refresh. One Z record: ok (content: getent's lines) | no-getent.
procnet_resolvebody() {
	if ! command -v getent >/dev/null 2>&1; then procnet_rec Z "" no-getent; return 0; fi
	procnet_rw=
	command -v timeout >/dev/null 2>&1 && procnet_rw="timeout 2"
	# $procnet_rw splits on purpose: empty, or the two words "timeout 2". Each address is checked (resolveCommand).
	procnet_ro=$(for procnet_ra in "$@"; do $procnet_rw getent hosts "$procnet_ra" & done; wait)
	procnet_rec Z "$procnet_ro" ok
	return 0
}
procnet_collect() {
	if [ "$3" = gzip ] && command -v gzip >/dev/null 2>&1 && command -v base64 >/dev/null 2>&1; then
		# gzip -1: about half the CPU of the default -6 on these tables, for a fifth more bytes. A
		# gzip without levels (a small busybox) gets its default. Probed once per session.
		[ -n "$procnet_gzl" ] || { gzip -1 -c </dev/null >/dev/null 2>&1 && procnet_gzl=-1 || procnet_gzl=-c; }
		printf '@@PROCNET %s begin gzip64\n' "$1"
		# Part 1 goes out through its own gzip; the list of user processes it found comes back on fd 3.
		{ procnet_upids=$( { (procnet_body1 "$2") 3>&5 | gzip $procnet_gzl -c | base64 >&4; } 5>&1 ); } 4>&1
		printf '@@PROCNET %s part\n' "$1"
		(procnet_body2 "$2") | gzip $procnet_gzl -c | base64
	else
		printf '@@PROCNET %s begin raw\n' "$1"
		(procnet_body1 "$2" 3>/dev/null && procnet_body2 "$2")
	fi
	printf '@@PROCNET %s end\n' "$1"
}
`;

/** The function definitions a session sends once (POSIX sh; defines procnet_collect). */
export const COLLECTOR_SCRIPT: string = SCRIPT_SOURCE.replace(/\$\\\{/g, '${');

/** Quotes one word for sh: '...' with ' written as '\''. */
export function shQuote(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}

export type Compression = 'gzip' | 'none';

/** The one line a refresh writes: runs the collector with stdin and stderr closed to it. */
export function collectCommand(nonce: string, root = '/proc', compression: Compression = 'gzip'): string {
	if (!/^[0-9a-zA-Z]{1,64}$/.test(nonce)) throw new Error(`bad nonce ${JSON.stringify(nonce)}`);
	if (!root.startsWith('/') || root.includes('\n') || root.includes('\0')) throw new Error(`proc root must be an absolute path, not ${JSON.stringify(root)}`);
	return `procnet_collect ${nonce} ${shQuote(root)} ${compression} </dev/null 2>/dev/null\n`;
}

export type RemoteSignal = 'TERM' | 'KILL' | '0';

/**
 * The one line that signals PID on the remote if its start time is still TICKS (see
 * procnet_killbody). Every value is checked to be a plain integer or one of our signal names
 * before it is written: nothing from a snapshot or a user reaches the session as text.
 */
export function killCommand(nonce: string, root: string, pid: number, startTicks: number, signal: RemoteSignal): string {
	if (!/^[0-9a-zA-Z]{1,64}$/.test(nonce)) throw new Error(`bad nonce ${JSON.stringify(nonce)}`);
	if (!root.startsWith('/') || root.includes('\n') || root.includes('\0')) throw new Error(`proc root must be an absolute path, not ${JSON.stringify(root)}`);
	if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`refusing to signal pid ${String(pid)}`);
	if (!Number.isSafeInteger(startTicks) || startTicks < 0) throw new Error(`bad start time ${String(startTicks)}`);
	if (signal !== 'TERM' && signal !== 'KILL' && signal !== '0') throw new Error(`bad signal ${String(signal)}`);
	return `procnet_kill ${nonce} ${shQuote(root)} ${pid} ${startTicks} ${signal} </dev/null 2>/dev/null\n`;
}

/** What every command about one socket writes first: the nonce, the proc root, the owner's pid and fd, the inode. */
function checkSocketCommand(nonce: string, root: string, t: { pid: number; fd: number; inode: string }): void {
	if (!/^[0-9a-zA-Z]{1,64}$/.test(nonce)) throw new Error(`bad nonce ${JSON.stringify(nonce)}`);
	if (!root.startsWith('/') || root.includes('\n') || root.includes('\0')) throw new Error(`proc root must be an absolute path, not ${JSON.stringify(root)}`);
	if (!Number.isSafeInteger(t.pid) || t.pid <= 0 || !Number.isSafeInteger(t.fd) || t.fd < 0) throw new Error(`bad owner ${String(t.pid)}/${String(t.fd)}`);
	if (!/^[1-9][0-9]{0,19}$/.test(t.inode)) throw new Error(`bad inode ${JSON.stringify(t.inode)}`);
}

/**
 * The one line that closes a TCP connection on the remote (see procnet_closebody). Every value is
 * checked before it is written: integers, an inode of digits, and endpoints of address characters
 * only, so nothing from a snapshot reaches the session as anything but those.
 */
export function closeCommand(nonce: string, root: string, t: { pid: number; fd: number; inode: string; family: 4 | 6; src: string; dst: string }): string {
	checkSocketCommand(nonce, root, t);
	const ep = t.family === 6 ? /^\[[0-9a-fA-F:.]{2,45}\]:[0-9]{1,5}$/ : /^[0-9.]{7,15}:[0-9]{1,5}$/;
	if ((t.family !== 4 && t.family !== 6) || !ep.test(t.src) || !ep.test(t.dst)) throw new Error(`bad endpoints ${JSON.stringify(t.src)} ${JSON.stringify(t.dst)}`);
	return `procnet_close ${nonce} ${shQuote(root)} ${t.pid} ${t.fd} ${t.inode} ${t.family} ${shQuote(t.src)} ${shQuote(t.dst)} </dev/null 2>/dev/null\n`;
}

/**
 * The one line that asks the remote's ss about a TCP socket (see procnet_tcpinfobody). As with
 * closeCommand, every value is checked to be a number of its kind before it is written.
 */
export function tcpInfoCommand(nonce: string, root: string, t: { pid: number; fd: number; inode: string; family: 4 | 6; sport: number; dport: number }): string {
	checkSocketCommand(nonce, root, t);
	if (t.family !== 4 && t.family !== 6) throw new Error(`bad family ${String(t.family)}`);
	const port = (p: number, min: number) => Number.isInteger(p) && p >= min && p <= 65535;
	if (!port(t.sport, 1) || !port(t.dport, 0)) throw new Error(`bad ports ${String(t.sport)} ${String(t.dport)}`);
	return `procnet_tcpinfo ${nonce} ${shQuote(root)} ${t.pid} ${t.fd} ${t.inode} ${t.family} ${t.sport} ${t.dport} </dev/null 2>/dev/null\n`;
}

/**
 * The one line that asks the remote's ss about a process's connections, or with no ports about
 * every TCP socket in that process's namespace (see procnet_trafficbody): as tcpInfoCommand, every
 * value checked to be a number of its kind (the key one of two words).
 */
export function trafficCommand(nonce: string, root: string, t: { pid: number; fd: number; inode: string; key: 'sport' | 'dport'; ports: readonly number[] }): string {
	checkSocketCommand(nonce, root, t);
	if (t.key !== 'sport' && t.key !== 'dport') throw new Error(`bad key ${JSON.stringify(t.key)}`);
	// No ports: every TCP socket of the namespace (procnet traffic --ssh without --pid).
	if (!Array.isArray(t.ports) || t.ports.length > 200 || !t.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) throw new Error(`bad ports ${JSON.stringify(t.ports)}`);
	return `procnet_traffic ${nonce} ${shQuote(root)} ${t.pid} ${t.fd} ${t.inode} ${t.key} ${t.ports.join(' ')} </dev/null 2>/dev/null\n`;
}

/**
 * The one line that asks the remote's resolver for names of addresses (see procnet_resolvebody):
 * each value checked to be an IP address, written in its canonical form (hex digits and colons,
 * or digits and dots), at most MAX_RESOLVE of them.
 */
export function resolveCommand(nonce: string, addrs: readonly string[]): string {
	if (!/^[0-9a-zA-Z]{1,64}$/.test(nonce)) throw new Error(`bad nonce ${JSON.stringify(nonce)}`);
	if (!addrs.length || addrs.length > MAX_RESOLVE) throw new Error(`bad address count ${addrs.length}`);
	const list = addrs.map((a) => {
		const c = canonicalAddress(a);
		if (!c || !/^[0-9a-f:.]+$/.test(c)) throw new Error(`not an address: ${JSON.stringify(a)}`);
		return c;
	});
	return `procnet_resolve ${nonce} ${list.join(' ')} </dev/null 2>/dev/null\n`;
}

/** The whole collector as one sh program: definitions + one uncompressed run (for files, recipes). */
export function standaloneScript(nonce = 'capture', root = '/proc'): string {
	return `${COLLECTOR_SCRIPT}${collectCommand(nonce, root, 'none')}`;
}

/**
 * A one-line POSIX sh command for a machine with neither procnet nor node: it writes
 * `procnet-capture.txt`, which `procnet snapshot --from-capture procnet-capture.txt` reads.
 * The script travels as a printf format (newlines as \n, % as %%, \ as \\), so the line holds
 * no literal newline and needs nothing beyond sh and printf.
 */
export function captureRecipe(outFile = 'procnet-capture.txt'): string {
	const fmt = standaloneScript()
		.replace(/\\/g, '\\\\')
		.replace(/%/g, '%%')
		.replace(/\n/g, '\\n');
	return `sh -c "$(printf ${shQuote(fmt)})" > ${shQuote(outFile)}`;
}
