// Composition root: builds the source, the store and the views, and registers them. Every
// piece is a disposable pushed to context.subscriptions; no work happens until a view or a
// command activates the extension.
import * as path from 'path';
import * as vscode from 'vscode';
import { LocalSource } from './collect/localSource';
import { ProcessTreeProvider } from './views/processTree';
import { showPortsForPid } from './views/showPortsForPid';
import { SnapshotStore } from './views/snapshotStore';

/** What activate() returns: lets tests (and other extensions) reach the live model. */
export interface ProcnetApi {
	store: SnapshotStore;
	tree: ProcessTreeProvider;
}

export function activate(context: vscode.ExtensionContext): ProcnetApi {
	const store = new SnapshotStore(new LocalSource(path.join(context.extensionPath, 'dist', 'scanWorker.js')));
	const tree = new ProcessTreeProvider(store);
	const view = vscode.window.createTreeView('procnet.processes', { treeDataProvider: tree, showCollapseAll: true });
	context.subscriptions.push(
		store,
		tree,
		view,
		vscode.commands.registerCommand('procnet.refresh', () => store.refresh()),
		vscode.commands.registerCommand('procnet.showPortsForPid', (arg?: unknown) => showPortsForPid(store, tree, view, arg)),
	);
	void store.refresh();
	return { store, tree };
}

export function deactivate(): void {
	/* everything is in context.subscriptions */
}
