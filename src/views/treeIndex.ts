// What the tree shows for one host, computed from its store's snapshot: filtered sockets,
// process rows (listeners first), port / namespace groups, the unowned node, the debug group.
// It is a generator that yields every STEP sockets so that the tree can spread the work of a
// 100k-socket snapshot over several turns of the extension host's event loop (processTree.ts
// drives it); nothing here touches vscode.
import type { DebugTracker } from '../debug/debugTracker';
import { commandLine, localText, portSummaryOf } from '../model/describe';
import { filtersByPeer, matchesFilter, splitByPeer, type Filter } from '../model/filter';
import { groupByPeer, peerOf, statesText } from '../model/peers';
import { MAX_RESOLVE } from '../collect/peerNames';
import type { PortNames } from '../model/portNames';
import { ownerCount, ownerPidAt } from '../model/owners';
import { isListening } from '../model/select';
import { processKey, type ProcessInfo, type SocketInfo } from '../model/snapshot';
import type { SocketKind } from '../procfs/types';
import { parseHostSpec } from '../collect/shellSource';
import type { HostEntry } from './hosts';
import { drain } from '../model/drain';
import type { GroupNode, HostNode, Mark, ProcessNode, TreeNode } from './treeNodes';

export type GroupBy = 'process' | 'port' | 'peer' | 'netns';

export interface TreeOptions {
	groupBy: GroupBy;
	listeningOnly: boolean;
	/** null = every kind */
	kinds: ReadonlySet<SocketKind> | null;
	filter: Filter | undefined;
	showUnowned: boolean;
	/** processes whose command line matches are left out (e.g. VS Code's own server) */
	hide: RegExp[];
	/** Labels and service names of ports, shown beside the numbers. */
	portNames: PortNames;
	/** Name peers by the host's resolver (procnet.resolvePeerNames): the peer rows, a connection's tooltip. */
	resolvePeerNames?: boolean;
}

/** More rows than this under one node are summarised: a tree is no place for 50k rows. */
export const MAX_CHILDREN = 500;

/** Sockets handled between two yields: well under a millisecond of work each. */
const STEP = 1024;

export const UNKNOWN_REASON: Record<string, string> = {
	'inode-0': 'held by the kernel without any fd (TIME_WAIT, SYN_RECV, not yet accepted, orphaned)',
	'permission-denied': 'its owner may be a process whose fds this user may not read',
	'not-found': 'no readable fd holds it (a kernel socket, another pid namespace, or it changed mid-scan)',
};

/**
 * Appended to process and socket contextValues so menus can tell hosts apart: remote rows have
 * no Open in Browser (the port is on another machine), capture rows no Kill.
 */
function contextSuffix(h: HostEntry): string {
	return h.kind === 'local' ? '' : h.kind === 'capture' ? '.capture' : '.remote';
}

/** Which of a host's top rows a refresh changed, against the view shown before it (see changesSince). */
export interface RootChanges {
	/** The same top rows by id, in the same order: else the host's whole subtree is redrawn. */
	sameRoots: boolean;
	/** Ids of the top rows whose item or rows below differ (not looked for when the rows are not the same ones). */
	dirty: Set<string>;
	/** Each top row of the new view and the shown row of the same id and type (see adoptRoots). */
	shownRow: Map<TreeNode, TreeNode>;
}

/** What the tree built for one host at its last refresh. */
export class HostView {
	readonly roots: TreeNode[] = [];
	/**
	 * Per top row: the sockets its item and the rows below it are made from, to tell an unchanged
	 * row (the same socket objects: a worker source keeps the object of a socket that did not
	 * change) from a changed one; null for a row made from more than its sockets (redrawn each refresh).
	 */
	readonly content = new Map<string, SocketInfo[] | null>();
	/** What changed against the view this one was built after; undefined when built without one. */
	changes: RootChanges | undefined;
	/** rowText of each top row, by id: made once, and read again as the shown view's at the next refresh. */
	readonly rowTexts = new Map<string, string>();
	readonly byPid = new Map<number, ProcessNode>();
	/** The sockets shown (filters applied), in snapshot order; held as sockets, not ids (whose texts a full transfer's sockets make when read). */
	visible: SocketInfo[] = [];
	shownSockets = 0;
	/** Processes that hold a shown socket (the rows grouped by process; counted when grouped otherwise). */
	processes = 0;
	permissionDenied = 0;
	/**
	 * New, changed and closed sockets, by the socket objects the tree's lists hold (not by id: a
	 * full or big transfer's socket makes its id's text at each read, and 100k new sockets would
	 * be 100k texts held here).
	 */
	readonly marks = new Map<SocketInfo, Mark>();
	/**
	 * Names on, grouped by peer: the peers shown whose names the host's resolver has not given yet.
	 * Filtered by `peer:`: those of the sockets the rest of the filter lets through, the peers
	 * holding the most first (at most MAX_RESOLVE): the term matches them once they are named.
	 */
	unnamedPeers: string[] = [];

	constructor(readonly entry: HostEntry, readonly node: HostNode) {}

	/** Lists sorted for display, made when a row is first expanded (not for every list at every refresh). */
	private readonly sorted = new WeakMap<SocketInfo[], SocketInfo[]>();

	/** The socket rows under a process or group (the first MAX_CHILDREN in socket order, then an "N more" row). */
	socketNodes(parent: ProcessNode | GroupNode, list: SocketInfo[]): TreeNode[] {
		const pid = parent.type === 'process' ? parent.process.pid : undefined;
		const suffix = contextSuffix(this.entry);
		let ordered = this.sorted.get(list);
		if (!ordered) this.sorted.set(list, (ordered = sortSockets(list)));
		const nodes: TreeNode[] = ordered.slice(0, MAX_CHILDREN).map((s) => ({
			type: 'socket',
			id: `${parent.id}/${s.id}`,
			socket: s,
			parent,
			fd: pid === undefined ? undefined : s.owners.find((x) => x.pid === pid)?.fd,
			mark: this.marks.get(s),
			contextSuffix: suffix,
		}));
		if (list.length > MAX_CHILDREN) nodes.push(more(parent, list.length - MAX_CHILDREN));
		return nodes;
	}
}

/**
 * Builds the HostView of `entry`'s current snapshot, yielding every STEP sockets. Given the view
 * shown now (`current`), it also works out which top rows differ from it (HostView.changes), so
 * the tree can tell the workbench about those rows only.
 */
export function* indexHost(entry: HostEntry, host: HostNode, o: TreeOptions, debug: DebugTracker | undefined, current?: HostView): Generator<void, HostView> {
	const v = new HostView(entry, host);
	const snap = entry.store.snapshot;
	if (!snap) return v;
	const suffix = contextSuffix(entry);
	const procs = new Map<number, ProcessInfo>(snap.processes.map((p) => [p.pid, p]));
	const hidden = new Set<number>();
	if (o.hide.length) for (const p of snap.processes) if (o.hide.some((re) => re.test(p.cmdline.join(' ')))) hidden.add(p.pid);
	const diff = entry.store.diff;
	const marks = v.marks;
	let n = 0;
	// Indexed loops throughout: a for…of inside a generator makes an iterator result per element
	// (V8 does not elide it there): ~40 bytes and ~0.14 µs each, ~4 MB and 14 ms per pass over
	// 101k sockets, against 6 KB and 0.4 ms (Node 24, a plain measure); the passes here made most
	// of the garbage of a refresh at 100k, which fed the extension host's GCs.
	const added = diff?.newSockets ?? [];
	for (let i = 0; i < added.length; i++) {
		marks.set(added[i], 'new');
		if (++n % STEP === 0) yield;
	}
	const changed = diff?.changedSockets ?? [];
	for (let i = 0; i < changed.length; i++) marks.set(changed[i].after, 'changed');
	const newProcs = new Set((diff?.newProcesses ?? []).map(processKey));

	// Each socket's owners are read once per pass: a full transfer's sockets build the list at each
	// read (socketColumns.ts), and these passes run over every socket.
	const ownersOf = (owners: SocketInfo['owners']) => owners.map((x) => procs.get(x.pid)).filter((p): p is ProcessInfo => !!p);
	// A `peer:` term matches names too: the sockets the rest of the filter lets through count
	// their unnamed peers, for the host's resolver to be asked (processTree.ts) and this index made again.
	const resolver = o.resolvePeerNames ? entry.peerNames() : undefined;
	const nameOf = resolver && ((peer: string) => resolver.get(peer));
	let unnamed: Map<string, number> | undefined = resolver && filtersByPeer(o.filter) ? new Map() : undefined;
	// The filter as its two halves: the peer terms are matched only on what the rest let through.
	const halves = unnamed && o.filter ? splitByPeer(o.filter) : undefined;
	const shown = (s: SocketInfo): boolean => {
		if (o.kinds && !o.kinds.has(s.kind)) return false;
		if (o.listeningOnly && !isListening(s)) return false;
		if (!hidden.size && !o.filter) return true;
		const owners = s.owners;
		if (owners.length && owners.every((x) => hidden.has(x.pid))) return false;
		if (!o.filter) return true;
		if (!unnamed || !halves) return matchesFilter(o.filter, s, ownersOf(owners), nameOf);
		const procsOf = ownersOf(owners);
		if (!matchesFilter(halves.rest, s, procsOf)) return false;
		const peer = peerOf(s);
		if (peer !== undefined && resolver!.get(peer) === undefined) unnamed.set(peer, (unnamed.get(peer) ?? 0) + 1);
		return matchesFilter(halves.byPeer, s, procsOf, nameOf);
	};
	// Sized up front and cut to length after: grown by push, the list's copies were 1.7 MiB of
	// a refresh's garbage at 100k.
	const sockets: SocketInfo[] = new Array(snap.sockets.length);
	let kept = 0;
	for (let i = 0; i < snap.sockets.length; i++) {
		const s = snap.sockets[i];
		if (s.ownerUnknown === 'permission-denied') v.permissionDenied++;
		if (shown(s)) sockets[kept++] = s;
		if (++n % STEP === 0) yield;
	}
	sockets.length = kept;
	const closed = (diff?.closedSockets ?? []).filter(shown);
	for (let i = 0; i < closed.length; i++) marks.set(closed[i], 'closed');
	v.shownSockets = sockets.length;
	v.visible = sockets;
	if (unnamed?.size) v.unnamedPeers = [...unnamed].sort((a, b) => b[1] - a[1]).slice(0, MAX_RESOLVE).map(([peer]) => peer);
	// The row closures below share this scope: the counts are not kept with the view.
	unnamed = undefined;
	yield;

	// The sizes of the process lists of the view shown now, as numbers: no closure of this scope
	// may refer to that view. The rows' `children` closures share this scope and live as long as
	// the new view, so each view would hold the one before it, and so every view ever made (the
	// soak test's live heap went from 208 to 640 MiB in 2 minutes when one did).
	const sizeHint = new Map<number, number>();
	if (current) for (const [pid, node] of current.byPid) sizeHint.set(pid, node.sockets.length);
	// Nothing closed: the same list (no part of the index changes a list it is given).
	const all = closed.length ? sockets.concat(closed) : sockets;
	function* processNodes(parent: HostNode | GroupNode, list: SocketInfo[]): Generator<void, ProcessNode[]> {
		const held = new Map<number, SocketInfo[]>();
		/**
		 * How many of each list are filled: a list starts at the size its process had in the view
		 * shown now (its sockets rarely change from one refresh to the next) and is cut to length
		 * after. Grown by push, the lists' copies were 3 MiB of a refresh's garbage at 100k.
		 */
		const filled = new Map<number, number>();
		// Processes with a listener that is not closed: listed first.
		const listening = new Set<number>();
		const add = (pid: number, s: SocketInfo) => {
			if (hidden.has(pid) || !procs.has(pid)) return;
			let l = held.get(pid);
			if (!l) held.set(pid, (l = new Array<SocketInfo>(sizeHint.get(pid) ?? 0)));
			const k = filled.get(pid) ?? 0;
			if (k < l.length) l[k] = s;
			else l.push(s);
			filled.set(pid, k + 1);
			if (s.state === 'LISTEN' && marks.get(s) !== 'closed') listening.add(pid);
		};
		for (let i = 0; i < list.length; i++) {
			const s = list[i];
			// Read without the owners list (model/owners.ts): this runs over every socket.
			const k = ownerCount(s);
			if (k === 1) add(ownerPidAt(s, 0), s);
			else if (k > 1) for (const pid of new Set(s.owners.map((x) => x.pid))) add(pid, s);
			if (++n % STEP === 0) yield;
		}
		const nodes: Array<{ node: ProcessNode; listens: number }> = [];
		for (const [pid, ss] of held) {
			ss.length = filled.get(pid)!;
			const p = procs.get(pid)!;
			const summary = yield* portSummaryOf(ss, STEP);
			const node: ProcessNode = { type: 'process', id: `${parent.id}/proc:${processKey(p)}`, process: p, sockets: ss, summary, mark: newProcs.has(processKey(p)) ? 'new' : undefined, parent, contextSuffix: suffix };
			nodes.push({ node, listens: listening.has(pid) ? 0 : 1 });
			if (!v.byPid.has(pid)) v.byPid.set(pid, node);
			// Many small processes: a yield each time STEP more sockets were summed up.
			n += ss.length;
			if (ss.length < STEP && n % STEP < ss.length) yield;
		}
		nodes.sort((a, b) => a.listens - b.listens || a.node.process.name.localeCompare(b.node.process.name) || a.node.process.pid - b.node.process.pid);
		return nodes.map((x) => x.node);
	}
	/** processNodes run to the end at once: for lists built when a row is expanded (small: one namespace, one session). */
	const processNodesNow = (parent: HostNode | GroupNode, list: SocketInfo[]): ProcessNode[] => drain(processNodes(parent, list));
	/** The sockets of `list` without an owner, yielding every STEP (a pass over every socket, like the others here). */
	function* unownedOf(list: SocketInfo[]): Generator<void, SocketInfo[]> {
		const out: SocketInfo[] = [];
		if (!o.showUnowned) return out;
		for (let i = 0; i < list.length; i++) {
			const s = list[i];
			if (ownerCount(s) === 0) out.push(s);
			if (++n % STEP === 0) yield;
		}
		return out;
	}
	const unownedNodes = (parent: HostNode | GroupNode, unowned: SocketInfo[]): TreeNode[] => {
		if (!unowned.length) return [];
		const g: GroupNode = {
			type: 'group', id: `${parent.id}/unowned`, label: 'Sockets without a known owner', description: String(unowned.length), icon: 'question',
			tooltip: 'Sockets no readable process holds, grouped by why. procnet never guesses an owner from a port number.',
			contextValue: 'group.unowned', parent, children: (self) => unownedChildren(self, unowned, sockets, procs, v),
		};
		return [g];
	};

	if (o.groupBy !== 'process') {
		// The count above the tree; grouped by process, it is the process rows.
		const pids = new Set<number>();
		for (let i = 0; i < sockets.length; i++) {
			const s = sockets[i];
			for (let k = ownerCount(s) - 1; k >= 0; k--) {
				const pid = ownerPidAt(s, k);
				if (procs.has(pid) && !hidden.has(pid)) pids.add(pid);
			}
			if (++n % STEP === 0) yield;
		}
		v.processes = pids.size;
	}
	if (o.groupBy === 'process') {
		for (const p of yield* processNodes(host, all)) {
			v.roots.push(p);
			v.content.set(p.id, p.sockets);
		}
		v.processes = v.byPid.size;
	} else if (o.groupBy === 'port') {
		const byPort = new Map<string, SocketInfo[]>();
		for (let i = 0; i < all.length; i++) {
			const s = all[i];
			const key = s.kind === 'unix' ? `unix ${s.path ?? '(unnamed)'}` : s.localPort !== null ? `${s.kind} :${s.localPort}` : `${s.kind}`;
			const l = byPort.get(key);
			if (l) l.push(s);
			else byPort.set(key, [s]);
			if (++n % STEP === 0) yield;
		}
		// Listening ports first (what someone grouping by port looks for), then by number. Each of
		// 50k client connections has its own local port: the tree shows the first MAX_CHILDREN, then
		// one row for the rest. Ranked once per port (not a regex per comparison: 50k ports).
		const ranked = [...byPort].map(([key, list]) => ({ key, r: (list.some((s) => s.state === 'LISTEN') ? 0 : 2e9) + portOf(key) }));
		ranked.sort((a, b) => a.r - b.r || cmp(a.key, b.key));
		const keys = ranked.slice(0, MAX_CHILDREN).map((x) => x.key);
		yield;
		for (const key of keys) {
			const list = byPort.get(key)!;
			const summary = yield* portSummaryOf(list, STEP);
			const first = list[0];
			// The owners' command lines only if a pattern label asks (a port row can hold 50k connections).
			const cmds = () => [...new Set(list.flatMap((s) => s.owners.map((w) => w.pid)))].slice(0, 20).flatMap((pid) => (procs.has(pid) ? [commandLine(procs.get(pid)!)] : []));
			const name = first.localPort ? o.portNames.name(first.kind, first.localPort, cmds)?.name : undefined;
			const description = name ? `${name} · ${summary}` : summary;
			const g: GroupNode = {
				type: 'group', id: `${host.id}/port:${key}`, label: key, description, icon: list.some((s) => s.state === 'LISTEN') ? 'radio-tower' : 'symbol-numeric',
				contextValue: 'group.port', parent: host, children: (self) => v.socketNodes(self, list),
			};
			v.roots.push(g);
			v.content.set(g.id, list);
			n += list.length;
			if (n % STEP < list.length) yield;
		}
		if (ranked.length > keys.length) {
			const rest = more(host, ranked.length - keys.length, 'ports');
			v.roots.push(rest);
			v.content.set(rest.id, []);
		}
	} else if (o.groupBy === 'peer') {
		const { peers, none } = yield* groupByPeer(all, STEP);
		const names = (pids: number[]) => {
			const known = pids.flatMap((pid) => (procs.has(pid) && !hidden.has(pid) ? [`${procs.get(pid)!.name} (${pid})`] : []));
			return known.slice(0, 3).join(', ') + (known.length > 3 ? ` +${known.length - 3}` : '');
		};
		// Names known now (the host's resolver is asked for the rest once this index lands: processTree.ts).
		const shownPeers = peers.slice(0, MAX_CHILDREN);
		if (resolver) v.unnamedPeers = [...new Set([...v.unnamedPeers, ...shownPeers.filter((g) => resolver.get(g.peer) === undefined).map((g) => g.peer)])];
		for (const g of shownPeers) {
			const conns = `${g.sockets.length} ${g.sockets.length === 1 ? 'socket' : 'sockets'}`;
			const owners = names(g.pids);
			const name = resolver?.get(g.peer) ?? undefined;
			const node: GroupNode = {
				type: 'group', id: `${host.id}/peer:${g.peer}`, label: g.peer,
				description: [name ?? '', g.loopback ? 'loopback' : '', conns, owners].filter(Boolean).join(' · '),
				icon: g.loopback ? 'vm' : 'globe',
				tooltip: `${g.peer}${name ? ` (${name})` : ''}${g.loopback ? ' (this machine)' : ''}: ${conns} connected to it (${statesText(g, 6)})${owners ? `, held by ${owners}` : ''}.`,
				contextValue: 'group.peer', parent: host, children: (self) => v.socketNodes(self, g.sockets),
			};
			v.roots.push(node);
			v.content.set(node.id, g.sockets);
			n += g.sockets.length;
			if (n % STEP < g.sockets.length) yield;
		}
		if (peers.length > MAX_CHILDREN) {
			const rest = more(host, peers.length - MAX_CHILDREN, 'peers');
			v.roots.push(rest);
			v.content.set(rest.id, []);
		}
		if (none.length) {
			const node: GroupNode = {
				type: 'group', id: `${host.id}/peer:none`, label: 'No peer', description: `listening, bound, unix… · ${none.length}`, icon: 'circle-outline',
				tooltip: 'Sockets not connected to a remote address: listeners, bound datagram sockets, unix, packet and netlink sockets.',
				contextValue: 'group.peer', parent: host, children: (self) => v.socketNodes(self, none),
			};
			v.roots.push(node);
			v.content.set(node.id, none);
		}
	} else {
		const byNs = new Map<string, SocketInfo[]>();
		for (let i = 0; i < all.length; i++) {
			const s = all[i];
			const l = byNs.get(s.netns);
			if (l) l.push(s);
			else byNs.set(s.netns, [s]);
			if (++n % STEP === 0) yield;
		}
		for (const [ns, list] of byNs) {
			const pids = new Set(snap.processes.filter((p) => p.netns === ns).map((p) => p.pid));
			const g: GroupNode = {
				type: 'group', id: `${host.id}/netns:${ns}`, label: ns, description: `${pids.size} processes · ${list.length} sockets`, icon: 'type-hierarchy',
				contextValue: 'group.netns', parent: host, children: (self) => [...processNodesNow(self, list), ...unownedNodes(self, drain(unownedOf(list)))],
			};
			v.roots.push(g);
			// Its process rows are made when it is expanded, and their facts (command line...) are not in `list`.
			v.content.set(g.id, null);
		}
	}
	if (o.groupBy !== 'netns') {
		// Its rows place connections under the listener they came from: made from every socket.
		for (const g of unownedNodes(host, yield* unownedOf(all))) {
			v.roots.push(g);
			v.content.set(g.id, all);
		}
	}
	if (entry.kind === 'local' && debug?.active) {
		const sessions = debug.expand(snap.processes);
		const group: GroupNode = {
			type: 'group', id: `${host.id}/debug:sessions`, label: 'Debugged processes', description: String(sessions.length), icon: 'debug-alt',
			tooltip: 'Processes of the running debug sessions and their children, with their sockets.', contextValue: 'group.debug', parent: host,
			children: (self) =>
				sessions.map(({ session, pids }) => {
					const own = all.filter((s) => s.owners.some((x) => pids.has(x.pid)));
					const g: GroupNode = {
						type: 'group', id: `${host.id}/debug:session:${session.id}`, label: session.name, description: `pid ${[...session.pids].join(', ')}`, icon: 'debug',
						tooltip: `Debug session ${session.name}: pid ${[...session.pids].join(', ')} and its descendants`, contextValue: 'group.debugSession', parent: self,
						children: (me) => processNodesNow(me, own).filter((p) => pids.has(p.process.pid)),
					};
					return g;
				}),
		};
		v.roots.unshift(group);
		// Its sessions come and go without a socket changing.
		v.content.set(group.id, null);
	}
	if (current) v.changes = yield* changesSince(current, v);
	return v;
}

/**
 * Which top rows of `next` differ from those of `shown` (the view the workbench shows): its
 * item's texts, or the sockets below it (another object, or one marked new / changed / closed
 * in either view, as a mark shows for one refresh). Yields every STEP sockets compared.
 */
export function* changesSince(shown: HostView, next: HostView): Generator<void, RootChanges> {
	const dirty = new Set<string>();
	const shownRow = new Map<TreeNode, TreeNode>();
	const sameRoots = shown.roots.length === next.roots.length && shown.roots.every((r, i) => r.id === next.roots[i].id);
	const before = new Map(shown.roots.map((r) => [r.id, r]));
	const marked = (s: SocketInfo) => next.marks.has(s) || shown.marks.has(s);
	const anyMarks = next.marks.size > 0 || shown.marks.size > 0;
	let n = 0;
	for (const r of next.roots) {
		const text = rowText(r);
		next.rowTexts.set(r.id, text);
		const b = before.get(r.id);
		if (!b || b.type !== r.type) continue;
		shownRow.set(r, b);
		// Rows not the same ones: the host's whole subtree is told, so which rows differ is moot.
		if (!sameRoots) continue;
		const list = next.content.get(r.id);
		const was = shown.content.get(r.id);
		if ((shown.rowTexts.get(r.id) ?? rowText(b)) !== text || !list || !was || list.length !== was.length) {
			dirty.add(r.id);
			continue;
		}
		for (let i = 0; i < list.length; i++) {
			const s = list[i];
			if (s !== was[i] || (anyMarks && marked(s))) {
				dirty.add(r.id);
				break;
			}
			if (++n % STEP === 0) yield;
		}
	}
	return { sameRoots, dirty, shownRow };
}

/** Everything a top row's own item and tooltip are made of but its sockets, as one text. */
export function rowText(r: TreeNode): string {
	switch (r.type) {
		case 'process': {
			const p = r.process;
			return JSON.stringify([p.name, p.pid, p.cmdline, p.user, p.uid, p.ppid, p.startTime, p.netns, p.cwd, p.fdAccess, r.summary, r.mark, r.contextSuffix]);
		}
		case 'group':
			return JSON.stringify([r.label, r.description, r.tooltip, r.icon, r.contextValue]);
		default:
			return JSON.stringify(r);
	}
}

/**
 * Carries the fields of `next`'s top rows over to the objects of the shown rows with the same id
 * (changesSince found them), and puts those objects in `next`: the workbench knows a row by the
 * object it was given, and a change can be reported for (or a row revealed by) that object only.
 * Call it only when `next` takes over from the view it was compared with: rows of a view that is
 * dropped must not change what is shown.
 */
export function adoptRoots(next: HostView): void {
	const shownRow = next.changes?.shownRow;
	if (!shownRow?.size) return;
	next.roots.forEach((r, i) => {
		const b = shownRow.get(r);
		if (!b || b === r) return;
		for (const k of Object.keys(b)) if (!(k in r)) delete (b as unknown as Record<string, unknown>)[k];
		Object.assign(b, r);
		next.roots[i] = b;
	});
	for (const [pid, p] of next.byPid) {
		const b = shownRow.get(p);
		if (b) next.byPid.set(pid, b as ProcessNode);
	}
}

const isHostSpec = (name: string): boolean => {
	try {
		parseHostSpec(name);
		return true;
	} catch {
		return false;
	}
};

/** How to read `h` with the rights that other users' fds need, as sudo ss -p is run; '' when it has them. */
function elevateHint(h: HostEntry): string {
	if (h.kind === 'ssh' && !h.sudo) return ` To read this host as root: Read as Root (sudo -n) on its row, which writes its entry in procnet.sshHosts as { "host": ${JSON.stringify(isHostSpec(h.name) ? h.name : 'user@host')}, "sudo": true }: procnet then runs sudo -n sh there, which must not ask for a password.`;
	if (h.kind === 'local' && process.getuid?.() !== 0) return ' To read this machine as root: Read This Machine as Root (sudo -n) on its row, which adds { "name": "this machine (sudo)", "command": ["sudo", "-n", "sh"] } to procnet.sshHosts (sudo must not ask for a password); or run VS Code\'s server as root.';
	return '';
}

/** inode-0 sockets under the listener they belong to; the rest by reason (and uid). */
function unownedChildren(parent: GroupNode, unowned: SocketInfo[], all: SocketInfo[], procs: Map<number, ProcessInfo>, v: HostView): TreeNode[] {
	const listeners = new Map<string, SocketInfo>();
	for (const s of all) if (s.state === 'LISTEN' && s.localPort !== null) listeners.set(`${s.netns}|${s.kind}|${s.localAddress}|${s.localPort}`, s);
	const listenerOf = (s: SocketInfo) =>
		s.localPort === null
			? undefined
			: listeners.get(`${s.netns}|${s.kind}|${s.localAddress}|${s.localPort}`) ??
				listeners.get(`${s.netns}|${s.kind}|${s.ipVersion === 6 ? '::' : '0.0.0.0'}|${s.localPort}`) ??
				listeners.get(`${s.netns}|${s.kind}|::|${s.localPort}`);
	const groups = new Map<string, { label: string; description: string; icon: string; tooltip: string; list: SocketInfo[] }>();
	// Made once for the pass, not per socket: it is the same for every unreadable one of the host.
	const unreadable = `I${UNKNOWN_REASON['permission-denied'].slice(1)}.${elevateHint(v.entry)}`;
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
			add(`pd:${uid}`, `Not readable by this user${s.uid !== null ? ` (socket uid ${uid})` : ''}`, '', 'lock', unreadable, s);
		} else {
			add('nf', 'No process holds them', '', 'circle-slash', UNKNOWN_REASON['not-found'], s);
		}
	}
	return [...groups].map(([key, g]) => {
		const node: GroupNode = {
			type: 'group', id: `${parent.id}/${key}`, label: g.label, description: [g.description, String(g.list.length)].filter(Boolean).join(' · '),
			icon: g.icon, tooltip: g.tooltip, contextValue: 'group.reason', parent, children: (self) => v.socketNodes(self, g.list),
		};
		return node;
	});
}

function more(parent: HostNode | ProcessNode | GroupNode, n: number, what: 'sockets' | 'ports' | 'peers' = 'sockets'): GroupNode {
	const [description, tooltip] = what === 'ports'
		? ['filter to narrow them', `The tree shows ${MAX_CHILDREN} ports, listening ones first. A filter (port:8000-8100, state:listen) narrows the tree.`]
		: what === 'peers'
			? ['filter to narrow them', `The tree shows the ${MAX_CHILDREN} peers holding the most sockets. A filter (addr:10.0.0.0/8) narrows the tree.`]
			: ['filter, or open the details panel', 'The tree shows the first sockets only. The details panel lists them all; a filter narrows the tree.'];
	return { type: 'group', id: `${parent.id}/more`, label: `${n} more ${what}`, description, icon: 'ellipsis', tooltip, contextValue: 'group.more', parent, children: () => [] };
}

function portOf(key: string): number {
	const m = /:(\d+)$/.exec(key);
	return m ? Number(m[1]) : 1e9;
}

/** Code-unit order: localeCompare costs ~1 µs a call. */
function cmp(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

const KIND_RANK = new Map(['icmp', 'netlink', 'packet', 'raw', 'sctp', 'tcp', 'udp', 'udplite', 'unix'].map((k, i) => [k, i]));

/** Listeners first, then by kind and local port, as one number (ports < 1e5, kinds < 100). */
function sortKey(s: SocketInfo): number {
	return (s.state === 'LISTEN' ? 0 : 1e7) + (KIND_RANK.get(s.kind) ?? 99) * 1e5 + (s.localPort ?? 0);
}

/** Listeners first, then by kind and local port, then id. */
export function socketOrder(a: SocketInfo, b: SocketInfo): number {
	return sortKey(a) - sortKey(b) || cmp(a.id, b.id);
}

/**
 * A sorted copy in socketOrder, keyed once per socket: sorting a 17k-socket process with the
 * comparator alone took ~170 ms of the extension host on a busy machine (CPU profile at 100k).
 */
export function sortSockets(list: readonly SocketInfo[]): SocketInfo[] {
	// The id too is read once: a full transfer's socket makes its id's text at each read, and a
	// process's accepted connections all tie on the key.
	const keyed = list.map((s) => ({ k: sortKey(s), id: s.id, s }));
	keyed.sort((a, b) => a.k - b.k || cmp(a.id, b.id));
	return keyed.map((x) => x.s);
}
