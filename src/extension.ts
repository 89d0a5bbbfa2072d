// Composition root: builds the source, the store and the views, and registers them. Every
// piece is a disposable pushed to context.subscriptions; no work happens until a view or a
// command activates the extension.
import * as path from 'path';
import * as vscode from 'vscode';
import { LocalSource } from './collect/localSource';
import { registerActions } from './views/actions';
import { DetailPanel } from './views/detailPanel';
import { ProcessTreeProvider } from './views/processTree';
import { RefreshTimer } from './views/refreshTimer';
import { showPortsForPid } from './views/showPortsForPid';
import { SnapshotStore } from './views/snapshotStore';
import type { TreeNode } from './views/treeNodes';
import { registerViewCommands } from './views/viewCommands';
import { readTreeOptions, syncViewChrome } from './views/viewState';

/** What activate() returns: lets tests (and other extensions) reach the live model. */
export interface ProcnetApi {
	store: SnapshotStore;
	tree: ProcessTreeProvider;
	panel: DetailPanel;
	view: vscode.TreeView<TreeNode>;
}

export function activate(context: vscode.ExtensionContext): ProcnetApi {
	const store = new SnapshotStore(new LocalSource(path.join(context.extensionPath, 'dist', 'scanWorker.js')));
	const tree = new ProcessTreeProvider(store, readTreeOptions(context.workspaceState));
	const view = vscode.window.createTreeView('procnet.processes', { treeDataProvider: tree, showCollapseAll: true });
	const revealPid = (pid: number) => {
		const node = tree.processNode(pid);
		if (node) void view.reveal(node, { select: true, focus: false, expand: true });
	};
	const panel = new DetailPanel(context.extensionUri, store, revealPid);
	const timer = new RefreshTimer(store, () => vscode.workspace.getConfiguration('procnet').get<number>('refreshInterval', 0));
	const updateVisibility = () => timer.setVisible(view.visible || panel.visible);
	panel.onDidChangeVisibility = updateVisibility;
	updateVisibility();
	syncViewChrome(view, tree);
	void vscode.commands.executeCommand('setContext', 'procnet.paused', false);

	context.subscriptions.push(
		store,
		tree,
		view,
		panel,
		timer,
		view.onDidChangeVisibility(updateVisibility),
		tree.onDidChangeStatus(() => syncViewChrome(view, tree)),
		vscode.workspace.onDidChangeConfiguration((e) => {
			if (e.affectsConfiguration('procnet')) tree.setOptions(readTreeOptions(context.workspaceState));
		}),
		vscode.commands.registerCommand('procnet.showDetails', (node?: TreeNode) => {
			const target = node ?? view.selection[0];
			if (target?.type === 'process') panel.show({ kind: 'process', pid: target.process.pid, startTicks: target.process.startTicks });
			else if (target?.type === 'socket') panel.show({ kind: 'socket', id: target.socket.id });
		}),
		vscode.commands.registerCommand('procnet.refresh', () => store.refresh()),
		vscode.commands.registerCommand('procnet.pause', () => timer.setPaused(true)),
		vscode.commands.registerCommand('procnet.resume', () => timer.setPaused(false)),
		vscode.commands.registerCommand('procnet.showPortsForPid', async (arg?: unknown) => {
			const node = await showPortsForPid(store, tree, view, arg);
			if (node) panel.show({ kind: 'process', pid: node.process.pid, startTicks: node.process.startTicks });
			return node?.process.pid;
		}),
		vscode.commands.registerCommand('procnet.revealInTree', (pid?: unknown) => typeof pid === 'number' && revealPid(pid)),
		...registerViewCommands(tree, context.workspaceState),
		...registerActions(store, tree, view),
	);
	void store.refresh();
	return { store, tree, panel, view };
}

export function deactivate(): void {
	/* everything is in context.subscriptions */
}
