// Worker-thread entry: runs the synchronous /proc scan and the join off the extension host's
// event loop, so a refresh at 100k sockets never freezes the editor.
import { parentPort, workerData } from 'worker_threads';
import { buildSnapshot } from '../model/join';
import type { ProcessCapture } from './capture';
import type { ProcessesJob } from './parallelReader';
import { readProcess, readProcTree, type ReadProcOptions } from './procfsReader';

export interface ScanRequest {
	id: number;
	options: Pick<ReadProcOptions, 'root'>;
}

export type ScanResponse = { id: number; ok: true; snapshot: ReturnType<typeof buildSnapshot> } | { id: number; ok: false; error: string };

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
		res = { id: req.id, ok: true, snapshot: buildSnapshot(readProcTree(req.options)) };
	} catch (e) {
		res = { id: req.id, ok: false, error: (e as Error).message };
	}
	parentPort!.postMessage(res);
});
