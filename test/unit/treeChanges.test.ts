// Which top rows of the tree a refresh tells the workbench about (treeIndex.ts: changesSince,
// adoptRoots). Refreshes are made as the worker source makes them: a socket that did not change
// keeps its object, one that did is a new object with the same id.
import * as assert from 'assert';
import { diffSnapshots } from '../../src/model/diff';
import type { ProcessInfo, Snapshot, SocketInfo } from '../../src/model/snapshot';
import type { HostEntry } from '../../src/views/hosts';
import { adoptRoots, HostView, indexHost, MAX_CHILDREN, type TreeOptions } from '../../src/views/treeIndex';
import { drain } from '../../src/model/drain';
import type { HostNode, ProcessNode } from '../../src/views/treeNodes';
import { PortNames } from '../../src/model/portNames';

function sock(inode: string, pid: number | null, p: Partial<SocketInfo> = {}): SocketInfo {
	return {
		kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: Number(inode), remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN',
		txQueue: 0, rxQueue: 0, uid: 0, inode, path: null, unixType: null, id: `net:[1]/tcp/${inode}`, netns: 'net:[1]',
		owners: pid === null ? [] : [{ pid, fd: Number(inode) }], ownerUnknown: pid === null ? 'inode-0' : null,
		...p,
	};
}
function proc(pid: number, name: string, p: Partial<ProcessInfo> = {}): ProcessInfo {
	return { pid, ppid: 1, name, cmdline: [name], uid: 0, user: 'root', startTime: null, startTicks: pid * 10, netns: 'net:[1]', fdAccess: 'ok', cwd: null, rssBytes: null, cpuSeconds: 0, cgroup: null, unit: null, container: null, ...p };
}
function snapshot(processes: ProcessInfo[], sockets: SocketInfo[]): Snapshot {
	return {
		schemaVersion: 1 as Snapshot['schemaVersion'], host: { hostname: 'h', kernel: '6.1', byteOrder: 'LE' }, source: { kind: 'local', label: 'test' } as unknown as Snapshot['source'],
		takenAt: '', selfPid: null, processes, sockets, warnings: [],
	};
}

const options = (groupBy: TreeOptions['groupBy'] = 'process'): TreeOptions => ({ groupBy, listeningOnly: false, kinds: null, filter: undefined, showUnowned: true, hide: [], portNames: new PortNames(new Map()) });

/** One host's store as the tree reads it, refreshed by hand. */
class Host {
	readonly store: { snapshot: Snapshot | undefined; diff: ReturnType<typeof diffSnapshots> | undefined } = { snapshot: undefined, diff: undefined };
	readonly entry = { kind: 'local', id: 'local', store: this.store } as unknown as HostEntry;
	readonly node: HostNode = { type: 'host', id: 'host', host: this.entry };
	view: HostView = new HostView(this.entry, this.node);

	constructor(private readonly groupBy: TreeOptions['groupBy'] = 'process') {}

	/** Takes in the next snapshot; returns the ids of the top rows it tells as changed (all of them: '*'). */
	refresh(processes: ProcessInfo[], sockets: SocketInfo[]): string[] {
		const next = snapshot(processes, sockets);
		this.store.diff = this.store.snapshot ? diffSnapshots(this.store.snapshot, next) : undefined;
		this.store.snapshot = next;
		const shown = this.view;
		const v = drain(indexHost(this.entry, this.node, options(this.groupBy), undefined, shown));
		assert.ok(v.changes, 'built against a shown view, it has changes');
		adoptRoots(v);
		this.view = v;
		return v.changes.sameRoots ? [...v.changes.dirty].sort() : ['*'];
	}

	row(pid: number): ProcessNode {
		const n = this.view.byPid.get(pid);
		assert.ok(n, `no row for pid ${pid}`);
		return n;
	}
}

describe('tree: which rows a refresh tells', () => {
	const nginx = proc(10, 'nginx');
	const node = proc(20, 'node');
	const a1 = sock('1001', 10);
	const a2 = sock('1002', 10, { state: 'ESTABLISHED', remotePort: 5000 });
	const b1 = sock('2001', 20);
	const tw = sock('3001', null, { state: 'TIME_WAIT', inode: '0', id: 'net:[1]/tcp/tw/3001' });

	it('tells nothing when no socket or process changed, and keeps the row objects', () => {
		const h = new Host();
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1]), ['*'], 'the first snapshot is new rows');
		const before = h.row(20);
		assert.strictEqual(h.view.processes, 2);
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1]), []);
		assert.strictEqual(h.row(20), before);
		assert.strictEqual(h.view.roots.find((r) => r.id === before.id), before);
	});

	it('tells the row of a process that got a socket, then again when its "new" mark goes, and no other row', () => {
		const h = new Host();
		h.refresh([nginx, node], [a1, a2, b1]);
		const nodeRow = h.row(20);
		const b2 = sock('2002', 20, { state: 'ESTABLISHED', remotePort: 6000 });
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1, b2]), [nodeRow.id]);
		// The same object, now with the new socket: the workbench knows the row by that object.
		assert.strictEqual(h.row(20), nodeRow);
		assert.deepStrictEqual(nodeRow.sockets, [b1, b2]);
		assert.strictEqual(h.view.marks.get(b2), 'new');
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1, b2]), [nodeRow.id], 'the mark went: its row changed');
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1, b2]), []);
	});

	it('tells a row whose socket changed in a field the diff does not mark (a timer), and one whose socket closed', () => {
		const h = new Host();
		h.refresh([nginx, node], [a1, a2, b1]);
		const a2t = { ...a2, timer: 'keepalive', timerSeconds: 7.5 } as SocketInfo;
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2t, b1]), [h.row(10).id]);
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, b1]), [h.row(10).id], 'closed (shown red once)');
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, b1]), [h.row(10).id], 'the closed row went');
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, b1]), []);
	});

	it('tells a row whose process facts changed with the same sockets (an exec)', () => {
		const h = new Host();
		h.refresh([nginx, node], [a1, a2, b1]);
		assert.deepStrictEqual(h.refresh([nginx, { ...node, cmdline: ['node', 'other.js'] }], [a1, a2, b1]), [h.row(20).id]);
		assert.match(h.refresh([nginx, { ...node, cmdline: ['node', 'other.js'] }], [a1, a2, b1]).join(), /^$/);
	});

	it('tells the whole host when the top rows are not the same ones in the same order', () => {
		const h = new Host();
		h.refresh([nginx, node], [a1, a2, b1]);
		const ssh = proc(30, 'sshd');
		const c1 = sock('3000', 30, { state: 'ESTABLISHED' });
		assert.deepStrictEqual(h.refresh([nginx, node, ssh], [a1, a2, b1, c1]), ['*'], 'a new process row');
		assert.deepStrictEqual(h.refresh([nginx, node, ssh], [a1, a2, b1, c1]), [h.row(30).id], 'its mark went');
		// nginx's listener closes: listeners come first, so node's row now comes before nginx's.
		assert.deepStrictEqual(h.refresh([nginx, node, ssh], [a2, b1, c1]), ['*']);
		assert.deepStrictEqual(h.view.roots.map((r) => r.id), [h.row(20).id, h.row(10).id, h.row(30).id]);
	});

	it('tells the "without a known owner" row whenever any socket changed (its rows are made from every socket)', () => {
		const h = new Host();
		h.refresh([nginx, node], [a1, a2, b1, tw]);
		const unowned = h.view.roots.find((r) => r.type === 'group')!;
		assert.strictEqual(unowned.id, 'host/unowned');
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1, tw]), []);
		const b2 = sock('2002', 20, { state: 'ESTABLISHED' });
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1, b2, tw]), [unowned.id, h.row(20).id].sort());
		assert.strictEqual(h.view.roots.find((r) => r.id === unowned.id), unowned, 'the same group object');
	});

	it('by port: tells only the port rows whose sockets changed', () => {
		const h = new Host('port');
		h.refresh([nginx, node], [a1, a2, b1]);
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1]), []);
		const b1c = { ...b1, rxQueue: 12 };
		assert.deepStrictEqual(h.refresh([nginx, node], [a1, a2, b1c]), ['host/port:tcp :2001']);
		const g = h.view.roots.find((r) => r.id === 'host/port:tcp :2001')!;
		assert.ok(g.type === 'group');
		// Its rows name the group object the workbench holds as their parent.
		const rows = g.children(g);
		assert.ok(rows.length === 1 && rows[0].type === 'socket' && rows[0].parent === g && rows[0].socket === b1c);
	});
});

describe('tree: grouped by port', () => {
	it('shows listening ports first, then the others by number: MAX_CHILDREN port rows, then one row for the rest', () => {
		const h = new Host('port');
		const p = proc(10, 'load');
		const clients = Array.from({ length: MAX_CHILDREN + 100 }, (_, i) => sock(String(40000 - i), 10, { state: 'ESTABLISHED', remotePort: 60001 }));
		const listener = sock('60001', 10);
		h.refresh([p], [...clients, listener]);
		const labels = h.view.roots.map((r) => (r.type === 'group' ? r.label : r.type));
		assert.strictEqual(labels.length, MAX_CHILDREN + 1);
		assert.strictEqual(labels[0], 'tcp :60001', 'the listener first, though its port is the highest');
		assert.deepStrictEqual(labels.slice(1, 3), ['tcp :39401', 'tcp :39402'], 'then by port number');
		assert.strictEqual(labels[MAX_CHILDREN], '101 more ports');
		assert.strictEqual(h.view.processes, 1, 'the processes holding the shown sockets (the count above the tree)');
		// A client beyond the first rows closes: shown one refresh more (as closed), then gone. Only
		// the row that counts the rest changes.
		assert.deepStrictEqual(h.refresh([p], [...clients.slice(1), listener]), []);
		assert.deepStrictEqual(h.refresh([p], [...clients.slice(1), listener]), ['host/more']);
		assert.strictEqual((h.view.roots[MAX_CHILDREN] as { label: string }).label, '100 more ports');
	});
});

describe('tree: the group of sockets whose owner this user may not read', () => {
	/** The tooltip of the "Not readable by this user" group on a host of this kind. */
	const tooltipOn = (entry: Partial<HostEntry>): string => {
		const store = { snapshot: snapshot([proc(10, 'nginx')], [sock('1001', 10), sock('22', null, { ownerUnknown: 'permission-denied', uid: 0 })]), diff: undefined };
		const e = { id: 'ssh:web-1', name: 'web-1', sudo: false, ...entry, store } as unknown as HostEntry;
		const node: HostNode = { type: 'host', id: 'host', host: e };
		const v = drain(indexHost(e, node, options(), undefined));
		const unowned = v.roots.find((r) => r.type === 'group' && r.contextValue === 'group.unowned');
		assert.ok(unowned && unowned.type === 'group');
		const pd = unowned.children(unowned).find((c) => c.type === 'group' && /^Not readable/.test(c.label));
		assert.ok(pd && pd.type === 'group');
		return String(pd.tooltip);
	};

	it('says how to read an ssh host as root (Read as Root, the entry it writes); not when it is read so', () => {
		assert.match(tooltipOn({ kind: 'ssh' }), /^Its owner may be a process whose fds this user may not read\. To read this host as root: Read as Root \(sudo -n\) on its row, which writes its entry in procnet\.sshHosts as \{ "host": "web-1", "sudo": true \}/);
		assert.strictEqual(tooltipOn({ kind: 'ssh', sudo: true }), 'Its owner may be a process whose fds this user may not read.');
		// A name that is no host (a named entry): the entry's shape, with a placeholder.
		assert.match(tooltipOn({ kind: 'ssh', name: 'web servers' }), /\{ "host": "user@host", "sudo": true \}/);
		assert.strictEqual(tooltipOn({ kind: 'command' }), 'Its owner may be a process whose fds this user may not read.');
	});
});
