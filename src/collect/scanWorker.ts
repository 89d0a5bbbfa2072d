// Worker-thread entry: runs the synchronous /proc scan and the join off the extension host's
// event loop, so a refresh at 100k sockets never freezes the editor.
import { parentPort, workerData } from 'worker_threads';
import { diffSnapshots, type SnapshotDiff } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { Snapshot } from '../model/snapshot';
import type { ProcessCapture } from './capture';
import type { ProcessesJob } from './parallelReader';
import { readProcess, readProcTree, type ReadProcOptions } from './procfsReader';

export interface ScanRequest {
	id: number;
	options: Pick<ReadProcOptions, 'root'>;
}

/** `diff` is against the previous snapshot this worker sent (absent for the first). */
export type ScanResponse = { id: number; ok: true; snapshot: Snapshot; diff?: SnapshotDiff } | { id: number; ok: false; error: string };

// The diff is computed here, next to the previous snapshot, not on the caller's thread: at 100k
// sockets it took 0.6-1.7 s of the extension host's event loop (bench/eventloop.mjs).
let previous: Snapshot | undefined;

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
		const snapshot = buildSnapshot(readProcTree(req.options));
		res = { id: req.id, ok: true, snapshot, diff: previous ? diffSnapshots(previous, snapshot) : undefined };
		previous = snapshot;
	} catch (e) {
		res = { id: req.id, ok: false, error: (e as Error).message };
	}
	parentPort!.postMessage(res);
});
