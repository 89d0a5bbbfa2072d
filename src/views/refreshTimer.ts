// Refreshes every live host's store on a timer, but only while someone looks (the tree or the
// panel is visible), and never faster than 20x that host's last scan cost (VS Code's own port
// finder uses the same rule) so that a large host does not spend its cores on procnet. Each host
// has its own loop: a slow or unreachable ssh host never delays this machine's refresh, and a
// host's next refresh is scheduled only after its previous one settled, so they cannot stack.
import * as vscode from 'vscode';
import type { SnapshotStore } from './snapshotStore';

const MIN_ADAPTIVE_MS = 2000;

export class RefreshTimer implements vscode.Disposable {
	private readonly timers = new Map<SnapshotStore, NodeJS.Timeout>();
	private visible = false;
	private paused = false;

	/** @param stores the stores to keep fresh now (read again at every step: hosts come and go). */
	constructor(private readonly stores: () => SnapshotStore[], private readonly configuredMs: () => number) {}

	/** Called whenever the visibility of any procnet surface changes. */
	setVisible(visible: boolean): void {
		this.visible = visible;
		this.schedule();
	}

	setPaused(paused: boolean): void {
		this.paused = paused;
		void vscode.commands.executeCommand('setContext', 'procnet.paused', paused);
		this.schedule();
	}

	get isPaused(): boolean {
		return this.paused;
	}

	/** Call when hosts were added or removed. */
	sync(): void {
		this.schedule();
	}

	/** The delay before a store's next refresh (default: the first store, this machine). */
	delay(store: SnapshotStore | undefined = this.stores()[0]): number {
		const configured = this.configuredMs();
		if (configured > 0) return configured;
		return Math.max(MIN_ADAPTIVE_MS, (store?.lastCostMs ?? 0) * 20);
	}

	private running(): boolean {
		return this.visible && !this.paused;
	}

	private schedule(): void {
		const stores = this.stores();
		for (const [store, t] of this.timers) {
			if (this.running() && stores.includes(store)) continue;
			clearTimeout(t);
			this.timers.delete(store);
		}
		if (!this.running()) return;
		for (const store of stores) if (!this.timers.has(store)) this.scheduleOne(store);
	}

	private scheduleOne(store: SnapshotStore): void {
		const t: NodeJS.Timeout = setTimeout(() => {
			// The entry stays while the refresh runs, so schedule() does not start a second loop.
			void store.refresh().finally(() => {
				// Another loop took over meanwhile (stopped and started again): leave it alone.
				if (this.timers.get(store) !== t) return;
				this.timers.delete(store);
				if (this.running() && this.stores().includes(store)) this.scheduleOne(store);
			});
		}, this.delay(store));
		this.timers.set(store, t);
	}

	dispose(): void {
		for (const t of this.timers.values()) clearTimeout(t);
		this.timers.clear();
		this.visible = false;
	}
}
