// Worker-thread entry: runs the synchronous /proc scan and the join off the extension host's
// event loop, so a refresh at 100k sockets never freezes the editor, and sends the caller only
// what changed since what it holds (scanWire.ts). Given a remote job, it reads that host through
// a session of its own instead (shellSource.ts), with the same transfer; given a capture file's
// bytes, it parses and joins them.
import { parentPort, workerData } from 'worker_threads';
import { sameSocket } from '../model/diff';
import { buildSnapshot } from '../model/join';
import { OwnerIndex } from '../model/ownerIndex';
import type { Snapshot, SocketInfo } from '../model/snapshot';
import { scanProcesses, type ProcessesJob, type ProcessesMessage } from './parallelReader';
import { readProcTreeParsed } from './procfsReader';
import { captureFileSnapshot, RemoteSourceError } from './remoteCapture';
import { COLUMNS_FROM, SLICE, type CaptureJob, type RemoteJob, type ScanJob, type ScanRequest, type ScanResponse, type SliceParts } from './scanWire';
import { remoteJobSource, type ShellSource } from './shellSource';
import { toColumns } from './socketColumns';
import { askHere, askThrough, TrafficMeter, type TrafficAllResult } from './trafficMeter';
import { niceThisThread } from './threadPriority';

/** The sockets the caller holds after applying the last scan, by id. */
let baseline: Map<string, SocketInfo> | undefined;
/** What the caller of the last scan still has to fetch, slice by slice. */
let pending: { scan: number; parts: SliceParts; full: boolean } | undefined;

/** The remote job's source, opened at its first scan or signal and ended by 'suspend'. */
let remote: ShellSource | undefined;

/** The processes of the last scan (their names, for a traffic measurement over `baseline`). */
let lastProcesses: Snapshot['processes'] | undefined;
const meter = new TrafficMeter();

/** Every process's traffic over the last scan's sockets: this machine's ss, or the host's through its session. */
async function trafficAll(root: string, job: RemoteJob | CaptureJob | undefined): Promise<TrafficAllResult> {
	if (job?.kind === 'capture') return { ok: false, message: 'a capture is a record: it has no live counters to ask' };
	if (!job && root !== '/proc') return { ok: false, message: `ss reads this machine's kernel, not ${root}` };
	if (!baseline || !lastProcesses) return { ok: false, message: 'the host has not been read yet' };
	const snap = { sockets: [...baseline.values()], processes: lastProcesses };
	return meter.measure(snap, job ? askThrough((remote ??= remoteJobSource(job))) : askHere);
}

async function answer(req: ScanRequest, job: RemoteJob | CaptureJob | undefined): Promise<ScanResponse> {
	if (req.type === 'slice') {
		if (!pending || pending.scan !== req.scan) return { id: req.id, ok: false, error: `scan ${req.scan} is no longer held by the worker` };
		const items = pending.parts[req.part].slice(req.offset, req.offset + SLICE);
		// A full transfer's sockets are all new to the caller, who keeps them: as columns they
		// cost its heap a few objects each instead of a handful (socketColumns.ts). So are a big
		// partial transfer's (a load ramping up, a server's clients all reconnecting): sent as
		// objects, 100k of them held a plain Node 24 thread for 85 ms and left 73 MiB of heap,
		// against ~30 ms and ~20 MiB as columns. The caller bounds what their tables keep alive.
		if (req.part === 'upserts' && (pending.full || pending.parts.upserts.length >= COLUMNS_FROM)) return { id: req.id, ok: true, type: 'columns', columns: toColumns(items as SocketInfo[]) };
		return { id: req.id, ok: true, type: 'slice', items };
	}
	if (req.type === 'suspend') {
		const r = remote;
		remote = undefined;
		await r?.disposeAndWait();
		return { id: req.id, ok: true, type: 'suspended' };
	}
	if (req.type === 'trafficAll') return { id: req.id, ok: true, type: 'trafficAll', result: await trafficAll(req.root, job), sessionPid: remote?.sessionPid };
	if (req.type === 'signal' || req.type === 'close' || req.type === 'tcpinfo' || req.type === 'traffic' || req.type === 'resolve') {
		// One-shot actions go through the remote job's session, opened here if no scan opened it.
		if (!job || job.kind === 'capture') return { id: req.id, ok: false, error: `${req.type} goes through a remote session; this worker has none` };
		const session = (remote ??= remoteJobSource(job));
		if (req.type === 'signal') return { id: req.id, ok: true, type: 'signal', result: await session.signal(req.pid, req.startTicks, req.signal), sessionPid: session.sessionPid };
		if (req.type === 'close') return { id: req.id, ok: true, type: 'closed', result: await session.close(req.target), sessionPid: session.sessionPid };
		if (req.type === 'traffic') return { id: req.id, ok: true, type: 'traffic', result: await session.traffic(req.target), sessionPid: session.sessionPid };
		if (req.type === 'resolve') return { id: req.id, ok: true, type: 'resolved', result: await session.resolve(req.addrs), sessionPid: session.sessionPid };
		return { id: req.id, ok: true, type: 'tcpinfo', result: await session.tcpInfo(req.target), sessionPid: session.sessionPid };
	}
	let snap;
	if (job?.kind === 'capture') {
		snap = captureFileSnapshot(job.bytes, job.label);
	} else if (job) {
		remote ??= remoteJobSource(job);
		snap = await remote.snapshot();
	} else {
		const { capture, parsed } = readProcTreeParsed(req.options);
		snap = buildSnapshot(capture, parsed);
	}
	const { sockets, ...head } = snap;
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
	lastProcesses = head.processes;
	pending = { scan: req.id, parts, full };
	return { id: req.id, ok: true, type: 'scan', head, counts: { upserts: parts.upserts.length, removed: parts.removed.length }, full, sessionPid: remote?.sessionPid };
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
	const sourceJob = job?.mode === 'scan' ? job.source : undefined;
	parentPort?.on('message', (req: ScanRequest) => {
		// A remote scan awaits its session; a signal may be asked meanwhile (the source queues both).
		void answer(req, sourceJob)
			.catch((e: Error): ScanResponse => ({ id: req.id, ok: false, error: e.message, ...(e instanceof RemoteSourceError ? { reason: e.reason, detail: e.detail } : {}) }))
			.then((res) => parentPort!.postMessage(res));
	});
}
