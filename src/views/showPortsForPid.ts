// "Procnet: Show Ports for PID": pick a process (search by pid, name, command line or port) of
// any host in the tree, or type a pid of this machine, then reveal it in the tree. Also callable
// with a pid argument (this machine's) from keybindings, tasks and other extensions.
import * as vscode from 'vscode';
import { commandLine, containerText, visible } from '../model/describe';
import type { HostEntry, HostRegistry } from './hosts';
import type { ProcessTreeProvider } from './processTree';
import type { ProcessNode, TreeNode } from './treeNodes';
import { pickOrType } from './pickOrType';

interface PidPick extends vscode.QuickPickItem {
	pid: number;
	/** The host's id; undefined for this machine. */
	hostId?: string;
}

/** A process of a host: what the pick answers. */
interface HostPid {
	pid: number;
	hostId?: string;
}

/** Accepts 1234, "1234"; anything else is not a pid (never passed on to a shell or a path). */
export function parsePid(arg: unknown): number | undefined {
	if (typeof arg === 'number' && Number.isInteger(arg) && arg > 0) return arg;
	if (typeof arg === 'string' && /^\s*[1-9]\d{0,9}\s*$/.test(arg)) return Number(arg);
	return undefined;
}

export async function showPortsForPid(hosts: HostRegistry, tree: ProcessTreeProvider, view: vscode.TreeView<TreeNode>, arg?: unknown): Promise<ProcessNode | undefined> {
	const store = hosts.local.store;
	let chosen: HostPid | undefined;
	if (arg !== undefined) {
		const pid = parsePid(arg);
		if (pid === undefined) {
			void vscode.window.showErrorMessage(`Procnet: ${JSON.stringify(arg)} is not a process id.`);
			return undefined;
		}
		chosen = { pid };
		await store.refresh();
		await tree.whenIndexed();
	} else {
		if (!store.snapshot) await store.refresh();
		await tree.whenIndexed();
		chosen = await pickPid(hosts, tree);
		if (chosen === undefined) return undefined;
	}
	const { pid, hostId } = chosen;
	const node = tree.processNodeOn(hostId, pid);
	if (!node) {
		const snap = (hosts.get(hostId) ?? hosts.local).store.snapshot;
		const p = snap?.processes.find((x) => x.pid === pid);
		void vscode.window.showWarningMessage(
			p ? `Procnet: ${p.name} (pid ${pid}) holds no sockets${p.fdAccess === 'denied' ? ' that this user may see (its fds are not readable)' : ''}.` : `Procnet: no process with pid ${pid} on ${snap?.host.hostname ?? 'this host'}.`,
		);
		return undefined;
	}
	await view.reveal(node, { select: true, focus: true, expand: true });
	return node;
}

/**
 * The pick's rows: every process the tree shows, this machine's first, then each other host's
 * (named first in its description, so typing a host's name finds its processes), by name and
 * pid, with its place, ports and command line.
 */
export function pickItems(hosts: readonly HostEntry[], tree: ProcessTreeProvider): PidPick[] {
	const items: PidPick[] = [];
	const ordered = [...hosts].sort((a, b) => Number(b.kind === 'local') - Number(a.kind === 'local'));
	for (const h of ordered) {
		const { hostId } = h;
		for (const p of h.store.snapshot?.processes ?? []) {
			const node = tree.processNodeOn(hostId, p.pid);
			if (!node) continue;
			const ports = node.sockets.filter((s) => s.localPort !== null).map((s) => String(s.localPort));
			items.push({
				pid: p.pid,
				hostId,
				label: `${p.name} (${p.pid})`,
				// Its container or unit first, as the tree row puts it: typing "nginx.service" or an id finds it.
				description: [hostId ? `on ${h.name}` : '', p.container ? containerText(p.container) : visible(p.unit ?? ''), node.summary].filter(Boolean).join(' · '),
				// Ports are in the detail too so typing "3000" finds the process that uses it.
				detail: `${commandLine(p)}${ports.length ? `  ports ${[...new Set(ports)].slice(0, 20).join(' ')}` : ''}`,
			});
		}
	}
	return items;
}

function pickPid(hosts: HostRegistry, tree: ProcessTreeProvider): Promise<HostPid | undefined> {
	const store = hosts.local.store;
	let items = pickItems(hosts.all(), tree);
	const qp = vscode.window.createQuickPick<PidPick>();
	qp.title = 'Procnet: Show Ports for PID';
	qp.placeholder = 'Type a pid, a process name, a command line, a port or a host';
	qp.matchOnDescription = true;
	qp.matchOnDetail = true;
	qp.items = items;
	// Open at once with what we know, and bring in a fresh scan of this machine: the process being
	// debugged may have started a moment ago (other hosts are listed as their last refresh read them).
	qp.busy = true;
	void store.refresh().then(() => tree.whenIndexed()).finally(() => {
		items = pickItems(hosts.all(), tree);
		qp.busy = false;
		updateItems(qp.value);
	});
	// A typed pid that is not in the list (a process without sockets, or one started since) is still accepted, as this machine's.
	const updateItems = (v: string) => {
		const pid = parsePid(v);
		const exact = pid === undefined ? undefined : items.find((i) => i.pid === pid && i.hostId === undefined) ?? items.find((i) => i.pid === pid);
		const typed: PidPick[] = pid !== undefined && !exact ? [{ pid, label: `Show pid ${pid}`, alwaysShow: true }] : [];
		qp.items = [...typed, ...items];
		// A typed pid means that process, and Enter should take it. VS Code ranks the matches by its
		// own order (label matches, then by name), so for "416" it put "chrome_crashpad (32416)"
		// first, and a process whose name holds those digits comes before too: the process with
		// exactly that pid (this machine's first) is made the active row instead (the sort itself
		// is not in the stable API).
		if (pid !== undefined) qp.activeItems = exact ? [exact] : typed;
	};
	qp.onDidChangeValue(updateItems);
	return pickOrType(qp, (item): HostPid => ({ pid: item.pid, hostId: item.hostId }), (text) => {
		const pid = parsePid(text);
		return pid === undefined ? undefined : { pid };
	});
}
