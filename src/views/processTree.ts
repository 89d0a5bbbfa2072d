// The "Processes & Sockets" tree: one root per host (this machine, then ssh / command hosts,
// then opened captures) → processes that hold sockets (listeners first) → their sockets; or
// grouped by port or by network namespace. Sockets nobody could be named for sit under one node
// with the reason, inode-0 ones under the listener they came from. Never a guessed owner.
import * as vscode from 'vscode';
import type { DebugTracker } from '../debug/debugTracker';
import { commandLine, kindText, localText, portSummary, remoteText } from '../model/describe';
import { matchesFilter, type Filter } from '../model/filter';
import { isListening } from '../model/select';
import { shortCommand } from '../model/shortCommand';
import { processKey, type ProcessInfo, type Snapshot, type SocketInfo } from '../model/snapshot';
import type { SocketKind } from '../procfs/types';
import type { HostEntry, HostRegistry } from './hosts';
import { hostNodeOf, type GroupNode, type HostNode, type Mark, type MessageNode, type ProcessNode, type SocketNode, type TreeNode } from './treeNodes';

export type GroupBy = 'process' | 'port' | 'netns';

export interface TreeOptions {
	groupBy: GroupBy;
	listeningOnly: boolean;
	/** null = every kind */
	kinds: ReadonlySet<SocketKind> | null;
	filter: Filter | undefined;
	showUnowned: boolean;
	/** processes whose command line matches are left out (e.g. VS Code's own server) */
	hide: RegExp[];
}

/** More rows than this under one node are summarised: a tree is no place for 50k rows. */
export const MAX_CHILDREN = 500;

const UNKNOWN_REASON: Record<string, string> = {
	'inode-0': 'held by the kernel without any fd (TIME_WAIT, SYN_RECV, not yet accepted, orphaned)',
	'permission-denied': 'its owner may be a process whose fds this user may not read',
	'not-found': 'no readable fd holds it (a kernel socket, another pid namespace, or it changed mid-scan)',
};

/** What the tree built for one host at its last refresh. */
interface HostView {
	entry: HostEntry;
	node: HostNode;
	roots: TreeNode[];
	byPid: Map<number, ProcessNode>;
	visibleIds: string[];
	shownSockets: number;
	permissionDenied: number;
	socketChildren: (parent: ProcessNode | GroupNode, list: SocketInfo[]) => TreeNode[];
}

/**
 * Appended to process and socket contextValues so menus can tell hosts apart: remote rows have
 * no Open in Browser (the port is on another machine), capture rows no Kill.
 */
function contextSuffix(h: HostEntry): string {
	return h.kind === 'local' ? '' : h.kind === 'capture' ? '.capture' : '.remote';
}

export class ProcessTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
	private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | undefined | void>();
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private readonly _onDidChangeStatus = new vscode.EventEmitter<void>();
	/** Fires when `status` (counts, permission note, empty state) changes. */
	readonly onDidChangeStatus = this._onDidChangeStatus.event;
	private readonly disposables: vscode.Disposable[] = [];

	private views: HostView[] = [];
	/** What the view shows around the tree (for this machine): counts, why sockets lack owners, why it is empty. */
	status = { shownSockets: 0, permissionDenied: 0, empty: false as false | 'filter' | 'error', error: undefined as string | undefined };

	private debug: DebugTracker | undefined;

	constructor(private readonly hosts: HostRegistry, public options: TreeOptions) {
		this.disposables.push(
			this._onDidChangeTreeData,
			this._onDidChangeStatus,
			hosts.onDidChangeStore((h) => this.rebuildHost(h)),
			hosts.onDidChangeHosts(() => this.rebuild()),
		);
		this.rebuild();
	}

	setOptions(o: Partial<TreeOptions>): void {
		this.options = { ...this.options, ...o };
		this.rebuild();
	}

	/** Shows a "Debugged processes" group at the top of this machine's rows while a debug session has pids. */
	setDebugTracker(tracker: DebugTracker): vscode.Disposable {
		this.debug = tracker;
		this.rebuild();
		return tracker.onDidChange(() => {
			const local = this.views.find((v) => v.entry.kind === 'local');
			if (local) this.rebuildHost(local.entry);
		});
	}

	private view(hostId?: string): HostView | undefined {
		const h = this.hosts.get(hostId);
		return this.views.find((v) => v.entry === h);
	}

	/** The snapshot of a host (default: this machine) as the tree shows it now (filter, kinds, listening only, hidden processes applied). */
	visibleSnapshot(hostId?: string): Snapshot {
		const v = this.view(hostId)!;
		const snap = v.entry.store.snapshot!;
		const ids = new Set(v.visibleIds);
		return { ...snap, sockets: snap.sockets.filter((s) => ids.has(s.id)) };
	}

	/** The process row of `pid` on this machine, if it holds a shown socket. */
	processNode(pid: number): ProcessNode | undefined {
		return this.processNodeOn(undefined, pid);
	}

	/** The process row of `pid` on a host (id from HostEntry; undefined = this machine). */
	processNodeOn(hostId: string | undefined, pid: number): ProcessNode | undefined {
		return this.view(hostId)?.byPid.get(pid);
	}

	/** The root row of a host. */
	hostNode(hostId?: string): HostNode | undefined {
		return this.view(hostId)?.node;
	}

	private rebuild(): void {
		const old = new Map(this.views.map((v) => [v.entry, v]));
		this.views = this.hosts.all().map((entry) => {
			const v = old.get(entry);
			const node: HostNode = v?.node ?? { type: 'host', id: entry.kind === 'local' ? 'host' : `remote:${entry.id}`, host: entry };
			return this.index(entry, node);
		});
		this.changed();
	}

	private rebuildHost(entry: HostEntry): void {
		const i = this.views.findIndex((v) => v.entry === entry);
		if (i < 0) return;
		this.views[i] = this.index(entry, this.views[i].node);
		this.changed();
	}

	private changed(): void {
		const local = this.views[0];
		const store = local.entry.store;
		this.status.shownSockets = local.shownSockets;
		this.status.permissionDenied = local.permissionDenied;
		this.status.error = store.error;
		const others = this.views.length > 1;
		// The welcome view replaces the tree only when nothing at all can be shown.
		const nothingMatches = !!this.options.filter && this.views.every((v) => v.entry.store.snapshot && !v.entry.store.error && v.roots.length === 0);
		this.status.empty = store.error && !others ? 'error' : nothingMatches ? 'filter' : false;
		this._onDidChangeTreeData.fire();
		this._onDidChangeStatus.fire();
	}

	private index(entry: HostEntry, host: HostNode): HostView {
		const v: HostView = { entry, node: host, roots: [], byPid: new Map(), visibleIds: [], shownSockets: 0, permissionDenied: 0, socketChildren: () => [] };
		const snap = entry.store.snapshot;
		if (!snap) return v;
		const o = this.options;
		const suffix = contextSuffix(entry);
		const procs = new Map<number, ProcessInfo>(snap.processes.map((p) => [p.pid, p]));
		const hidden = new Set<number>();
		if (o.hide.length) for (const p of snap.processes) if (o.hide.some((re) => re.test(p.cmdline.join(' ')))) hidden.add(p.pid);
		const diff = entry.store.diff;
		const marks = new Map<string, Mark>();
		for (const s of diff?.newSockets ?? []) marks.set(s.id, 'new');
		for (const c of diff?.changedSockets ?? []) marks.set(c.after.id, 'changed');
		const newProcs = new Set((diff?.newProcesses ?? []).map(processKey));

		const ownersOf = (s: SocketInfo) => s.owners.map((x) => procs.get(x.pid)).filter((p): p is ProcessInfo => !!p);
		const shown = (s: SocketInfo): boolean => {
			if (o.kinds && !o.kinds.has(s.kind)) return false;
			if (o.listeningOnly && !isListening(s)) return false;
			if (s.owners.length && s.owners.every((x) => hidden.has(x.pid))) return false;
			return !o.filter || matchesFilter(o.filter, s, ownersOf(s));
		};
		const sockets = snap.sockets.filter(shown);
		const closed = (diff?.closedSockets ?? []).filter(shown);
		for (const s of closed) marks.set(s.id, 'closed');
		v.shownSockets = sockets.length;
		v.visibleIds = sockets.map((s) => s.id);
		v.permissionDenied = snap.sockets.filter((s) => s.ownerUnknown === 'permission-denied').length;

		const all = [...sockets, ...closed];
		const processNodes = (parent: HostNode | GroupNode, list: SocketInfo[]): ProcessNode[] => {
			const held = new Map<number, SocketInfo[]>();
			for (const s of list) {
				for (const pid of new Set(s.owners.map((x) => x.pid))) {
					if (hidden.has(pid) || !procs.has(pid)) continue;
					const l = held.get(pid);
					if (l) l.push(s);
					else held.set(pid, [s]);
				}
			}
			const nodes: ProcessNode[] = [];
			for (const [pid, ss] of held) {
				const p = procs.get(pid)!;
				ss.sort(socketOrder);
				const node: ProcessNode = { type: 'process', id: `${parent.id}/proc:${processKey(p)}`, process: p, sockets: ss, mark: newProcs.has(processKey(p)) ? 'new' : undefined, parent, contextSuffix: suffix };
				nodes.push(node);
				if (!v.byPid.has(pid)) v.byPid.set(pid, node);
			}
			const listens = (n: ProcessNode) => (n.sockets.some((s) => s.state === 'LISTEN' && marks.get(s.id) !== 'closed') ? 0 : 1);
			return nodes.sort((a, b) => listens(a) - listens(b) || a.process.name.localeCompare(b.process.name) || a.process.pid - b.process.pid);
		};
		const socketNodes = (parent: ProcessNode | GroupNode, list: SocketInfo[]): TreeNode[] => {
			const pid = parent.type === 'process' ? parent.process.pid : undefined;
			const nodes: TreeNode[] = list.slice(0, MAX_CHILDREN).map((s) => ({
				type: 'socket',
				id: `${parent.id}/${s.id}`,
				socket: s,
				parent,
				fd: pid === undefined ? undefined : s.owners.find((x) => x.pid === pid)?.fd,
				mark: marks.get(s.id),
				contextSuffix: suffix,
			}));
			if (list.length > MAX_CHILDREN) nodes.push(more(parent, list.length - MAX_CHILDREN));
			return nodes;
		};
		v.socketChildren = socketNodes;
		const unownedNodes = (parent: HostNode | GroupNode, list: SocketInfo[]): TreeNode[] => {
			if (!o.showUnowned) return [];
			const unowned = list.filter((s) => s.owners.length === 0);
			if (!unowned.length) return [];
			const g: GroupNode = {
				type: 'group', id: `${parent.id}/unowned`, label: 'Sockets without a known owner', description: String(unowned.length), icon: 'question',
				tooltip: 'Sockets no readable process holds, grouped by why. procnet never guesses an owner from a port number.',
				contextValue: 'group.unowned', parent, children: () => unownedChildren(g, unowned, sockets, procs, socketNodes),
			};
			return [g];
		};

		if (o.groupBy === 'process') {
			v.roots.push(...processNodes(host, all));
		} else if (o.groupBy === 'port') {
			const byPort = new Map<string, SocketInfo[]>();
			for (const s of all) {
				const key = s.kind === 'unix' ? `unix ${s.path ?? '(unnamed)'}` : s.localPort !== null ? `${s.kind} :${s.localPort}` : `${s.kind}`;
				const l = byPort.get(key);
				if (l) l.push(s);
				else byPort.set(key, [s]);
			}
			const keys = [...byPort.keys()].sort((a, b) => portOf(a) - portOf(b) || a.localeCompare(b));
			for (const key of keys) {
				const list = byPort.get(key)!.sort(socketOrder);
				const g: GroupNode = {
					type: 'group', id: `${host.id}/port:${key}`, label: key, description: portSummary(list), icon: list.some((s) => s.state === 'LISTEN') ? 'radio-tower' : 'symbol-numeric',
					contextValue: 'group.port', parent: host, children: () => socketNodes(g, list),
				};
				v.roots.push(g);
			}
		} else {
			const byNs = new Map<string, SocketInfo[]>();
			for (const s of all) {
				const l = byNs.get(s.netns);
				if (l) l.push(s);
				else byNs.set(s.netns, [s]);
			}
			for (const [ns, list] of byNs) {
				const pids = new Set(snap.processes.filter((p) => p.netns === ns).map((p) => p.pid));
				const g: GroupNode = {
					type: 'group', id: `${host.id}/netns:${ns}`, label: ns, description: `${pids.size} processes · ${list.length} sockets`, icon: 'type-hierarchy',
					contextValue: 'group.netns', parent: host, children: () => [...processNodes(g, list), ...unownedNodes(g, list)],
				};
				v.roots.push(g);
			}
		}
		if (o.groupBy !== 'netns') v.roots.push(...unownedNodes(host, all));
		if (entry.kind === 'local' && this.debug?.active) {
			const sessions = this.debug.expand(snap.processes);
			const group: GroupNode = {
				type: 'group', id: `${host.id}/debug:sessions`, label: 'Debugged processes', description: String(sessions.length), icon: 'debug-alt',
				tooltip: 'Processes of the running debug sessions and their children, with their sockets.', contextValue: 'group.debug', parent: host,
				children: () =>
					sessions.map(({ session, pids }) => {
						const own = all.filter((s) => s.owners.some((x) => pids.has(x.pid)));
						const g: GroupNode = {
							type: 'group', id: `${host.id}/debug:session:${session.id}`, label: session.name, description: `pid ${[...session.pids].join(', ')}`, icon: 'debug',
							tooltip: `Debug session ${session.name}: pid ${[...session.pids].join(', ')} and its descendants`, contextValue: 'group.debugSession', parent: group,
							children: () => processNodes(g, own).filter((n) => pids.has(n.process.pid)),
						};
						return g;
					}),
			};
			v.roots.unshift(group);
		}
		return v;
	}

	getChildren(node?: TreeNode): TreeNode[] {
		if (!node) return this.status.empty ? [] : this.views.map((v) => v.node);
		switch (node.type) {
			case 'host': {
				const v = this.views.find((x) => x.node === node) ?? this.view(node.host.id);
				if (!v) return [];
				const store = v.entry.store;
				if (store.error) return [errorNode(node, store.error, store.errorReason)];
				if (!store.snapshot) {
					const text = node.host.kind === 'local' ? 'Reading /proc…' : node.host.kind === 'capture' ? 'Reading the capture…' : `Connecting to ${node.host.name}…`;
					return [{ type: 'message', id: `${node.id}/loading`, text, icon: 'loading~spin', parent: node }];
				}
				return v.roots;
			}
			case 'process':
				return this.view(hostNodeOf(node).host.id)?.socketChildren(node, node.sockets) ?? [];
			case 'group':
				return node.children();
			default:
				return [];
		}
	}

	getParent(node: TreeNode): TreeNode | undefined {
		return node.type === 'host' ? undefined : node.parent;
	}

	getTreeItem(node: TreeNode): vscode.TreeItem {
		switch (node.type) {
			case 'host':
				return this.hostItem(node);
			case 'process':
				return processItem(node);
			case 'socket':
				return socketItem(node);
			case 'group': {
				const state = node.contextValue === 'group.more'
					? vscode.TreeItemCollapsibleState.None
					: node.contextValue.startsWith('group.debug') ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
				const item = new vscode.TreeItem(node.label, state);
				item.id = node.id;
				item.description = node.description;
				item.tooltip = node.tooltip;
				item.iconPath = new vscode.ThemeIcon(node.icon);
				item.contextValue = node.contextValue;
				return item;
			}
			case 'message': {
				const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
				item.id = node.id;
				item.iconPath = new vscode.ThemeIcon(node.icon, node.icon === 'error' ? new vscode.ThemeColor('errorForeground') : undefined);
				item.description = node.description;
				item.tooltip = node.tooltip ?? node.text;
				item.contextValue = node.contextValue;
				return item;
			}
		}
	}

	private hostItem(node: HostNode): vscode.TreeItem {
		const h = node.host;
		if (h.kind === 'local') return this.localHostItem(node);
		const v = this.views.find((x) => x.node === node);
		const store = h.store;
		const snap = store.snapshot;
		const item = new vscode.TreeItem(h.name, vscode.TreeItemCollapsibleState.Expanded);
		item.id = node.id;
		item.iconPath = new vscode.ThemeIcon(h.kind === 'capture' ? 'archive' : 'remote', store.error ? new vscode.ThemeColor('errorForeground') : undefined);
		item.contextValue = `host.${h.kind}`;
		const kind = h.kind === 'capture' ? 'capture' : h.kind;
		const procs = v ? v.roots.filter((n) => n.type === 'process').length : 0;
		item.description = store.error
			? `${kind} · ${store.errorReason ?? 'error'}`
			: snap
				? `${kind} · ${procs} processes · ${v?.shownSockets ?? 0} sockets`
				: `${kind} · ${h.kind === 'capture' ? 'reading' : 'connecting'}…`;
		const md = new vscode.MarkdownString().appendText(`${h.kind === 'capture' ? 'Capture file' : h.kind === 'ssh' ? 'SSH host' : 'Shell command'}: ${h.detail}\n`);
		if (snap) {
			md.appendText(`${snap.host.hostname} · Linux ${snap.host.kernel}\n`);
			md.appendText(h.kind === 'capture' ? `Taken ${snap.takenAt} (read-only)` : `Taken ${snap.takenAt} in ${store.lastCostMs} ms`);
		}
		if (store.error) md.appendText(`\n${store.error}`);
		item.tooltip = md;
		return item;
	}

	private localHostItem(node: HostNode): vscode.TreeItem {
		const store = node.host.store;
		const snap = store.snapshot;
		const remote = vscode.env.remoteName;
		const item = new vscode.TreeItem(snap?.host.hostname ?? 'this machine', vscode.TreeItemCollapsibleState.Expanded);
		item.id = node.id;
		item.iconPath = new vscode.ThemeIcon(remote ? 'remote' : 'vm');
		item.contextValue = 'host';
		const v = this.views.find((x) => x.node === node);
		if (snap && v) {
			const procs = v.roots.filter((n) => n.type === 'process').length;
			item.description = `${remote ? remoteKind(remote) + ' · ' : ''}${procs} processes · ${v.shownSockets} sockets`;
			item.tooltip = new vscode.MarkdownString()
				.appendText(`${snap.host.hostname} · Linux ${snap.host.kernel} · read ${snap.source.label}${remote ? ` · in a ${remoteKind(remote)} window` : ''}\n`)
				.appendText(`Taken ${snap.takenAt} in ${store.lastCostMs} ms`);
		}
		return item;
	}

	dispose(): void {
		for (const d of this.disposables) d.dispose();
	}
}

/** The row a failed refresh shows under its host: the typed reason, without the host's name (the row above says it). */
function errorNode(host: HostNode, message: string, reason: string | undefined): MessageNode {
	const h = host.host;
	if (h.kind === 'local') return { type: 'message', id: `${host.id}/error`, text: `Cannot read sockets: ${message}`, icon: 'error', parent: host, reason };
	const label = h.store.source.label;
	const text = message.startsWith(`${label}: `) ? message.slice(label.length + 2) : message;
	return { type: 'message', id: `${host.id}/error`, text, icon: 'error', parent: host, reason, description: reason, tooltip: message, contextValue: 'error.host' };
}

/** inode-0 sockets under the listener they belong to; the rest by reason (and uid). */
function unownedChildren(
	parent: GroupNode,
	unowned: SocketInfo[],
	all: SocketInfo[],
	procs: Map<number, ProcessInfo>,
	socketChildren: (parent: ProcessNode | GroupNode, list: SocketInfo[]) => TreeNode[],
): TreeNode[] {
	const listeners = new Map<string, SocketInfo>();
	for (const s of all) if (s.state === 'LISTEN' && s.localPort !== null) listeners.set(`${s.netns}|${s.kind}|${s.localAddress}|${s.localPort}`, s);
	const listenerOf = (s: SocketInfo) =>
		s.localPort === null
			? undefined
			: listeners.get(`${s.netns}|${s.kind}|${s.localAddress}|${s.localPort}`) ??
				listeners.get(`${s.netns}|${s.kind}|${s.ipVersion === 6 ? '::' : '0.0.0.0'}|${s.localPort}`) ??
				listeners.get(`${s.netns}|${s.kind}|::|${s.localPort}`);
	const groups = new Map<string, { label: string; description: string; icon: string; tooltip: string; list: SocketInfo[] }>();
	const add = (key: string, label: string, description: string, icon: string, tooltip: string, s: SocketInfo) => {
		let g = groups.get(key);
		if (!g) groups.set(key, (g = { label, description, icon, tooltip, list: [] }));
		g.list.push(s);
	};
	for (const s of unowned) {
		if (s.ownerUnknown === 'inode-0') {
			const l = listenerOf(s);
			const owner = l?.owners[0] ? procs.get(l.owners[0].pid) : undefined;
			if (l) add(`l:${l.id}`, `from listener ${localText(l)}`, owner ? `${owner.name} (${owner.pid})` : 'owner unknown', 'radio-tower', `Accepted-not-yet, TIME_WAIT or closing connections of the listener ${localText(l)}.`, s);
			else add('inode-0', 'Held by the kernel (no fd)', '', 'server-environment', UNKNOWN_REASON['inode-0'], s);
		} else if (s.ownerUnknown === 'permission-denied') {
			const uid = s.uid === null ? '?' : String(s.uid);
			add(`pd:${uid}`, `Not readable by this user${s.uid !== null ? ` (socket uid ${uid})` : ''}`, '', 'lock', UNKNOWN_REASON['permission-denied'], s);
		} else {
			add('nf', 'No process holds them', '', 'circle-slash', UNKNOWN_REASON['not-found'], s);
		}
	}
	return [...groups].map(([key, g]) => {
		const node: GroupNode = {
			type: 'group', id: `${parent.id}/${key}`, label: g.label, description: [g.description, String(g.list.length)].filter(Boolean).join(' · '),
			icon: g.icon, tooltip: g.tooltip, contextValue: 'group.reason', parent, children: () => socketChildren(node, g.list.sort(socketOrder)),
		};
		return node;
	});
}

/** `ssh-remote`, `wsl`, `dev-container`...; code-server reports its own address, which says nothing about the kind. */
function remoteKind(remoteName: string): string {
	return /^[a-z][a-z-]*$/.test(remoteName) ? remoteName : 'remote';
}

function more(parent: ProcessNode | GroupNode, n: number): GroupNode {
	return {
		type: 'group', id: `${parent.id}/more`, label: `${n} more sockets`, description: 'filter, or open the details panel', icon: 'ellipsis',
		tooltip: 'The tree shows the first sockets only. The details panel lists them all; a filter narrows the tree.', contextValue: 'group.more', parent, children: () => [],
	};
}

function portOf(key: string): number {
	const m = /:(\d+)$/.exec(key);
	return m ? Number(m[1]) : 1e9;
}

/** Listeners first, then by kind and local port. */
export function socketOrder(a: SocketInfo, b: SocketInfo): number {
	const la = a.state === 'LISTEN' ? 0 : 1, lb = b.state === 'LISTEN' ? 0 : 1;
	return la - lb || a.kind.localeCompare(b.kind) || (a.localPort ?? 0) - (b.localPort ?? 0) || a.id.localeCompare(b.id);
}

const MARK_COLOUR: Record<string, string> = { new: 'charts.green', changed: 'charts.yellow', closed: 'charts.red' };

function processItem(node: ProcessNode): vscode.TreeItem {
	const p = node.process;
	const item = new vscode.TreeItem(`${p.name} (${p.pid})`, vscode.TreeItemCollapsibleState.Collapsed);
	item.id = node.id;
	const short = shortCommand(p);
	item.description = [short, portSummary(node.sockets)].filter(Boolean).join(' · ');
	const listens = node.sockets.some((s) => s.state === 'LISTEN');
	item.iconPath = new vscode.ThemeIcon(listens ? 'server-process' : 'terminal', node.mark ? new vscode.ThemeColor(MARK_COLOUR[node.mark]) : undefined);
	item.contextValue = (listens ? 'process.listening' : 'process') + node.contextSuffix;
	const md = new vscode.MarkdownString();
	md.appendMarkdown('**').appendText(`${p.name} (pid ${p.pid})`).appendMarkdown('**');
	if (node.mark === 'new') md.appendText(' — new');
	md.appendMarkdown('\n\n');
	// Not appendCodeblock: it does not escape backticks, so a command line holding ``` could
	// close the block and turn the rest into markdown. A longer fence than any run inside cannot.
	const cmd = commandLine(p) || '(no command line)';
	const fence = '`'.repeat(Math.max(3, ...[...cmd.matchAll(/`+/g)].map((m) => m[0].length + 1)));
	md.appendMarkdown(`${fence}\n${cmd}\n${fence}\n`);
	md.appendText(`user ${p.user ?? '?'} (uid ${p.uid ?? '?'}) · ppid ${p.ppid ?? '?'}\nstarted ${p.startTime ?? '?'}\nnetns ${p.netns ?? '?'}${p.cwd ? `\ncwd ${p.cwd}` : ''}`);
	if (p.fdAccess === 'denied') md.appendText('\nIts fds are not readable by this user.');
	item.tooltip = md;
	return item;
}

function socketIcon(s: SocketInfo, mark: Mark): vscode.ThemeIcon {
	const colour = mark ? new vscode.ThemeColor(MARK_COLOUR[mark]) : s.state === 'LISTEN' ? new vscode.ThemeColor('charts.green') : undefined;
	if (mark === 'closed') return new vscode.ThemeIcon('close', colour);
	if (s.state === 'LISTEN') return new vscode.ThemeIcon('radio-tower', colour);
	switch (s.kind) {
		case 'unix':
			return new vscode.ThemeIcon('plug', colour);
		case 'udp':
		case 'udplite':
			return new vscode.ThemeIcon('broadcast', colour);
		case 'netlink':
			return new vscode.ThemeIcon('symbol-event', colour);
		case 'packet':
		case 'raw':
			return new vscode.ThemeIcon('zap', colour);
		default:
			return new vscode.ThemeIcon(s.state === 'ESTABLISHED' ? 'arrow-swap' : 'circle-outline', colour);
	}
}

function socketItem(node: SocketNode): vscode.TreeItem {
	const s = node.socket;
	const remote = remoteText(s);
	const item = new vscode.TreeItem(`${kindText(s)} ${localText(s)}${remote && remote !== '*' ? ` → ${remote}` : ''}`, vscode.TreeItemCollapsibleState.None);
	item.id = node.id;
	const bits: string[] = [node.mark === 'closed' ? `closed (was ${s.state})` : s.state];
	if (node.mark === 'new') bits.push('new');
	if (node.mark === 'changed') bits.push('changed');
	if (s.txQueue) bits.push(`send-q ${s.txQueue}`);
	if (s.rxQueue) bits.push(`recv-q ${s.rxQueue}`);
	if (s.timer && s.timer !== 'off') bits.push(`${s.timer} ${(s.timerSeconds ?? 0).toFixed(1)}s`);
	if (node.parent.type === 'group' && s.owners.length) bits.push(`pid ${[...new Set(s.owners.map((o) => o.pid))].join(',')}`);
	if (!s.owners.length && s.ownerUnknown) bits.push(s.ownerUnknown);
	if (s.suspect) bits.push(`⚠ ${s.suspect}`);
	item.description = bits.join(' · ');
	item.iconPath = socketIcon(s, node.mark);
	item.contextValue = (s.state === 'LISTEN' && s.kind === 'tcp' ? 'socket.tcp.listen' : `socket.${s.kind}`) + node.contextSuffix;
	const lines = [`${kindText(s)} ${s.state}${node.mark ? ` (${node.mark})` : ''}`, `local  ${localText(s)}`];
	if (remote) lines.push(`remote ${remote}`);
	lines.push(`inode ${s.inode}${node.fd !== undefined ? ` · fd ${node.fd}` : ''} · uid ${s.uid ?? '?'} · ${s.netns}`);
	if (s.owners.length > 1) lines.push(`shared by ${s.owners.map((o) => `pid ${o.pid} fd ${o.fd}`).join(', ')}`);
	if (s.ownerUnknown) lines.push(`no known owner: ${UNKNOWN_REASON[s.ownerUnknown]}`);
	if (s.suspect) lines.push(`suspect: ${s.suspect} — this record may be text of another socket's name`);
	item.tooltip = lines.join('\n');
	return item;
}
