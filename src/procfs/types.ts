// Shapes produced by the pure /proc parsers. Nothing here touches the file system or vscode:
// a parser gets text (from any host) and the byte order of the kernel that printed it.

/** Byte order of the kernel that printed the text: decides how hex addresses are read. */
export type ByteOrder = 'LE' | 'BE';

export type SocketKind = 'tcp' | 'udp' | 'udplite' | 'raw' | 'icmp' | 'unix' | 'packet' | 'netlink' | 'sctp';

/** Every table procnet reads from `/proc/[pid]/net/`, named by its path below `net/`. */
export const TABLE_NAMES = [
	'tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'icmp', 'icmp6',
	'unix', 'packet', 'netlink', 'sctp/eps', 'sctp/assocs',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/**
 * A line a parser could not read. Parsers never throw on bad input: they skip the line,
 * count it here and go on, so one odd kernel line never hides the rest of a table.
 */
export interface ParseWarning {
	table: string;
	/** 1-based line number in the table text. */
	line: number;
	reason: string;
	/** The offending text, cut to 200 characters. */
	text: string;
}

export interface ParseResult<T> {
	rows: T[];
	warnings: ParseWarning[];
}

/** TCP `tr` timer codes, named as `ss -o` names them. */
export type TimerName = 'off' | 'on' | 'keepalive' | 'timewait' | 'persist' | 'unknown';

/**
 * One socket as read from one table line. Every kind shares the first block of fields (the
 * JSON contract of `procnet snapshot --json`); the optional fields below carry what only some
 * kinds have. Inodes stay strings: kernels are moving to 64-bit inode numbers.
 */
export interface SocketRow {
	kind: SocketKind;
	ipVersion: 4 | 6 | null;
	localAddress: string | null;
	localPort: number | null;
	remoteAddress: string | null;
	remotePort: number | null;
	/** Kernel names for TCP (`ESTABLISHED`, `LISTEN`, ...); `UNCONN`/`ESTABLISHED` for udp/raw/icmp; unix: `LISTEN`, `UNCONNECTED`, `CONNECTING`, `CONNECTED`, `DISCONNECTING`. */
	state: string;
	txQueue: number | null;
	rxQueue: number | null;
	uid: number | null;
	inode: string;
	/** unix: the bound name (abstract names start with `@`), null when unnamed. */
	path: string | null;
	/** unix: `STREAM`, `DGRAM`, `SEQPACKET` (or `TYPE_n`). */
	unixType: string | null;

	// --- inet (tcp/udp/udplite/raw/icmp) ---
	timer?: TimerName;
	/** Time left on the timer, seconds (tm->when / USER_HZ). */
	timerSeconds?: number;
	retransmits?: number;
	/** TCP `timeout` column: unanswered zero-window/keepalive probes (not a timeout). */
	probes?: number;
	/** udp/raw/icmp: `sk_drops`. */
	drops?: number;
	/** tcp: kernel reference count, rto/ato (seconds), congestion window, slow-start threshold (null while in initial slow start). */
	refCount?: number;
	rto?: number;
	ato?: number;
	cwnd?: number;
	ssthresh?: number | null;

	// --- raw / packet / netlink: the protocol number (IP protocol, ethertype, netlink family) ---
	protocol?: number;
	protocolName?: string;
	/** packet: interface index, 0 = every interface. */
	ifindex?: number;
	/** packet: `RAW` or `DGRAM`. */
	packetType?: string;
	/** netlink: port id (0 = the kernel's own socket); multicast groups bitmap as hex. */
	portId?: number;
	groups?: string;

	// --- sctp ---
	/** every local address of the endpoint/association (the first is also `localAddress`). */
	localAddresses?: string[];
	/** every remote address; `*` in the kernel text (primary path) is dropped and the primary put first. */
	remoteAddresses?: string[];
	/** `one-to-many`, `peeled-off`, `one-to-one`. */
	sctpStyle?: string;
	/** the association state for sctp/assocs rows (`ESTABLISHED`, `COOKIE_WAIT`, ...). */
	assocState?: string;
	assocId?: string;

	// --- set by the join, which makes each row its socket in place (model/join.ts) ---
	// The inet parser writes them as undefined into every row it makes, so that a row has them from
	// the start: set later, they went to a separate property store of ~30 B per row (measured at
	// 100k rows: 195 -> 164 B per socket, and the parse ~10% faster).
	id?: unknown;
	netns?: unknown;
	owners?: unknown;
	ownerUnknown?: unknown;

	/**
	 * Why this row is doubtful. `possibly-forged`: a unix record that may be text of the
	 * previous socket's name (names may contain newlines), so it is never given an owner.
	 */
	suspect?: string;
}

/** Facts from `/proc/[pid]/stat`. */
export interface ProcStat {
	pid: number;
	/** The comm as the kernel printed it between the first `(` and the last `)` (may hold `)` and spaces). */
	comm: string;
	state: string;
	ppid: number;
	/** Field 22: start time after boot, in clock ticks (USER_HZ). With the pid it identifies a process. */
	startTicks: number;
	numThreads: number;
	/** Resident set size, pages. */
	rssPages: number;
	/** Fields 14 and 15: CPU time in user and kernel mode, in clock ticks (USER_HZ). */
	utimeTicks: number;
	stimeTicks: number;
}

/** Facts from `/proc/[pid]/status` (the few procnet needs). */
export interface ProcStatus {
	name: string | null;
	/** real, effective, saved, filesystem uid. */
	uids: number[] | null;
	ppid: number | null;
	/** NSpid: the pid in each nested pid namespace, outermost first. */
	nsPids: number[] | null;
}

/** `/proc/net/sockstat{,6}`: protocol → counter → value. */
export type Sockstat = Record<string, Record<string, number>>;

/**
 * The contract fields of a socket that has no IP addresses or ports (unix, packet, netlink),
 * all null but kind, state and inode; each parser adds what its table has.
 */
export function addresslessRow(kind: SocketKind, state: string, inode: string): SocketRow {
	return { kind, ipVersion: null, localAddress: null, localPort: null, remoteAddress: null, remotePort: null, state, txQueue: null, rxQueue: null, uid: null, inode, path: null, unixType: null };
}
