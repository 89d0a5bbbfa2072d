// "Attach Debugger" on a node process's row: VS Code's JavaScript debugger (js-debug) attaches by
// pid, as its own "Attach to Node Process" does (it sends SIGUSR1, node opens its inspector on
// 127.0.0.1:9229, and js-debug connects there). Offered from the tree because that is where a
// developer finds the server that holds a port; the debug tracker then names the session's
// process, and the "Debugged processes" group shows its sockets.
import * as vscode from 'vscode';
import type { ProcessInfo } from '../model/snapshot';

/** Whether `p` runs node itself (its executable is named node or nodejs), the only runtime js-debug attaches to by pid. */
export function isNodeProcess(p: Pick<ProcessInfo, 'cmdline'>): boolean {
	const exe = p.cmdline[0] ?? '';
	return /(^|\/)node(js)?$/.test(exe);
}

/** Starts a js-debug attach to `p` of this machine; resolves to whether the session started. */
export async function attachDebugger(p: ProcessInfo | undefined): Promise<boolean> {
	if (!p) return false;
	if (!isNodeProcess(p)) {
		void vscode.window.showErrorMessage(`Procnet: ${p.name} (pid ${p.pid}) does not run node, so VS Code's JavaScript debugger cannot attach to it.`);
		return false;
	}
	return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
		type: 'node',
		request: 'attach',
		name: `${p.name} (pid ${p.pid})`,
		// Where node's SIGUSR1 inspector listens; js-debug's default, localhost, may resolve to ::1 first.
		address: '127.0.0.1',
		processId: String(p.pid),
	});
}
