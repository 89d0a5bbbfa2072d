// Worker-thread entry: runs the synchronous /proc scan and the join off the extension host's
// event loop, so a refresh at 100k sockets never freezes the editor, and sends the caller only
// what changed since what it holds (scanWire.ts).
import { parentPort, workerData } from 'worker_threads';
import { sameSocket } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { SocketInfo } from '../model/snapshot';
import type { ProcessCapture } from './capture';
import { PART_FDS, type ProcessesJob, type ProcessesMessage } from './parallelReader';
import { readProcess, readProcTree } from './procfsReader';
import { SLICE, type ScanRequest, type ScanResponse, type SliceParts } from './scanWire';

/** The sockets the caller holds after applying the last scan, by id. */
let baseline: Map<string, SocketInfo> | undefined;
/** What the caller of the last scan still has to fetch, slice by slice. */
let pending: { scan: number; parts: SliceParts } | undefined;

function answer(req: ScanRequest): ScanResponse {
	if (req.type === 'slice') {
		if (!pending || pending.scan !== req.scan) return { id: req.id, ok: false, error: `scan ${req.scan} is no longer held by the worker` };
		return { id: req.id, ok: true, type: 'slice', items: pending.parts[req.part].slice(req.offset, req.offset + SLICE) };
	}
	const { sockets, ...head } = buildSnapshot(readProcTree(req.options));
	const full = req.full || !baseline;
	const next = new Map<string, SocketInfo>();
	const parts: SliceParts = { upserts: full ? sockets : [], removed: [] };
	for (const s of sockets) {
		next.set(s.id, s);
		if (full) continue;
		const b = baseline!.get(s.id);
		if (!b || !sameSocket(b, s)) parts.upserts.push(s);
	}
	if (!full) for (const id of baseline!.keys()) if (!next.has(id)) parts.removed.push(id);
	baseline = next;
	pending = { scan: req.id, parts };
	return { id: req.id, ok: true, type: 'scan', head, counts: { upserts: parts.upserts.length, removed: parts.removed.length }, full };
}

const job = workerData as ProcessesJob | undefined;
if (job?.mode === 'processes') {
	// One-shot: the fd half of a two-core scan (parallelReader.ts), sent in parts of about
	// PART_FDS fds so that the caller can index each part while this thread reads the next.
	let part: ProcessCapture[] = [];
	let fds = 0;
	for (const pid of job.pids) {
		const p = readProcess(job.root, pid, false);
		if (!p) continue;
		part.push(p);
		fds += p.fds.length;
		if (fds >= PART_FDS) {
			parentPort!.postMessage({ part } satisfies ProcessesMessage);
			part = [];
			fds = 0;
		}
	}
	parentPort!.postMessage({ part, done: true } satisfies ProcessesMessage);
} else parentPort?.on('message', (req: ScanRequest) => {
	let res: ScanResponse;
	try {
		res = answer(req);
	} catch (e) {
		res = { id: req.id, ok: false, error: (e as Error).message };
	}
	parentPort!.postMessage(res);
});
