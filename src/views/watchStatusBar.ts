// An optional status-bar item (off by default) that watches pinned pids and ports on this
// machine: "$(radio-tower) node :3000 :9229 · :5432 ✓ · :6379 ✗". A click opens the details of
// the first watched process that is alive, or the pid picker.
import * as vscode from 'vscode';
import { describeWatches, parseWatch, type Watch, type WatchState } from '../model/watch';
import type { SnapshotStore } from './snapshotStore';

export class WatchStatusBar implements vscode.Disposable {
	private readonly item = vscode.window.createStatusBarItem('procnet.watch', vscode.StatusBarAlignment.Left, 20);
	private readonly disposables: vscode.Disposable[] = [];
	state: WatchState | undefined;

	constructor(private readonly store: SnapshotStore) {
		this.item.name = 'Procnet: watched ports';
		this.item.command = 'procnet.openWatched';
		this.disposables.push(
			this.item,
			store.onDidChange(() => this.update()),
			vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('procnet.statusBar') && this.update()),
		);
		this.update();
	}

	get enabled(): boolean {
		return vscode.workspace.getConfiguration('procnet').get<boolean>('statusBar.enabled', false);
	}

	watches(): Watch[] {
		return vscode.workspace
			.getConfiguration('procnet')
			.get<string[]>('statusBar.watch', [])
			.map(parseWatch)
			.filter((w): w is Watch => !!w);
	}

	update(): void {
		if (!this.enabled) {
			this.item.hide();
			this.state = undefined;
			return;
		}
		this.state = describeWatches(this.watches(), this.store.snapshot);
		this.item.text = this.state.text;
		this.item.tooltip = this.state.tooltip;
		this.item.show();
	}

	dispose(): void {
		for (const d of this.disposables) d.dispose();
	}
}
