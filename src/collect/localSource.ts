// Snapshots of this machine's /proc, taken in a worker thread (dist/scanWorker.js, built
// beside the extension) so that the scan's synchronous syscalls never block the caller.
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { SnapshotDiff } from '../model/diff';
import { buildSnapshot } from '../model/join';
import type { Snapshot } from '../model/snapshot';
import { readProcTree } from './procfsReader';
import type { ScanRequest, ScanResponse } from './scanWorker';
import type { SnapshotSource } from './source';

export class LocalSource implements SnapshotSource {
	readonly label = 'local';
	lastDiff: SnapshotDiff | undefined;
	private worker: Worker | undefined;
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (s: Snapshot) => void; reject: (e: Error) => void }>();

	/** @param workerScript path of the built scanWorker.js; without it the scan runs inline. */
	constructor(private readonly workerScript?: string, private readonly root = '/proc') {}

	snapshot(): Promise<Snapshot> {
		const w = this.ensureWorker();
		if (!w) {
			this.lastDiff = undefined;
			return Promise.resolve().then(() => buildSnapshot(readProcTree({ root: this.root })));
		}
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			w.postMessage({ id, options: { root: this.root } } satisfies ScanRequest);
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
			if (res.ok) {
				this.lastDiff = res.diff;
				p.resolve(res.snapshot);
			}
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
