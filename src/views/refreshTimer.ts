// Refreshes the store on a timer, but only while someone looks (the tree or the panel is
// visible), and never faster than 20x the last scan's cost (VS Code's own port finder uses
// the same rule) so that a large host does not spend its cores on procnet.
import * as vscode from 'vscode';
import type { SnapshotStore } from './snapshotStore';

const MIN_ADAPTIVE_MS = 2000;

export class RefreshTimer implements vscode.Disposable {
	private timer: NodeJS.Timeout | undefined;
	private visible = false;
	private paused = false;

	constructor(private readonly store: SnapshotStore, private readonly configuredMs: () => number) {}

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

	/** The delay before the next refresh. */
	delay(): number {
		const configured = this.configuredMs();
		if (configured > 0) return configured;
		return Math.max(MIN_ADAPTIVE_MS, this.store.lastCostMs * 20);
	}

	private schedule(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		if (!this.visible || this.paused) return;
		this.timer = setTimeout(() => {
			void this.store.refresh().finally(() => this.schedule());
		}, this.delay());
	}

	dispose(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
	}
}
