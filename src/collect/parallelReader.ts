// The two-core scan for big hosts: a worker thread walks every process's fds (the costly
// half: one readlink per fd) while this thread reads and parses the socket tables. Both
// halves are mostly kernel time, so on two cores they overlap almost fully.
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { OwnerIndex, parseNamespaces, type ParsedNamespaces } from '../model/join';
import { TABLE_NAMES } from '../procfs/types';
import type { Capture, ProcessCapture } from './capture';
import { assembleCapture, listProc, pidsOf, readHost, readLink, readNamespaces, type ReadProcOptions } from './procfsReader';

/** Data a 'processes' worker gets (see scanWorker.ts). */
export interface ProcessesJob {
	mode: 'processes';
	root: string;
	pids: number[];
}

/** What a 'processes' worker posts: its processes in order, in parts; the last one is `done`. */
export interface ProcessesMessage {
	part: ProcessCapture[];
	done?: true;
}

/**
 * Fds per part a 'processes' worker posts. When the table half ends first (on a quiet machine,
 * 100-250 ms before the worker at 100k), it indexes the parts that came in that wait instead of
 * all of them after the last fd is read.
 */
export const PART_FDS = 5000;

/** Below this many sockets a worker's start-up (~30-50 ms) costs more than it saves. */
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

export async function readProcTreeParallel(opts: ReadProcOptions, workerScript: string): Promise<{ capture: Capture; parsed: ParsedNamespaces; owners: OwnerIndex }> {
	const root = opts.root ?? '/proc';
	const takenAt = new Date().toISOString();
	const errors: string[] = [];
	const pids = pidsOf(listProc(root), opts.pids);
	const worker = new Worker(workerScript, { workerData: { mode: 'processes', root, pids } satisfies ProcessesJob });
	const owners = new OwnerIndex();
	const processesP = new Promise<ProcessCapture[]>((resolve, reject) => {
		const all: ProcessCapture[] = [];
		worker.on('message', (m: ProcessesMessage) => {
			for (const p of m.part) {
				all.push(p);
				owners.add(p);
			}
			if (m.done) resolve(all);
		});
		worker.once('error', reject);
		worker.once('exit', (code) => reject(new Error(`fd scan worker exited with code ${code}`)));
	});
	// Meanwhile: namespaces (one readlink per pid), their tables, and the parse.
	const light = pids.map((pid) => ({ pid, netns: readLink(`${root}/${pid}/ns/net`) }));
	const namespaces = readNamespaces(root, light, opts.tables ?? TABLE_NAMES, errors);
	const host = readHost(root);
	const parsed = parseNamespaces(namespaces, host);
	let processes: ProcessCapture[];
	try {
		processes = await processesP;
	} finally {
		void worker.terminate();
	}
	const nsOf = new Map(light.map((p) => [p.pid, p.netns]));
	for (const p of processes) p.netns = nsOf.get(p.pid) ?? null;
	return { capture: assembleCapture(root, opts, takenAt, namespaces, processes, errors, host), parsed, owners };
}
