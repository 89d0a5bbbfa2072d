// Forward Port to This Machine and Stop Forwarding: the tree's commands over PortForwards.
import * as vscode from 'vscode';
import { FORWARD_BIND } from '../collect/sshForward';
import { hostPort, localText } from '../model/describe';
import type { SocketInfo } from '../model/snapshot';
import type { HostEntry } from './hosts';
import type { PortForwards } from './portForwards';
import { hostNodeOf, type TreeNode } from './treeNodes';

/** What Forward Port answers (for keybindings and the tests): where the port is reachable here. */
export interface ForwardAnswer {
	localPort: number;
	pid: number;
}

/** The socket row a command was invoked on (or the selection's first), with its host. */
function socketRow(n: TreeNode | undefined, view: vscode.TreeView<TreeNode>): { host: HostEntry; socket: SocketInfo } | undefined {
	const t = n ?? view.selection[0];
	return t?.type === 'socket' ? { host: hostNodeOf(t).host, socket: t.socket } : undefined;
}

/** Starts (or finds) the forward of a row's listener; a failure is shown and answered undefined. */
export async function forwardRow(forwards: PortForwards, host: HostEntry, s: SocketInfo): Promise<{ localPort: number; pid: number } | undefined> {
	try {
		return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Forwarding ${host.name}'s port ${s.localPort}` }, () => forwards.forward(host, s));
	} catch (e) {
		void vscode.window.showErrorMessage(`Procnet: could not forward ${host.name}'s ${localText(s)}: ${(e as Error).message}`);
		return undefined;
	}
}

export function registerForwardCommands(forwards: PortForwards, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
	const syncContext = () => void vscode.commands.executeCommand('setContext', 'procnet.forwarding', forwards.list().length > 0);
	syncContext();
	return [
		forwards.onDidChange(syncContext),
		vscode.commands.registerCommand('procnet.forwardPort', async (n?: TreeNode): Promise<ForwardAnswer | undefined> => {
			const row = socketRow(n, view);
			if (!row) return undefined;
			const f = await forwardRow(forwards, row.host, row.socket);
			if (!f) return undefined;
			const local = `${FORWARD_BIND}:${f.localPort}`;
			// Not awaited: the command answers at once (a keybinding, a test), the offer stays.
			void vscode.window
				.showInformationMessage(`Procnet: ${row.host.name}'s port ${row.socket.localPort} is forwarded to ${local}.`, 'Open in Browser', 'Copy Address')
				.then((choice) => {
					if (choice === 'Open in Browser') void vscode.commands.executeCommand('procnet.openInBrowser', n ?? view.selection[0]);
					if (choice === 'Copy Address') void vscode.env.clipboard.writeText(local);
				});
			return { localPort: f.localPort, pid: f.pid };
		}),
		// On a forwarded row: that forward. From the palette: a pick of them all (several may be picked).
		vscode.commands.registerCommand('procnet.stopForwarding', async (n?: TreeNode): Promise<number> => {
			const row = n?.type === 'socket' ? socketRow(n, view) : undefined;
			const key = row && forwards.keyOf(row.host, row.socket);
			if (key) return forwards.stop([key]);
			const list = forwards.list();
			if (!list.length) {
				void vscode.window.showInformationMessage('Procnet: no port is forwarded.');
				return 0;
			}
			const picked = await vscode.window.showQuickPick(
				list.map((f) => ({
					label: `${f.hostName} ${hostPort(f.destHost, f.destPort)}`,
					description: `→ ${FORWARD_BIND}:${f.localPort}`,
					detail: `ssh -N -L (pid ${f.pid})`,
					key: f.key,
				})),
				{ title: 'Stop Forwarding', placeHolder: 'The forwards to end', canPickMany: true },
			);
			return picked?.length ? forwards.stop(picked.map((p) => p.key)) : 0;
		}),
	];
}
