// Turns the output of the remote collector (remoteScript.ts) into a Capture: the same shape,
// with the same namespace / process / fd semantics, as procfsReader's, so buildSnapshot and
// the views never know the text came over ssh, `docker exec` or a saved file.
//
// Protocol (one response per request; see remoteScript.ts for what each record holds):
//
//   [anything: a login banner, a noisy .bashrc]
//   @@PROCNET <nonce> begin raw|gzip64\n
//   raw:    records, each `TAG LEN [ARG...]\n` + LEN bytes + `\n`
//   gzip64: base64 lines of gzip(records)
//   @@PROCNET <nonce> end\n
//
// Record content is framed by its byte length and checked (the byte after it must be `\n`), so
// a unix path or a comm holding "\n@@PROCNET ... end\n" is just content. In gzip64 mode the end
// line is searched for in base64 text, which cannot hold '@'.
import * as zlib from 'zlib';
import { byteOrderFromElf } from '../procfs/address';
import { TABLE_NAMES, type TableName } from '../procfs/types';
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
}

/**
 * Reads one response from a stream, chunk by chunk. Bytes before the begin line are skipped (a
 * login banner or a chatty shell profile); with a nonce, only that response's begin line counts.
 */
/** What may come before the begin line (login banners, profile chatter): 1 MiB is plenty. */
const MAX_PREAMBLE = 1 << 20;
/** A response larger than this is not one procnet asked for (100k sockets raw: ~13 MB). */
const MAX_RESPONSE = 1 << 30;

export class FrameReader {
	private buf = Buffer.alloc(64 * 1024);
	private len = 0;
	private pos = 0;
	private bodyStart = -1;
	private beginStart = 0;
	private encoding: FrameEncoding = 'raw';
	private nonce: string | null;

	constructor(nonce: string | null) {
		this.nonce = nonce;
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
			}
			this.pos = l.next;
		}
		const endLine = `${MARK}${this.nonce} end`;
		if (this.encoding === 'gzip64') {
			const from = Math.max(this.bodyStart, this.pos - endLine.length - 1);
			let at = this.buf.indexOf(endLine + '\n', from, 'latin1');
			while (at >= 0 && at < this.len && at !== this.bodyStart && this.buf[at - 1] !== NL) at = this.buf.indexOf(endLine + '\n', at + 1, 'latin1');
			if (at < 0 || at + endLine.length + 1 > this.len) {
				this.pos = this.len;
				return undefined;
			}
			const text = this.buf.toString('latin1', this.bodyStart, at);
			if (!/^[A-Za-z0-9+/=\r\n]*$/.test(text)) throw new RemoteSourceError('protocol', 'the compressed response is not base64 (something else wrote to the session\'s output)');
			let body: Buffer;
			try {
				body = zlib.gunzipSync(Buffer.from(text, 'base64'));
			} catch (e) {
				throw new RemoteSourceError('protocol', `the compressed response does not decompress: ${(e as Error).message}`);
			}
			return { nonce: this.nonce!, encoding: 'gzip64', body, wireBytes: at + endLine.length + 1 - this.beginStart };
		}
		// raw: walk the records by their lengths until the end line.
		for (;;) {
			const l = this.line(this.pos);
			if (!l) return undefined;
			if (l.text === endLine) {
				const body = Buffer.from(this.buf.subarray(this.bodyStart, this.pos));
				return { nonce: this.nonce!, encoding: 'raw', body, wireBytes: l.next - this.beginStart };
			}
			const n = recordLength(l.text);
			const end = l.next + n;
			if (end + 1 > this.len) return undefined;
			if (this.buf[end] !== NL) throw new RemoteSourceError('protocol', `record "${l.text.slice(0, 60)}" is not followed by a newline after its ${n} bytes`);
			this.pos = end + 1;
		}
	}
}

function recordLength(header: string): number {
	const m = /^([A-Z]) (\d{1,10})(?: |$)/.exec(header);
	if (!m) throw new RemoteSourceError('protocol', `unexpected line in the collector's output: ${JSON.stringify(header.slice(0, 80))}`);
	return Number(m[2]);
}

export interface CollectorRecord {
	tag: string;
	args: string[];
	content: Buffer;
}

/** Splits a body (raw records) into records. */
export function parseRecords(body: Buffer): CollectorRecord[] {
	const out: CollectorRecord[] = [];
	let pos = 0;
	while (pos < body.length) {
		const nl = body.indexOf(NL, pos);
		if (nl < 0) throw new RemoteSourceError('protocol', 'the collector\'s output ends inside a record header');
		const header = body.toString('latin1', pos, nl);
		const n = recordLength(header);
		const start = nl + 1;
		if (start + n + 1 > body.length || body[start + n] !== NL) throw new RemoteSourceError('protocol', `record "${header.slice(0, 60)}" is cut short or overruns its length`);
		const parts = header.split(' ');
		out.push({ tag: parts[0], args: parts.slice(2), content: body.subarray(start, start + n) });
		pos = start + n + 1;
	}
	return out;
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

export interface CaptureFromRecordsOptions {
	source: CaptureSourceInfo;
	/** takenAt when the remote did not say (no `date`). */
	takenAt?: string;
}

const TABLE_SET = new Set<string>(TABLE_NAMES);

/** Builds the Capture from the records of one response. Throws RemoteSourceError for a collector-reported failure (no /proc, not Linux). */
export function captureFromRecords(records: CollectorRecord[], opts: CaptureFromRecordsOptions): Capture {
	const text = (r: CollectorRecord): string => r.content.toString('utf8');
	const one = new Map<string, CollectorRecord>();
	const stats = new Map<number, string>();
	const cmdlines = new Map<number, string>();
	const cwds = new Map<number, string>();
	const denied = new Set<number>();
	const lsLines: LsLine[] = [];
	const fdLines: LsLine[] = [];
	const nsTables = new Map<string, { tcpIno: string; viaPid: number; tables: Partial<Record<TableName, string>> }>();
	for (const r of records) {
		const pid = Number(r.args[0]);
		switch (r.tag) {
			case 'S':
				stats.set(pid, text(r));
				break;
			case 'C':
				cmdlines.set(pid, hexToBytes(r.content.toString('latin1')).toString('utf8'));
				break;
			case 'R':
				cwds.set(pid, text(r));
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
			case 'N': {
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

	// Per pid: owner uid, namespace inode (ns/net), inode of its namespace's tcp table.
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

	const fds = new Map<number, Array<[number, string]>>();
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
