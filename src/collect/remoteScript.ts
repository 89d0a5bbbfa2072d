// The collector that runs on a remote host (over ssh, `docker exec -i`, `unshare -n sh`, ...):
// a POSIX sh script, sent on the transport's stdin. Nothing is installed on the remote; it needs
// only sh, ls, od, cat, uname (and uses gzip + base64, readlink, getconf, date when present), and
// runs under dash, bash and `busybox sh` with only busybox applets.
//
// Session: the definitions below are written once when a session starts; each refresh writes
// one line, `procnet_collect NONCE ROOT MODE`, and reads one response (see remoteCapture.ts for
// the parser and the protocol):
//
//   @@PROCNET <nonce> begin raw|gzip64\n
//   <records> (raw) | base64 of gzip(<records>) (gzip64)
//   @@PROCNET <nonce> end\n
//
// A record is a header line `TAG LEN [ARG...]\n`, then exactly LEN bytes of content, then `\n`.
// Headers are made only of our tags and numbers; content is framed by its byte length, never
// searched for markers (unix socket paths, comm and cwd can hold newlines and marker-like text).
// In gzip64 mode the end line is found in base64 text, which cannot contain '@'.
//
// What is read, per record tag:
//   U uname -s · H hostname · K uname -r · E first 6 bytes of /bin/sh (ELF header, hex: byte
//   order) · T getconf CLK_TCK · B btime of ROOT/stat · D date (UTC) · I $$ (the collector's pid)
//   W /etc/passwd
//   S PID  ROOT/PID/stat (read with the `read` builtin: no process per pid; stat has no NUL)
//   C PID  ROOT/PID/cmdline as `od -An -v -tx1` hex (cmdline holds NULs, which no shell variable
//          keeps; hex is exact, costs one od per pid and 3x bytes before compression).
//          Kernel threads (PF_KTHREAD in stat's flags, tested with shell arithmetic) have no
//          cmdline and no fds: they get an empty C and neither od nor ls.
//   A      `ls -dLin` of PID, PID/ns/net, PID/net/tcp for a batch of pids: owner uid, the
//          namespace inode (= N in net:[N]) and the inode of the namespace's tcp table
//   F PID  `ls -Lin PID/fd`: one listing per pid that holds a socket (mode `s...`; with -L the
//          inode is the socket inode of socket:[N]). ls reads the directory itself, so there is
//          no argument per fd (no ARG_MAX at 100k fds), and the names it prints are fd numbers,
//          so no file name can forge a line. Non-socket lines are dropped by the parser.
//   Q PID  the fd directory exists but is not readable (another user's process), or fd 0, 1
//          or 2 is a link that cannot be followed (`[ -L ] && [ ! -e ]`: readlink refused)
//   R PID  readlink ROOT/PID/cwd, for the pids that hold sockets only (one readlink each)
//   N TCPINO VIAPID TABLE  one table of the namespace whose net/tcp has inode TCPINO, read once
//          via its first live member (VIAPID -1: ROOT/self/net or ROOT/net, as procfsReader)
//   Y      the namespace inode of ROOT/self/ns/net (id of the VIAPID -1 tables)
//   X CODE a fatal problem (CODE no-proc): the capture has nothing else
//
// The body runs in a subshell with stderr to /dev/null (a process exiting mid-scan makes ls, od
// and redirections complain; that is a normal race, as in procfsReader).

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
procnet_body() {
	procnet_rec U "$(uname -s 2>/dev/null)"
	procnet_rec I "$$"
	procnet_root=$1
	if ! cd "$procnet_root" 2>/dev/null; then
		procnet_rec X "cannot read $procnet_root: no such directory (is this Linux, with /proc mounted?)" no-proc
		return 0
	fi
	procnet_a=; procnet_an=0; procnet_pairs=; procnet_sockpids=
	for procnet_p in [0-9]*; do
		case $procnet_p in *[!0-9]*) continue;; esac
		procnet_s=
		while IFS= read -r procnet_l; do procnet_s=$procnet_s$procnet_l$procnet_nl; done 2>/dev/null <"$procnet_p/stat"
		[ -n "$procnet_s" ] || continue
		procnet_rec S "$procnet_s" "$procnet_p"
		procnet_a="$procnet_a $procnet_p $procnet_p/ns/net $procnet_p/net/tcp"
		procnet_an=$((procnet_an + 3))
		[ "$procnet_an" -lt 600 ] || procnet_flush_a
		# Kernel threads (PF_KTHREAD in the flags, field 9) have no cmdline and no fds: no process
		# is spent on them. The fields after the comm's last ") " are state, ppid, ..., flags = 7th.
		set -- $\{procnet_s##*) }
		if [ "$#" -ge 7 ] && [ "$(( $7 & 2097152 ))" -ne 0 ] 2>/dev/null; then
			procnet_rec C "" "$procnet_p"
			continue
		fi
		procnet_rec C "$(od -An -v -tx1 "$procnet_p/cmdline" 2>/dev/null)" "$procnet_p"
		# One listing per pid: ls reads the fd directory itself (no argument per fd, so no ARG_MAX
		# at 100k fds) and -L stats each link's target: a socket shows mode s... and its inode.
		if [ -d "$procnet_p/fd" ] && { [ ! -r "$procnet_p/fd" ] || [ ! -x "$procnet_p/fd" ]; }; then
			procnet_rec Q "" "$procnet_p"
			continue
		fi
		# Listable but not followable (pid 1 in some sandboxes, ptrace-protected processes): denied.
		for procnet_x in 0 1 2; do
			if [ -L "$procnet_p/fd/$procnet_x" ] && [ ! -e "$procnet_p/fd/$procnet_x" ]; then procnet_rec Q "" "$procnet_p"; continue 2; fi
		done
		procnet_c=$(ls -Lin "$procnet_p/fd" 2>/dev/null)
		case $procnet_c in *" s"[r-][w-]*) procnet_rec F "$procnet_c" "$procnet_p"; procnet_sockpids="$procnet_sockpids $procnet_p";; esac
	done
	procnet_flush_a
	for procnet_p in $procnet_sockpids; do
		procnet_c=$(readlink "$procnet_p/cwd" 2>/dev/null && echo .)
		case $procnet_c in *.) procnet_c=$\{procnet_c%.}; procnet_rec R "$\{procnet_c%"$procnet_nl"}" "$procnet_p";; esac
	done
	procnet_done=
	for procnet_x in $procnet_pairs; do
		procnet_i=$\{procnet_x#*:}; procnet_p=$\{procnet_x%%:*}
		case " $procnet_done " in *" $procnet_i "*) continue;; esac
		procnet_got=
		for procnet_t in ${TABLES}; do
			procnet_file "$procnet_p/net/$procnet_t" || continue
			procnet_rec N "$procnet_fc" "$procnet_i" "$procnet_p" "$procnet_t"; procnet_got=1
		done
		[ -z "$procnet_got" ] || procnet_done="$procnet_done $procnet_i"
	done
	if [ -z "$procnet_done" ]; then
		for procnet_d in self/net net; do
			procnet_got=
			for procnet_t in ${TABLES}; do
				procnet_file "$procnet_d/$procnet_t" || continue
				procnet_rec N "$procnet_fc" 0 -1 "$procnet_t"; procnet_got=1
			done
			if [ -n "$procnet_got" ]; then
				procnet_c=$(ls -dLi self/ns/net 2>/dev/null)
				set -- $procnet_c
				procnet_rec Y "$\{1:-}"
				break
			fi
		done
	fi
	procnet_c=
	while read -r procnet_k procnet_v; do [ "$procnet_k" = btime ] && procnet_c=$procnet_v; done 2>/dev/null <stat
	procnet_rec B "$procnet_c"
	if procnet_file sys/kernel/hostname && [ "$procnet_root" != /proc ]; then procnet_rec H "$\{procnet_fc%"$procnet_nl"}"; else procnet_rec H "$(uname -n 2>/dev/null)"; fi
	procnet_rec K "$(uname -r 2>/dev/null)"
	procnet_rec E "$(od -An -tx1 -N6 /bin/sh 2>/dev/null || od -An -tx1 -N6 /proc/self/exe 2>/dev/null)"
	procnet_rec T "$(getconf CLK_TCK 2>/dev/null)"
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
procnet_collect() {
	if [ "$3" = gzip ] && command -v gzip >/dev/null 2>&1 && command -v base64 >/dev/null 2>&1; then
		printf '@@PROCNET %s begin gzip64\n' "$1"
		(procnet_body "$2") | gzip -c | base64
	else
		printf '@@PROCNET %s begin raw\n' "$1"
		(procnet_body "$2")
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
