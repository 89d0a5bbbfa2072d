// "Procnet: Show Ports for PID": pick a process (search by pid, name, command line or port)
// or type a pid, then reveal it in the tree. Also callable with a pid argument from
// keybindings, tasks and other extensions.
import * as vscode from 'vscode';
import { commandLine, containerText, visible } from '../model/describe';
import type { ProcessTreeProvider } from './processTree';
import type { SnapshotStore } from './snapshotStore';
import type { ProcessNode, TreeNode } from './treeNodes';
import { pickOrType } from './pickOrType';

interface PidPick extends vscode.QuickPickItem {
	pid: number;
}

/** Accepts 1234, "1234"; anything else is not a pid (never passed on to a shell or a path). */
export function parsePid(arg: unknown): number | undefined {
	if (typeof arg === 'number' && Number.isInteger(arg) && arg > 0) return arg;
	if (typeof arg === 'string' && /^\s*[1-9]\d{0,9}\s*$/.test(arg)) return Number(arg);
	return undefined;
}

export async function showPortsForPid(store: SnapshotStore, tree: ProcessTreeProvider, view: vscode.TreeView<TreeNode>, arg?: unknown): Promise<ProcessNode | undefined> {
	let pid: number | undefined;
	if (arg !== undefined) {
		pid = parsePid(arg);
		if (pid === undefined) {
			void vscode.window.showErrorMessage(`Procnet: ${JSON.stringify(arg)} is not a process id.`);
			return undefined;
		}
		await store.refresh();
		await tree.whenIndexed();
	} else {
		if (!store.snapshot) await store.refresh();
		await tree.whenIndexed();
		pid = await pickPid(store, tree);
		if (pid === undefined) return undefined;
	}
	const node = tree.processNode(pid);
	if (!node) {
		const p = store.snapshot?.processes.find((x) => x.pid === pid);
		void vscode.window.showWarningMessage(
			p ? `Procnet: ${p.name} (pid ${pid}) holds no sockets${p.fdAccess === 'denied' ? ' that this user may see (its fds are not readable)' : ''}.` : `Procnet: no process with pid ${pid} on ${store.snapshot?.host.hostname ?? 'this host'}.`,
		);
		return undefined;
	}
	await view.reveal(node, { select: true, focus: true, expand: true });
	return node;
}

/** The pick's rows: every process the tree shows, by name and pid, with its place, ports and command line. */
export function pickItems(store: SnapshotStore, tree: ProcessTreeProvider): PidPick[] {
	const items: PidPick[] = [];
	for (const p of store.snapshot?.processes ?? []) {
		const node = tree.processNode(p.pid);
		if (!node) continue;
		const ports = node.sockets.filter((s) => s.localPort !== null).map((s) => String(s.localPort));
		items.push({
			pid: p.pid,
			label: `${p.name} (${p.pid})`,
			// Its container or unit first, as the tree row puts it: typing "nginx.service" or an id finds it.
			description: [p.container ? containerText(p.container) : visible(p.unit ?? ''), node.summary].filter(Boolean).join(' · '),
			// Ports are in the detail too so typing "3000" finds the process that uses it.
			detail: `${commandLine(p)}${ports.length ? `  ports ${[...new Set(ports)].slice(0, 20).join(' ')}` : ''}`,
		});
	}
	return items;
}

function pickPid(store: SnapshotStore, tree: ProcessTreeProvider): Promise<number | undefined> {
	let items = pickItems(store, tree);
	const qp = vscode.window.createQuickPick<PidPick>();
	qp.title = 'Procnet: Show Ports for PID';
	qp.placeholder = 'Type a pid, a process name, a command line or a port';
	qp.matchOnDescription = true;
	qp.matchOnDetail = true;
	qp.items = items;
	// Open at once with what we know, and bring in a fresh scan: the process being debugged may
	// have started a moment ago.
	qp.busy = true;
	void store.refresh().then(() => tree.whenIndexed()).finally(() => {
		items = pickItems(store, tree);
		qp.busy = false;
		updateItems(qp.value);
	});
	// A typed pid that is not in the list (a process without sockets, or one started since) is still accepted.
	const updateItems = (v: string) => {
		const pid = parsePid(v);
		const exact = pid === undefined ? undefined : items.find((i) => i.pid === pid);
		const typed: PidPick[] = pid !== undefined && !exact ? [{ pid, label: `Show pid ${pid}`, alwaysShow: true }] : [];
		qp.items = [...typed, ...items];
		// A typed pid means that process, and Enter should take it. VS Code ranks the matches by its
		// own order (label matches, then by name), so for "416" it put "chrome_crashpad (32416)"
		// first, and a process whose name holds those digits comes before too: the process with
		// exactly that pid is made the active row instead (the sort itself is not in the stable API).
		if (pid !== undefined) qp.activeItems = exact ? [exact] : typed;
	};
	qp.onDidChangeValue(updateItems);
	return pickOrType(qp, (item) => item.pid, parsePid);
}
