// Item actions of the tree and panel: copy, open in browser, kill, close a connection, export.
// Registered once; each takes the tree node it was invoked on (menus pass it) or the current selection.
import * as vscode from 'vscode';
import { closeConnection, closeTarget, type CloseResult } from '../collect/closeConnection';
import { browserUrl, schemeOf } from '../model/browserUrl';
import { hostPort, localText } from '../model/describe';
import type { PortNames } from '../model/portNames';
import { isClosable } from '../model/select';
import { csvLines } from '../model/csv';
import { peerNameOf, peersOf } from '../model/peers';
import { pieceText, snapshotJsonPieces } from '../model/snapshotJson';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import type { ProcessTreeProvider } from './processTree';
import type { HostEntry, HostRegistry } from './hosts';
import { attachDebugger } from '../debug/attach';
import { killProcess, killProcesses } from './kill';
import { hostNodeOf, type TreeNode } from './treeNodes';
import { FORWARD_BIND } from '../collect/sshForward';
import { forwardRow } from './forwardCommands';
import { notForwardable, type PortForwards } from './portForwards';

export function registerActions(hosts: HostRegistry, tree: ProcessTreeProvider, view: vscode.TreeView<TreeNode>, forwards: PortForwards): vscode.Disposable[] {
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
	/**
	 * The rows a command acts on: rows selected together come as the one clicked and all of them
	 * (the clicked one alone when it was outside the selection); from a keybinding, the selection.
	 */
	const rowsOf = (n: TreeNode | undefined, selected: readonly TreeNode[] | undefined): readonly TreeNode[] => (n ? (selected?.includes(n) ? selected : [n]) : view.selection);
	/** What `of` gives for each row (rows it gives nothing for left out), by the host of the row, in order. */
	const groupByHost = <T>(rows: readonly TreeNode[], of: (r: TreeNode) => T | undefined): Map<HostEntry, T[]> => {
		const byHost = new Map<HostEntry, T[]>();
		for (const r of rows) {
			const v = of(r);
			if (v === undefined) continue;
			const h = hostNodeOf(r).host;
			const l = byHost.get(h);
			if (l) l.push(v);
			else byHost.set(h, [v]);
		}
		return byHost;
	};
	/** The texts `of` gives for the rows, each once, joined by `sep`; undefined when none gives one. */
	const joined = (rows: readonly TreeNode[], of: (r: TreeNode) => string | undefined, sep: string): string | undefined => {
		const texts = [...new Set(rows.map(of).filter((t): t is string => t !== undefined))];
		return texts.length ? texts.join(sep) : undefined;
	};
	const copy = async (text: string | undefined, what: string) => {
		if (text === undefined) return;
		await vscode.env.clipboard.writeText(text);
		vscode.window.setStatusBarMessage(`Procnet: copied ${what}`, 2000);
	};
	return [
		// Rows selected together are copied together: addresses one per line, pids on one line
		// separated by spaces (`kill $(…)`); each only once, in the order of the rows.
		vscode.commands.registerCommand('procnet.copyAddress', (n?: TreeNode, selected?: readonly TreeNode[]) =>
			copy(joined(rowsOf(n, selected), (r) => (r.type === 'socket' ? localText(r.socket) : undefined), '\n'), 'address'),
		),
		vscode.commands.registerCommand('procnet.copyHostPort', (n?: TreeNode, selected?: readonly TreeNode[]) =>
			copy(joined(rowsOf(n, selected), (r) => (r.type !== 'socket' ? undefined : r.socket.localAddress !== null ? hostPort(r.socket.localAddress, r.socket.localPort) : r.socket.path ?? undefined), '\n'), 'host:port'),
		),
		vscode.commands.registerCommand('procnet.copyPid', (n?: TreeNode, selected?: readonly TreeNode[]) => copy(joined(rowsOf(n, selected), (r) => processOf(r) && String(processOf(r)!.pid), ' '), 'pid')),
		vscode.commands.registerCommand('procnet.copyCommandLine', (n?: TreeNode) => copy(processOf(n) && processOf(n)!.cmdline.join(' '), 'command line')),
		...(['external', 'simple'] as const).map((where) =>
			vscode.commands.registerCommand(where === 'external' ? 'procnet.openInBrowser' : 'procnet.openInSimpleBrowser', async (n?: TreeNode) => {
				const host = hostOf(n);
				const s = socketOf(n);
				if (host.kind === 'local') return openInBrowser(s, tree.options.portNames, where);
				// An ssh host's listener: through its forward to this machine (started now if it has none).
				// The menu offers it only there; a keybinding could reach any row.
				const why = s && notForwardable(host, s);
				if (!s || why) {
					void vscode.window.showInformationMessage(`Procnet: Open in Browser is for listening TCP sockets of this machine or of an ssh host${why ? `: ${why}` : ''}.`);
					return undefined;
				}
				const f = await forwardRow(forwards, host, s);
				return f && openInBrowser(s, tree.options.portNames, where, f.localPort);
			}),
		),
		// Every selected row's process, one confirmation per host.
		vscode.commands.registerCommand('procnet.killProcess', async (n?: TreeNode, selected?: readonly TreeNode[]) => {
			const groups = [...groupByHost(rowsOf(n, selected), (r) => processOf(r)?.pid)];
			if (groups.length === 0) return undefined;
			if (groups.length === 1 && groups[0][1].length === 1) return killProcess(groups[0][0], groups[0][1][0]);
			// One host at a time: each its own confirmation, as each is its own machine.
			const out: string[] = [];
			for (const [h, pids] of groups) out.push(...((await killProcesses(h, pids)) ?? []));
			return out;
		}),
		// The menu offers it on this machine's node processes only (process.node).
		vscode.commands.registerCommand('procnet.attachDebugger', (n?: TreeNode) => (hostOf(n).kind === 'local' ? attachDebugger(processOf(n)) : false)),
		// Selected together: every selected connection, one confirmation per host.
		vscode.commands.registerCommand('procnet.closeConnection', async (n?: TreeNode, selected?: readonly TreeNode[]) => {
			const rows = rowsOf(n, selected).filter((r) => r.type === 'socket' && isClosable(r.socket));
			if (rows.length <= 1) return closeConnectionOf(hostOf(n), socketOf(n));
			const byHost = groupByHost(rows, (r) => (r.type === 'socket' ? r.socket : undefined));
			const out: string[] = [];
			for (const [h, sockets] of byHost) out.push(...((await closeConnectionsOf(h, sockets)) ?? []));
			return out;
		}),
		vscode.commands.registerCommand('procnet.export', () => exportSnapshot(hosts.local, tree)),
	];
}

/**
 * Opens a listening TCP socket of this machine in the system browser, or in VS Code's Simple
 * Browser (an editor tab, as the Ports view's Preview in Editor), as http or https (schemeOf).
 * asExternalUri forwards the port when the extension runs on a remote host. `forwardedTo`: an
 * ssh host's listener, opened at the local end of its forward (portForwards.ts).
 */
export async function openInBrowser(s: SocketInfo | undefined, names?: PortNames, where: 'external' | 'simple' = 'external', forwardedTo?: number): Promise<{ url: string; uri: vscode.Uri } | undefined> {
	if (!s || s.kind !== 'tcp' || s.localPort === null) return undefined;
	// http or https by the remote port (443 stays https when forwarded to 1443); the address is the forward's.
	const scheme = schemeOf(s.localPort, names?.ofSocket(s, []));
	const url = browserUrl(forwardedTo === undefined ? s : { ...s, localAddress: FORWARD_BIND, localPort: forwardedTo }, scheme);
	// The address as this host names it, and as the browser reaches it (code-server, for one, maps a port to its proxy).
	const uri = await vscode.env.asExternalUri(vscode.Uri.parse(url));
	if (where === 'simple') await vscode.commands.executeCommand('simpleBrowser.show', uri.toString(true));
	else await vscode.env.openExternal(uri);
	return { url, uri };
}

/**
 * Close Connection on a TCP connection (ss -K, see closeConnection.ts): on this machine directly,
 * on an ssh or command host through its session (ShellSource.close). A capture is a record.
 */
export async function closeConnectionOf(host: HostEntry, s: SocketInfo | undefined): Promise<string | undefined> {
	if (!s) return undefined;
	return (await closeConnectionsOf(host, [s]))?.[0];
}

/** `127.0.0.1:41000 → 127.0.0.1:3000`. */
const connectionText = (s: SocketInfo) => `${localText(s)} → ${s.remoteAddress !== null ? hostPort(s.remoteAddress, s.remotePort) : '?'}`;

/**
 * Close Connection on every connection given, of one host (rows selected together): one
 * confirmation naming each (the first 20; then how many more), each closed in turn as a single one
 * is, then one refresh. The outcome per socket, in order: 'closed', 'cancelled', or the reason it
 * could not be (CloseResult's); undefined when given none.
 */
export async function closeConnectionsOf(host: HostEntry, list: readonly SocketInfo[]): Promise<string[] | undefined> {
	if (!list.length) return undefined;
	const shell = host.shell();
	if (host.kind === 'capture' || (host.kind !== 'local' && !shell)) {
		void vscode.window.showErrorMessage(`Procnet: ${host.name} is a read-only record; its connections cannot be closed.`);
		return list.map(() => 'read-only');
	}
	const snap = host.store.snapshot;
	const ownerText = (s: SocketInfo) => {
		const owners = s.owners.map((o) => snap?.processes.find((p) => p.pid === o.pid)).filter((p): p is ProcessInfo => !!p);
		return owners.length ? owners.map((p) => `${p.name} (pid ${p.pid})`).join(', ') : 'no process procnet can see';
	};
	const where = host.kind === 'local' ? '' : ` on ${host.name}`;
	const how = `The kernel aborts ${list.length === 1 ? 'it' : 'each'} (ss -K${where ? ', run through procnet\'s session' : ''}): the peer gets a reset, and the process's next call on it fails with ECONNABORTED. The process itself keeps running.`;
	if (list.some((s) => closeTarget(s)) && vscode.workspace.getConfiguration('procnet').get<boolean>('confirmKill', true)) {
		const SHOWN = 20;
		const [title, detail] =
			list.length === 1
				? [`Close the TCP connection ${connectionText(list[0])}${where}?`, `Held by ${ownerText(list[0])}.\n${how}`]
				: [
						`Close ${list.length} TCP connections${where}?`,
						`${list.slice(0, SHOWN).map((s) => `${connectionText(s)}, held by ${ownerText(s)}`).join('\n')}${list.length > SHOWN ? `\n…and ${list.length - SHOWN} more` : ''}\n\n${how}`,
					];
		const answer = await vscode.window.showWarningMessage(title, { modal: true, detail }, list.length === 1 ? 'Close Connection' : 'Close Connections');
		if (answer === undefined) return list.map(() => 'cancelled');
	}
	const out: string[] = [];
	const failed: string[] = [];
	for (const s of list) {
		const target = closeTarget(s);
		let r: CloseResult;
		try {
			r = host.kind === 'local' || !target ? await closeConnection(s) : await shell!.close(target);
		} catch (e) {
			r = { ok: false, reason: 'error', message: (e as Error).message };
		}
		out.push(r.ok ? 'closed' : r.reason);
		if (!r.ok) failed.push(list.length === 1 ? r.message : `${connectionText(s)}: ${r.message}`);
	}
	await host.store.refresh();
	const closed = out.filter((x) => x === 'closed').length;
	if (failed.length) {
		const head = host.kind === 'local' ? '' : `${host.name}: `;
		void vscode.window.showErrorMessage(`Procnet: ${head}${list.length === 1 ? '' : `${failed.length} of ${list.length} connections could not be closed. `}${failed.slice(0, 3).join('; ')}${failed.length > 3 ? '; …' : ''}.`);
	}
	if (closed) vscode.window.setStatusBarMessage(`Procnet: closed ${list.length === 1 ? connectionText(list[0]) : `${closed} connections`}${where}`, 3000);
	return out;
}

/**
 * With peer names on, the host's resolver is asked for every peer of the sockets exported (as
 * `snapshot --resolve` does), in batches (PeerNameCache.resolveAll) under a notification that can cancel it: a
 * cancelled export leaves the rest unnamed (no remoteName), not "no name". Undefined with names off.
 */
async function namesForExport(host: HostEntry, tree: ProcessTreeProvider, sockets: readonly SocketInfo[]): Promise<((s: SocketInfo) => string | null | undefined) | undefined> {
	const names = tree.options.resolvePeerNames ? host.peerNames() : undefined;
	if (!names) return undefined;
	const peers = names.unknown(peersOf(sockets));
	if (peers.length) {
		await vscode.window.withProgress(
			{ location: vscode.ProgressLocation.Notification, title: `Procnet: naming ${peers.length} ${peers.length === 1 ? 'peer' : 'peers'} for the export`, cancellable: true },
			async (progress, token) => {
				let before = 0;
				await names.resolveAll(peers, {
					cancelled: () => token.isCancellationRequested,
					done: (n, of) => {
						progress.report({ increment: ((n - before) / of) * 100 });
						before = n;
					},
				});
			},
		);
	}
	return (s) => peerNameOf(s, (p) => names.get(p));
}

/**
 * Export's bytes, made a piece at a time with a turn of the event loop every 10 ms: in one
 * JSON.stringify (or one CSV string), 100k sockets held the extension host for ~0.5 s. JSON gets
 * a line per top-level key and per element of an array (a socket, a process), so that an editor
 * can open a big one.
 */
async function exportBytes(data: Snapshot, format: 'json' | 'csv', nameOf: ((s: SocketInfo) => string | null | undefined) | undefined): Promise<Buffer> {
	const texts = format === 'json' ? map(snapshotJsonPieces(data, { nameOf, lines: true }), pieceText) : csvLines(data, nameOf);
	const parts: Buffer[] = [];
	let pending = '';
	let since = Date.now();
	for (const t of texts) {
		// Texts are gathered into ~64 KB before they are encoded: a Buffer per CSV row would be 100k of them.
		pending += t;
		if (pending.length < 1 << 16) continue;
		parts.push(Buffer.from(pending, 'utf8'));
		pending = '';
		if (Date.now() - since > 10) {
			await new Promise((r) => setImmediate(r));
			since = Date.now();
		}
	}
	parts.push(Buffer.from(pending, 'utf8'));
	return Buffer.concat(parts);
}

function* map<T, U>(items: Iterable<T>, f: (t: T) => U): Generator<U> {
	for (const t of items) yield f(t);
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
	const nameOf = await namesForExport(host, tree, data.sockets);
	const bytes = await exportBytes(data, choice.format, nameOf);
	await vscode.workspace.fs.writeFile(uri, bytes);
	void vscode.window.showInformationMessage(`Procnet: wrote ${data.sockets.length} sockets to ${uri.fsPath}`);
}
