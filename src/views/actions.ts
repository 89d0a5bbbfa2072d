// Item actions of the tree and panel: copy, open in browser, kill, close a connection, export.
// Registered once; each takes the tree node it was invoked on (menus pass it) or the current selection.
import * as vscode from 'vscode';
import { closeConnection, closeTarget, type CloseResult } from '../collect/closeConnection';
import { hostPort, localText } from '../model/describe';
import { toCsv } from '../model/csv';
import type { ProcessInfo, SocketInfo } from '../model/snapshot';
import type { ProcessTreeProvider } from './processTree';
import type { HostEntry, HostRegistry } from './hosts';
import { attachDebugger } from '../debug/attach';
import { killProcess, killProcesses } from './kill';
import { hostNodeOf, type TreeNode } from './treeNodes';

export function registerActions(hosts: HostRegistry, tree: ProcessTreeProvider, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
	const pick = (n?: TreeNode) => n ?? view.selection[0];
	const hostOf = (n?: TreeNode) => {
		const t = pick(n);
		return t ? hostNodeOf(t).host : hosts.local;
	};
	const socketOf = (n?: TreeNode) => {
		const t = pick(n);
		return t?.type === 'socket' ? t.socket : undefined;
	};
	const processOf = (n?: TreeNode) => {
		const t = pick(n);
		return t?.type === 'process' ? t.process : t?.type === 'socket' && t.parent.type === 'process' ? t.parent.process : undefined;
	};
	const copy = async (text: string | undefined, what: string) => {
		if (text === undefined) return;
		await vscode.env.clipboard.writeText(text);
		vscode.window.setStatusBarMessage(`Procnet: copied ${what}`, 2000);
	};
	return [
		vscode.commands.registerCommand('procnet.copyAddress', (n?: TreeNode) => copy(socketOf(n) && localText(socketOf(n)!), 'address')),
		vscode.commands.registerCommand('procnet.copyHostPort', (n?: TreeNode) => {
			const s = socketOf(n);
			return copy(s && s.localAddress !== null ? hostPort(s.localAddress, s.localPort) : s?.path ?? undefined, 'host:port');
		}),
		vscode.commands.registerCommand('procnet.copyPid', (n?: TreeNode) => copy(processOf(n) && String(processOf(n)!.pid), 'pid')),
		vscode.commands.registerCommand('procnet.copyCommandLine', (n?: TreeNode) => copy(processOf(n) && processOf(n)!.cmdline.join(' '), 'command line')),
		vscode.commands.registerCommand('procnet.openInBrowser', (n?: TreeNode) => {
			// The menu hides it off this machine; a keybinding could still reach it.
			if (hostOf(n).kind !== 'local') {
				void vscode.window.showInformationMessage('Procnet: Open in Browser is for sockets on this machine; this one is on another host.');
				return undefined;
			}
			return openInBrowser(socketOf(n));
		}),
		// Rows selected together come as the one clicked and all of them (the clicked one alone when
		// it was outside the selection); from a keybinding, the selection.
		vscode.commands.registerCommand('procnet.killProcess', async (n?: TreeNode, selected?: readonly TreeNode[]) => {
			const rows = n ? (selected?.includes(n) ? selected : [n]) : view.selection;
			const byHost = new Map<HostEntry, number[]>();
			for (const r of rows) {
				const p = processOf(r);
				if (!p) continue;
				const h = hostNodeOf(r).host;
				byHost.set(h, [...(byHost.get(h) ?? []), p.pid]);
			}
			const groups = [...byHost];
			if (groups.length === 0) return undefined;
			if (groups.length === 1 && groups[0][1].length === 1) return killProcess(groups[0][0], groups[0][1][0]);
			// One host at a time: each its own confirmation, as each is its own machine.
			const out: string[] = [];
			for (const [h, pids] of groups) out.push(...((await killProcesses(h, pids)) ?? []));
			return out;
		}),
		// The menu offers it on this machine's node processes only (process.node).
		vscode.commands.registerCommand('procnet.attachDebugger', (n?: TreeNode) => (hostOf(n).kind === 'local' ? attachDebugger(processOf(n)) : false)),
		vscode.commands.registerCommand('procnet.closeConnection', (n?: TreeNode) => closeConnectionOf(hostOf(n), socketOf(n))),
		vscode.commands.registerCommand('procnet.export', () => exportSnapshot(hosts.local, tree)),
	];
}

/** The URL a browser should open for a listening TCP socket (wildcards and mapped addresses become loopback). */
export function browserUrl(s: SocketInfo): string {
	let host = s.localAddress ?? 'localhost';
	if (host === '0.0.0.0' || host === '::') host = 'localhost';
	else if (host.startsWith('::ffff:')) host = host.slice(7);
	return `http://${host.includes(':') ? `[${host}]` : host}:${s.localPort}/`;
}

export async function openInBrowser(s: SocketInfo | undefined): Promise<vscode.Uri | undefined> {
	if (!s || s.kind !== 'tcp' || s.localPort === null) return undefined;
	// asExternalUri forwards the port when the extension runs on a remote host.
	const uri = await vscode.env.asExternalUri(vscode.Uri.parse(browserUrl(s)));
	await vscode.env.openExternal(uri);
	return uri;
}

/**
 * Close Connection on a TCP connection (ss -K, see closeConnection.ts): on this machine directly,
 * on an ssh or command host through its session (ShellSource.close). A capture is a record.
 */
export async function closeConnectionOf(host: HostEntry, s: SocketInfo | undefined): Promise<string | undefined> {
	if (!s) return undefined;
	const shell = host.shell();
	if (host.kind === 'capture' || (host.kind !== 'local' && !shell)) {
		void vscode.window.showErrorMessage(`Procnet: ${host.name} is a read-only record; its connections cannot be closed.`);
		return 'read-only';
	}
	const target = closeTarget(s);
	const snap = host.store.snapshot;
	const owners = s.owners.map((o) => snap?.processes.find((p) => p.pid === o.pid)).filter((p): p is ProcessInfo => !!p);
	const ownerText = owners.length ? owners.map((p) => `${p.name} (pid ${p.pid})`).join(', ') : 'no process procnet can see';
	const what = `${localText(s)} → ${s.remoteAddress !== null ? hostPort(s.remoteAddress, s.remotePort) : '?'}`;
	const where = host.kind === 'local' ? '' : ` on ${host.name}`;
	if (target && vscode.workspace.getConfiguration('procnet').get<boolean>('confirmKill', true)) {
		const answer = await vscode.window.showWarningMessage(
			`Close the TCP connection ${what}${where}?`,
			{ modal: true, detail: `Held by ${ownerText}.\nThe kernel aborts it (ss -K${where ? ', run through procnet\'s session' : ''}): the peer gets a reset, and the process's next call on it fails with ECONNABORTED. The process itself keeps running.` },
			'Close Connection',
		);
		if (answer !== 'Close Connection') return 'cancelled';
	}
	let r: CloseResult;
	try {
		r = host.kind === 'local' || !target ? await closeConnection(s) : await shell!.close(target);
	} catch (e) {
		r = { ok: false, reason: 'error', message: (e as Error).message };
	}
	await host.store.refresh();
	if (!r.ok) {
		void vscode.window.showErrorMessage(`Procnet: ${host.kind === 'local' ? '' : `${host.name}: `}${r.message}.`);
		return r.reason;
	}
	vscode.window.setStatusBarMessage(`Procnet: closed ${what}${where}`, 3000);
	return 'closed';
}

async function exportSnapshot(host: HostEntry, tree: ProcessTreeProvider): Promise<void> {
	const snap = host.store.snapshot;
	if (!snap) return;
	const choice = await vscode.window.showQuickPick(
		[
			{ label: 'Current view as JSON', scope: 'view', format: 'json' },
			{ label: 'Current view as CSV', scope: 'view', format: 'csv' },
			{ label: 'Whole snapshot as JSON', scope: 'all', format: 'json' },
			{ label: 'Whole snapshot as CSV', scope: 'all', format: 'csv' },
		] as const,
		{ title: 'Procnet: Export' },
	);
	if (!choice) return;
	const data = choice.scope === 'all' ? snap : tree.visibleSnapshot(host.id);
	const uri = await vscode.window.showSaveDialog({ filters: choice.format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] }, defaultUri: vscode.Uri.file(`procnet-${snap.host.hostname}.${choice.format}`) });
	if (!uri) return;
	const text = choice.format === 'json' ? JSON.stringify(data, null, 1) : toCsv(data);
	await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
	void vscode.window.showInformationMessage(`Procnet: wrote ${data.sockets.length} sockets to ${uri.fsPath}`);
}
