// The two-core scan for big hosts: a worker thread walks every process's fds (the costly
// half: one readlink per fd) while this thread reads and parses the socket tables (or, for the
// CLI's whole-snapshot JSON, writes their rows as JSON up to their owners: model/tableJson.ts).
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { NamespaceParser, type ParsedNamespaces } from '../model/join';
import { keepsFds, OwnerIndex, type OwnerIndexData } from '../model/ownerIndex';
import { TABLE_NAMES } from '../procfs/types';
import type { Capture, CaptureHost, NamespaceCapture, ProcessCapture } from './capture';
import { assembleCapture, listProc, parsingSink, pidsOf, readHost, readLink, readProcess, streamNamespaces, type ReadProcOptions, type TableSink } from './procfsReader';

/** Data a 'processes' worker gets (see scanWorker.ts). */
export interface ProcessesJob {
	mode: 'processes';
	root: string;
	/** The pids to read, shared with the thread that reads the tables (see pidQueue). */
	queue: Int32Array;
}

/**
 * What a 'processes' worker posts, once: the processes it read, without their fds, and the
 * index of those fds. Indexing them there takes that work off this thread, which has the
 * tables to parse, and the index crosses as buffers, not as 100k small arrays to copy.
 */
export interface ProcessesMessage {
	processes: ProcessCapture[];
	owners: OwnerIndexData;
}

/** Below this many sockets a worker's start-up (~60 ms on an idle machine here) costs more than it saves. */
export const PARALLEL_THRESHOLD = 20000;

/** "sockets: used N" of /proc/net/sockstat: a cheap estimate of how big a scan will be. */
export function socketsInUse(root = '/proc'): number {
	try {
		const m = /sockets: used (\d+)/.exec(fs.readFileSync(`${root}/net/sockstat`, 'utf8'));
		return m ? Number(m[1]) : 0;
	} catch {
		return 0;
	}
}

/**
 * A capture for a snapshot, with its tables parsed and its fds indexed. It holds neither the
 * table texts (each was parsed as it was read: `parsed`) nor the processes' fds (`owners`),
 * which is all a snapshot needs. A caller that wants a capture to save uses readProcTree. With
 * `tablesTo`, each table goes to the sink it gives instead (`parsed` is then empty).
 */
export async function readProcTreeParallel(opts: ReadProcOptions, workerScript: string, tablesTo?: (host: CaptureHost) => TableSink): Promise<{ capture: Capture; parsed: ParsedNamespaces; owners: OwnerIndex }> {
	const root = opts.root ?? '/proc';
	const takenAt = new Date().toISOString();
	const errors: string[] = [];
	const pids = pidsOf(listProc(root), opts.pids);
	const queue = pidQueue(pids.length);
	// A young generation of a few MB: the worker's garbage (a string per fd) is then collected
	// in memory it has touched before, which on these VMs costs ~15 µs a page the first time.
	const worker = new Worker(workerScript, { workerData: { mode: 'processes', root, queue } satisfies ProcessesJob, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
	const scanned = new Promise<ProcessesMessage>((resolve, reject) => {
		worker.once('message', resolve);
		worker.once('error', reject);
		worker.once('exit', (code) => reject(new Error(`fd scan worker exited with code ${code}`)));
	});
	// Whatever this thread throws, the worker must not be left waiting for its queue (it would
	// keep the process alive) nor its failure be left unhandled.
	scanned.catch(() => undefined);
	let light: Array<{ pid: number; netns: string | null }>, host: Capture['host'], namespaces: NamespaceCapture[], parsed: ParsedNamespaces;
	let processes: ProcessCapture[];
	let owners: OwnerIndex;
	try {
		// While the worker starts (60-120 ms here): the order it reads processes in.
		fillPidQueue(queue, biggestFirst(root, pids));
		// Meanwhile: namespaces (one readlink per pid), their tables, parsed as they are read.
		light = pids.map((pid) => ({ pid, netns: readLink(`${root}/${pid}/ns/net`) }));
		host = readHost(root);
		const parser = new NamespaceParser(host);
		namespaces = streamNamespaces(root, light, opts.tables ?? TABLE_NAMES, errors, tablesTo ? tablesTo(host) : parsingSink(parser));
		parsed = parser.finish();
		// The tables are done (parsed, or written as JSON up to their owners: at 100k sockets
		// about when the worker is done with the fds): read the processes the worker has not
		// started on, smallest first.
		const mine = new OwnerIndex();
		const ours = scanProcesses(root, queue, 'back', mine);
		const m = await scanned;
		processes = [...m.processes, ...ours].sort((a, b) => a.pid - b.pid);
		owners = new OwnerIndex(m.owners);
		owners.merge(mine.data().data);
	} finally {
		void worker.terminate();
	}
	const nsOf = new Map(light.map((p) => [p.pid, p.netns]));
	for (const p of processes) p.netns = nsOf.get(p.pid) ?? null;
	return { capture: assembleCapture(root, opts, takenAt, namespaces, processes, errors, host), parsed, owners };
}

/**
 * The pids both threads read, as shared memory: [ready, lock, front, back, ...pids], biggest fd
 * table first. The table thread fills it while the worker starts; the worker then reads from
 * the front and, once the tables are parsed, the table thread from the back, until they meet.
 * So the table thread gets the small processes: at 100k sockets one process can hold 17k fds,
 * ~150 ms of reading, and taking such a one last made the scan end that much later.
 */
const READY = 0, LOCK = 1, FRONT = 2, BACK = 3, PIDS = 4;

function pidQueue(count: number): Int32Array {
	return new Int32Array(new SharedArrayBuffer(4 * (PIDS + count)));
}

function fillPidQueue(q: Int32Array, pids: readonly number[]): void {
	q.set(pids, PIDS);
	Atomics.store(q, BACK, pids.length);
	Atomics.store(q, READY, 1);
	Atomics.notify(q, READY);
}

/** The next pid to read from one end, or -1 when none is left (waits until the queue is filled). */
function takePid(q: Int32Array, end: 'front' | 'back'): number {
	Atomics.wait(q, READY, 0);
	// The lock is held for a few reads and writes: spinning is cheaper than anything else.
	while (Atomics.compareExchange(q, LOCK, 0, 1) !== 0);
	const f = Atomics.load(q, FRONT), b = Atomics.load(q, BACK);
	let pid = -1;
	if (f < b) {
		if (end === 'front') {
			pid = q[PIDS + f];
			Atomics.store(q, FRONT, f + 1);
		} else {
			pid = q[PIDS + b - 1];
			Atomics.store(q, BACK, b - 1);
		}
	}
	Atomics.store(q, LOCK, 0);
	return pid;
}

/** Pids by fd count, most first: since Linux 6.2 the size of /proc/PID/fd is its fd count (older: 0, so pid order). */
function biggestFirst(root: string, pids: readonly number[]): number[] {
	const size = new Map<number, number>();
	for (const pid of pids) {
		try {
			size.set(pid, fs.statSync(`${root}/${pid}/fd`).size);
		} catch {
			size.set(pid, 0);
		}
	}
	return [...pids].sort((a, b) => size.get(b)! - size.get(a)!);
}

/**
 * Reads processes (their fds into `owners`, so without `fds`) from one end of the queue until
 * it is empty; two threads read from one queue, one from each end.
 */
export function scanProcesses(root: string, queue: Int32Array, end: 'front' | 'back', owners: OwnerIndex): ProcessCapture[] {
	const out: ProcessCapture[] = [];
	// Only the fds of a process a snapshot keeps (keepsFds); its stat is read before its fds, so
	// it is checked at the first one.
	let checked: ProcessCapture | undefined;
	let keep = false;
	const socketFd = (p: ProcessCapture, fd: number, link: string) => {
		if (checked !== p) {
			checked = p;
			keep = keepsFds(p);
		}
		if (keep) owners.addLink(p.pid, fd, link);
	};
	for (let pid = takePid(queue, end); pid >= 0; pid = takePid(queue, end)) {
		const p = readProcess(root, pid, false, socketFd);
		if (p) out.push(p);
	}
	return out;
}
