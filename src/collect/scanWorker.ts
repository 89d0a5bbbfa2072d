// Worker-thread entry: runs the synchronous /proc scan, the join and the diff off the extension
// host's event loop, so a refresh at 100k sockets never freezes the editor. The result crosses
// back in slices (see scanWire.ts): one 100k-socket message cost the receiving thread ~0.8 s of
// structured-clone deserialisation in one block; a 2000-socket slice costs ~6 ms.
import { parentPort, workerData } from 'worker_threads';
import { diffSnapshots } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { Snapshot, SocketInfo } from '../model/snapshot';
import type { ProcessCapture } from './capture';
import type { ProcessesJob } from './parallelReader';
import { readProcess, readProcTree } from './procfsReader';
import { SLICE, toWireDiff, type ScanRequest, type ScanResponse, type SlicePart } from './scanWire';

// The previous snapshot stays here, next to the next one, for the diff: at 100k sockets the
// diff took 0.6-1.7 s of the extension host's event loop (bench/eventloop.mjs).
let previous: Snapshot | undefined;
/** What the caller of the last scan still has to fetch, slice by slice. */
let pending: { scan: number; parts: Record<SlicePart, SocketInfo[]> } | undefined;

function answer(req: ScanRequest): ScanResponse {
	if (req.type === 'slice') {
		if (!pending || pending.scan !== req.scan) return { id: req.id, ok: false, error: `scan ${req.scan} is no longer held by the worker` };
		return { id: req.id, ok: true, type: 'slice', items: pending.parts[req.part].slice(req.offset, req.offset + SLICE) };
	}
	const snapshot = buildSnapshot(readProcTree(req.options));
	const diff = previous ? diffSnapshots(previous, snapshot) : undefined;
	previous = snapshot;
	const { sockets, ...head } = snapshot;
	pending = { scan: req.id, parts: { sockets, closed: diff?.closedSockets ?? [], changedBefore: diff?.changedSockets.map((c) => c.before) ?? [] } };
	return {
		id: req.id,
		ok: true,
		type: 'scan',
		head,
		counts: { sockets: sockets.length, closed: pending.parts.closed.length, changedBefore: pending.parts.changedBefore.length },
		diff: diff ? toWireDiff(snapshot, diff) : undefined,
	};
}

const job = workerData as ProcessesJob | undefined;
if (job?.mode === 'processes') {
	// One-shot: the fd half of a two-core scan (parallelReader.ts).
	const out: ProcessCapture[] = [];
	for (const pid of job.pids) {
		const p = readProcess(job.root, pid, false);
		if (p) out.push(p);
	}
	parentPort!.postMessage(out);
} else parentPort?.on('message', (req: ScanRequest) => {
	let res: ScanResponse;
	try {
		res = answer(req);
	} catch (e) {
		res = { id: req.id, ok: false, error: (e as Error).message };
	}
	parentPort!.postMessage(res);
});
