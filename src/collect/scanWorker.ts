// Worker-thread entry: runs the synchronous /proc scan and the join off the extension host's
// event loop, so a refresh at 100k sockets never freezes the editor, and sends the caller only
// what changed since what it holds (scanWire.ts).
import { parentPort, workerData } from 'worker_threads';
import { sameSocket } from '../model/diff';
import { buildSnapshot } from '../model/join';
import { OwnerIndex } from '../model/ownerIndex';
import type { SocketInfo } from '../model/snapshot';
import { scanProcesses, type ProcessesJob, type ProcessesMessage } from './parallelReader';
import { readProcTreeParsed } from './procfsReader';
import { SLICE, type ScanJob, type ScanRequest, type ScanResponse, type SliceParts } from './scanWire';
import { niceThisThread } from './threadPriority';

/** The sockets the caller holds after applying the last scan, by id. */
let baseline: Map<string, SocketInfo> | undefined;
/** What the caller of the last scan still has to fetch, slice by slice. */
let pending: { scan: number; parts: SliceParts } | undefined;

function answer(req: ScanRequest): ScanResponse {
	if (req.type === 'slice') {
		if (!pending || pending.scan !== req.scan) return { id: req.id, ok: false, error: `scan ${req.scan} is no longer held by the worker` };
		return { id: req.id, ok: true, type: 'slice', items: pending.parts[req.part].slice(req.offset, req.offset + SLICE) };
	}
	const { capture, parsed } = readProcTreeParsed(req.options);
	const { sockets, ...head } = buildSnapshot(capture, parsed);
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

const job = workerData as ProcessesJob | ScanJob | undefined;
if (job?.mode === 'processes') {
	// One-shot: the fd half of a two-core scan (parallelReader.ts), indexed here.
	const owners = new OwnerIndex();
	const processes = scanProcesses(job.root, job.queue, 'front', owners);
	const { data, transfer } = owners.data();
	parentPort!.postMessage({ processes, owners: data } satisfies ProcessesMessage, transfer);
} else {
	if (job?.mode === 'scan' && job.nice > 0) niceThisThread(job.nice);
	parentPort?.on('message', (req: ScanRequest) => {
		let res: ScanResponse;
		try {
			res = answer(req);
		} catch (e) {
			res = { id: req.id, ok: false, error: (e as Error).message };
		}
		parentPort!.postMessage(res);
	});
}
