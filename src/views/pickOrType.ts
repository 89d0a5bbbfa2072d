// A quick pick whose answer is the chosen item's value, or a value typed that no item holds
// (Show Ports for PID: a pid; Kill Process on Port: a port). Shown until accepted or hidden.
import type * as vscode from 'vscode';

/** Shows `qp` and settles with the accepted item's `valueOf`, else `typed(qp.value)`; undefined when hidden (an Enter with neither leaves it open). Disposes it. */
export function pickOrType<T extends vscode.QuickPickItem, V>(qp: vscode.QuickPick<T>, valueOf: (item: T) => V, typed: (text: string) => V | undefined): Promise<V | undefined> {
	return new Promise((resolve) => {
		qp.onDidAccept(() => {
			const sel = qp.selectedItems[0] ?? qp.activeItems[0];
			const v = sel ? valueOf(sel) : typed(qp.value);
			// Nothing to take (no row active yet, and nothing typed that is a value): the pick stays
			// open. The workbench can report an Enter before it has made the first row active, and
			// answering nothing then had Kill Process on Port return 'cancelled' (CI, twice).
			if (v === undefined) return;
			resolve(v);
			qp.hide();
		});
		qp.onDidHide(() => {
			resolve(undefined);
			qp.dispose();
		});
		qp.show();
	});
}
