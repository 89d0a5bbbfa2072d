// Parser for the inet socket tables: tcp, tcp6, udp, udp6, udplite, udplite6, raw, raw6,
// icmp, icmp6. They share one layout (net/ipv4/tcp_ipv4.c, udp.c, raw.c, ping.c):
//   sl local rem st tx:rx tr:when retrnsmt uid timeout inode [ref pointer ...kind-specific]
// Tokens are read by position after splitting on whitespace: the kernel pads rows to a fixed
// width and `sl` outgrows its column past 9999, so fixed columns would break.
import { decodeAddress } from './address';
import { makeWarning, stripLeadingZeros } from './lines';
import type { ByteOrder, ParseResult, ParseWarning, SocketKind, SocketRow, TimerName } from './types';

export type InetTable = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'udplite' | 'udplite6' | 'raw' | 'raw6' | 'icmp' | 'icmp6';

export interface InetParseOptions {
	/** Byte order of the kernel that printed the text. */
	byteOrder: ByteOrder;
	/** USER_HZ of that kernel (`getconf CLK_TCK`), for timers; 100 nearly everywhere. */
	clkTck?: number;
}

/** include/net/tcp_states.h. 0x0C (NEW_SYN_RECV) is printed as 03 by the kernel, kept for safety. */
export const TCP_STATES: readonly string[] = [
	'UNKNOWN_0', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
	'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'SYN_RECV', 'BOUND_INACTIVE',
];

export const TIMERS: readonly TimerName[] = ['off', 'on', 'keepalive', 'timewait', 'persist'];

/** IANA protocol numbers raw sockets are commonly opened for. */
const IP_PROTOCOLS: Record<number, string> = {
	0: 'IP', 1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE',
	50: 'ESP', 51: 'AH', 58: 'ICMPv6', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 132: 'SCTP', 255: 'RAW',
};

export function kindOfTable(table: InetTable): SocketKind {
	return table.replace(/6$/, '') as SocketKind;
}

export function stateName(kind: SocketKind, code: number): string {
	if (kind !== 'tcp') {
		// Datagram sockets reuse TCP_ESTABLISHED (connected) and TCP_CLOSE (not connected).
		if (code === 7) return 'UNCONN';
		if (code === 1) return 'ESTABLISHED';
	}
	return TCP_STATES[code] ?? `STATE_${code.toString(16).toUpperCase()}`;
}

// Token boundaries of the current line, reused across lines: at 100k rows, making a string of
// every column (17 per row) costs more than the decoding itself. The boundaries are offsets
// into the whole part that was read, not into a line of its own: a string per line (a slice
// of the part) cost a fifth of the parse, and V8 reads a slice's characters through it.
const MAX_TOKENS = 24;
const tokStart = new Int32Array(MAX_TOKENS);
const tokEnd = new Int32Array(MAX_TOKENS);

/** Splits text[from, to) on whitespace into tokStart/tokEnd; the number of tokens (at most MAX_TOKENS). */
function tokenize(text: string, from: number, to: number): number {
	let n = 0;
	let i = from;
	while (n < MAX_TOKENS) {
		while (i < to && isSpace(text.charCodeAt(i))) i++;
		if (i >= to) break;
		tokStart[n] = i;
		while (i < to && !isSpace(text.charCodeAt(i))) i++;
		tokEnd[n++] = i;
	}
	return n;
}

/**
 * tokenize for text with no whitespace but spaces (what the kernel prints): the end of a token
 * is found by indexOf, which V8 runs natively, instead of a test per character.
 */
function tokenizeSpaced(text: string, from: number, to: number): number {
	let n = 0;
	let i = from;
	while (n < MAX_TOKENS) {
		while (i < to && text.charCodeAt(i) === 32) i++;
		if (i >= to) break;
		tokStart[n] = i;
		i = text.indexOf(' ', i);
		if (i < 0 || i > to) i = to;
		tokEnd[n++] = i;
	}
	return n;
}

function isSpace(c: number): boolean {
	return c === 32 || c === 9 || c === 13;
}

function hexDigit(c: number): number {
	if (c >= 48 && c <= 57) return c - 48;
	if (c >= 65 && c <= 70) return c - 55;
	if (c >= 97 && c <= 102) return c - 87;
	return -1;
}

/** Hex number in line[s, e); -1 when empty, too long or not hex. */
function hexAt(line: string, s: number, e: number): number {
	if (e <= s || e - s > 13) return -1;
	let v = 0;
	for (let i = s; i < e; i++) {
		const d = hexDigit(line.charCodeAt(i));
		if (d < 0) return -1;
		v = v * 16 + d;
	}
	return v;
}

/** Decimal (optionally negative) in line[s, e); NaN otherwise. */
function decAt(line: string, s: number, e: number): number {
	const neg = line.charCodeAt(s) === 45;
	const from = neg ? s + 1 : s;
	if (e <= from || e - from > 15) return NaN;
	let v = 0;
	for (let i = from; i < e; i++) {
		const c = line.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return NaN;
		v = v * 10 + c;
	}
	return neg ? -v : v;
}

function isDecimalAt(line: string, s: number, e: number): boolean {
	if (e <= s) return false;
	for (let i = s; i < e; i++) {
		const c = line.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}
	return true;
}

/** Index of the first ':' in line[s, e), or -1. */
function colonAt(line: string, s: number, e: number): number {
	for (let i = s; i < e; i++) if (line.charCodeAt(i) === 58) return i;
	return -1;
}

export function parseInetTable(text: string, table: InetTable, opts: InetParseOptions): ParseResult<SocketRow> {
	const p = new InetTableParser(table, opts);
	p.text(text);
	return { rows: p.take(), warnings: p.warnings };
}

/**
 * parseInetTable over a table that comes in parts, each of whole lines (a big table read a
 * piece at a time, so that it is never one 10 MB string): rows are taken as they are made,
 * and line numbers run on across parts.
 */
export class InetTableParser {
	readonly warnings: ParseWarning[] = [];
	private rows: SocketRow[] = [];
	private lineNo = 0;
	private readonly kind: SocketKind;
	private readonly v6: boolean;
	private readonly hz: number;
	// Most rows share a handful of addresses (127.0.0.1, ::): decode each text once.
	private readonly addrCache = new Map<string, string | null>();
	/** Whether the part being parsed has no tab nor CR: then only spaces split its tokens. */
	private spaced = false;

	constructor(readonly table: InetTable, private readonly opts: InetParseOptions) {
		this.kind = kindOfTable(table);
		this.v6 = table.endsWith('6');
		this.hz = opts.clkTck && opts.clkTck > 0 ? opts.clkTck : 100;
	}

	/** The rows made since the last take. */
	take(): SocketRow[] {
		const rows = this.rows;
		this.rows = [];
		return rows;
	}

	/** Parses whole lines (a last line without its newline counts as whole). */
	text(text: string): void {
		const len = text.length;
		this.spaced = text.indexOf('\t') < 0 && text.indexOf('\r') < 0;
		let lineNo = this.lineNo;
		for (let start = 0; start < len; ) {
			let end = text.indexOf('\n', start);
			if (end === -1) end = len;
			this.line(text, start, end, ++lineNo);
			start = end + 1;
		}
		this.lineNo = lineNo;
	}

	/** Parses one line, numbered `lineNo` (a caller that walks the lines itself: tableJson.ts). */
	lineAt(text: string, lineNo: number): void {
		this.spaced = text.indexOf('\t') < 0 && text.indexOf('\r') < 0;
		this.line(text, 0, text.length, lineNo);
	}

	private addr(line: string, s: number, e: number): string | null {
		const hex = line.slice(s, e);
		let a = this.addrCache.get(hex);
		if (a === undefined) {
			a = decodeAddress(hex, this.opts.byteOrder);
			this.addrCache.set(hex, a);
		}
		return a;
	}

	/** The line text[from, to): its text is only made for a warning. */
	private line(text: string, from: number, to: number, lineNo: number): void {
		const { table, kind, v6, hz, warnings } = this;
		const n = this.spaced ? tokenizeSpaced(text, from, to) : tokenize(text, from, to);
		if (n === 0) return;
		const slEnd = tokEnd[0] - 1;
		if (text.charCodeAt(slEnd) !== 58 || !isDecimalAt(text, tokStart[0], slEnd)) {
			// The header ("sl local_address ...") is expected once, on the first line.
			if (!(lineNo === 1 && text.slice(tokStart[0], tokEnd[0]) === 'sl')) warnings.push(makeWarning(table, lineNo, 'not a socket record', text.slice(from, to)));
			return;
		}
		if (n < 10) {
			warnings.push(makeWarning(table, lineNo, `expected at least 10 columns, found ${n}`, text.slice(from, to)));
			return;
		}
		const lc = colonAt(text, tokStart[1], tokEnd[1]);
		const rc = colonAt(text, tokStart[2], tokEnd[2]);
		const localAddress = lc > 0 ? this.addr(text, tokStart[1], lc) : null;
		const remoteAddress = rc > 0 ? this.addr(text, tokStart[2], rc) : null;
		const localPort = lc > 0 && tokEnd[1] - lc === 5 ? hexAt(text, lc + 1, tokEnd[1]) : -1;
		const remotePort = rc > 0 && tokEnd[2] - rc === 5 ? hexAt(text, rc + 1, tokEnd[2]) : -1;
		if (localAddress === null || remoteAddress === null || localPort < 0 || remotePort < 0) {
			warnings.push(makeWarning(table, lineNo, 'bad address', text.slice(from, to)));
			return;
		}
		if (localAddress.includes(':') !== v6) {
			warnings.push(makeWarning(table, lineNo, 'address family does not match the table', text.slice(from, to)));
			return;
		}
		const st = hexAt(text, tokStart[3], tokEnd[3]);
		const qc = colonAt(text, tokStart[4], tokEnd[4]);
		const txQueue = qc > 0 ? hexAt(text, tokStart[4], qc) : -1;
		const rxQueue = qc > 0 ? hexAt(text, qc + 1, tokEnd[4]) : -1;
		const tc = colonAt(text, tokStart[5], tokEnd[5]);
		const timerCode = tc > 0 ? hexAt(text, tokStart[5], tc) : -1;
		const when = tc > 0 ? hexAt(text, tc + 1, tokEnd[5]) : -1;
		const retransmits = hexAt(text, tokStart[6], tokEnd[6]);
		// uid and inode are printed unsigned (%u, %lu); timeout is %d.
		const uid = isDecimalAt(text, tokStart[7], tokEnd[7]) ? decAt(text, tokStart[7], tokEnd[7]) : NaN;
		const probes = decAt(text, tokStart[8], tokEnd[8]);
		// Every column up to the inode has one fixed shape (hex, hex:hex, decimal): a line where one
		// does not fit has a column missing, an extra one or a damaged one, and its values cannot be
		// trusted, so it is a warning rather than a row with some fields dropped.
		if (st < 0 || txQueue < 0 || rxQueue < 0 || timerCode < 0 || when < 0 || retransmits < 0 || Number.isNaN(uid) || Number.isNaN(probes) || !isDecimalAt(text, tokStart[9], tokEnd[9])) {
			warnings.push(makeWarning(table, lineNo, 'bad state, queue, timer, retransmit, uid, timeout or inode column', text.slice(from, to)));
			return;
		}
		const ref = n > 10 ? decAt(text, tokStart[10], tokEnd[10]) : NaN;
		// Full TCP sockets add rto ato quick/pingpong cwnd ssthresh; mini-sockets (TIME_WAIT,
		// SYN_RECV) stop after the pointer. udp/raw/icmp have drops there instead.
		const full = kind === 'tcp' && n >= 17;
		const rto = full ? decAt(text, tokStart[12], tokEnd[12]) : NaN;
		const ato = full ? decAt(text, tokStart[13], tokEnd[13]) : NaN;
		const cwnd = full ? decAt(text, tokStart[15], tokEnd[15]) : NaN;
		const ssthresh = full ? decAt(text, tokStart[16], tokEnd[16]) : NaN;
		const drops = kind !== 'tcp' && n >= 13 ? decAt(text, tokStart[12], tokEnd[12]) : NaN;
		const raw = kind === 'raw';
		// One object literal with every field (undefined when absent, which JSON leaves out):
		// a single hidden class for all rows instead of a chain of property additions.
		const row: SocketRow = {
			kind,
			ipVersion: v6 ? 6 : 4,
			localAddress,
			// A raw socket's "port" is the IP protocol it was opened for.
			localPort: raw ? null : localPort,
			remoteAddress,
			remotePort: raw ? null : remotePort,
			state: stateName(kind, st),
			txQueue,
			rxQueue,
			uid,
			inode: stripLeadingZeros(text.slice(tokStart[9], tokEnd[9])),
			path: null,
			unixType: null,
			timer: TIMERS[timerCode] ?? 'unknown',
			timerSeconds: when / hz,
			retransmits,
			probes,
			drops: Number.isNaN(drops) ? undefined : drops,
			refCount: Number.isNaN(ref) ? undefined : ref,
			rto: Number.isNaN(rto) ? undefined : rto / hz,
			ato: Number.isNaN(ato) ? undefined : ato / hz,
			cwnd: Number.isNaN(cwnd) ? undefined : cwnd,
			ssthresh: Number.isNaN(ssthresh) ? undefined : ssthresh < 0 ? null : ssthresh,
			protocol: raw ? localPort : undefined,
			protocolName: raw ? IP_PROTOCOLS[localPort] ?? `proto ${localPort}` : undefined,
			id: undefined,
			netns: undefined,
			owners: undefined,
			ownerUnknown: undefined,
		};
		this.rows.push(row);
	}
}
