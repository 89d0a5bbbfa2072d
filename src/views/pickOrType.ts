// A quick pick whose answer is the chosen item's value, or a value typed that no item holds
// (Show Ports for PID: a pid; Kill Process on Port: a port). Shown until accepted or hidden.
import type * as vscode from 'vscode';

/** Shows `qp` and settles with the accepted item's `valueOf`, else `typed(qp.value)`; undefined when hidden. Disposes it. */
export function pickOrType<T extends vscode.QuickPickItem, V>(qp: vscode.QuickPick<T>, valueOf: (item: T) => V, typed: (text: string) => V | undefined): Promise<V | undefined> {
	return new Promise((resolve) => {
		qp.onDidAccept(() => {
			const sel = qp.selectedItems[0] ?? qp.activeItems[0];
			resolve(sel ? valueOf(sel) : typed(qp.value));
			qp.hide();
		});
		qp.onDidHide(() => {
			resolve(undefined);
			qp.dispose();
		});
		qp.show();
	});
}
