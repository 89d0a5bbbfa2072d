// /proc/net/sctp/eps and /proc/net/sctp/assocs (net/sctp/proc.c). Unlike the inet tables these
// print ports in decimal and addresses as text (`%pI4` / full uncompressed `%pI6`), and a row
// carries a variable-length address list, so fields are taken by position only up to the
// addresses and the addresses are then recognised by shape.
import type { ParseResult, ParseWarning, SocketRow } from './types';
import { formatIPv6 } from './address';
import { decInt, decUint, forEachLine, isDecimal, makeWarning, splitWs, HEX_TOKEN } from './lines';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6ISH = /^[0-9a-fA-F:.]+$/;

/** `sk_state` is printed in TCP numbering (SCTP_SS_* are defined as TCP_* values). */
const TCP_STATES: Record<number, string> = {
	1: 'ESTABLISHED',
	2: 'SYN_SENT',
	3: 'SYN_RECV',
	4: 'FIN_WAIT1',
	5: 'FIN_WAIT2',
	6: 'TIME_WAIT',
	7: 'CLOSE',
	8: 'CLOSE_WAIT',
	9: 'LAST_ACK',
	10: 'LISTEN',
	11: 'CLOSING',
};

/**
 * Modern `enum sctp_state`. RHEL6-era kernels had SCTP_STATE_EMPTY = 0 in front, so their
 * numbers are one higher (ESTABLISHED printed as 4); the text carries no marker to tell.
 */
const ASSOC_STATES: Record<number, string> = {
	0: 'CLOSED',
	1: 'COOKIE_WAIT',
	2: 'COOKIE_ECHOED',
	3: 'ESTABLISHED',
	4: 'SHUTDOWN_PENDING',
	5: 'SHUTDOWN_SENT',
	6: 'SHUTDOWN_RECEIVED',
	7: 'SHUTDOWN_ACK_SENT',
};

const STYLES: Record<number, string> = { 0: 'one-to-many', 1: 'peeled-off', 2: 'one-to-one' };

/** Parses /proc/net/sctp/eps: ENDPT SOCK STY SST HBKT LPORT UID INODE LADDRS... */
export function parseSctpEps(text: string): ParseResult<SocketRow> {
	const table = 'sctp/eps';
	const rows: SocketRow[] = [];
	const warnings: ParseWarning[] = [];
	forEachLine(text, (line, lineNo) => {
		const t = splitWs(line);
		if (t.length === 0) return;
		if (lineNo === 1 && !HEX_TOKEN.test(t[0])) return; // header (" ENDPT SOCK ...")
		if (t.length < 8) {
			warnings.push(makeWarning(table, lineNo, `expected at least 8 columns, got ${t.length}`, line));
			return;
		}
		const sty = decInt(t[2]);
		const sst = decInt(t[3]);
		const hbkt = decInt(t[4]);
		const lport = portNumber(t[5]);
		const uid = decUint(t[6]);
		if (!HEX_TOKEN.test(t[0]) || !HEX_TOKEN.test(t[1]) || [sty, sst, hbkt, lport, uid].some(Number.isNaN) || !isDecimal(t[7])) {
			warnings.push(makeWarning(table, lineNo, 'malformed sctp endpoint record', line));
			return;
		}
		const local = takeAddresses(t, 8).addresses;
		rows.push({
			kind: 'sctp',
			ipVersion: ipVersionOf(local[0]),
			localAddress: local[0] ?? null,
			localPort: lport,
			remoteAddress: null,
			remotePort: null,
			state: tcpState(sst),
			txQueue: null,
			rxQueue: null,
			uid,
			inode: t[7],
			path: null,
			unixType: null,
			localAddresses: local,
			sctpStyle: style(sty),
		});
	});
	return { rows, warnings };
}

/**
 * Parses /proc/net/sctp/assocs: ASSOC SOCK STY SST ST HBKT ASSOC-ID TX_QUEUE RX_QUEUE UID INODE
 * LPORT RPORT LADDRS <-> RADDRS [TAB] HBINT INS OUTS MAXRT T1X T2X RTXC [wmema wmemq sndbuf rcvbuf].
 * Several associations of a one-to-many socket share its inode.
 */
export function parseSctpAssocs(text: string): ParseResult<SocketRow> {
	const table = 'sctp/assocs';
	const rows: SocketRow[] = [];
	const warnings: ParseWarning[] = [];
	forEachLine(text, (line, lineNo) => {
		const t = splitWs(line);
		if (t.length === 0) return;
		if (lineNo === 1 && !HEX_TOKEN.test(t[0])) return; // header (" ASSOC SOCK ...")
		if (t.length < 13) {
			warnings.push(makeWarning(table, lineNo, `expected at least 13 columns, got ${t.length}`, line));
			return;
		}
		const sty = decInt(t[2]);
		const sst = decInt(t[3]);
		const st = decInt(t[4]);
		const hbkt = decInt(t[5]);
		const tx = decUint(t[7]);
		const rx = decUint(t[8]);
		const uid = decUint(t[9]);
		const lport = portNumber(t[11]);
		const rport = portNumber(t[12]);
		if (
			!HEX_TOKEN.test(t[0]) || !HEX_TOKEN.test(t[1]) || !isDecimal(t[6]) || !isDecimal(t[10]) ||
			[sty, sst, st, hbkt, tx, rx, uid, lport, rport].some(Number.isNaN)
		) {
			warnings.push(makeWarning(table, lineNo, 'malformed sctp association record', line));
			return;
		}
		const local = takeAddresses(t, 13);
		if (t[local.next] !== '<->') {
			warnings.push(makeWarning(table, lineNo, "no '<->' between local and remote addresses", line));
			return;
		}
		const remote = takeAddresses(t, local.next + 1).addresses;
		rows.push({
			kind: 'sctp',
			ipVersion: ipVersionOf(local.addresses[0] ?? remote[0]),
			localAddress: local.addresses[0] ?? null,
			localPort: lport,
			remoteAddress: remote[0] ?? null,
			remotePort: rport,
			state: tcpState(sst),
			txQueue: tx,
			rxQueue: rx,
			uid,
			inode: t[10],
			path: null,
			unixType: null,
			localAddresses: local.addresses,
			remoteAddresses: remote,
			sctpStyle: style(sty),
			assocState: ASSOC_STATES[st] ?? `STATE_${st}`,
			assocId: t[6],
		});
	});
	return { rows, warnings };
}

/** A decimal port, 0-65535; NaN otherwise. */
function portNumber(s: string): number {
	const n = decUint(s);
	return n <= 0xffff ? n : NaN;
}

function tcpState(n: number): string {
	return TCP_STATES[n] ?? `STATE_${n}`;
}

function style(n: number): string {
	return STYLES[n] ?? `STY_${n}`;
}

function ipVersionOf(addr: string | undefined): 4 | 6 | null {
	if (addr === undefined) return null;
	return addr.includes(':') ? 6 : 4;
}

/**
 * Reads address tokens from `from` until the first token that is not one (the `<->` separator,
 * or HBINT, a plain number). `*` marks the primary path: it is dropped and that address put first,
 * so `addresses[0]` is the address the association actually uses.
 */
function takeAddresses(t: string[], from: number): { addresses: string[]; next: number } {
	const addresses: string[] = [];
	let primary = -1;
	let i = from;
	for (; i < t.length; i++) {
		let tok = t[i];
		const star = tok.startsWith('*');
		if (star) tok = tok.slice(1);
		let addr: string | null = null;
		if (IPV4.test(tok)) addr = tok;
		else if (tok.includes(':') && IPV6ISH.test(tok)) addr = compressIPv6(tok);
		if (addr === null) break;
		if (star && primary < 0) primary = addresses.length;
		addresses.push(addr);
	}
	if (primary > 0) addresses.unshift(...addresses.splice(primary, 1));
	return { addresses, next: i };
}

/**
 * `%pI6` prints all eight groups with leading zeros; show the RFC 5952 text the inet tables use
 * (address.ts formatIPv6) so SCTP addresses compare equal to theirs. Unparsable text is
 * returned lowercased rather than dropped.
 */
export function compressIPv6(text: string): string {
	const groups = expandIPv6(text.toLowerCase());
	if (groups === null) return text.toLowerCase();
	const bytes = new Uint8Array(16);
	groups.forEach((g, i) => {
		bytes[2 * i] = g >> 8;
		bytes[2 * i + 1] = g & 0xff;
	});
	return formatIPv6(bytes);
}

// Only hex groups: `%pI6` never prints an embedded dotted quad, so such text is left as is.
function expandIPv6(s: string): number[] | null {
	const parseGroups = (part: string): number[] | null => {
		if (part === '') return [];
		const out: number[] = [];
		for (const g of part.split(':')) {
			if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
			out.push(parseInt(g, 16));
		}
		return out;
	};
	const halves = s.split('::');
	if (halves.length > 2) return null;
	const head = parseGroups(halves[0]);
	if (head === null) return null;
	if (halves.length === 1) return head.length === 8 ? head : null;
	const rest = parseGroups(halves[1]);
	if (rest === null || head.length + rest.length > 7) return null;
	return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}
