// In-process timing of procnet's core, bundled on the fly by bench/run.mjs with esbuild
// (out/bench/inproc.js) and run as its own node process once per bench round.
//
// Per iteration it times, in this order:
//   read     readProcTree()                    (the scan: fds, process facts, tables)
//   build    buildSnapshot(capture)            (parse every table + join inodes to owners)
//   select   selectSnapshot(snap, {})          (what the CLI does with no filters)
//   json     JSON.stringify(sel, null, 1)      (what `snapshot --json` prints) + byte length
// then, to see where the read and build time goes:
//   a copy of readProcTree's syscalls with a clock around each kind of call (sections), and
//   parseTable() per table on the capture's texts (parse), the rest of build being the join.
//
// Prints one JSON object on stdout. Usage: node out/bench/inproc.js [iterations]
import * as fs from 'fs';
import { readProcTree } from '../src/collect/procfsReader';
import { readTable } from '../src/collect/tableReader';
import { buildSnapshot } from '../src/model/join';
import { selectSnapshot } from '../src/model/select';
import { parseTable } from '../src/procfs/tables';
import { TABLE_NAMES, type TableName } from '../src/procfs/types';

const now = (): number => Number(process.hrtime.bigint()) / 1e6; // ms

interface Sections {
	readdirProc: number;
	/** stat, statSync(pid dir), cmdline, readlink cwd, readlink ns/net: per process */
	processFacts: number;
	/** readdirSync(/proc/PID/fd) */
	fdReaddir: number;
	/** readlinkSync of every fd, and the socket:[…] test */
	fdReadlink: number;
	/** statSync(/proc/PID/net/tcp) once per namespace */
	nsGroup: number;
	/** readFileSync of each table, per table name (summed over namespaces) */
	tables: Record<string, number>;
	tablesTotal: number;
	/** /proc/stat, /etc/passwd */
	misc: number;
	total: number;
	processes: number;
	fds: number;
	socketFds: number;
	tableBytes: number;
}

function tryRead(p: string): string | null {
	try {
		return fs.readFileSync(p, 'utf8');
	} catch {
		return null;
	}
}
function tryLink(p: string): string | null {
	try {
		return fs.readlinkSync(p);
	} catch {
		return null;
	}
}

/** The syscalls of readProcTree (src/collect/procfsReader.ts), in its order, with clocks around them. */
function sectionedScan(root = '/proc'): Sections {
	const s: Sections = { readdirProc: 0, processFacts: 0, fdReaddir: 0, fdReadlink: 0, nsGroup: 0, tables: {}, tablesTotal: 0, misc: 0, total: 0, processes: 0, fds: 0, socketFds: 0, tableBytes: 0 };
	const t0 = now();
	let t = now();
	const entries = fs.readdirSync(root);
	s.readdirProc = now() - t;
	const procs: { pid: number; netns: string | null }[] = [];
	for (const name of entries) {
		const c0 = name.charCodeAt(0);
		if (c0 < 48 || c0 > 57) continue;
		const pid = Number(name);
		const base = `${root}/${pid}`;
		t = now();
		const stat = tryRead(`${base}/stat`);
		if (stat === null) {
			s.processFacts += now() - t;
			continue;
		}
		try {
			fs.statSync(base);
		} catch {
			/* gone */
		}
		tryRead(`${base}/cmdline`);
		tryLink(`${base}/cwd`);
		const netns = tryLink(`${base}/ns/net`);
		s.processFacts += now() - t;
		procs.push({ pid, netns });
		s.processes++;
		t = now();
		let names: string[];
		try {
			names = fs.readdirSync(`${base}/fd`);
		} catch {
			s.fdReaddir += now() - t;
			continue;
		}
		s.fdReaddir += now() - t;
		t = now();
		const prefix = `${base}/fd/`;
		const fds: [number, string][] = [];
		for (const fd of names) {
			let link: string;
			try {
				link = fs.readlinkSync(prefix + fd);
			} catch {
				continue;
			}
			if (link.length > 9 && link.charCodeAt(0) === 115 && link.startsWith('socket:[')) fds.push([Number(fd), link.slice(8, -1)]);
		}
		s.fdReadlink += now() - t;
		s.fds += names.length;
		s.socketFds += fds.length;
	}
	t = now();
	const seen = new Map<string, number>();
	for (const p of procs) {
		const key = p.netns ?? `pid:${p.pid}`;
		if (seen.has(key)) continue;
		try {
			seen.set(key, fs.statSync(`${root}/${p.pid}/net/tcp`).ino);
		} catch {
			/* gone */
		}
	}
	s.nsGroup = now() - t;
	const viaPids = new Map<number, number>(); // table inode -> pid
	for (const p of procs) {
		const key = p.netns ?? `pid:${p.pid}`;
		const ino = seen.get(key);
		if (ino !== undefined && !viaPids.has(ino)) viaPids.set(ino, p.pid);
	}
	for (const pid of viaPids.values()) {
		for (const name of TABLE_NAMES) {
			t = now();
			const text = readTable(`${root}/${pid}/net/${name}`);
			const dt = now() - t;
			s.tables[name] = (s.tables[name] ?? 0) + dt;
			s.tablesTotal += dt;
			s.tableBytes += text?.length ?? 0;
		}
	}
	t = now();
	tryRead(`${root}/stat`);
	tryRead('/etc/passwd');
	s.misc = now() - t;
	s.total = now() - t0;
	return s;
}

interface Iteration {
	read: number;
	build: number;
	select: number;
	json: number;
	jsonBytes: number;
	sockets: number;
	socketsByKind: Record<string, number>;
	ownedSockets: number;
	processes: number;
	sections: Sections;
	/** parseTable per table name (ms), summed over namespaces */
	parse: Record<string, number>;
	parseTotal: number;
	rowsByTable: Record<string, number>;
}

function iteration(): Iteration {
	let t = now();
	const capture = readProcTree();
	const read = now() - t;
	t = now();
	const snap = buildSnapshot(capture);
	const build = now() - t;
	t = now();
	const sel = selectSnapshot(snap, {});
	const select = now() - t;
	t = now();
	const text = JSON.stringify(sel, null, 1) + '\n';
	const jsonBytes = Buffer.byteLength(text, 'utf8');
	const json = now() - t;

	const socketsByKind: Record<string, number> = {};
	let ownedSockets = 0;
	for (const s of snap.sockets) {
		const k = s.kind + (s.ipVersion === 6 ? '6' : '');
		socketsByKind[k] = (socketsByKind[k] ?? 0) + 1;
		if (s.owners.length) ownedSockets++;
	}

	const sections = sectionedScan();

	const parse: Record<string, number> = {};
	const rowsByTable: Record<string, number> = {};
	let parseTotal = 0;
	for (const ns of capture.namespaces) {
		for (const name of TABLE_NAMES) {
			const txt = ns.tables[name as TableName];
			if (txt === undefined) continue;
			const t1 = now();
			const r = parseTable(name, txt, capture.host);
			const dt = now() - t1;
			parse[name] = (parse[name] ?? 0) + dt;
			rowsByTable[name] = (rowsByTable[name] ?? 0) + r.rows.length;
			parseTotal += dt;
		}
	}
	return { read, build, select, json, jsonBytes, sockets: snap.sockets.length, socketsByKind, ownedSockets, processes: snap.processes.length, sections, parse, parseTotal, rowsByTable };
}

const n = Math.max(1, Number(process.argv[2] ?? 3) || 3);
const iterations: Iteration[] = [];
for (let i = 0; i < n; i++) iterations.push(iteration());
process.stdout.write(JSON.stringify({ iterations, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
