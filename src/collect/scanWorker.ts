// Worker-thread entry: runs the synchronous /proc scan and the join off the extension host's
// event loop, so a refresh at 100k sockets never freezes the editor.
import { parentPort } from 'worker_threads';
import { buildSnapshot } from '../model/join';
import { readProcTree, type ReadProcOptions } from './procfsReader';

export interface ScanRequest {
	id: number;
	options: Pick<ReadProcOptions, 'root'>;
}

export type ScanResponse = { id: number; ok: true; snapshot: ReturnType<typeof buildSnapshot> } | { id: number; ok: false; error: string };

parentPort?.on('message', (req: ScanRequest) => {
	let res: ScanResponse;
	try {
		res = { id: req.id, ok: true, snapshot: buildSnapshot(readProcTree(req.options)) };
	} catch (e) {
		res = { id: req.id, ok: false, error: (e as Error).message };
	}
	parentPort!.postMessage(res);
});
