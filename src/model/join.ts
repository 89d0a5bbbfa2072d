// capture → snapshot: parse every table of every namespace, then give each socket the list
// of {pid, fd} that hold its inode. A list, not one pid: fork and SCM_RIGHTS share sockets,
// and "last writer wins" (VS Code's port finder) hides the others.
import type { Capture, CaptureHost, NamespaceCapture } from '../collect/capture';
import { parseCgroup } from '../procfs/cgroup';
import { parseCmdline, parseStat } from '../procfs/process';
import { parsePasswd } from '../procfs/passwd';
import { tableStream, type TableParseOptions } from '../procfs/tables';
import { TABLE_NAMES, type ParseWarning, type SocketRow, type TableName } from '../procfs/types';
import { OwnerIndex } from './ownerIndex';
import { SCHEMA_VERSION, type Owner, type OwnerUnknown, type ProcessInfo, type Snapshot, type SnapshotWarning, type SocketInfo } from './snapshot';

/**
 * Every table of every namespace, parsed into sockets with their ids: a step of its own so
 * that a caller can do it while the fd scan still runs (parallelReader.ts).
 */
export interface ParsedNamespaces {
	/** Every socket with its id and namespace set; owners are attached by buildSnapshot. */
	sockets: SocketInfo[];
	warnings: SnapshotWarning[];
}

export function parseNamespaces(namespaces: readonly NamespaceCapture[], host: CaptureHost): ParsedNamespaces {
	const p = new NamespaceParser(host);
	for (const ns of namespaces) {
		for (const table of TABLE_NAMES) {
			const text = ns.tables[table];
			if (text !== undefined) p.add(ns.id, table, text);
		}
	}
	return p.finish();
}

/** Per table: what makes its ids (see NamespaceParser.adopt); made by NamespaceParser.table. */
export interface TableIds {
	readonly netns: string;
	// Inodes seen in this table, for repeats (see inodeKey): cheaper than hashing every full id
	// into `seen`.
	readonly inodes: Set<number | string>;
	// The rows of one table share kind and version, so their ids share a prefix: made once, an id
	// is then one concatenation (at 100k rows, building each id from its five parts left ~130
	// bytes of string pieces per socket for the garbage collector to copy).
	prefixOf: SocketRow | undefined;
	prefix: string;
}

/** The owners of a parsed socket before buildSnapshot gives it its own list; never added to. */
const NO_OWNERS: Owner[] = Object.freeze([]) as unknown as Owner[];

/**
 * parseNamespaces one table at a time, for a caller that has the tables one after another (a
 * remote response as it arrives). Tables must come in parseNamespaces' order: namespace by
 * namespace, each in TABLE_NAMES order; `added` lists what was added, for the caller to check.
 */
export class NamespaceParser {
	private readonly warnings: SnapshotWarning[] = [];
	private readonly sockets: SocketInfo[] = [];
	// inode-0 sockets can share an id (unix embryos on one path): they are numbered. A socket with
	// an inode printed twice (the kernel walks its hash while we read, so rows can repeat under
	// churn) is kept once: views key rows by id.
	private readonly seen = new Map<string, number>();
	private dupes = 0;
	readonly added: Array<{ netns: string; table: TableName }> = [];

	constructor(readonly opts: TableParseOptions) {}

	add(netns: string, table: TableName, text: string): void {
		const t = this.stream(netns, table);
		t.text(text);
		t.end();
	}

	/**
	 * One table given in parts of whole lines, as it is read (see tableStream): the inet tables'
	 * rows become sockets part by part. Each table is ended before the next one starts.
	 */
	stream(netns: string, table: TableName): { text(part: string): void; end(): void } {
		const parser = tableStream(table, this.opts);
		const ids = this.table(netns, table);
		return {
			text: (part) => this.adopt(ids, parser.text(part)),
			end: () => {
				const r = parser.end();
				this.warn(netns, r.warnings);
				this.adopt(ids, r.rows);
			},
		};
	}

	/**
	 * Starts a table whose rows come some other way than `stream` (tableJson.ts writes most inet
	 * rows straight from bytes): its rows go through `adopt` or `claim`, its warnings `warn`.
	 */
	table(netns: string, table: TableName): TableIds {
		this.added.push({ netns, table });
		return { netns, inodes: new Set(), prefixOf: undefined, prefix: '' };
	}

	/** A table's parse warnings, as the snapshot's. */
	warn(netns: string, warnings: readonly ParseWarning[]): void {
		for (const w of warnings) this.warnings.push({ message: w.reason, table: w.table, netns, line: w.line, text: w.text });
	}

	/**
	 * Whether a row with inode `key` (inodeKey; not '0') is the first with it in its table,
	 * counting a repeat otherwise: what adopt does for such a row, for one never made.
	 */
	claim(ids: TableIds, key: number | string): boolean {
		if (ids.inodes.has(key)) {
			this.dupes++;
			return false;
		}
		ids.inodes.add(key);
		return true;
	}

	/** The sockets made since the last call (a caller that writes them as they come). */
	takeSockets(): SocketInfo[] {
		return this.sockets.splice(0);
	}

	/** Gives `rows` their ids and namespace, keeping each repeat out, and adds them to the sockets. */
	adopt(ids: TableIds, rows: readonly SocketRow[]): void {
		const { sockets, seen } = this;
		const { netns } = ids;
		for (const row of rows) {
			// A possibly-forged unix record repeats a real socket's inode: it must neither replace
			// nor be merged into that socket, so it gets an id of its own.
			let id: string;
			if (row.inode !== '0' && !row.assocId && !row.suspect) {
				if (ids.prefixOf?.kind !== row.kind || ids.prefixOf.ipVersion !== row.ipVersion) {
					ids.prefixOf = row;
					ids.prefix = `${netns}|${row.kind}${row.ipVersion ?? ''}|`;
				}
				// Such an id is the inode's within the table: a repeat is the same inode again.
				if (!this.claim(ids, inodeKey(row.inode))) continue;
				id = ids.prefix + row.inode;
			} else {
				id = socketKey(netns, row) + (row.suspect ? '|suspect' : '');
				const n = seen.get(id) ?? 0;
				seen.set(id, n + 1);
				if (n) {
					if (row.inode !== '0' && !row.suspect) {
						this.dupes++;
						continue;
					}
					id += `#${n}`;
				}
			}
			// The row becomes the socket (no copy: at 100k rows a spread per row was most of the join).
			// Its owners are set by buildSnapshot; until then it shares one empty list, as an empty
			// list per socket would be 100k arrays for the garbage collector to copy and drop.
			const s = row as SocketInfo;
			s.id = id;
			s.netns = netns;
			s.owners = NO_OWNERS;
			s.ownerUnknown = null;
			sockets.push(s);
		}
	}

	finish(): ParsedNamespaces {
		const warnings = [...this.warnings];
		if (this.dupes) warnings.push({ message: `${this.dupes} socket(s) were listed twice (a table changed while it was read); each is kept once` });
		return { sockets: this.sockets, warnings };
	}
}

/**
 * `owners`, when given, must index exactly `capture.processes` (see OwnerIndex); otherwise
 * it is made here.
 */
export function buildSnapshot(capture: Capture, parsed: ParsedNamespaces = parseNamespaces(capture.namespaces, capture.host), owners?: OwnerIndex): Snapshot {
	const warnings: SnapshotWarning[] = capture.errors.map((message) => ({ message }));
	const users = capture.passwd ? parsePasswd(capture.passwd) : new Map<number, string>();
	const { clkTck, bootTime } = capture.host;
	const pageSize = capture.host.pageSize ?? null;

	const processes: ProcessInfo[] = [];
	const index = owners ?? new OwnerIndex();
	if (capture.hiddenProcesses) warnings.push({ message: capture.hiddenProcesses });
	for (const p of capture.processes) {
		const st = p.stat ? parseStat(p.stat) : null;
		if (!st) {
			warnings.push({ message: `process ${p.pid}: unreadable /proc/${p.pid}/stat`, text: p.stat?.slice(0, 200) });
			continue;
		}
		processes.push({
			pid: p.pid,
			ppid: st.ppid,
			name: st.comm,
			cmdline: p.cmdline ? parseCmdline(p.cmdline) : [],
			uid: p.uid,
			user: p.uid === null ? null : users.get(p.uid) ?? null,
			startTime: bootTime === null ? null : new Date((bootTime + st.startTicks / clkTck) * 1000).toISOString(),
			startTicks: st.startTicks,
			netns: p.netns,
			fdAccess: p.fdAccess,
			cwd: p.cwd,
			rssBytes: pageSize === null ? null : st.rssPages * pageSize,
			cpuSeconds: (st.utimeTicks + st.stimeTicks) / clkTck,
			...cgroupFacts(p.cgroup),
		});
		if (!owners) index.addFds(p.pid, p.fds);
	}
	processes.sort((a, b) => a.pid - b.pid);

	for (const w of parsed.warnings) warnings.push(w);
	const sockets = parsed.sockets;
	attachOwners(sockets, index, fdsDenied({ processes }, capture));

	return {
		schemaVersion: SCHEMA_VERSION,
		host: { hostname: capture.host.hostname, kernel: capture.host.kernel, byteOrder: capture.host.byteOrder },
		source: capture.source,
		takenAt: capture.takenAt,
		selfPid: capture.selfPid,
		processes,
		sockets,
		warnings,
	};
}

/** A process's cgroup path, unit and container; all null when its cgroup was not read. */
function cgroupFacts(text: string | null | undefined): Pick<ProcessInfo, 'cgroup' | 'unit' | 'container'> {
	if (!text) return { cgroup: null, unit: null, container: null };
	const f = parseCgroup(text);
	return { cgroup: f.path, unit: f.unit, container: f.container };
}

/**
 * Gives each socket its owners from `index`, or why it has none. `anyDenied`: some process's fds
 * could not be read, or processes are hidden (see fdsDenied).
 */
export function attachOwners(sockets: readonly SocketInfo[], index: OwnerIndex, anyDenied: boolean): void {
	for (const s of sockets) {
		const o = s.inode !== '0' && !s.suspect ? index.get(s.inode) : undefined;
		s.owners = o ?? [];
		s.ownerUnknown = o ? null : whyNoOwner(s, anyDenied);
	}
}

/**
 * Whether an owner may be missing for want of permission: some process of the snapshot's fds
 * could not be read, or processes are hidden (hidepid), which may hold sockets just as well.
 */
export function fdsDenied(snap: Pick<Snapshot, 'processes'>, capture: Pick<Capture, 'hiddenProcesses'>): boolean {
	return !!capture.hiddenProcesses || snap.processes.some((p) => p.fdAccess === 'denied');
}

export function whyNoOwner(row: SocketRow, anyDenied: boolean): OwnerUnknown {
	if (row.inode === '0') return 'inode-0';
	// A forged-looking row must not borrow a real socket's owner; a netlink socket with port id 0
	// is the kernel's own end, which no process holds, whatever we may read.
	if (row.suspect || (row.kind === 'netlink' && row.portId === 0)) return 'not-found';
	return anyDenied ? 'permission-denied' : 'not-found';
}

/**
 * An inode as a key of TableIds.inodes: its number when it is 1-15 digits without a leading
 * zero (a number is hashed without reading a string, and tableJson.ts has the number, not the
 * text), else its text, so that texts that differ stay apart as their ids do.
 */
export function inodeKey(inode: string): number | string {
	const n = inode.length;
	if (n > 15 || inode.charCodeAt(0) === 48) return inode;
	let v = 0;
	for (let i = 0; i < n; i++) {
		const c = inode.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return inode;
		v = v * 10 + c;
	}
	return n ? v : inode;
}

/** The id of a socket; add() makes the common case (a socket with an inode) from a shared prefix. */
function socketKey(netns: string, r: SocketRow): string {
	const v = r.ipVersion ?? '';
	if (r.inode !== '0') return `${netns}|${r.kind}${v}|${r.inode}${r.assocId ? '|' + r.assocId : ''}`;
	return `${netns}|${r.kind}${v}|0|${r.localAddress ?? r.path ?? ''}:${r.localPort ?? ''}|${r.remoteAddress ?? ''}:${r.remotePort ?? ''}`;
}
