// Snapshots of this machine's /proc, taken in a worker thread (dist/scanWorker.js, built
// beside the extension) so that the scan's synchronous syscalls never block the caller. The
// caller keeps the sockets it holds across refreshes and takes in only what changed, in slices
// (scanWire.ts): at 100k sockets a whole-snapshot message had blocked its event loop for
// 0.5-0.8 s, and replacing 100k objects every refresh made for long major GCs.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { changedFields, diffProcesses, type SnapshotDiff, type SocketChange } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import { readProcTreeParsed } from './procfsReader';
import { SLICE, type ScanRequest, type ScanResponse, type SliceParts, type SlicePart } from './scanWire';
import type { SnapshotSource } from './source';

/** Slices asked for ahead: the worker clones the next while this thread takes in the last. */
const AHEAD = 2;

type Request = ScanRequest extends infer R ? (R extends ScanRequest ? Omit<R, 'id'> : never) : never;
type Ok = ScanResponse & { ok: true };

export class LocalSource implements SnapshotSource {
	readonly label = 'local';
	lastDiff: SnapshotDiff | undefined;
	/** What the last scan sent over (benchmarks print it: upserts are the objects this thread took in). */
	lastTransfer: { upserts: number; removed: number; full: boolean } | undefined;
	private worker: Worker | undefined;
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (r: Ok) => void; reject: (e: Error) => void }>();
	/** The sockets of the last snapshot, by id, as the worker's baseline has them. */
	private readonly held = new Map<string, SocketInfo>();
	private processes: ProcessInfo[] | undefined;
	/** Until a transfer has been applied whole, the worker must send everything. */
	private needFull = true;

	/** @param workerScript path of the built scanWorker.js; without it the scan runs inline. */
	constructor(private readonly workerScript?: string, private readonly root = '/proc') {}

	async snapshot(): Promise<Snapshot> {
		const w = this.ensureWorker();
		if (!w) {
			this.lastDiff = undefined;
			await Promise.resolve();
			const { capture, parsed } = readProcTreeParsed({ root: this.root });
			return buildSnapshot(capture, parsed);
		}
		const head = await this.call(w, { type: 'scan', options: { root: this.root }, full: this.needFull });
		if (head.type !== 'scan') throw new Error('scan worker answered out of turn');
		this.needFull = true;
		const first = !this.processes;
		const full = head.full;
		this.lastTransfer = { ...head.counts, full };
		const newSockets: SocketInfo[] = [];
		const changedSockets: SocketChange[] = [];
		const closedSockets: SocketInfo[] = [];
		let kept: Map<string, SocketInfo> | undefined;
		if (full) {
			kept = new Map(this.held);
			this.held.clear();
		}
		await this.fetchPart(w, head.id, 'upserts', head.counts.upserts, (items) => {
			for (const s of items as SocketInfo[]) {
				const before = full ? kept!.get(s.id) : this.held.get(s.id);
				if (full) kept!.delete(s.id);
				this.held.set(s.id, s);
				if (!before) newSockets.push(s);
				else {
					const fields = changedFields(before, s);
					if (fields.length) changedSockets.push({ before, after: s, fields });
				}
			}
		});
		await this.fetchPart(w, head.id, 'removed', head.counts.removed, (items) => {
			for (const id of items as string[]) {
				const s = this.held.get(id);
				if (!s) continue;
				closedSockets.push(s);
				this.held.delete(id);
			}
		});
		if (kept) closedSockets.push(...kept.values());
		this.needFull = false;
		const sockets = [...this.held.values()];
		this.lastDiff = first ? undefined : { newSockets, closedSockets, changedSockets, ...diffProcesses(this.processes!, head.head.processes) };
		this.processes = head.head.processes;
		return { ...head.head, sockets };
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
			ask();
			if (res.type !== 'slice') throw new Error('scan worker answered out of turn');
			take(res.items);
		}
	}

	private call(w: Worker, req: Request): Promise<Ok> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			w.postMessage({ ...req, id } as ScanRequest);
		});
	}

	private ensureWorker(): Worker | undefined {
		if (this.worker) return this.worker;
		if (!this.workerScript || !fs.existsSync(this.workerScript)) return undefined;
		const w = new Worker(path.resolve(this.workerScript));
		// A new worker has no baseline: it sends everything, and what is held here is replaced.
		this.needFull = true;
		w.on('message', (res: ScanResponse) => {
			const p = this.pending.get(res.id);
			if (!p) return;
			this.pending.delete(res.id);
			if (res.ok) p.resolve(res);
			else p.reject(new Error(res.error));
		});
		w.on('error', (e) => this.failAll(e));
		w.on('exit', (code) => {
			this.worker = undefined;
			this.failAll(new Error(`scan worker exited with code ${code}`));
		});
		// The worker must not keep a CLI or test process alive on its own.
		w.unref();
		this.worker = w;
		return w;
	}

	private failAll(e: Error): void {
		for (const p of this.pending.values()) p.reject(e);
		this.pending.clear();
	}

	dispose(): void {
		const w = this.worker;
		this.worker = undefined;
		void w?.terminate();
		this.failAll(new Error('source disposed'));
	}
}
