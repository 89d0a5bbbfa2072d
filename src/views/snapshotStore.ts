// Holds the latest snapshot of one host and what changed since the one before; the tree,
// the quick pick and (later) the panel all read from here, so one refresh feeds every view.
import * as vscode from 'vscode';
import type { SnapshotSource } from '../collect/source';
import { diffSnapshots, type SnapshotDiff } from '../model/diff';
import type { Snapshot } from '../model/snapshot';
import { nextTurn } from './turns';

export class SnapshotStore implements vscode.Disposable {
	private readonly _onDidChange = new vscode.EventEmitter<void>();
	readonly onDidChange = this._onDidChange.event;

	snapshot: Snapshot | undefined;
	diff: SnapshotDiff | undefined;
	/** The snapshot `diff` was taken against (the one before `snapshot`). */
	diffBase: Snapshot | undefined;
	error: string | undefined;
	/** The typed reason of the last failure (RemoteSourceError.reason: 'auth-failed', 'timeout', ...), if it had one. */
	errorReason: string | undefined;
	/** How long the last refresh took, ms (the refresh timer adapts to it). */
	lastCostMs = 0;
	/** When the scan of `snapshot` started (ms since the epoch, this machine's clock); 0 before one. */
	scannedAt = 0;
	private inFlight: Promise<void> | undefined;
	private readonly settlers = new Set<() => Promise<void>>();

	constructor(readonly source: SnapshotSource) {}

	/**
	 * A view that takes in a snapshot over several turns of the event loop (the tree, at 100k
	 * sockets) registers here, so that refresh() resolves only once it shows the new snapshot:
	 * whoever awaits a refresh can then read any view.
	 */
	addSettler(settled: () => Promise<void>): vscode.Disposable {
		this.settlers.add(settled);
		return new vscode.Disposable(() => this.settlers.delete(settled));
	}

	/**
	 * Resolves once a scan that started after this call has landed and every view shows it. A call while a scan runs does
	 * not get that scan (it may predate what the caller just did, e.g. open a socket): it gets one
	 * follow-up scan, shared by every caller that asks meanwhile, so scans never stack up.
	 */
	refresh(): Promise<void> {
		if (!this.inFlight) {
			this.inFlight = this.doRefresh().finally(() => (this.inFlight = undefined));
			return this.inFlight;
		}
		this.queued ??= this.inFlight.then(() => {
			this.queued = undefined;
			return this.refresh();
		});
		return this.queued;
	}

	private queued: Promise<void> | undefined;

	private async doRefresh(): Promise<void> {
		const t0 = Date.now();
		try {
			const next = await this.source.snapshot();
			// The source's last step (at 100k sockets, the last slice it took in) and what every
			// view does with the new snapshot each get their own turn of the event loop.
			await nextTurn();
			// A source that diffs where its snapshots live (the local worker) saves this thread the work.
			this.diff = this.snapshot ? this.source.lastDiff ?? diffSnapshots(this.snapshot, next) : undefined;
			this.diffBase = this.snapshot;
			this.snapshot = next;
			this.scannedAt = t0;
			this.error = undefined;
			this.errorReason = undefined;
		} catch (e) {
			const reason = (e as { reason?: unknown }).reason;
			// A session ended on purpose (host removed, view hidden a while) is not the host's fault:
			// the last state stays until the next refresh reconnects.
			if (reason !== 'disposed') {
				this.error = (e as Error).message;
				this.errorReason = typeof reason === 'string' ? reason : undefined;
			}
		}
		this.lastCostMs = Date.now() - t0;
		this._onDidChange.fire();
		await Promise.all([...this.settlers].map((f) => f()));
	}

	dispose(): void {
		this._onDidChange.dispose();
		this.source.dispose();
	}
}
