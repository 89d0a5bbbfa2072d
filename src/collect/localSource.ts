// Snapshots of this machine's /proc, taken in a worker thread (dist/scanWorker.js, built
// beside the extension) so that the scan's synchronous syscalls never block the caller. The
// result is fetched in slices (scanWire.ts) so that no single message holds the caller's
// event loop: at 100k sockets one whole-snapshot message blocked it for 0.5-0.8 s.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { SnapshotDiff } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { Snapshot, SocketInfo } from '../model/snapshot';
import { readProcTree } from './procfsReader';
import { fromWireDiff, SLICE, type ScanRequest, type ScanResponse, type SlicePart } from './scanWire';
import type { SnapshotSource } from './source';

/** Slices asked for ahead: the worker clones the next while this thread takes in the last. */
const AHEAD = 2;

type Request = ScanRequest extends infer R ? (R extends ScanRequest ? Omit<R, 'id'> : never) : never;

export class LocalSource implements SnapshotSource {
	readonly label = 'local';
	lastDiff: SnapshotDiff | undefined;
	private worker: Worker | undefined;
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (r: ScanResponse & { ok: true }) => void; reject: (e: Error) => void }>();

	/** @param workerScript path of the built scanWorker.js; without it the scan runs inline. */
	constructor(private readonly workerScript?: string, private readonly root = '/proc') {}

	async snapshot(): Promise<Snapshot> {
		const w = this.ensureWorker();
		if (!w) {
			this.lastDiff = undefined;
			await Promise.resolve();
			return buildSnapshot(readProcTree({ root: this.root }));
		}
		const head = await this.call(w, { type: 'scan', options: { root: this.root } });
		if (head.type !== 'scan') throw new Error('scan worker answered out of turn');
		const fetch = (part: SlicePart) => this.fetchPart(w, head.id, part, head.counts[part]);
		const sockets = await fetch('sockets');
		const closed = await fetch('closed');
		const changedBefore = await fetch('changedBefore');
		this.lastDiff = head.diff ? fromWireDiff(head.diff, sockets, closed, changedBefore) : undefined;
		return { ...head.head, sockets };
	}

	private async fetchPart(w: Worker, scan: number, part: SlicePart, count: number): Promise<SocketInfo[]> {
		const out: SocketInfo[] = [];
		const inFlight: Array<Promise<ScanResponse & { ok: true }>> = [];
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
			for (const s of res.items) out.push(s);
		}
		return out;
	}

	private call(w: Worker, req: Request): Promise<ScanResponse & { ok: true }> {
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
