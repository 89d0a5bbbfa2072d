// The detail panel: one webview that shows a process (its sockets, ancestry, state counts and
// a connection chart) or a single socket (every decoded field and its raw /proc line). It
// follows the store, so it updates with the tree; it re-posts its last message when shown
// again and is restored after a window reload through the serializer.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import { peerNameOf, peerOf, peerOfText, peersOf } from '../model/peers';
import type { PeerNameCache } from '../collect/peerNames';
import { findRawLine } from '../collect/rawLine';
import { readTcpInfo, readTcpInfoMany } from '../collect/tcpInfo';
import { MAX_CONNECTIONS, processTraffic, TOO_MANY_PORTS, trafficSockets, trafficTarget, type ProcessTraffic, type TcpInfoManyResult, type TrafficSample } from '../model/traffic';
import { PortNames } from '../model/portNames';
import { ssInfoArgv, tcpInfoTarget, tcpThroughput, type TcpInfoResult, type TcpSample } from '../model/ssTcpInfo';
import { hasId } from '../collect/socketIndex';
import type { SnapshotDiff } from '../model/diff';
import { isClosable, ownedBy } from '../model/select';
import { processKey, type Snapshot, type SocketInfo } from '../model/snapshot';
import { StateTally } from '../model/stateTally';
import { isPackable, listOf, pack, PACK_SLICE } from '../shared/packedMessage';
import { samePageSocket, SOCKET_ROWS, type PageSocket } from '../shared/pageSocket';
import { checkQuery, DEFAULT_QUERY, PAGE, windowOf, type PageQuery, type PageWindow } from '../shared/pageWindow';
import { assertNever, type FromWebview, type HistoryPoint, type PanelTarget, type SocketDetail, type ToWebview } from '../shared/protocol';
import { closeConnectionOf } from './actions';
import type { HostEntry, HostRegistry } from './hosts';
import { drain } from '../model/drain';
import { nextTurn, runInTurns, SYNC_SOCKETS } from './turns';

const VIEW_TYPE = 'procnet.detail';
const HISTORY_MS = 10 * 60 * 1000;
const LAST_TARGET = 'procnet.detail.lastTarget';

export class DetailPanel implements vscode.Disposable {
	private panel: vscode.WebviewPanel | undefined;
	private target: PanelTarget | undefined;
	/** The table's sort, filter and length, as the page last asked (pageWindow.ts). */
	private query: PageQuery = DEFAULT_QUERY;
	private lastMessage: ToWebview | undefined;
	/** Whether the attached page has said 'ready' (see post). */
	private pageReady = false;
	/** The posts in flight, in order (see post). */
	private sending: Promise<void> = Promise.resolve();
	/** Packed messages made so far: each one's id (packedMessage.ts). */
	private packs = 0;
	private readonly disposables: vscode.Disposable[] = [];
	private panelDisposables: vscode.Disposable[] = [];
	/** Connection counts per process (host id | pid@start), sampled at every refresh of its host while procnet runs. */
	private readonly history = new Map<string, HistoryPoint[]>();

	/**
	 * @param memento keeps the last target shown, for a restored panel whose page state did not
	 * survive the reload (the page saves its state only once it has rendered a message).
	 */
	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly hosts: HostRegistry,
		private readonly onShowProcess: (hostId: string | undefined, pid: number) => void,
		private readonly memento?: vscode.Memento,
		/** The tree's port labels and service names, and whether peers are named, as they are now. */
		private readonly names: () => { portNames: PortNames; resolvePeerNames?: boolean } = () => ({ portNames: new PortNames(new Map()) }),
	) {
		this.disposables.push(
			hosts.onDidChangeStore((h) => {
				this.sample(h);
				if (this.host() === h) this.update();
			}),
			// The shown host was removed or its capture closed: say so rather than show stale rows.
			hosts.onDidChangeHosts(() => {
				for (const h of this.tallies.keys()) if (!this.hosts.all().includes(h)) this.tallies.delete(h);
				this.update();
			}),
			vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
				deserializeWebviewPanel: async (panel, state: unknown) => {
					const t = (state as { target?: PanelTarget } | undefined)?.target ?? this.memento?.get<PanelTarget>(LAST_TARGET);
					// Nothing was ever shown in this workspace: nothing to restore.
					if (!t) return panel.dispose();
					this.attach(panel);
					this.target = t;
					// Restored visible: the refresh timer runs for it as for a panel opened by hand.
					this.onDidChangeVisibility();
					const store = this.host()?.store;
					if (store && !store.snapshot) await store.refresh();
					this.update();
				},
			}),
		);
	}

	/** Called when the panel is shown, hidden or closed (the refresh timer runs only while someone looks). */
	onDidChangeVisibility: () => void = () => undefined;

	get visible(): boolean {
		return this.panel?.visible ?? false;
	}

	/** The message last posted to the page (tests read it). */
	get current(): ToWebview | undefined {
		return this.lastMessage;
	}

	/** The traffic message last posted to the page (tests read it). */
	get traffic(): Extract<ToWebview, { type: 'traffic' }> | undefined {
		return this.lastTraffic;
	}

	private lastTraffic: Extract<ToWebview, { type: 'traffic' }> | undefined;

	/** Whether the attached page has said it is ready, so that what is handed to it is posted (the bench waits on it). */
	get pageIsReady(): boolean {
		return !!this.panel && this.pageReady;
	}

	/**
	 * Resolves once what was handed to the page is posted, with what was handed to it meanwhile
	 * (tests wait on it, then read `current`). A refresh can hand the page a newer message while
	 * the chain runs; waiting for the chain as it was when asked let a test read that message with
	 * its ss answer not yet in (CI, twenty-fifth session: a socket page's `tcp` undefined).
	 */
	async settled(): Promise<void> {
		for (let p = this.sending; ; p = this.sending) {
			await p;
			if (p === this.sending) return;
		}
	}

	show(target: PanelTarget): void {
		// Another process starts again at one page; the sort and filter stay, as they do in the page.
		if (JSON.stringify(target) !== JSON.stringify(this.target)) this.query = { ...this.query, shown: PAGE };
		this.target = target;
		void this.memento?.update(LAST_TARGET, target);
		if (this.panel) this.panel.reveal(undefined, true);
		else {
			const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Procnet', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, this.options());
			this.attach(panel);
		}
		// The page is made from the next turn: in this one the workbench is still taking the new
		// panel, and a share of the page's work here made show() hold the thread 15-20 ms at 100k.
		this.update(undefined, 'next');
		this.onDidChangeVisibility();
	}

	/** The page may load dist/webview/ (its script, the codicon font and stylesheet) and media/ (panel.css), nothing else. */
	private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
		return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')] };
	}

	private attach(panel: vscode.WebviewPanel): void {
		// A panel restored by the serializer into this same extension host (a window reload need
		// not restart it) replaces one whose page is gone: its new page has shown nothing yet, so
		// the next post must be whole, never a processTick.
		for (const d of this.panelDisposables) d.dispose();
		this.panelDisposables = [];
		this.lastMessage = undefined;
		this.pageReady = false;
		this.panel = panel;
		panel.webview.options = this.options();
		panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'procnet.svg');
		panel.webview.html = this.html(panel.webview);
		this.panelDisposables = [
			panel.onDidDispose(() => {
				this.panel = undefined;
				// Nothing to answer queries for: the rows (and their snapshot) go.
				this.gathered = undefined;
				this.onDidChangeVisibility();
				for (const d of this.panelDisposables) d.dispose();
				this.panelDisposables = [];
			}),
			// Hidden, the panel loses its page (no retainContextWhenHidden): nothing can reach it until
			// the page it gets when shown again says 'ready', which brings the whole page. A change that
			// keeps it visible (focus, another editor group) keeps the page: posting the page again then
			// resent every socket of it (17k at 100k) on each click elsewhere.
			panel.onDidChangeViewState(() => {
				this.onDidChangeVisibility();
				if (!panel.visible) this.pageReady = false;
			}),
			panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m)),
		];
	}

	/** The host of the shown target (undefined once that host was removed). */
	private host(): HostEntry | undefined {
		return this.hosts.get(this.target?.hostId);
	}

	private onMessage(m: FromWebview): void {
		switch (m.type) {
			case 'ready': {
				// The page's first message, or its answer to a delta it could not apply: the whole page.
				this.pageReady = true;
				this.namesPosted = undefined;
				const h = this.host();
				if (this.lastMessage) this.post(this.lastMessage);
				if (this.lastMessage && h) this.namePeers(h, this.lastMessage);
				return;
			}
			case 'query':
				// From the page, so checked; answered with the window it asks for.
				this.query = checkQuery(m.query);
				this.update();
				return;
			case 'showProcess': {
				// Always the host the panel shows: a pid means nothing without its host.
				const hostId = this.target?.hostId;
				const p = this.host()?.store.snapshot?.processes.find((x) => x.pid === m.pid);
				if (p) this.show({ kind: 'process', pid: p.pid, startTicks: p.startTicks, hostId });
				this.onShowProcess(hostId, m.pid);
				return;
			}
			case 'showSocket':
				this.show({ kind: 'socket', id: m.id, hostId: this.target?.hostId });
				return;
			case 'copy':
				void vscode.env.clipboard.writeText(m.text);
				return;
			case 'closeConnection': {
				// Found again in the host's current snapshot: the page only names the socket.
				const h = this.host();
				const socket = h?.store.snapshot?.sockets.find(hasId(m.id));
				if (h && socket) void closeConnectionOf(h, socket); // it reports its own outcome
				return;
			}
			default:
				assertNever(m);
		}
	}

	/** Per-process socket counts of each live host, kept from the diffs (see StateTally). */
	private readonly tallies = new Map<HostEntry, StateTally>();

	/** Full counts under way, by host (a newer sample of a host drops its older one). */
	private readonly counting = new Map<HostEntry, Generator<void, boolean>>();

	/**
	 * Counts `h`'s new snapshot into its tally and adds a point to each process's history. A
	 * first or full count of more than SYNC_SOCKETS sockets is spread over turns of the event
	 * loop (StateTally.updating); a count from a diff is done at once.
	 */
	private sample(h: HostEntry): void {
		const snap = h.store.snapshot;
		if (!snap || !h.live) return;
		let tally = this.tallies.get(h);
		if (!tally) this.tallies.set(h, (tally = new StateTally()));
		const it = tally.updating(snap, h.store.diffBase, h.store.diff);
		this.counting.set(h, it);
		const done = (counted: boolean) => {
			this.counting.delete(h);
			if (counted) this.record(h, snap, tally);
		};
		if (snap.sockets.length <= SYNC_SOCKETS) return done(drain(it));
		runInTurns(it, () => this.counting.get(h) === it && this.tallies.get(h) === tally, done, 'now');
	}

	/** One history point per process of `snap`, from `tally` (which has just counted it). */
	private record(h: HostEntry, snap: Snapshot, tally: StateTally): void {
		const prefix = `${h.id}|`;
		const t = Date.parse(snap.takenAt);
		const live = new Set<string>();
		for (const p of snap.processes) {
			const key = prefix + processKey(p);
			live.add(key);
			const c = tally.get(p.pid);
			if (!c) continue;
			const history = this.history.get(key) ?? [];
			history.push({ t, ...c, rssBytes: p.rssBytes, cpuSeconds: p.cpuSeconds });
			while (history.length && history[0].t < t - HISTORY_MS) history.shift();
			this.history.set(key, history);
		}
		for (const key of this.history.keys()) if (key.startsWith(prefix) && !live.has(key)) this.history.delete(key);
	}

	/** ss's last answer about the socket the page shows (by id and host), for its throughput. */
	private lastTcp: (TcpSample & { key: string }) | undefined;

	/** Asks ss about the page's socket, and works out what it moved since the page's last answer. */
	private async askTcp(detail: SocketDetail, ask: () => Promise<TcpInfoResult>): Promise<void> {
		const r = await ask();
		detail.tcp = r;
		if (!r.ok) return;
		const key = `${this.target?.hostId ?? ''}|${detail.socket.id}`;
		const now = { key, t: Date.now(), info: r.info };
		if (this.lastTcp?.key === key) detail.tcpThroughput = tcpThroughput(this.lastTcp, now);
		this.lastTcp = now;
	}

	/** Bumped by every update: a sliced one that finds it changed gives way to the newer. */
	private generation = 0;

	/**
	 * A process page of a big snapshot: that process's sockets out of every socket of the host,
	 * sorted and filtered, and the shown ones made into the page's rows, walked in turns of the
	 * event loop. Made at once at 100k sockets, it had been the longest
	 * block a refresh caused in the extension host (~50-100 ms), and opening the panel on a
	 * process one of 390 ms.
	 */
	private pageInTurns(snap: Snapshot, diff: SnapshotDiff | undefined, pid: number, from: 'now' | 'next'): void {
		const gen = ++this.generation;
		runInTurns(this.processTable(snap, diff, pid, this.query), () => gen === this.generation, (table) => {
			if (this.host()?.store.snapshot === snap) this.update({ snap, table });
		}, from);
	}

	/**
	 * @param known the shown process's table in `known.snap`, when pageInTurns made it already.
	 * @param from when a page made over turns starts (runInTurns).
	 */
	private update(known?: { snap: Snapshot; table: ProcessTable }, from: 'now' | 'next' = 'now'): void {
		// A process page of a big snapshot is made over turns, whoever asks for it (a refresh, the panel opening, the page's query).
		const h = this.host();
		const snap = h?.store.snapshot;
		if (!known && this.panel && this.target?.kind === 'process' && h && snap && snap.sockets.length > SYNC_SOCKETS) return this.pageInTurns(snap, h.store.diff, this.target.pid, from);
		if (!known) this.generation++;
		if (!this.panel || !this.target) return;
		// No snapshot yet: wait for the first one, unless reading the host failed (say why rather
		// than leave the page on "Loading…"; the next refresh that works replaces this).
		if (h && !snap && !h.store.error) return;
		const msg: ToWebview =
			h && snap
				? this.message(h, snap, this.target, known?.snap === snap ? known.table : undefined)
				: h
					? { type: 'gone', target: this.target, message: `Could not read ${h.name}: ${h.store.error}` }
					: { type: 'gone', target: this.target, message: 'This host is no longer in the Procnet view (it was removed, or its capture closed).' };
		// Only this machine's /proc can be re-read (a capture of it may be old: its inodes are not
		// today's). The read goes ahead of the post below in the chain of posts, which keeps their order.
		// ss is asked too: here a child process, on an ssh or command host a round trip of its
		// session; at most once per update of a TCP socket's page (a refresh at most every 2 s).
		if (msg.type === 'socket' && h) {
			const detail = msg.detail;
			const ask = tcpAsker(h, detail.socket);
			this.sending = this.sending.then(async () => {
				if (h.kind === 'local') detail.rawLine = await findRawLine(detail.socket);
				if (ask) await this.askTcp(detail, ask);
			});
		}
		const before = this.lastMessage;
		this.lastMessage = msg;
		this.panel.title = msg.type === 'process' ? `${msg.detail.process.name} (${msg.detail.process.pid})` : msg.type === 'socket' ? `socket ${msg.detail.socket.inode}` : 'Procnet';
		// A process page whose window reads as it did gets only the new time and chart.
		if (msg.type === 'process' && before?.type === 'process' && sameProcessPage(before, msg)) {
			this.post({ type: 'processTick', target: msg.target, takenAt: msg.takenAt, history: msg.detail.history });
		} else this.post(msg);
		if (msg.type === 'process' && h) this.askTraffic(h, msg);
		if (h) this.namePeers(h, msg);
	}

	/** The names last posted to the page (it keeps them: only new ones are worth a message). */
	private namesPosted: string | undefined;

	/**
	 * Names the peers of the rows the page shows (a process's table, a socket's remote end) by the
	 * host's own resolver, and posts those that have one once it has answered: the page is never
	 * held for them. Nothing is asked with procnet.resolvePeerNames off, or of a capture.
	 */
	private namePeers(h: HostEntry, msg: ToWebview): void {
		const names = this.names().resolvePeerNames ? h.peerNames() : undefined;
		if (!names || (msg.type !== 'process' && msg.type !== 'socket')) return;
		// Before the rows' own: a filter that matches no row yet shows none to name.
		if (msg.type === 'process' && msg.target.kind === 'process') this.nameAllForFilter(names, msg.target.pid);
		const list = msg.type === 'process' ? msg.detail.table.rows.map((r) => peerOfText(r.remote)) : [peerOf(msg.detail.socket)];
		const addrs = [...new Set(list.filter((a): a is string => a !== undefined))];
		if (!addrs.length) return;
		const panel = this.panel;
		void names.resolve(addrs).then(() => {
			if (!panel || this.panel !== panel || !this.pageReady) return;
			const known: Record<string, string> = {};
			for (const a of addrs) {
				const n = names.get(a);
				if (n) known[a] = n;
			}
			const text = JSON.stringify([msg.target, known]);
			if (!Object.keys(known).length || text === this.namesPosted) return;
			this.namesPosted = text;
			this.post({ type: 'peerNames', target: msg.target, names: known });
			// A filter typed before the names came may match them now: the table again.
			if (msg.type === 'process' && this.query.filter.trim()) this.update();
		});
	}

	/** The process whose every peer is being named for the table's filter, while it is. */
	private namingAll: number | undefined;

	/**
	 * The table's filter matches peers' names, so while it filters, every peer of the process is
	 * asked for, not only those of the rows shown: a process of more than PAGE sockets had its
	 * other rows found by address only. Asked MAX_RESOLVE at a time (PeerNameCache.resolveAll),
	 * stopped when the filter is cleared or another page is shown; the table again once they are in.
	 */
	private nameAllForFilter(names: PeerNameCache, pid: number): void {
		const rows = this.gathered;
		if (!this.query.filter.trim() || this.namingAll === pid || rows?.pid !== pid) return;
		const all = names.unknown(peersOf([...rows.live, ...rows.closed]));
		if (!all.length) return;
		const panel = this.panel;
		const current = () => {
			const t = this.target;
			return this.panel === panel && t?.kind === 'process' && t.pid === pid && !!this.query.filter.trim();
		};
		this.namingAll = pid;
		void names.resolveAll(all, { cancelled: () => !current() }).then(() => {
			if (this.namingAll === pid) this.namingAll = undefined;
			if (current() && this.pageReady) this.update();
		});
	}

	/** The process and snapshot ss was last asked about for the page's traffic. */
	private trafficAsked: { key: string; snap: Snapshot } | undefined;

	/** ss's last counters of the process page's connections (by inode), with the page's process. */
	private trafficSamples: { key: string; samples: Map<string, TrafficSample> } | undefined;

	/**
	 * Asks ss about the shown process's TCP connections, after the page (or its tick) is posted,
	 * and posts what they moved: one ss run per update of a process page while the panel is
	 * visible (a child process here; on an ssh or command host a round trip of its session, after
	 * checking that the process still holds one of them). A process with more than
	 * MAX_CONNECTIONS is told so, not asked (ss's answer for 17k connections is ~7 MB to parse on
	 * this thread). A capture is a record: nothing to ask.
	 */
	private askTraffic(h: HostEntry, msg: ProcessMessage): void {
		const rows = this.gathered;
		const p = msg.detail.process;
		const shell = h.isRemote ? h.shell() : undefined;
		// A hidden panel has no page to show it (and is updated at each refresh all the same).
		if ((h.kind !== 'local' && !shell) || rows?.pid !== p.pid || !this.panel?.visible) return;
		const key = `${h.id}|${processKey(p)}`;
		const panel = this.panel;
		// Once per snapshot: a sort, a filter keystroke or "Show more" updates the page too, and
		// ss asked again then would cost a child per keystroke and give rates over a moment.
		if (this.trafficAsked?.key === key && this.trafficAsked.snap === rows.snap) {
			const last = this.lastTraffic;
			if (last && this.pageReady && JSON.stringify(last.target) === JSON.stringify(msg.target)) this.sending = this.sending.then(() => void panel?.webview.postMessage(last));
			return;
		}
		this.trafficAsked = { key, snap: rows.snap };
		// Counted from the page's counts by kind and state, not by walking the process's sockets: a
		// 17k-socket server's are a full transfer's, whose fields are decoded at each read, and that
		// walk made the panel's opening block 2-3 times longer (bench/exthost.mjs).
		const connections = msg.detail.table.counts.reduce((n, c) => n + ((c.kind === 'tcp' || c.kind === 'tcp6') && c.state !== 'LISTEN' ? c.n : 0), 0);
		const sockets = connections > MAX_CONNECTIONS ? [] : trafficSockets(rows.live);
		this.sending = this.sending
			.then(async () => {
				// Asked before the page is ready too: 'ready' brings the page again, and this with it.
				if (this.panel !== panel || !panel) return;
				let traffic: ProcessTraffic | null = null;
				let note: string | undefined;
				if (connections > MAX_CONNECTIONS) note = `it holds ${connections} TCP connections, more than procnet asks ss about at each refresh (${MAX_CONNECTIONS})`;
				else {
					const r = shell ? await sessionTraffic(shell, sockets, p.pid) : await readTcpInfoMany(sockets);
					if (!r.ok) note = r.message;
					else {
						const prev = this.trafficSamples?.key === key ? this.trafficSamples.samples : undefined;
						const out = processTraffic(sockets, r.infos, prev, Date.now());
						this.trafficSamples = { key, samples: out.samples };
						traffic = out.traffic;
					}
				}
				if (this.panel !== panel) return;
				this.lastTraffic = { type: 'traffic', target: msg.target, traffic, note };
				if (this.pageReady) void panel.webview.postMessage(this.lastTraffic);
			})
			.catch((e) => console.error('procnet: asking ss about a process\'s connections failed', e));
	}

	/**
	 * Posts to the page, in order. Nothing goes before the page has said 'ready' (a message
	 * posted earlier can be lost, and 'ready' brings the whole page: posting before it too had
	 * sent the first page of a 17k-socket process twice). A long socket list goes as UTF-8 JSON
	 * made a slice per turn (packedMessage.ts), so later posts wait for it.
	 */
	private post(msg: ToWebview): void {
		const panel = this.panel;
		if (!panel || !this.pageReady) return;
		const live = () => this.panel === panel;
		// A list that fits in one slice goes as it is.
		this.sending = this.sending.then(async () => {
			if (!live()) return;
			if (!isPackable(msg) || listOf(msg).length <= PACK_SLICE) return void panel.webview.postMessage(msg);
			const turn = async () => (await nextTurn(), live());
			const pieces = await pack(msg, ++this.packs, turn);
			for (const [i, piece] of (pieces ?? []).entries()) {
				if (i && !(await turn())) return;
				void panel.webview.postMessage(piece);
			}
		}).catch((e) => console.error('procnet: posting to the detail panel failed', e)); // the next post must still go
	}

	/** The sockets of the process last shown, with the snapshot they came from: a query on the same snapshot reuses them. */
	private gathered: ProcessSockets | undefined;

	/**
	 * The table of process `pid` in `snap` for `query`. The process's sockets are gathered once per
	 * snapshot: a sort, a filter keystroke or "Show more" then costs the window alone (the sort keys
	 * of a column sorted by, and filter texts once filtered, are kept per socket), not another walk
	 * over every socket of the host.
	 */
	private *processTable(snap: Snapshot, diff: SnapshotDiff | undefined, pid: number, query: PageQuery): Generator<void, ProcessTable> {
		let rows = this.gathered;
		if (rows?.snap !== snap || rows.pid !== pid) this.gathered = rows = yield* gatherSockets(snap, diff, pid);
		// The filter matches the peers' names known now (asked in namePeers and, while it filters, nameAllForFilter).
		const names = this.names().resolvePeerNames ? this.host()?.peerNames() : undefined;
		const nameOf = names && ((s: SocketInfo) => peerNameOf(s, (p) => names.get(p)));
		const table = yield* windowOf(rows.live, rows.closed, query, SOCKET_ROWS, nameOf);
		const fresh = rows.fresh;
		return { table, added: table.rows.filter((r) => fresh.has(r.id)).map((r) => r.id) };
	}

	private message(h: HostEntry, snap: Snapshot, target: PanelTarget, table?: ProcessTable): ToWebview {
		const host = h.kind === 'local' ? snap.host.hostname : `${snap.host.hostname} (${h.name})`;
		const byPid = new Map(snap.processes.map((p) => [p.pid, p]));
		if (target.kind === 'socket') {
			const socket = snap.sockets.find(hasId(target.id));
			if (!socket) return { type: 'gone', target, message: 'This socket is closed.' };
			const owners = socket.owners.map((o) => ({ ...o, name: byPid.get(o.pid)?.name ?? '?' }));
			const portName = this.names().portNames.ofSocket(socket, () => socket.owners.flatMap((o) => byPid.get(o.pid) ?? []));
			// The raw line is read before the post (update), off this thread.
			return { type: 'socket', target, host, takenAt: snap.takenAt, detail: { socket, owners, rawLine: null, closable: h.kind !== 'capture' && isClosable(socket), portName } };
		}
		const p = byPid.get(target.pid);
		if (!p || (target.startTicks !== null && p.startTicks !== target.startTicks)) {
			return { type: 'gone', target, message: `Process ${target.pid} has exited.` };
		}
		const ancestors: Array<{ pid: number; name: string }> = [];
		for (let q = p.ppid !== null ? byPid.get(p.ppid) : undefined; q && ancestors.length < 64; q = q.ppid !== null ? byPid.get(q.ppid) : undefined) {
			ancestors.push({ pid: q.pid, name: q.name });
		}
		const children = snap.processes.filter((c) => c.ppid === p.pid).map((c) => ({ pid: c.pid, name: c.name }));
		const { table: window, added } = table ?? drain(this.processTable(snap, h.store.diff, p.pid, this.query));
		return {
			type: 'process',
			target,
			host,
			takenAt: snap.takenAt,
			detail: { process: p, ancestors, children, table: window, query: this.query, added, history: this.history.get(`${h.id}|${processKey(p)}`) ?? [] },
		};
	}

	private html(webview: vscode.Webview): string {
		const nonce = crypto.randomBytes(16).toString('base64');
		const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'main.js'));
		// @vscode/codicons, copied there at build time (esbuild.js): the font comes from the extension, never a CDN.
		const codicons = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'codicons', 'codicon.css'));
		const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css'));
		// No inline script or style, no remote content: everything dynamic is set as text by main.ts.
		return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; img-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${codicons}" rel="stylesheet">
<link href="${style}" rel="stylesheet">
<title>Procnet</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
	}

	dispose(): void {
		this.panel?.dispose();
		for (const d of [...this.disposables, ...this.panelDisposables]) d.dispose();
	}
}

type ProcessMessage = Extract<ToWebview, { type: 'process' }>;

/** A process page's table: the window its query asks for, and which of its rows are new. */
interface ProcessTable {
	table: PageWindow;
	added: string[];
}

/**
 * A process's sockets in one snapshot: live ones, those closed since the last refresh, and the ids
 * of the new ones. The window makes page rows of those it shows only (pageWindow.ts).
 */
interface ProcessSockets {
	snap: Snapshot;
	pid: number;
	live: SocketInfo[];
	closed: SocketInfo[];
	fresh: Set<string>;
}

/**
 * The sockets of process `pid` out of every socket of `snap`, and those closed and new since
 * the last refresh (`diff`). Yields every 256 sockets and lets runInTurns end each turn by the
 * clock: a full transfer's sockets read their fields from columns and build their owner lists at
 * each read (socketColumns.ts), so a count of sockets says little of the time.
 */
function* gatherSockets(snap: Snapshot, diff: SnapshotDiff | undefined, pid: number): Generator<void, ProcessSockets> {
	const live: SocketInfo[] = [];
	for (let j = 0; j < snap.sockets.length; j++) {
		const s = snap.sockets[j];
		if (ownedBy(s, pid)) live.push(s);
		if ((j & 255) === 255) yield;
	}
	const closed: SocketInfo[] = [];
	const fresh = new Set<string>();
	if (diff) {
		// Indexed: a for…of in a generator makes an object per element (treeIndex.ts), and a load
		// ramping up brings 100k new sockets at once.
		for (let j = 0; j < diff.closedSockets.length; j++) if (ownedBy(diff.closedSockets[j], pid)) closed.push(diff.closedSockets[j]);
		yield;
		for (let j = 0; j < diff.newSockets.length; j++) if (ownedBy(diff.newSockets[j], pid)) fresh.add(diff.newSockets[j].id);
		yield;
	}
	return { snap, pid, live, closed, fresh };
}

/** How to ask ss about `s` on host `h`, or undefined where there is none to ask (a capture, a socket that is not TCP, no session). */
function tcpAsker(h: HostEntry, s: SocketInfo): (() => Promise<TcpInfoResult>) | undefined {
	if (h.kind === 'local') return ssInfoArgv(s) ? () => readTcpInfo(s) : undefined;
	const shell = h.isRemote ? h.shell() : undefined;
	const target = tcpInfoTarget(s);
	if (!shell || !target) return undefined;
	return () => shell.tcpInfo(target).catch((e: Error): TcpInfoResult => ({ ok: false, reason: 'error', message: e.message }));
}

/** readTcpInfoMany on another host: process `pid`'s connections, through the host's session. */
async function sessionTraffic(shell: NonNullable<ReturnType<HostEntry['shell']>>, sockets: readonly SocketInfo[], pid: number): Promise<TcpInfoManyResult> {
	if (!sockets.length) return { ok: true, infos: [] };
	const target = trafficTarget(sockets, pid);
	if (!target) return TOO_MANY_PORTS;
	return shell.traffic(target).catch((e: Error): TcpInfoManyResult => ({ ok: false, reason: 'error', message: e.message }));
}

/** Whether the page of `b` shows exactly what the page of `a` shows, but for the time and the chart. */
function sameProcessPage(a: ProcessMessage, b: ProcessMessage): boolean {
	const x = a.detail, y = b.detail;
	// The rows of unchanged sockets are the same objects (pageSocket.ts), but for a new scan
	// worker's: compared by cell then, a window (500 rows) at most.
	const sameRows = (p: readonly PageSocket[], q: readonly PageSocket[]) => p.length === q.length && p.every((v, i) => v === q[i] || samePageSocket(v, q[i]));
	return (
		JSON.stringify(a.target) === JSON.stringify(b.target) &&
		a.host === b.host &&
		// Memory and CPU time move at every refresh; the tick carries them (in the history).
		JSON.stringify({ ...x.process, rssBytes: 0, cpuSeconds: 0 }) === JSON.stringify({ ...y.process, rssBytes: 0, cpuSeconds: 0 }) &&
		sameRows(x.table.rows, y.table.rows) &&
		x.added.length === 0 && y.added.length === 0 &&
		// Closed rows are shown for one refresh: a page with any is never the same as the next.
		x.table.closedMatched === 0 && y.table.closedMatched === 0 &&
		JSON.stringify([x.query, x.table.total, x.table.matched, x.table.counts, x.ancestors, x.children]) === JSON.stringify([y.query, y.table.total, y.table.matched, y.table.counts, y.ancestors, y.children])
	);
}
