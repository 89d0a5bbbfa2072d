// Snapshots taken in a worker thread (dist/scanWorker.js, built beside the extension): by
// default of this machine's /proc, so that the scan's synchronous syscalls never block the
// caller. The caller keeps the sockets it holds across refreshes and takes in only what changed, in slices
// (scanWire.ts): at 100k sockets a whole-snapshot message had blocked its event loop for
// 0.5-0.8 s, and replacing 100k objects every refresh made for long major GCs. Given a remote
// job (an ssh or command host), the worker reads that host through a session of its own instead,
// and the same transfer keeps the caller's thread free of its decoding, parse and join (0.5-1 s
// per refresh at 100k sockets when they ran on the caller's thread); given a capture job, it
// parses a capture file's bytes once. (It was LocalSource while it read only this machine.)
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { changedFields, diffProcesses, type SnapshotDiff, type SocketChange } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import type { CloseResult, CloseTarget } from './closeConnection';
import type { TcpInfoResult, TcpInfoTarget } from '../model/ssTcpInfo';
import type { TcpInfoManyResult, TrafficTarget } from '../model/traffic';
import type { SignalResult } from './processControl';
import { readProcTreeParsed } from './procfsReader';
import { captureFileSnapshot, RemoteSourceError, type RemoteFailure } from './remoteCapture';
import type { RemoteSignal } from './remoteScript';
import { COLUMNS_FROM, SLICE, type CaptureJob, type RemoteJob, type ScanJob, type ScanRequest, type ScanResponse, type SliceParts, type SlicePart } from './scanWire';
import { remoteJobSource, sshLabel, type ShellSource } from './shellSource';
import type { SnapshotSource } from './source';
import { columnTableOf, fromColumns } from './socketColumns';
import { SocketIndex } from './socketIndex';
import { StringPool } from './stringPool';
import type { TrafficAllResult } from './trafficMeter';

/**
 * The scan thread's default nice value: a refresh is background work and gives way to the
 * editor on a busy machine (threadPriority.ts). 10 is what `nice` gives by default.
 */
export const SCAN_NICE = 10;

/** Slices asked for ahead: the worker clones the next while this thread takes in the last. */
const AHEAD = 2;

type Request = ScanRequest extends infer R ? (R extends ScanRequest ? Omit<R, 'id'> : never) : never;
type Ok = ScanResponse & { ok: true };

export class WorkerSource implements SnapshotSource {
	readonly label: string;
	lastDiff: SnapshotDiff | undefined;
	/** What the last scan sent over (benchmarks print it: upserts are the objects this thread took in). */
	lastTransfer: { upserts: number; removed: number; full: boolean } | undefined;
	private worker: Worker | undefined;
	/** The nice value `worker` was started with. */
	private workerNice = 0;
	private nextId = 1;
	/** Calls awaiting an answer, with the worker asked (a replaced worker fails only its own). */
	private readonly pending = new Map<number, { w: Worker; resolve: (r: Ok) => void; reject: (e: Error) => void }>();
	/** The sockets of the last snapshot, by id, as the worker's baseline has them. */
	private held = new SocketIndex();
	private processes: ProcessInfo[] | undefined;
	/** One string object per repeated text of the sockets held (stringPool.ts). */
	private readonly strings = new StringPool();
	/** Until a transfer has been applied whole, the worker must send everything. */
	private needFull = true;
	/** A remote job's source on this thread, when there is no worker script. */
	private inline: ShellSource | undefined;
	private workerSessionPid: number | undefined;
	/** Once disposed, nothing starts again: a remote source must not reconnect. */
	private disposed = false;

	/**
	 * @param workerScript path of the built scanWorker.js; without it the scan runs inline.
	 * @param nice the scan thread's nice value (0: the caller's priority).
	 * @param job read this host through a session (in the worker), or a capture file's bytes, instead of this machine's `root`.
	 */
	constructor(private readonly workerScript?: string, private readonly root = '/proc', private nice = SCAN_NICE, private readonly job?: RemoteJob | CaptureJob) {
		this.label = !job ? 'local' : job.kind === 'ssh' ? sshLabel(job.spec, job.sudo) : job.label;
		this.remote = job?.kind === 'capture' ? undefined : job;
	}

	/** The job's remote host, if it has one (a session: signals, suspend). */
	private readonly remote: RemoteJob | undefined;

	/** Pid of a remote job's transport child while its session is open, as of the last answer. */
	get sessionPid(): number | undefined {
		return this.inline ? this.inline.sessionPid : this.workerSessionPid;
	}

	/**
	 * A new nice value for the scan thread, from the next scan on. A thread cannot raise its own
	 * priority back without privileges, so that scan replaces the worker (a full transfer).
	 */
	setNice(nice: number): void {
		this.nice = nice;
	}

	private disposedError(): Error {
		return this.remote ? new RemoteSourceError('disposed', `${this.label}: source disposed`) : new Error('source disposed');
	}

	async snapshot(): Promise<Snapshot> {
		if (this.disposed) throw this.disposedError();
		const w = this.ensureWorker();
		if (!w) {
			this.lastDiff = undefined;
			if (this.remote) return (this.inline ??= remoteJobSource(this.remote)).snapshot();
			if (this.job?.kind === 'capture') return captureFileSnapshot(this.job.bytes, this.job.label);
			await Promise.resolve();
			const { capture, parsed } = readProcTreeParsed({ root: this.root });
			return buildSnapshot(capture, parsed);
		}
		const head = await this.call(w, { type: 'scan', options: { root: this.root }, full: this.needFull });
		if (head.type !== 'scan') throw new Error('scan worker answered out of turn');
		this.workerSessionPid = head.sessionPid;
		this.needFull = true;
		const first = !this.processes;
		const full = head.full;
		this.lastTransfer = { ...head.counts, full };
		const newSockets: SocketInfo[] = [];
		const changedSockets: SocketChange[] = [];
		let closedSockets: SocketInfo[] = [];
		let kept: SocketIndex | undefined;
		if (full) {
			// Handed over, not copied: a copy of 100k entries held this thread for tens of ms.
			kept = this.held;
			this.held = new SocketIndex();
		}
		await this.fetchPart(w, head.id, 'upserts', head.counts.upserts, (items) => {
			for (const s of items as SocketInfo[]) {
				// Column sockets (a full or big transfer's) read their texts from one dictionary per slice
				// already, and cannot be written to.
				if (!columnTableOf(s)) this.strings.share(s);
				// Keyed by its id's parts where it has them (socketIndex.ts): a full transfer's socket
				// then makes no text of its id.
				const before = (kept ?? this.held).get(s);
				if (kept && before) kept.delete(s);
				this.held.set(s);
				if (!before) newSockets.push(s);
				else {
					const fields = changedFields(before, s);
					if (fields.length) changedSockets.push({ before, after: s, fields });
				}
			}
		});
		await this.fetchPart(w, head.id, 'removed', head.counts.removed, (items) => {
			for (const id of items as string[]) {
				const s = this.held.getId(id);
				if (!s) continue;
				closedSockets.push(s);
				this.held.deleteId(id);
			}
		});
		// concat, not push(...): a spread of 100k+ arguments can overflow the stack.
		if (kept) closedSockets = closedSockets.concat(kept.list());
		// Applied whole, so the next scan may send only what changed, unless the column tables the
		// held sockets read from are mostly rows that are gone (big partial transfers, then churn):
		// then a full transfer replaces them with fresh tables, and what they kept alive goes.
		this.needFull = this.held.tableRows > 2 * this.held.size + COLUMNS_FROM;
		const sockets = this.held.list();
		this.lastDiff = first ? undefined : { newSockets, closedSockets, changedSockets, ...diffProcesses(this.processes!, head.head.processes) };
		this.processes = head.head.processes;
		return { ...head.head, sockets };
	}

	/**
	 * A remote job only: SIGTERM / SIGKILL (or '0', a check) to PID through the host's session,
	 * only if it still started at `startTicks` (ShellSource.signal).
	 */
	signal(pid: number, startTicks: number, signal: RemoteSignal): Promise<SignalResult> {
		return this.sessionAction({ type: 'signal', pid, startTicks, signal }, (s) => s.signal(pid, startTicks, signal), (res) => (res.type === 'signal' ? res.result : undefined));
	}

	/** A remote job only: asks the host's ss about a TCP socket through its session (ShellSource.tcpInfo). */
	tcpInfo(target: TcpInfoTarget): Promise<TcpInfoResult> {
		return this.sessionAction({ type: 'tcpinfo', target }, (s) => s.tcpInfo(target), (res) => (res.type === 'tcpinfo' ? res.result : undefined));
	}

	/** A remote job only: asks the host's ss about a process's connections through its session (ShellSource.traffic). */
	traffic(target: TrafficTarget): Promise<TcpInfoManyResult> {
		return this.sessionAction({ type: 'traffic', target }, (s) => s.traffic(target), (res) => (res.type === 'traffic' ? res.result : undefined));
	}

	/** A remote job only: names of addresses from the host's own resolver, through its session (ShellSource.resolve). */
	resolve(addrs: string[]): Promise<Map<string, string | null>> {
		return this.sessionAction({ type: 'resolve', addrs }, (s) => s.resolve(addrs), (res) => (res.type === 'resolved' ? res.result : undefined));
	}

	/**
	 * Every process's TCP traffic over the sockets of the last scan, measured in the worker (ss's
	 * answer for a whole host is too big to parse on this thread); rates against the measurement
	 * before, if recent. Needs the worker.
	 */
	async trafficAll(): Promise<TrafficAllResult> {
		if (this.disposed) throw this.disposedError();
		const w = this.ensureWorker();
		if (!w) return { ok: false, message: 'measuring a whole host needs the scan worker' };
		const res = await this.call(w, { type: 'trafficAll', root: this.root });
		if (res.type !== 'trafficAll') throw new Error('scan worker answered out of turn');
		if (this.remote) this.workerSessionPid = res.sessionPid;
		return res.result;
	}

	/** A remote job only: aborts a TCP connection through the host's session (ShellSource.close). */
	close(target: CloseTarget): Promise<CloseResult> {
		return this.sessionAction({ type: 'close', target }, (s) => s.close(target), (res) => (res.type === 'closed' ? res.result : undefined));
	}

	/** A remote job's one-shot action: through the worker's session, or the inline one without a worker. */
	private async sessionAction<R>(req: Request, inline: (s: ShellSource) => Promise<R>, result: (res: Ok) => R | undefined): Promise<R> {
		if (!this.remote) throw new Error(`${req.type} goes through a remote session; this source reads /proc`);
		if (this.disposed) throw this.disposedError();
		const w = this.ensureWorker();
		if (!w) return inline((this.inline ??= remoteJobSource(this.remote)));
		const res = await this.call(w, req);
		const r = result(res);
		if (r === undefined) throw new Error('scan worker answered out of turn');
		this.workerSessionPid = 'sessionPid' in res ? res.sessionPid : undefined;
		return r;
	}

	/**
	 * A remote job only: ends the session; the sockets held stay, and the next scan opens a new
	 * session. Resolves once its transport child has exited.
	 */
	async suspend(): Promise<void> {
		const inline = this.inline;
		this.inline = undefined;
		if (inline) return inline.disposeAndWait();
		const w = this.worker;
		this.workerSessionPid = undefined;
		if (w && this.remote) await this.call(w, { type: 'suspend' });
	}

	/** Fetches one part slice by slice, handing each slice to `take` as it lands. */
	private async fetchPart(w: Worker, scan: number, part: SlicePart, count: number, take: (items: SliceParts[SlicePart]) => void): Promise<void> {
		const inFlight: Array<Promise<Ok>> = [];
		let offset = 0;
		const ask = () => {
			if (offset >= count) return;
			inFlight.push(this.call(w, { type: 'slice', scan, part, offset }));
			offset += SLICE;
		};
		for (let i = 0; i < AHEAD; i++) ask();
		while (inFlight.length) {
			const res = await inFlight.shift()!;
			if (res.type === 'columns') take(fromColumns(res.columns));
			else if (res.type === 'slice') take(res.items);
			else throw new Error('scan worker answered out of turn');
			// The next slice is asked for from a later turn. The worker answers within milliseconds,
			// and a message that arrives while this thread still handles the last one is handled in
			// the same turn (a MessagePort drains its queue, new arrivals included): asked at once,
			// every slice of a first, 100k-socket transfer ran in one 450-870 ms block.
			await new Promise((r) => setImmediate(r));
			ask();
		}
	}

	private call(w: Worker, req: Request): Promise<Ok> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { w, resolve, reject });
			w.postMessage({ ...req, id } as ScanRequest);
		});
	}

	private ensureWorker(): Worker | undefined {
		if (this.worker && this.workerNice === this.nice) return this.worker;
		if (this.worker) {
			void this.worker.terminate();
			this.worker = undefined;
		}
		if (!this.workerScript || !fs.existsSync(this.workerScript)) return undefined;
		// A capture's bytes are handed over, not copied (cloning 18 MB had held this thread 100-190 ms);
		// bytes that share their buffer with others are copied first, so only they are moved.
		let job = this.job;
		const transferList: ArrayBuffer[] = [];
		if (job?.kind === 'capture') {
			const own = job.bytes.byteOffset === 0 && job.bytes.byteLength === job.bytes.buffer.byteLength && job.bytes.buffer instanceof ArrayBuffer ? job.bytes : new Uint8Array(job.bytes);
			transferList.push(own.buffer as ArrayBuffer);
			job = { ...job, bytes: own };
		}
		const w = new Worker(path.resolve(this.workerScript), { workerData: { mode: 'scan', nice: this.nice, source: job } satisfies ScanJob, transferList });
		// A new worker has no baseline: it sends everything, and what is held here is replaced.
		this.needFull = true;
		this.workerNice = this.nice;
		w.on('message', (res: ScanResponse) => {
			const p = this.pending.get(res.id);
			if (!p) return;
			this.pending.delete(res.id);
			if (res.ok) p.resolve(res);
			// A remote failure stays one (the store shows its reason; 'disposed' is no failure).
			else p.reject(res.reason ? new RemoteSourceError(res.reason as RemoteFailure, res.error, res.detail) : new Error(res.error));
		});
		w.on('error', (e) => this.failAll(e, w));
		w.on('exit', (code) => {
			// A worker replaced by setNice may exit after its successor started.
			if (this.worker === w) this.worker = undefined;
			this.failAll(new Error(`scan worker exited with code ${code}`), w);
		});
		// The worker must not keep a CLI or test process alive on its own.
		w.unref();
		this.worker = w;
		return w;
	}

	/** Fails the calls awaiting `w` (every call when no worker is named). */
	private failAll(e: Error, w?: Worker): void {
		for (const [id, p] of this.pending) {
			if (w && p.w !== w) continue;
			this.pending.delete(id);
			p.reject(e);
		}
	}

	dispose(): void {
		this.disposed = true;
		const w = this.worker;
		this.worker = undefined;
		this.inline?.dispose();
		this.inline = undefined;
		this.failAll(this.disposedError());
		if (w && this.remote) {
			// Its session's child is this process's, not the thread's: end it before the thread.
			const ended = this.call(w, { type: 'suspend' }).catch(() => undefined);
			const late = new Promise((r) => setTimeout(r, 3000).unref());
			void Promise.race([ended, late]).then(() => w.terminate());
		} else void w?.terminate();
	}
}
