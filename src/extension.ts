// Composition root (interim): registers the view and commands. The tree is filled by the
// core engine once src/model lands; until then it shows one row saying so.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
	const emitter = new vscode.EventEmitter<void>();
	const provider: vscode.TreeDataProvider<string> = {
		onDidChangeTreeData: emitter.event,
		getTreeItem: (e) => new vscode.TreeItem(e),
		getChildren: () => ['procnet engine not wired yet'],
	};
	context.subscriptions.push(
		emitter,
		vscode.window.createTreeView('procnet.processes', { treeDataProvider: provider }),
		vscode.commands.registerCommand('procnet.refresh', () => emitter.fire()),
		vscode.commands.registerCommand('procnet.showPortsForPid', () => undefined),
	);
}

export function deactivate(): void {
	/* nothing to clean up beyond context.subscriptions */
}
