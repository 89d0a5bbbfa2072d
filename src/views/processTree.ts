// The "Processes & Sockets" tree: one root per host (this machine, then ssh / command hosts,
// then opened captures) → processes that hold sockets (listeners first) → their sockets; or
// grouped by port or by network namespace. Sockets nobody could be named for sit under one node
// with the reason, inode-0 ones under the listener they came from. Never a guessed owner.
import * as vscode from 'vscode';
import { SocketIndex } from '../collect/socketIndex';
import { isNodeProcess } from '../debug/attach';
import type { DebugTracker } from '../debug/debugTracker';
import { bytesText, commandLine, containerText, cpuTimeText, kindText, localText, remoteText, timerText, visible } from '../model/describe';
import { filtersByPeer } from '../model/filter';
import { isClosable } from '../model/select';
import { peerNameOf, peerOf } from '../model/peers';
import { shortCommand } from '../model/shortCommand';
import type { PortNames } from '../model/portNames';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import type { HostEntry, HostRegistry } from './hosts';
import { FORWARD_BIND } from '../collect/sshForward';
import { RESOLVE_TIMEOUT_MS } from '../collect/peerNames';
import type { PortForwards } from './portForwards';
import { drain } from '../model/drain';
import { runInTurns, SYNC_SOCKETS } from './turns';
import { socketIcon as sharedSocketIcon } from '../shared/icons';
import { adoptRoots, HostView, indexHost, UNKNOWN_REASON, type TreeOptions } from './treeIndex';
import { ToldHostRows } from './toldRows';
import { AskedPeers } from './askedPeers';
import { hostNodeOf, type GroupNode, type HostNode, type Mark, type MessageNode, type ProcessNode, type SocketNode, type TreeNode } from './treeNodes';

export { MAX_CHILDREN, socketOrder, type GroupBy, type TreeOptions } from './treeIndex';

export class ProcessTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
	private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined | void>();
	readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
	private readonly _onDidChangeStatus = new vscode.EventEmitter<void>();
	/** Fires when `status` (counts, permission note, empty state) changes. */
	readonly onDidChangeStatus = this._onDidChangeStatus.event;
	private readonly disposables: vscode.Disposable[] = [];

	private views: HostView[] = [];
	/**
	 * What the view shows around the tree (for this machine): counts (in the view's message, not on
	 * the host row: a row whose text changes is redrawn with every row below it), why sockets lack
	 * owners, why it is empty.
	 */
	status = {
		shownSockets: 0,
		processes: 0,
		read: false,
		otherHosts: false,
		/** The counts of each ssh or command host read without an error: above the tree too, not on its row. */
		liveHosts: [] as Array<{ name: string; processes: number; sockets: number }>,
		permissionDenied: 0,
		empty: false as false | 'filter' | 'error',
		error: undefined as string | undefined,
		/** Peers the hosts' resolvers are being asked about for a `peer:` filter, which matches them once named. */
		namingPeers: 0,
	};

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

	/** Resolves once the tree shows the new options (at once below SYNC_SOCKETS). */
	setOptions(o: Partial<TreeOptions>): Promise<void> {
		this.options = { ...this.options, ...o };
		this.rebuild();
		return this.whenIndexed();
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

	private forwards: Pick<PortForwards, 'localPortOf' | 'forwardHeldBy'> | undefined;

	/** Marks the listeners of ssh hosts that are forwarded to this machine (and redraws when one starts or ends). */
	setForwards(forwards: PortForwards): vscode.Disposable {
		this.forwards = forwards;
		return forwards.onDidChange(() => this.rebuild());
	}

	private view(hostId?: string): HostView | undefined {
		const h = this.hosts.get(hostId);
		return this.views.find((v) => v.entry === h);
	}

	/** The snapshot of a host (default: this machine) as the tree shows it now (filter, kinds, listening only, hidden processes applied). */
	visibleSnapshot(hostId?: string): Snapshot {
		const v = this.view(hostId)!;
		const snap = v.entry.store.snapshot!;
		// By id, as the index may be of the snapshot before this one.
		const shown = new SocketIndex();
		for (const s of v.visible) shown.set(s);
		return { ...snap, sockets: snap.sockets.filter((s) => shown.has(s)) };
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

	private readonly settling = new WeakSet<HostEntry>();

	private rebuild(): void {
		for (const h of this.hosts.all()) {
			if (this.settling.has(h)) continue;
			this.settling.add(h);
			// A refresh of this host resolves only once the tree shows it (see whenIndexed).
			this.disposables.push(h.store.addSettler(() => this.whenIndexed()));
		}
		const old = new Map(this.views.map((v) => [v.entry, v]));
		this.views = this.hosts.all().map((entry) => {
			const v = old.get(entry);
			// Kept until the new index lands (at once for small snapshots, see SYNC_SOCKETS).
			return v ?? new HostView(entry, { type: 'host', id: entry.kind === 'local' ? 'host' : `remote:${entry.id}`, host: entry });
		});
		for (const v of this.views) this.index(v.entry, v.node);
		this.changed();
	}

	/** `afterNames`: made again because names came, which asks for no more (see namePeers). */
	private rebuildHost(entry: HostEntry, afterNames = false): void {
		const v = this.views.find((x) => x.entry === entry);
		if (v) this.index(entry, v.node, afterNames);
	}

	/** The latest index started per host: an older one still running is dropped when it ends. */
	private readonly indexing = new Map<HostEntry, Generator<void, HostView>>();
	private indexWaiters: Array<() => void> = [];

	/** Resolves once no host's index is still being built (at once for small snapshots). */
	whenIndexed(): Promise<void> {
		return this.indexing.size ? new Promise((r) => this.indexWaiters.push(r)) : Promise.resolve();
	}

	/**
	 * Snapshots up to SYNC_SOCKETS sockets are indexed at once (a few ms). Bigger ones are indexed
	 * in turns of SLICE_MS (runInTurns), so a 100k-socket refresh never holds the extension host for
	 * long; the tree shows the previous refresh until the new index is complete.
	 */
	private index(entry: HostEntry, node: HostNode, afterNames = false): void {
		const current = this.views.find((x) => x.entry === entry);
		const it = indexHost(entry, node, this.options, this.debug, current);
		this.indexing.set(entry, it);
		const land = (v: HostView) => {
			if (this.indexing.get(entry) !== it) return;
			this.indexing.delete(entry);
			const i = this.views.findIndex((x) => x.entry === entry);
			if (i >= 0) {
				// Changes are told against the view the workbench shows; one built against another is told whole.
				if (current && this.views[i] === current && v.changes) adoptRoots(v);
				else v.changes = undefined;
				this.views[i] = v;
			}
			// Asked first: the status then counts them (a `peer:` filter is not "empty" while they are out).
			if (v.unnamedPeers.length && !afterNames) this.namePeers(entry, v.unnamedPeers);
			this.changed(i >= 0 ? v : undefined);
			if (!this.indexing.size) for (const r of this.indexWaiters.splice(0)) r();
		};
		if ((entry.store.snapshot?.sockets.length ?? 0) <= SYNC_SOCKETS) return land(drain(it));
		// Not in this turn: the store's other listeners (the panel) run in it.
		runInTurns(it, () => this.indexing.get(entry) === it && !this.disposed, land, 'next');
	}

	/**
	 * Asks the host's resolver for the peers the rows show without a name, then indexes the host
	 * again if any got one. Names are never waited for: the rows come first, named when known.
	 * That index asks for no more: a `peer:` filter on a host of 50k peers would otherwise name
	 * them all, 500 after 500, at once; it asks for the next ones at the host's next refresh.
	 */
	private namePeers(entry: HostEntry, addrs: string[]): void {
		const names = entry.peerNames();
		if (!names) return;
		// Counted while asked for a `peer:` filter: the view says so, and does not call the filter
		// empty before the names are in.
		const forFilter = filtersByPeer(this.options.filter);
		const answered = forFilter ? this.asking.ask(entry, addrs) : undefined;
		void names.resolve(addrs).then((named) => {
			answered?.();
			if (this.disposed) return;
			if (named && this.options.resolvePeerNames && (this.options.groupBy === 'peer' || filtersByPeer(this.options.filter))) this.rebuildHost(entry, true);
			else if (forFilter) this.changed(null);
		});
	}

	/** Per host, the peers its resolver is being asked about for a `peer:` filter. */
	private readonly asking = new AskedPeers<HostEntry>();

	/** What a socket row says beyond its socket (RowExtras), read at each drawing of the row. */
	private rowExtras(node: SocketNode): RowExtras {
		const host = hostNodeOf(node).host;
		const s = node.socket;
		const f = this.forwards;
		return {
			forwardedTo: f?.localPortOf(host, s),
			forwardOf: f && host.kind === 'local' ? f.forwardHeldBy(s) : undefined,
			peerName: this.peerName(node),
		};
	}

	/** The name the host's resolver gave a socket's peer, if it has (never asked here: see nameChildren). */
	private peerName(node: SocketNode): string | undefined {
		if (!this.options.resolvePeerNames || (node.parent.type === 'group' && node.parent.contextValue === 'group.peer')) return undefined;
		const names = hostNodeOf(node).host.peerNames();
		return (names && peerNameOf(node.socket, (p) => names.get(p))) || undefined;
	}

	/**
	 * Asks the host's resolver for the peers of rows just shown under `parent` that it has not
	 * named, and tells the workbench that row again when names came: its sockets' rows then say
	 * them. Only for rows someone expanded, so a host's thousands of peers are not all asked.
	 */
	private nameChildren(host: HostEntry, parent: ProcessNode | GroupNode, children: readonly TreeNode[]): void {
		const names = this.options.resolvePeerNames ? host.peerNames() : undefined;
		if (!names) return;
		const addrs = new Set<string>();
		for (const c of children) {
			const peer = c.type === 'socket' ? peerOf(c.socket) : undefined;
			if (peer && names.get(peer) === undefined) addrs.add(peer);
		}
		if (!addrs.size) return;
		void names.resolve([...addrs]).then((named) => {
			if (!named || this.disposed) return;
			// The row as the tree holds it now: an index since may have made a new one with the same id.
			const v = this.view(host.id);
			const now = parent.type === 'process' ? v?.byPid.get(parent.process.pid) : v?.roots.find((r) => r.id === parent.id);
			if (now && now.id === parent.id) this._onDidChangeTreeData.fire(now);
		});
	}

	/** The host's resolver's name for a connection's remote address: asked on hover, at most RESOLVE_TIMEOUT_MS + a little. */
	private async remoteName(entry: HostEntry, s: SocketInfo): Promise<string | null | undefined> {
		const addr = peerOf(s);
		const names = this.options.resolvePeerNames ? entry.peerNames() : undefined;
		if (!names || !addr) return undefined;
		if (names.get(addr) === undefined) {
			let cap: NodeJS.Timeout | undefined;
			// The cap's timer goes with the answer: a hover over many rows left one running per row.
			await Promise.race([names.resolve([addr]), new Promise((r) => (cap = setTimeout(r, RESOLVE_TIMEOUT_MS + 500)))]).finally(() => clearTimeout(cap));
		}
		return names.get(addr);
	}

	private disposed = false;
	/** Per host, the text of its row as last told to the workbench (see hostText). */
	private readonly hostTexts = new ToldHostRows<HostEntry>();

	/**
	 * Tells the workbench what changed. After one host's new index (`landed`), only the rows that
	 * differ: the workbench redraws a row it is told of with every row below it, which drops a
	 * tooltip being shown and the state of rows being revealed, so an unchanged row is not told.
	 * Anything else (options, hosts, the empty state) redraws the whole tree.
	 */
	private changed(landed?: HostView | null): void {
		const local = this.views[0];
		const store = local.entry.store;
		this.status.shownSockets = local.shownSockets;
		this.status.processes = local.processes;
		this.status.read = !!store.snapshot;
		this.status.permissionDenied = local.permissionDenied;
		this.status.error = store.error;
		const others = this.views.length > 1;
		this.status.otherHosts = others;
		this.status.liveHosts = this.views
			.filter((v) => v.entry.isRemote && v.entry.store.snapshot && !v.entry.store.error)
			.map((v) => ({ name: v.entry.name, processes: v.processes, sockets: v.shownSockets }));
		this.status.namingPeers = this.asking.size;
		// The welcome view replaces the tree only when nothing at all can be shown (and no names that could match are still being asked).
		const nothingMatches = !!this.options.filter && !this.status.namingPeers && this.views.every((v) => v.entry.store.snapshot && !v.entry.store.error && v.roots.length === 0);
		const wasEmpty = this.status.empty;
		this.status.empty = store.error && !others ? 'error' : nothingMatches ? 'filter' : false;
		// null: only the status (names asked for a filter came back with nothing new): the rows stand.
		if (landed === null) {
			if (wasEmpty !== this.status.empty) this._onDidChangeTreeData.fire();
		} else if (!landed || wasEmpty !== this.status.empty) {
			this._onDidChangeTreeData.fire();
			this.hostTexts.toldAll(this.views.map((v) => [v.entry, this.hostText(v.node)] as const));
		} else {
			const c = landed.changes;
			const whole = this.hostTexts.landed(landed.entry, this.hostText(landed.node), c);
			const rows = whole || !c ? [landed.node] : landed.roots.filter((r) => c.dirty.has(r.id));
			if (rows.length && !this.status.empty) this._onDidChangeTreeData.fire(rows);
		}
		this._onDidChangeStatus.fire();
	}

	/** What a host row shows, and whether its rows are the host's (not a loading or error row), as one text. */
	private hostText(node: HostNode): string {
		const item = this.getTreeItem(node);
		const icon = item.iconPath as vscode.ThemeIcon;
		const store = node.host.store;
		return JSON.stringify([item.label, item.description, icon.id, icon.color?.id, item.contextValue, !!store.snapshot, store.error, store.errorReason]);
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
			case 'process': {
				const host = hostNodeOf(node).host;
				const children = this.view(host.id)?.socketNodes(node, node.sockets) ?? [];
				this.nameChildren(host, node, children);
				return children;
			}
			case 'group': {
				const children = node.children(node);
				// A peer group's row names its one peer already.
				if (node.contextValue !== 'group.peer') this.nameChildren(hostNodeOf(node).host, node, children);
				return children;
			}
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
				return socketItem(node, this.options.portNames, this.rowExtras(node));
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
		item.contextValue = `host.${h.kind}${h.sudo ? '.sudo' : ''}`;
		const kind = h.kind === 'capture' ? 'capture' : h.kind;
		// An ssh or command host's counts go above the tree (ProcessTreeProvider.status), as this machine's do:
		// a row whose text changes is redrawn with every row under it, at nearly every refresh. A
		// capture's never change.
		item.description = store.error
			? `${kind} · ${store.errorReason ?? 'error'}`
			: snap
				? h.isRemote ? kind : `${kind} · ${v?.processes ?? 0} processes · ${v?.shownSockets ?? 0} sockets`
				: `${kind} · ${h.kind === 'capture' ? 'reading' : 'connecting'}…`;
		return item;
	}

	/**
	 * Tooltips are made on hover (resolveTreeItem), not with each row: VS Code's extension host
	 * lexes a markdown tooltip when it takes the row, so every refresh that re-read a host's
	 * process rows lexed all their command lines (a 41 ms block in a profile at 100k sockets).
	 */
	async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
		if (node.type === 'host') item.tooltip = node.host.kind === 'local' ? localHostTooltip(node) : hostTooltip(node);
		else if (node.type === 'process') item.tooltip = processTooltip(node);
		else if (node.type === 'socket') {
			const host = hostNodeOf(node).host;
			item.tooltip = socketTooltip(node, this.options.portNames, this.forwards?.localPortOf(host, node.socket), await this.remoteName(host, node.socket));
		}
		return item;
	}

	private localHostItem(node: HostNode): vscode.TreeItem {
		const store = node.host.store;
		const snap = store.snapshot;
		const remote = vscode.env.remoteName;
		const item = new vscode.TreeItem(snap?.host.hostname ?? 'this machine', vscode.TreeItemCollapsibleState.Expanded);
		item.id = node.id;
		item.iconPath = new vscode.ThemeIcon(remote ? 'remote' : 'vm');
		// '.user' when not root: other users' fds are unreadable, and the row offers Read as Root.
		item.contextValue = process.getuid?.() === 0 ? 'host.local' : 'host.local.user';
		// Its counts are in the view's message (status): a row whose text changes at each refresh
		// would be redrawn with all its rows.
		if (remote) item.description = remoteKind(remote);
		return item;
	}

	dispose(): void {
		this.disposed = true;
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

/** `ssh-remote`, `wsl`, `dev-container`...; code-server reports its own address, which says nothing about the kind. */
function remoteKind(remoteName: string): string {
	return /^[a-z][a-z-]*$/.test(remoteName) ? remoteName : 'remote';
}

/** This machine's row, on hover: where and when it was read (nothing before the first snapshot). */
function localHostTooltip(node: HostNode): vscode.MarkdownString | undefined {
	const store = node.host.store;
	const snap = store.snapshot;
	if (!snap) return undefined;
	const remote = vscode.env.remoteName;
	return new vscode.MarkdownString()
		.appendText(`${snap.host.hostname} · Linux ${snap.host.kernel} · read ${snap.source.label}${remote ? ` · in a ${remoteKind(remote)} window` : ''}\n`)
		.appendText(`Taken ${snap.takenAt} in ${store.lastCostMs} ms`);
}

/** Another host's row, on hover: what it is, when it was read, and its error. */
function hostTooltip(node: HostNode): vscode.MarkdownString {
	const h = node.host;
	const store = h.store;
	const snap = store.snapshot;
	const md = new vscode.MarkdownString().appendText(`${h.kind === 'capture' ? 'Capture file' : h.kind === 'ssh' ? 'SSH host' : 'Shell command'}: ${h.detail}\n`);
	if (snap) {
		md.appendText(`${snap.host.hostname} · Linux ${snap.host.kernel}\n`);
		md.appendText(h.kind === 'capture' ? `Taken ${snap.takenAt} (read-only)` : `Taken ${snap.takenAt} in ${store.lastCostMs} ms`);
	}
	if (store.error) md.appendText(`\n${store.error}`);
	return md;
}

const MARK_COLOUR: Record<string, string> = { new: 'charts.green', changed: 'charts.yellow', closed: 'charts.red' };

function processItem(node: ProcessNode): vscode.TreeItem {
	const p = node.process;
	const item = new vscode.TreeItem(`${p.name} (${p.pid})`, vscode.TreeItemCollapsibleState.Collapsed);
	item.id = node.id;
	const short = shortCommand(p);
	// A container first: ten `node (pid)` rows read alike, and which container each is in tells them apart.
	item.description = [p.container ? containerText(p.container) : '', short, node.summary].filter(Boolean).join(' · ');
	const listens = node.sockets.some((s) => s.state === 'LISTEN');
	item.iconPath = new vscode.ThemeIcon(listens ? 'server-process' : 'terminal', node.mark ? new vscode.ThemeColor(MARK_COLOUR[node.mark]) : undefined);
	// The mark is the icon's colour alone on this row (a socket row says it in its description):
	// a screen reader, which reads the label and description, is told it in words.
	if (node.mark) item.accessibilityInformation = { label: `${item.label as string}, ${node.mark}, ${item.description}` };
	// process.node (this machine only): Attach Debugger.
	item.contextValue = (listens ? 'process.listening' : 'process') + (node.contextSuffix === '' && isNodeProcess(p) ? '.node' : '') + node.contextSuffix;
	return item;
}

/** A process row, on hover: its command line (as text), user, parent, start, namespace. */
function processTooltip(node: ProcessNode): vscode.MarkdownString {
	const p = node.process;
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
	if (p.container) md.appendText(`\ncontainer ${containerText(p.container)}`);
	// A delegated subtree lets a user name cgroups: shown as text, control characters visible.
	if (p.unit) md.appendText(`\nunit ${visible(p.unit)}`);
	if (p.cgroup) md.appendText(`\ncgroup ${visible(p.cgroup)}`);
	// VS Code keeps a resolved tooltip until the row is told changed, and a process row is told only
	// when its sockets change: these can be an older refresh's figures. The panel's are live.
	md.appendText(`\nmemory ${p.rssBytes === null ? '?' : bytesText(p.rssBytes)} resident · CPU time ${cpuTimeText(p.cpuSeconds)}`);
	if (p.fdAccess === 'denied') md.appendText('\nIts fds are not readable by this user.');
	return md;
}

/** The tree's icon for a socket: the same choice the panel's page draws (src/shared/icons.ts). */
function socketIcon(s: SocketInfo, mark: Mark): vscode.ThemeIcon {
	const i = sharedSocketIcon(s, mark);
	return new vscode.ThemeIcon(i.name, i.colour ? new vscode.ThemeColor(i.colour) : undefined);
}

/** The processes holding a socket row's socket: its parent row's, else looked up in its host's snapshot. */
function ownersOf(node: SocketNode): ProcessInfo[] {
	if (node.parent.type === 'process') return [node.parent.process];
	const procs = hostNodeOf(node).host.store.snapshot?.processes ?? [];
	return node.socket.owners.flatMap((o) => procs.filter((p) => p.pid === o.pid));
}

/** What a socket row says beyond its socket: the forward of an ssh host's listener, or the one this machine's listener is; its peer's name. */
interface RowExtras {
	/** An ssh host's listener: the local port it is forwarded to. */
	forwardedTo?: number;
	/** This machine's listener that is a forward's local end: `procnet-test 127.0.0.1:8080`. */
	forwardOf?: string;
	peerName?: string;
}

function socketItem(node: SocketNode, names: PortNames, { forwardedTo, forwardOf, peerName }: RowExtras): vscode.TreeItem {
	const s = node.socket;
	const remote = remoteText(s);
	const item = new vscode.TreeItem(`${kindText(s)} ${localText(s)}${remote && remote !== '*' ? ` → ${remote}` : ''}`, vscode.TreeItemCollapsibleState.None);
	item.id = node.id;
	const bits: string[] = [node.mark === 'closed' ? `closed (was ${s.state})` : s.state];
	const name = names.ofSocket(s, () => ownersOf(node));
	if (name) bits.push(name.port === s.localPort ? visible(name.name) : `→ ${visible(name.name)}`);
	if (peerName) bits.push(peerName);
	if (forwardOf) bits.push(`forward of ${forwardOf}`);
	if (forwardedTo !== undefined) bits.push(`forwarded to ${FORWARD_BIND}:${forwardedTo}`);
	if (node.mark === 'new') bits.push('new');
	if (node.mark === 'changed') bits.push('changed');
	if (s.txQueue) bits.push(`send-q ${s.txQueue}`);
	if (s.rxQueue) bits.push(`recv-q ${s.rxQueue}`);
	const timer = timerText(s);
	if (timer) bits.push(timer);
	if (node.parent.type === 'group' && s.owners.length) bits.push(`pid ${[...new Set(s.owners.map((o) => o.pid))].join(',')}`);
	if (!s.owners.length && s.ownerUnknown) bits.push(s.ownerUnknown);
	if (s.suspect) bits.push(`⚠ ${s.suspect}`);
	item.description = bits.join(' · ');
	item.iconPath = socketIcon(s, node.mark);
	// socket.tcp.listen: Open in Browser; socket.tcp.connected: Close Connection; an ssh host's
	// listener (…remote.ssh): Forward Port, and Open in Browser through it; …forwarded: Stop Forwarding.
	const listen = s.state === 'LISTEN' && s.kind === 'tcp';
	item.contextValue = (listen ? 'socket.tcp.listen' : isClosable(s) ? 'socket.tcp.connected' : `socket.${s.kind}`) + node.contextSuffix;
	if (listen && hostNodeOf(node).host.kind === 'ssh') item.contextValue += forwardedTo !== undefined ? '.ssh.forwarded' : '.ssh';
	return item;
}

/** A socket row, on hover: its addresses, inode, fd, owners, and why it has none. */
function socketTooltip(node: SocketNode, names: PortNames, forwardedTo: number | undefined, remoteName: string | null | undefined): string {
	const s = node.socket;
	const remote = remoteText(s);
	const lines = [`${kindText(s)} ${s.state}${node.mark ? ` (${node.mark})` : ''}`, `local  ${localText(s)}`];
	// null: the host's resolver has no name for it (as `ss -r` then prints the address).
	if (remote) lines.push(`remote ${remote}${remoteName ? ` (${remoteName})` : remoteName === null ? ' (no name)' : ''}`);
	const name = names.ofSocket(s, () => ownersOf(node));
	if (name) lines.push(`port ${name.port}: ${visible(name.name)} (${name.from === 'label' ? 'its label in remote.portsAttributes' : '/etc/services'})`);
	lines.push(`inode ${s.inode}${node.fd !== undefined ? ` · fd ${node.fd}` : ''} · uid ${s.uid ?? '?'} · ${s.netns}`);
	if (s.owners.length > 1) lines.push(`shared by ${s.owners.map((o) => `pid ${o.pid} fd ${o.fd}`).join(', ')}`);
	if (s.ownerUnknown) lines.push(`no known owner: ${UNKNOWN_REASON[s.ownerUnknown]}`);
	if (s.suspect) lines.push(`suspect: ${s.suspect} — this record may be text of another socket's name`);
	if (forwardedTo !== undefined) lines.push(`forwarded to this machine: ${FORWARD_BIND}:${forwardedTo} (ssh -L; Stop Forwarding Port ends it)`);
	return lines.join('\n');
}
