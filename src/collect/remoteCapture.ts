// Turns the output of the remote collector (remoteScript.ts) into a Capture: the same shape,
// with the same namespace / process / fd semantics, as procfsReader's, so buildSnapshot and
// the views never know the text came over ssh, `docker exec` or a saved file.
//
// Protocol (one response per request; see remoteScript.ts for what each record holds):
//
//   [anything: a login banner, a noisy .bashrc]
//   @@PROCNET <nonce> begin raw|gzip64\n
//   raw:    records
//   gzip64: base64 lines of gzip(records), in parts: `@@PROCNET <nonce> part\n` between two
//           parts, each its own gzip member (decoded, and its records handed on, as it arrives)
//   @@PROCNET <nonce> end\n
//
// A record is framed, `TAG LEN [ARG...]\n` + LEN bytes + `\n`, or streamed, `TAG - [ARG...]\n` +
// a command's output + `\0STATUS\n` (only for output that holds no NUL: tables, listings, hex).
// Framed content is checked (the byte after it must be `\n`), so a unix path or a comm holding
// "\n@@PROCNET ... end\n" is just content; streamed content ends at its NUL, which no table
// line can hold (the kernel prints a NUL of a socket's name as '@'). In gzip64 mode the marker
// lines are searched for in base64 text, which cannot hold '@'.
import * as zlib from 'zlib';
import { buildSnapshot, NamespaceParser, type ParsedNamespaces } from '../model/join';
import type { Snapshot } from '../model/snapshot';
import { byteOrderFromElf } from '../procfs/address';
import { isPageSize } from '../procfs/auxv';
import { TABLE_NAMES, type ByteOrder, type TableName } from '../procfs/types';
import { CAPTURE_FORMAT, CAPTURE_VERSION, validateCapture, type Capture, type CaptureSourceInfo, type NamespaceCapture, type ProcessCapture } from './capture';

/** Why a remote source failed; `reason` is stable (tests and the views switch on it). */
export type RemoteFailure =
	| 'bad-host'
	| 'unknown-host'
	| 'connection-refused'
	| 'connect-timeout'
	| 'unreachable'
	| 'auth-failed'
	| 'host-key-changed'
	| 'host-key-unknown'
	| 'connection-closed'
	| 'ssh-failed'
	| 'command-not-found'
	| 'sudo-refused'
	| 'transport-exited'
	| 'not-linux'
	| 'no-proc'
	| 'timeout'
	| 'protocol'
	| 'disposed';

export class RemoteSourceError extends Error {
	constructor(readonly reason: RemoteFailure, message: string, readonly detail?: string) {
		super(message);
		this.name = 'RemoteSourceError';
	}
}

const NL = 0x0a;
const MARK = '@@PROCNET ';

export type FrameEncoding = 'raw' | 'gzip64';

export interface Frame {
	nonce: string;
	encoding: FrameEncoding;
	/** The records, decompressed. */
	body: Buffer;
	/** Bytes of the response as sent, from the begin line to the end line inclusive. */
	wireBytes: number;
	/** Time spent decoding base64 and gunzipping the body (0 for raw frames), ms. */
	decodeMs: number;
}

/** What may come before the begin line (login banners, profile chatter): 1 MiB is plenty. */
const MAX_PREAMBLE = 1 << 20;
/** A response larger than this is not one procnet asked for (100k sockets raw: ~18 MB). */
const MAX_RESPONSE = 1 << 30;

/**
 * Reads one response from a stream, chunk by chunk. Bytes before the begin line are skipped (a
 * login banner or a chatty shell profile); with a nonce, only that response's begin line counts.
 * With `onRecord`, each record is handed over as soon as it is complete (raw: as its bytes
 * arrive; gzip64: when its part has arrived and is decompressed), in order, before the frame is;
 * `onPart` is called after the records of each gzip64 part but the last.
 */
export interface FrameReaderHooks {
	onRecord?: (r: CollectorRecord) => void;
	onPart?: () => void;
}

export class FrameReader {
	private buf = Buffer.alloc(64 * 1024);
	private len = 0;
	private pos = 0;
	private bodyStart = -1;
	private beginStart = 0;
	private encoding: FrameEncoding = 'raw';
	private nonce: string | null;
	/** gzip64: where the part being received starts; the decompressed parts so far. */
	private segStart = 0;
	private readonly parts: Buffer[] = [];
	private decodeMs = 0;

	private readonly onRecord?: (r: CollectorRecord) => void;
	private readonly onPart?: () => void;

	constructor(nonce: string | null, hooks: FrameReaderHooks = {}) {
		this.nonce = nonce;
		this.onRecord = hooks.onRecord;
		this.onPart = hooks.onPart;
	}

	/** Bytes skipped before the begin line so far: a banner is small, a flood of garbage is not. */
	private skipped = 0;

	/**
	 * Before the begin line nothing needs keeping but the last partial line: drop the rest, so a
	 * transport that floods garbage (a wrong command, `yes`) cannot grow the buffer, and fail once
	 * the garbage is clearly not a banner.
	 */
	private dropSkipped(): void {
		if (this.pos > 0) {
			this.skipped += this.pos;
			this.buf.copy(this.buf, 0, this.pos, this.len);
			this.len -= this.pos;
			this.pos = 0;
		}
		if (this.skipped + this.len > MAX_PREAMBLE) {
			throw new RemoteSourceError('protocol', `the session printed ${this.skipped + this.len} bytes that are no procnet response (a wrong command, or a shell profile that writes to stdout?)`);
		}
	}

	/** Adds bytes; returns the frame once its end line has arrived. Throws RemoteSourceError('protocol') on a broken frame. */
	push(chunk: Buffer): Frame | undefined {
		if (this.len + chunk.length > MAX_RESPONSE) {
			throw new RemoteSourceError('protocol', `the response is larger than ${MAX_RESPONSE >> 20} MiB; giving up rather than holding it in memory`);
		}
		if (this.len + chunk.length > this.buf.length) {
			// Records handed out keep views of the old buffer, which is never written again.
			const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + chunk.length));
			this.buf.copy(next, 0, 0, this.len);
			this.buf = next;
		}
		chunk.copy(this.buf, this.len);
		this.len += chunk.length;
		return this.scan();
	}

	private line(from: number): { text: string; next: number } | null {
		const nl = this.buf.indexOf(NL, from);
		if (nl < 0 || nl >= this.len) return null;
		return { text: this.buf.toString('latin1', from, nl), next: nl + 1 };
	}

	private scan(): Frame | undefined {
		while (this.bodyStart < 0) {
			const l = this.line(this.pos);
			if (!l) {
				this.dropSkipped();
				return undefined;
			}
			const m = /^@@PROCNET ([0-9A-Za-z]{1,64}) begin (raw|gzip64)\r?$/.exec(l.text);
			if (m && (this.nonce === null || m[1] === this.nonce)) {
				this.nonce = m[1];
				this.encoding = m[2] as FrameEncoding;
				this.beginStart = this.pos;
				this.bodyStart = l.next;
				this.segStart = l.next;
			}
			this.pos = l.next;
		}
		const data = this.buf.subarray(0, this.len);
		if (this.encoding === 'gzip64') {
			// Marker lines (part, end) are found in base64 text, which cannot hold '@'.
			const mark = `${MARK}${this.nonce} `;
			for (;;) {
				let at = data.indexOf(mark, Math.max(this.segStart, this.pos - mark.length), 'latin1');
				while (at >= 0 && at !== this.segStart && data[at - 1] !== NL) at = data.indexOf(mark, at + 1, 'latin1');
				if (at < 0) {
					this.pos = this.len;
					return undefined;
				}
				const nl = data.indexOf(NL, at);
				if (nl < 0) {
					this.pos = at;
					return undefined;
				}
				const word = data.toString('latin1', at + mark.length, nl);
				if (word !== 'part' && word !== 'end') throw new RemoteSourceError('protocol', `unexpected line in the compressed response: ${JSON.stringify(data.toString('latin1', at, Math.min(nl, at + 80)))}`);
				this.decodePart(data, this.segStart, at);
				this.segStart = this.pos = nl + 1;
				if (word === 'part') this.onPart?.();
				if (word === 'end') {
					const body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
					return { nonce: this.nonce!, encoding: 'gzip64', body, wireBytes: nl + 1 - this.beginStart, decodeMs: this.decodeMs };
				}
			}
		}
		// raw: walk the records (by their lengths, or to the NUL of a streamed one) until the end line.
		const endLine = `${MARK}${this.nonce} end`;
		for (;;) {
			const l = this.line(this.pos);
			if (!l) return undefined;
			if (l.text === endLine) {
				const body = Buffer.from(this.buf.subarray(this.bodyStart, this.pos));
				return { nonce: this.nonce!, encoding: 'raw', body, wireBytes: l.next - this.beginStart, decodeMs: 0 };
			}
			const n = recordLength(l.text);
			if (n === STREAMED) {
				// Resume the search for the NUL where the last chunk ended, not at the record's start.
				const nul = data.indexOf(0, Math.max(l.next, this.streamScan));
				if (nul < 0) {
					this.streamScan = this.len;
					return undefined;
				}
				const nl = data.indexOf(NL, nul + 1);
				if (nl < 0) {
					this.streamScan = nul;
					return undefined;
				}
				const status = streamStatus(data, nul, nl, l.text);
				this.streamScan = 0;
				this.pos = nl + 1;
				this.onRecord?.(makeRecord(l.text, data.subarray(l.next, nul), status));
				continue;
			}
			const end = l.next + n;
			if (end + 1 > this.len) return undefined;
			if (this.buf[end] !== NL) throw new RemoteSourceError('protocol', `record "${l.text.slice(0, 60)}" is not followed by a newline after its ${n} bytes`);
			this.pos = end + 1;
			this.onRecord?.(makeRecord(l.text, data.subarray(l.next, end)));
		}
	}

	/** One gzip64 part: base64 of one gzip member (empty text: nothing). */
	private decodePart(data: Buffer, from: number, to: number): void {
		const text = data.toString('latin1', from, to);
		if (!/^[A-Za-z0-9+/=\r\n]*$/.test(text)) throw new RemoteSourceError('protocol', 'the compressed response is not base64 (something else wrote to the session\'s output)');
		if (!/[^\r\n]/.test(text)) return;
		let body: Buffer;
		const t0 = performance.now();
		try {
			body = zlib.gunzipSync(Buffer.from(text, 'base64'));
		} catch (e) {
			throw new RemoteSourceError('protocol', `the compressed response does not decompress: ${(e as Error).message}`);
		}
		this.decodeMs += performance.now() - t0;
		this.parts.push(body);
		if (this.onRecord) walkRecords(body, this.onRecord);
	}

	/** Where the search for a streamed record's NUL goes on (0: from the record's start). */
	private streamScan = 0;
}

function makeRecord(header: string, content: Buffer, status?: number): CollectorRecord {
	const parts = header.split(' ');
	return status === undefined ? { tag: parts[0], args: parts.slice(2), content } : { tag: parts[0], args: parts.slice(2), content, status };
}

/** recordLength() of a streamed record's header (`TAG - ARGS`): its end is a NUL, not a length. */
const STREAMED = -1;

function recordLength(header: string): number {
	const m = /^([A-Z]) (\d{1,10}|-)(?: |$)/.exec(header);
	if (!m) throw new RemoteSourceError('protocol', `unexpected line in the collector's output: ${JSON.stringify(header.slice(0, 80))}`);
	return m[2] === '-' ? STREAMED : Number(m[2]);
}

/** The exit status after a streamed record's NUL (`\0STATUS\n`, data[nul+1..nl)). */
function streamStatus(data: Buffer, nul: number, nl: number, header: string): number {
	if (nl - nul < 2 || nl - nul > 4) throw new RemoteSourceError('protocol', `record "${header.slice(0, 60)}" does not end with its exit status`);
	let v = 0;
	for (let i = nul + 1; i < nl; i++) {
		const c = data[i] - 48;
		if (c < 0 || c > 9) throw new RemoteSourceError('protocol', `record "${header.slice(0, 60)}" does not end with its exit status`);
		v = v * 10 + c;
	}
	return v;
}

export interface CollectorRecord {
	tag: string;
	args: string[];
	content: Buffer;
	/** A streamed record's exit status (the command that printed it); undefined for a framed one. */
	status?: number;
	/** content as UTF-8 text, once something needed it (a table parsed on arrival). */
	text?: string;
}

/** Splits a body (raw records) into records. */
export function parseRecords(body: Buffer): CollectorRecord[] {
	const out: CollectorRecord[] = [];
	walkRecords(body, (r) => out.push(r));
	return out;
}

function walkRecords(body: Buffer, emit: (r: CollectorRecord) => void): void {
	let pos = 0;
	while (pos < body.length) {
		const nl = body.indexOf(NL, pos);
		if (nl < 0) throw new RemoteSourceError('protocol', 'the collector\'s output ends inside a record header');
		const header = body.toString('latin1', pos, nl);
		const n = recordLength(header);
		const start = nl + 1;
		if (n === STREAMED) {
			const nul = body.indexOf(0, start);
			const end = nul < 0 ? -1 : body.indexOf(NL, nul + 1);
			if (end < 0) throw new RemoteSourceError('protocol', `record "${header.slice(0, 60)}" is cut short (no end)`);
			emit(makeRecord(header, body.subarray(start, nul), streamStatus(body, nul, end, header)));
			pos = end + 1;
			continue;
		}
		if (start + n + 1 > body.length || body[start + n] !== NL) throw new RemoteSourceError('protocol', `record "${header.slice(0, 60)}" is cut short or overruns its length`);
		emit(makeRecord(header, body.subarray(start, start + n)));
		pos = start + n + 1;
	}
}

/**
 * `ls -1LiF P1/fd P2/fd ...`: a `P/fd:` line heads each process's listing, whose lines are
 * `INODE NAME` + a type mark (`=` for a socket), NAME being an fd number. → per pid, [fd, socket
 * inode] of each socket; other lines (files, `?` for what could not be followed) are not sockets,
 * and listings under any other heading (ls's own `self/fd`) are skipped. No line of a listing
 * can look like a heading: names are numbers, marks are not ':'.
 */
export function parseListings(text: string): Map<number, Array<[number, string]>> {
	const out = new Map<number, Array<[number, string]>>();
	let list: Array<[number, string]> | undefined;
	let pos = 0;
	const n = text.length;
	while (pos < n) {
		let nl = text.indexOf('\n', pos);
		if (nl < 0) nl = n;
		const last = text.charCodeAt(nl - 1);
		if (last === 58 /* : */) {
			const m = /^(\d+)\/fd:$/.exec(text.slice(pos, nl));
			list = m ? [] : undefined;
			if (m) out.set(Number(m[1]), list!);
		} else if (list && nl - pos >= 4 && last === 61 /* = */) {
			// The mark is the line's last character: '=' is a socket.
			let i = pos;
			while (i < nl && text.charCodeAt(i) === 32) i++;
			const inoStart = i;
			while (i < nl && isDigit(text.charCodeAt(i))) i++;
			const inoEnd = i;
			if (inoEnd > inoStart && text.charCodeAt(i) === 32) {
				const fdStart = ++i;
				while (i < nl - 1 && isDigit(text.charCodeAt(i))) i++;
				if (i === nl - 1 && i > fdStart) list.push([Number(text.slice(fdStart, i)), text.slice(inoStart, inoEnd)]);
			}
		}
		pos = nl + 1;
	}
	return out;
}

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

/** `od -An -v -tx1` text → bytes. */
export function hexToBytes(text: string): Buffer {
	const hex = text.replace(/\s+/g, '');
	if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RemoteSourceError('protocol', 'a hex dump in the collector\'s output is malformed');
	return Buffer.from(hex, 'hex');
}

interface LsLine {
	ino: string;
	mode: string;
	uid: number | null;
	path: string;
}

/** `ls -dLin` lines: `INODE MODE LINKS UID GID SIZE DATE... PATH`, where PATH is our own argument (digits and slashes). */
function parseLs(text: string, pathRe = /^\d+(\/[a-z]+(\/(\d+|net|tcp))?)?$/): LsLine[] {
	const out: LsLine[] = [];
	for (const line of text.split('\n')) {
		const t = line.trim().split(/\s+/);
		if (t.length < 6 || !/^\d+$/.test(t[0])) continue;
		const path = t[t.length - 1];
		if (!pathRe.test(path)) continue;
		out.push({ ino: t[0], mode: t[1], uid: /^\d+$/.test(t[3]) ? Number(t[3]) : null, path });
	}
	return out;
}

/** From the A records: per pid its owner uid, namespace inode (ns/net) and the inode of its namespace's tcp table; and a namespace's id from that tcp inode. */
function namespaceIds(lsLines: readonly LsLine[]) {
	const uid = new Map<number, number | null>();
	const nsIno = new Map<number, string>();
	const tcpIno = new Map<number, string>();
	for (const l of lsLines) {
		const slash = l.path.indexOf('/');
		const pid = Number(slash < 0 ? l.path : l.path.slice(0, slash));
		if (slash < 0) uid.set(pid, l.uid);
		else if (l.path.endsWith('/ns/net')) nsIno.set(pid, l.ino);
		else if (l.path.endsWith('/net/tcp')) tcpIno.set(pid, l.ino);
	}
	// A namespace is named by its link (net:[N]) when any member's was readable, else by its tcp table's inode.
	const nsOfTcp = new Map<string, string>();
	for (const [pid, t] of tcpIno) {
		const n = nsIno.get(pid);
		if (n !== undefined && !nsOfTcp.has(t)) nsOfTcp.set(t, n);
	}
	const idOfTcp = (t: string): string => {
		const n = nsOfTcp.get(t);
		return n !== undefined ? `net:[${n}]` : `netino:${t}`;
	};
	return { uid, nsIno, tcpIno, idOfTcp };
}

export interface CaptureFromRecordsOptions {
	source: CaptureSourceInfo;
	/** takenAt when the remote did not say (no `date`). */
	takenAt?: string;
}

const TABLE_SET = new Set<string>(TABLE_NAMES);

/** Builds the Capture from the records of one response. Throws RemoteSourceError for a collector-reported failure (no /proc, not Linux). */
export function captureFromRecords(records: CollectorRecord[], opts: CaptureFromRecordsOptions): Capture {
	const text = (r: CollectorRecord): string => r.text ?? r.content.toString('utf8');
	const one = new Map<string, CollectorRecord>();
	const stats = new Map<number, string>();
	const cmdlines = new Map<number, string>();
	const cwds = new Map<number, string>();
	const cgroups = new Map<number, string>();
	const denied = new Set<number>();
	const lsLines: LsLine[] = [];
	const fdLines: LsLine[] = [];
	const listed = new Map<number, Array<[number, string]>>();
	const nsTables = new Map<string, { tcpIno: string; viaPid: number; tables: Partial<Record<TableName, string>> }>();
	for (const r of records) {
		const pid = Number(r.args[0]);
		switch (r.tag) {
			case 'S':
				stats.set(pid, text(r));
				break;
			case 'C':
				// Streamed: od's status; a process that left before od read it has no cmdline (as in procfsReader).
				if (r.status === undefined || r.status === 0) cmdlines.set(pid, hexToBytes(r.content.toString('latin1')).toString('utf8'));
				break;
			case 'R':
				// Streamed: readlink's output, whose last newline is readlink's.
				if (r.status === undefined) cwds.set(pid, text(r));
				else if (r.status === 0) cwds.set(pid, text(r).replace(/\n$/, ''));
				break;
			case 'G':
				cgroups.set(pid, text(r));
				break;
			case 'Q':
				denied.add(pid);
				break;
			case 'A':
				lsLines.push(...parseLs(r.content.toString('latin1')));
				break;
			case 'F':
				// `ls -Lin PID/fd`: the names are fd numbers.
				for (const l of parseLs(r.content.toString('latin1'), /^\d+$/)) fdLines.push({ ...l, path: `${pid}/fd/${l.path}` });
				break;
			case 'L':
				// `ls -1LiF P1/fd P2/fd ...`, streamed; a non-zero status is a vanished process or fd, not a failed listing.
				for (const [p, list] of parseListings(r.content.toString('latin1'))) listed.set(p, list);
				break;
			case 'N': {
				// A streamed table whose `cat` failed (the process left mid-read) is not the table.
				if (r.status !== undefined && r.status !== 0) break;
				const [tcpIno, via, table] = r.args;
				if (!TABLE_SET.has(table)) break;
				const key = `${tcpIno} ${via}`;
				let ns = nsTables.get(key);
				if (!ns) nsTables.set(key, (ns = { tcpIno, viaPid: Number(via), tables: {} }));
				ns.tables[table as TableName] = text(r);
				break;
			}
			default:
				one.set(r.tag, r);
		}
	}
	const single = (tag: string): string | null => {
		const r = one.get(tag);
		return r ? text(r) : null;
	};

	const uname = single('U')?.trim() ?? '';
	const fatal = one.get('X');
	if (fatal) {
		if (uname && uname !== 'Linux') throw new RemoteSourceError('not-linux', `${opts.source.label} is not Linux (uname -s: ${uname}); procnet reads Linux's /proc`);
		throw new RemoteSourceError(fatal.args[0] === 'no-proc' ? 'no-proc' : 'protocol', `${opts.source.label}: ${text(fatal)}`);
	}

	const { uid, nsIno, tcpIno, idOfTcp } = namespaceIds(lsLines);

	const fds = listed;
	for (const l of fdLines) {
		if (l.mode[0] !== 's') continue;
		const m = /^(\d+)\/fd\/(\d+)$/.exec(l.path);
		if (!m) continue;
		const pid = Number(m[1]);
		let list = fds.get(pid);
		if (!list) fds.set(pid, (list = []));
		list.push([Number(m[2]), l.ino]);
	}

	const processes: ProcessCapture[] = [];
	for (const [pid, stat] of stats) {
		const n = nsIno.get(pid);
		const t = tcpIno.get(pid);
		const list = fds.get(pid) ?? [];
		list.sort((a, b) => a[0] - b[0]);
		processes.push({
			pid,
			uid: uid.get(pid) ?? null,
			stat,
			cmdline: cmdlines.get(pid) ?? null,
			cwd: cwds.get(pid) ?? null,
			cgroup: cgroups.get(pid) ?? null,
			netns: n !== undefined ? `net:[${n}]` : t !== undefined ? idOfTcp(t) : null,
			fdAccess: denied.has(pid) ? 'denied' : 'ok',
			fds: list,
		});
	}
	processes.sort((a, b) => a.pid - b.pid);

	const errors: string[] = [];
	const namespaces: NamespaceCapture[] = [];
	for (const ns of nsTables.values()) {
		const id = ns.viaPid === -1 ? (single('Y') ? `net:[${single('Y')}]` : 'net:[unknown]') : idOfTcp(ns.tcpIno);
		namespaces.push({ id, viaPid: ns.viaPid, tables: ns.tables });
	}
	const haveTables = new Set(namespaces.map((n) => n.id));
	const members = new Map<string, number>();
	for (const p of processes) if (p.netns) members.set(p.netns, (members.get(p.netns) ?? 0) + 1);
	if (namespaces.length > 0 || processes.length > 0) {
		for (const [id, n] of members) {
			if (!haveTables.has(id)) errors.push(`could not read the socket tables of network namespace ${id} (all of its ${n} processes exited or were unreadable)`);
		}
	}

	const elf = single('E');
	let byteOrder = elf ? byteOrderFromElf(hexToBytes(elf)) : null;
	if (!byteOrder) {
		errors.push('could not tell the remote byte order (no ELF header from /bin/sh); assuming little-endian');
		byteOrder = 'LE';
	}
	const clk = Number(single('T')?.trim());
	const page = Number(single('P')?.trim());
	const btime = single('B')?.trim();
	const date = single('D')?.trim();
	const self = Number(single('I')?.trim());
	const capture: Capture = {
		format: CAPTURE_FORMAT,
		version: CAPTURE_VERSION,
		source: opts.source,
		host: {
			hostname: single('H')?.trim() || 'unknown',
			kernel: single('K')?.trim() || 'unknown',
			byteOrder,
			clkTck: Number.isInteger(clk) && clk > 0 ? clk : 100,
			bootTime: btime && /^\d+$/.test(btime) ? Number(btime) : null,
			// A collector too old to send P (or a getconf without it) gives none.
			pageSize: isPageSize(page) ? page : null,
		},
		takenAt: date && !Number.isNaN(Date.parse(date)) ? new Date(date).toISOString() : opts.takenAt ?? new Date().toISOString(),
		selfPid: Number.isInteger(self) && self > 0 ? self : null,
		namespaces,
		processes,
		passwd: single('W'),
		errors,
	};
	return capture;
}

/**
 * Takes a response's records as they arrive (FrameReader's onRecord) and, at the end of a part
 * (onPart → parseArrived), parses the socket tables that are in, when the byte order (E) and the
 * namespaces (A) came before them, as the collector sends them: so the tables of part 1 are
 * parsed while the remote makes part 2 (the fd listings). Not record by record: in a raw
 * response that would stop reading the pipe, and so the remote, while a table is parsed.
 * finish() builds the capture from all records (captureFromRecords, as for a whole response) and
 * returns the tables parsed on the way only if they are exactly what parseNamespaces would have
 * parsed from that capture; anything else (another order, a table seen twice) is parsed there.
 */
export class CaptureAssembler {
	readonly records: CollectorRecord[] = [];
	private byteOrder: ByteOrder | null = null;
	private clkTck = 100;
	private readonly lsLines: LsLine[] = [];
	private ids: ReturnType<typeof namespaceIds> | undefined;
	private parser: NamespaceParser | undefined;
	/** Tables in, not parsed yet, with their namespace id. */
	private readonly queue: Array<{ netns: string; table: TableName; r: CollectorRecord }> = [];
	/** Set once a table could not be parsed on arrival: from then on, everything waits for finish(). */
	private stopped = false;
	/** Time spent parsing tables on arrival, ms. */
	parseMs = 0;

	/** @param parseTables false: only gather the records (a caller that wants the capture alone). */
	constructor(parseTables = true) {
		this.stopped = !parseTables;
	}

	add(r: CollectorRecord): void {
		this.records.push(r);
		if (this.stopped) return;
		switch (r.tag) {
			case 'E':
				try {
					this.byteOrder = byteOrderFromElf(hexToBytes(r.content.toString('latin1')));
				} catch {
					this.byteOrder = null;
				}
				break;
			case 'T': {
				const clk = Number(r.content.toString('latin1').trim());
				this.clkTck = Number.isInteger(clk) && clk > 0 ? clk : 100;
				break;
			}
			case 'A':
				if (this.parser) this.stopped = true; // namespaces after tables: ids may change
				else this.lsLines.push(...parseLs(r.content.toString('latin1')));
				break;
			case 'N': {
				if (r.status !== undefined && r.status !== 0) break;
				const [tcpIno, via, table] = r.args;
				if (!TABLE_SET.has(table)) break;
				if (!this.byteOrder || via === '-1') {
					this.stopped = true;
					break;
				}
				this.ids ??= namespaceIds(this.lsLines);
				this.parser ??= new NamespaceParser({ byteOrder: this.byteOrder, clkTck: this.clkTck });
				this.queue.push({ netns: this.ids.idOfTcp(tcpIno), table: table as TableName, r });
				break;
			}
		}
	}

	/** Parses the tables that are in (see above). */
	parseArrived(): void {
		const p = this.parser;
		if (!p || this.stopped) return;
		const t0 = performance.now();
		for (const { netns, table, r } of this.queue.splice(0)) {
			r.text ??= r.content.toString('utf8');
			p.add(netns, table, r.text);
		}
		this.parseMs += performance.now() - t0;
	}

	finish(opts: CaptureFromRecordsOptions): { capture: Capture; parsed?: ParsedNamespaces } {
		const capture = captureFromRecords(this.records, opts);
		const p = this.parser;
		if (!p || this.stopped || p.opts.byteOrder !== capture.host.byteOrder || p.opts.clkTck !== capture.host.clkTck) return { capture };
		// What parseNamespaces(capture.namespaces) would parse, in its order; what came on arrival must be the start of it.
		const want: Array<{ netns: string; table: TableName; text: string }> = [];
		for (const ns of capture.namespaces) {
			for (const table of TABLE_NAMES) {
				const text = ns.tables[table];
				if (text !== undefined) want.push({ netns: ns.id, table, text });
			}
		}
		if (p.added.length > want.length || p.added.some((a, i) => a.netns !== want[i].netns || a.table !== want[i].table)) return { capture };
		const t0 = performance.now();
		for (const w of want.slice(p.added.length)) p.add(w.netns, w.table, w.text);
		this.parseMs += performance.now() - t0;
		return { capture, parsed: p.finish() };
	}
}

/** Reads a whole buffer holding one collector response (e.g. a file made by the recipe). */
export function parseFramedCapture(buf: Buffer, source: CaptureSourceInfo): Capture {
	const frame = new FrameReader(null).push(buf);
	if (!frame) throw new RemoteSourceError('protocol', `${source.label}: the collector's output is incomplete (no "@@PROCNET ... end" line; was it cut short?)`);
	return captureFromRecords(parseRecords(frame.body), { source });
}

/** How a capture file starts: JSON (`procnet capture`), the collector's framed output (the recipe), or gzip of either. */
export function detectCaptureFormat(buf: Buffer): 'json' | 'framed' | 'gzip' | null {
	if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
	let i = 0;
	while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0a || buf[i] === 0x0d)) i++;
	if (buf[i] === 0x7b /* { */) return 'json';
	const head = buf.subarray(0, Math.min(buf.length, 1 << 20)).toString('latin1');
	if (/(^|\n)@@PROCNET [0-9A-Za-z]+ begin (raw|gzip64)\r?\n/.test(head)) return 'framed';
	return null;
}

/** A capture file's bytes, read and joined: what opening one shows (scanWire.ts CaptureJob). */
export function captureFileSnapshot(bytes: Uint8Array, label: string): Snapshot {
	return buildSnapshot(readCaptureFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), label));
}

/** Reads a capture file of any of the formats detectCaptureFormat knows. */
export function readCaptureFile(buf: Buffer, label: string): Capture {
	const kind = detectCaptureFormat(buf);
	if (kind === 'gzip') {
		let inner: Buffer;
		try {
			inner = zlib.gunzipSync(buf);
		} catch (e) {
			throw new Error(`${label}: gzip data does not decompress: ${(e as Error).message}`);
		}
		if (detectCaptureFormat(inner) === 'gzip') throw new Error(`${label}: not a procnet capture (gzip inside gzip)`);
		return readCaptureFile(inner, label);
	}
	if (kind === 'json') {
		let json: unknown;
		try {
			json = JSON.parse(buf.toString('utf8'));
		} catch {
			throw new Error(`${label} is not JSON: not a procnet capture`);
		}
		return validateCapture(json);
	}
	if (kind === 'framed') return parseFramedCapture(buf, { kind: 'file', label });
	throw new Error(`${label} is not a procnet capture (neither the JSON of 'procnet capture' nor the output of 'procnet capture --recipe')`);
}
