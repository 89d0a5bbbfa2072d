// The detail page. Every piece of data is inserted with textContent or attributes set from
// code, never as HTML: process names, command lines and unix paths are chosen by other users.
import type { ProcessInfo } from '../model/snapshot';
import { samePageSocket, type PageSocket } from '../shared/pageSocket';
import { assertNever, type FromWebview, type HistoryPoint, type PanelTarget, type ProcessDetail, type SocketDetail, type ToWebview } from '../shared/protocol';
import { bytesText, containerText, cpuShare, cpuTimeText, kindText, localText, remoteText, visible } from '../model/describe';
import { peerOf, peerOfText } from '../model/peers';
import { processIcon, socketIcon, type Icon } from '../shared/icons';
import { cellOf, COLUMN_KEYS, DEFAULT_QUERY, PAGE, type ColumnKey, type PageQuery } from '../shared/pageWindow';
import { Unpacker } from '../shared/packedMessage';
import { tcpInfoRows } from '../model/ssTcpInfo';

interface VsCodeApi {
	postMessage(m: FromWebview): void;
	setState(s: { target?: PanelTarget }): void;
	getState(): { target?: PanelTarget } | undefined;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

const app = document.getElementById('app')!;

type Child = Node | string | null | undefined | false;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
	for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
	return e;
}

/** A codicon from the bundled font; decorative (the text next to it says the same). */
function icon(i: Icon | string): HTMLSpanElement {
	const { name, colour } = typeof i === 'string' ? { name: i, colour: undefined } : i;
	// Class names from our own table (src/shared/icons.ts), never from data.
	return el('span', { class: `codicon codicon-${name}${colour ? ` colour-${colour.replace('charts.', '')}` : ''}`, 'aria-hidden': 'true' });
}

function link(text: string, onActivate: () => void, title?: string, iconName?: string): HTMLAnchorElement {
	const a = el('a', { href: '#', role: 'button', title });
	if (iconName) a.append(icon(iconName));
	a.append(text);
	a.addEventListener('click', (ev) => {
		ev.preventDefault();
		onActivate();
	});
	return a;
}

// ---- sockets table: sort, filter and paging survive updates ----
// The extension host sorts and filters (pageWindow.ts) and sends the rows shown; the page asks
// for another window with a 'query' and draws the one it gets.
const TITLES: Record<ColumnKey, string> = { kind: 'Kind', local: 'Local', remote: 'Remote', state: 'State', tx: 'Send-Q', rx: 'Recv-Q', timer: 'Timer', inode: 'Inode', fd: 'Fd' };
/** The query the page asked for last: the answer to it may still be on its way. */
let query: PageQuery = DEFAULT_QUERY;
let last: ToWebview | undefined;
/** Names of peer addresses, as the host's resolver gave them ('peerNames'): kept for the page's life, written beside the addresses. */
const peerNames = new Map<string, string>();

/** Writes the name of a cell's peer (data-peer) after its address, once known; text, never markup. */
function namePeerCell(td: HTMLElement): void {
	const name = td.dataset.peer ? peerNames.get(td.dataset.peer) : undefined;
	if (!name || td.querySelector('.peer-name')) return;
	td.append(el('span', { class: 'peer-name' }, ` ${name}`));
	td.title = `${td.title || td.firstChild?.textContent || ''} (${name})`.trim();
}

function post(m: FromWebview): void {
	vscode.postMessage(m);
}

function header(title: string, sub: string, i: Icon): HTMLElement {
	return el('header', {}, el('h1', {}, icon(i), title), el('p', { class: 'muted' }, sub));
}

function facts(rows: Array<[string, Child]>): HTMLElement {
	const dl = el('dl', { class: 'facts' });
	for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v ?? '—'));
	return dl;
}

function stateCounts(counts: ProcessDetail['table']['counts']): HTMLElement {
	const ul = el('ul', { class: 'chips', 'aria-label': 'socket counts by kind and state' });
	for (const { kind, state, n } of counts) ul.append(el('li', {}, `${kind} ${state}: ${n}`));
	return ul;
}

/**
 * The Memory and CPU rows' texts: `rss` and `cpuSeconds` as of the page's time, and the share of
 * a core between the history's last two points (top's %CPU), once there are two.
 */
function usageTexts(rss: number | null, cpuSeconds: number, history: HistoryPoint[]): { memory: string; cpu: string } {
	const memory = rss === null ? 'unknown (the host did not tell its page size)' : `${bytesText(rss)} resident`;
	const [a, b] = history.slice(-2);
	const share = a && b ? cpuShare(a, b) : undefined;
	const total = `${cpuTimeText(cpuSeconds)} in all`;
	if (share === undefined) return { memory, cpu: total };
	return { memory, cpu: `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}% of a core over the last ${((b.t - a.t) / 1000).toFixed(1)} s · ${total}` };
}

function chart(history: HistoryPoint[]): HTMLElement {
	const wrap = el('figure', { class: 'chart' });
	const canvas = el('canvas', { width: '600', height: '120', role: 'img', 'aria-label': 'connections over the last minutes' });
	wrap.append(canvas, el('figcaption', { class: 'muted' }, history.length > 1 ? `Sockets over the last ${Math.max(1, Math.round((history[history.length - 1].t - history[0].t) / 60000))} min: established, listening, other` : 'The chart fills as procnet refreshes.'));
	const ctx = canvas.getContext('2d');
	if (!ctx || history.length < 2) return wrap;
	const css = getComputedStyle(document.body);
	const colours = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-orange'].map((v) => css.getPropertyValue(v).trim() || css.color);
	const series: Array<(p: HistoryPoint) => number> = [(p) => p.established, (p) => p.listening, (p) => p.other];
	const max = Math.max(1, ...history.map((p) => Math.max(p.established, p.listening, p.other)));
	const t0 = history[0].t, t1 = history[history.length - 1].t || t0 + 1;
	series.forEach((f, i) => {
		ctx.strokeStyle = colours[i];
		ctx.lineWidth = 2;
		ctx.beginPath();
		history.forEach((p, j) => {
			const x = ((p.t - t0) / Math.max(1, t1 - t0)) * (canvas.width - 4) + 2;
			const y = canvas.height - 4 - (f(p) / max) * (canvas.height - 8);
			if (j === 0) ctx.moveTo(x, y);
			else ctx.lineTo(x, y);
		});
		ctx.stroke();
	});
	return wrap;
}

/** A row as the table shows it: its socket's cells and how it is marked. */
interface Row {
	s: PageSocket;
	cls: '' | 'added' | 'removed';
}

/**
 * The sockets table of the shown process. It outlives updates of the same process: its filter
 * box, sort buttons and "Show more" stay the same elements (with focus, caret and hover), and
 * rows that read the same keep their elements, so an update that lands while someone types or
 * clicks takes nothing from under them, and one that changes no shown row changes no element.
 */
interface SocketTable {
	target: string;
	wrap: HTMLElement;
	setData(d: ProcessDetail): void;
}
let table: SocketTable | undefined;

function socketTable(target: string): SocketTable {
	const wrap = el('section', { class: 'sockets' });
	const input = el('input', { type: 'search', placeholder: 'Filter sockets (address, port, state, kind, path)', 'aria-label': 'Filter sockets', 'data-focus-key': 'filter' });
	input.value = query.filter;
	// Each change asks for a new window; a new filter starts again at one page.
	const ask = (q: Partial<PageQuery>) => {
		query = { ...query, ...q };
		post({ type: 'query', query });
	};
	input.addEventListener('input', () => ask({ filter: input.value, shown: PAGE }));
	// Laid out as a grid of fixed columns, not as a CSS table (panel.css): the roles keep it a
	// table for screen readers whatever its display.
	const grid = el('table', { class: 'grid', role: 'table' });
	const headRow = el('tr', { role: 'row', 'aria-rowindex': '1' });
	const heads = COLUMN_KEYS.map((key) => {
		const btn = el('button', { class: 'sort', 'aria-label': `sort by ${TITLES[key]}`, 'data-focus-key': `sort:${key}` });
		btn.addEventListener('click', () => ask(query.sort === key ? { desc: !query.desc } : { sort: key, desc: false }));
		const th = el('th', { scope: 'col', role: 'columnheader' }, btn);
		headRow.append(th);
		return { key, th, btn };
	});
	const tbody = el('tbody', { role: 'rowgroup' });
	grid.append(el('thead', { role: 'rowgroup' }, headRow), tbody);
	const count = el('p', { class: 'muted count', id: 'socket-count', role: 'status' });
	const more = el('button', { type: 'button', class: 'more', 'data-focus-key': 'more', 'aria-describedby': 'socket-count' });
	/** Set by "Show more": where its new rows start, for the keyboard once they arrive. */
	let moreFrom: number | undefined;
	more.addEventListener('click', () => {
		moreFrom = tbody.children.length;
		ask({ shown: query.shown + PAGE });
	});
	wrap.append(input, count, grid, more);
	/** The sort the header shows (rebuilt at each update, the header had the table laid out again). */
	let headsSorted = '';
	/** The rows drawn, by socket id and mark: kept across updates while they read the same. */
	let rendered = new Map<string, { r: Row; tr: HTMLTableRowElement }>();

	return {
		target,
		wrap,
		setData(d) {
			const sorted = `${d.query.sort}:${d.query.desc}`;
			if (sorted !== headsSorted) {
				headsSorted = sorted;
				for (const { key, th, btn } of heads) {
					th.setAttribute('aria-sort', d.query.sort === key ? (d.query.desc ? 'descending' : 'ascending') : 'none');
					btn.replaceChildren(TITLES[key], ...(d.query.sort === key ? [icon(d.query.desc ? 'arrow-down' : 'arrow-up')] : []));
				}
			}
			const t = d.table;
			const added = new Set(d.added);
			const rows: Row[] = [...t.rows.map((s): Row => ({ s, cls: added.has(s.id) ? 'added' : '' })), ...t.closed.map((s): Row => ({ s, cls: 'removed' }))];
			// A focused row may be moved or rebuilt: found again by its key afterwards.
			const focused = document.activeElement instanceof HTMLElement && tbody.contains(document.activeElement) ? document.activeElement.dataset.focusKey : undefined;
			// Rebuilt whole at every refresh, a page of 500 rows had Chromium lay the table out again
			// each time (bench/webview.mjs): the body is changed only where its rows did.
			const next = new Map<string, { r: Row; tr: HTMLTableRowElement }>();
			let at: Element | null = tbody.firstElementChild;
			rows.forEach((r, i) => {
				const key = `${r.cls === 'removed' ? 'closed' : 'row'}:${r.s.id}`;
				const was = rendered.get(key);
				const tr = was && was.r.cls === r.cls && (was.r.s === r.s || samePageSocket(was.r.s, r.s)) ? was.tr : socketRow(r, i + 2);
				setIfChanged(tr, 'aria-rowindex', String(i + 2));
				next.set(key, { r, tr });
				if (tr === at) at = at.nextElementSibling;
				else tbody.insertBefore(tr, at);
			});
			// What is left after the last row is no longer shown.
			while (at) {
				const gone: Element = at;
				at = at.nextElementSibling;
				gone.remove();
			}
			rendered = next;
			if (focused) refocus(tbody, focused);
			// Screen readers hear the whole table's size, not the page's.
			setIfChanged(grid, 'aria-rowcount', String(t.matched + t.closedMatched + 1));
			const countText =
				(d.query.filter.trim() ? `${t.rows.length} of ${t.matched} matching sockets shown (${t.total} in all)` : `${t.rows.length} of ${t.total} sockets shown`) +
				(t.closedMatched ? `, ${t.closedMatched} just closed` : '');
			if (count.textContent !== countText) count.textContent = countText;
			const rest = t.matched + t.closedMatched - rows.length;
			more.hidden = rest <= 0;
			const moreText = `Show ${Math.min(PAGE, rest)} more`;
			if (more.textContent !== moreText) more.replaceChildren(icon('fold-down'), moreText);
			// Keyboard users go on reading where the new rows start once there is nothing more to show.
			if (moreFrom !== undefined && rows.length > moreFrom) {
				if (more.hidden) (tbody.children[moreFrom] as HTMLElement | undefined)?.focus();
				moreFrom = undefined;
			}
		},
	};
}

/** Sets an attribute only when its value differs: an unchanged page makes no change to the DOM. */
function setIfChanged(e: Element, name: string, value: string): void {
	if (e.getAttribute(name) !== value) e.setAttribute(name, value);
}

function socketRow(r: Row, index: number): HTMLTableRowElement {
	const { s, cls } = r;
	const tr = el('tr', {
		role: 'row',
		tabindex: '0',
		class: cls || undefined,
		title: cls === 'removed' ? 'closed since the last refresh' : cls === 'added' ? 'new since the last refresh' : undefined,
		'aria-rowindex': String(index),
		'data-focus-key': `${cls === 'removed' ? 'closed' : 'row'}:${s.id}`,
	});
	COLUMN_KEYS.forEach((key, i) => {
		const v = String(cellOf(s, key));
		// A text wider than its column ends in an ellipsis (panel.css); the cell's title has it whole.
		const props = { role: 'cell', title: v.length > 18 ? v : undefined, 'data-peer': key === 'remote' ? peerOfText(v) : undefined };
		const td = i === 0 ? el('td', props, icon(socketIcon(s, cls === 'added' ? 'new' : cls === 'removed' ? 'closed' : undefined)), v) : el('td', props, v);
		if (key === 'remote') namePeerCell(td);
		tr.append(td);
	});
	const open = () => cls !== 'removed' && post({ type: 'showSocket', id: s.id });
	tr.addEventListener('click', open);
	tr.addEventListener('keydown', (e) => {
		if (e.key === 'Enter') open();
		else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
			e.preventDefault();
			const next = e.key === 'ArrowDown' ? tr.nextElementSibling ?? tr.closest('section')?.querySelector<HTMLButtonElement>('button.more:not([hidden])') : tr.previousElementSibling;
			(next as HTMLElement | null | undefined)?.focus();
		}
	});
	return tr;
}

/** What a processTick or a traffic message changes in place: the time line, the chart, the usage rows, the traffic. */
let tick: { target: string; sub: HTMLElement; chartSlot: HTMLElement; memory: HTMLElement; cpu: HTMLElement; host: string; trafficSlot: HTMLElement } | undefined;

/** The last traffic message, drawn again into a rebuilt page of the same process (it comes after each page). */
let lastTraffic: { target: string; m: Extract<ToWebview, { type: 'traffic' }> } | undefined;

const rateOf = (v: number | null) => (v === null ? '' : ` · ${bytesText(Math.round(v))}/s`);

/** The process's TCP traffic (model/traffic.ts): totals, rates, and its busiest connections. Nothing while it has no connection. */
function trafficSection(m: Extract<ToWebview, { type: 'traffic' }>): HTMLElement[] {
	const t = m.traffic;
	if (t && t.connections === 0) return [];
	const head = el('h2', {}, icon('pulse'), 'Traffic (TCP, by ss)');
	if (!t) return [head, el('p', { class: 'muted', 'data-traffic': 'none' }, `Not available: ${m.note ?? 'ss gave no answer'}.`)];
	const rate =
		t.sentRate === null || t.receivedRate === null || t.seconds === null
			? 'Rates from the next refresh on.'
			: `${bytesText(Math.round(t.sentRate))}/s sent · ${bytesText(Math.round(t.receivedRate))}/s received over the last ${t.seconds.toFixed(1)} s.`;
	const summary = el('p', { 'data-traffic': 'summary' }, `${rate} ${bytesText(t.sent)} sent and ${bytesText(t.received)} received in all on ${t.answered} of ${t.connections} connection${t.connections === 1 ? '' : 's'}.`);
	const table = el('table', { class: 'traffic', 'aria-label': 'busiest connections' });
	table.append(el('thead', {}, el('tr', {}, ...['Local', 'Remote', 'State', 'Sent', 'Received'].map((h) => el('th', { scope: 'col' }, h)))));
	const body = el('tbody');
	for (const c of t.top) {
		const tr = el('tr', { 'data-traffic-id': c.id, tabindex: '0', title: 'show this socket' });
		tr.append(el('td', {}, c.local), el('td', {}, c.remote), el('td', {}, c.state), el('td', {}, bytesText(c.sent) + rateOf(c.sentRate)), el('td', {}, bytesText(c.received) + rateOf(c.receivedRate)));
		const open = () => post({ type: 'showSocket', id: c.id });
		tr.addEventListener('click', open);
		tr.addEventListener('keydown', (e) => e.key === 'Enter' && open());
		body.append(tr);
	}
	table.append(body);
	const more = t.answered > t.top.length ? [el('p', { class: 'muted' }, `The ${t.top.length} busiest of ${t.answered}: by rate, then by bytes in all.`)] : [];
	return [head, summary, table, ...more];
}

function takenText(host: string, takenAt: string): string {
	return `${host} · taken ${new Date(takenAt).toLocaleTimeString()}`;
}

function renderProcess(target: string, host: string, takenAt: string, d: ProcessDetail): void {
	const p: ProcessInfo = d.process;
	const chain = el('span');
	if (!d.ancestors.length) chain.append('—');
	d.ancestors.forEach((a, i) => {
		if (i) chain.append(' ← ');
		chain.append(link(`${a.name} (${a.pid})`, () => post({ type: 'showProcess', pid: a.pid })));
	});
	const kids = el('span');
	if (!d.children.length) kids.append('—');
	d.children.forEach((c, i) => {
		if (i) kids.append(', ');
		kids.append(link(`${c.name} (${c.pid})`, () => post({ type: 'showProcess', pid: c.pid })));
	});
	const cmd = el('pre', { class: 'cmd' }, visible(p.cmdline.join(' ')) || '(no command line)');
	const copy = link('Copy', () => post({ type: 'copy', text: p.cmdline.join(' ') }), 'copy the command line', 'copy');
	const head = header(`${p.name} (pid ${p.pid})`, takenText(host, takenAt), processIcon(d.table.counts));
	const chartSlot = el('div', { class: 'chart-slot' }, chart(d.history));
	const use = usageTexts(p.rssBytes, p.cpuSeconds, d.history);
	const memory = el('span', { 'data-usage': 'memory' }, use.memory);
	const cpu = el('span', { 'data-usage': 'cpu' }, use.cpu);
	// Filled by the traffic message that follows each page; the last one stands in until then.
	const trafficSlot = el('div', { class: 'traffic-slot' }, ...(lastTraffic?.target === target ? trafficSection(lastTraffic.m) : []));
	tick = { target, sub: head.querySelector('p')!, chartSlot, memory, cpu, host, trafficSlot };
	// A new page, another process, or this one shown again after a socket: the extension host's
	// query is the one it answers (the same sort and filter, one page again for another process).
	// Later updates of the table shown leave the page's own, whose answer may still be on its way.
	if (table?.target !== target || app.lastElementChild !== table.wrap) query = d.query;
	if (table?.target !== target) table = socketTable(target);
	table.setData(d);
	// The table stays where it is (see SocketTable); everything before it is rebuilt.
	const keep = app.lastElementChild === table.wrap;
	const parts = [
		head,
		facts([
			['Command line', el('div', {}, cmd, copy)],
			['Parents', chain],
			['Children', kids],
			['User', `${p.user ?? '?'} (uid ${p.uid ?? '?'})`],
			['Started', p.startTime ? new Date(p.startTime).toLocaleString() : null],
			['Memory', memory],
			['CPU', cpu],
			['Network namespace', p.netns],
			// Only where there is one: most of a desktop's processes are in neither.
			...(p.container ? [['Container', containerText(p.container)] as [string, Child]] : []),
			...(p.unit ? [['systemd unit', visible(p.unit)] as [string, Child]] : []),
			['Control group', p.cgroup === null ? null : visible(p.cgroup)],
			['Working directory', p.cwd],
			['File descriptors', p.fdAccess === 'ok' ? 'readable' : 'not readable by this user: its sockets are listed without an owner'],
		]),
		trafficSlot,
		el('h2', {}, icon('plug'), 'Sockets'),
		stateCounts(d.table.counts),
		chartSlot,
	];
	if (keep) {
		while (app.firstChild !== table.wrap) app.firstChild!.remove();
		table.wrap.before(...parts);
	} else app.replaceChildren(...parts, table.wrap);
}

function renderSocket(host: string, takenAt: string, d: SocketDetail): void {
	const s = d.socket;
	const owners = el('span');
	if (!d.owners.length) owners.append(`none known (${s.ownerUnknown ?? '?'})`);
	d.owners.forEach((o, i) => {
		if (i) owners.append(', ');
		owners.append(link(`${o.name} (pid ${o.pid}, fd ${o.fd})`, () => post({ type: 'showProcess', pid: o.pid })));
	});
	const rows: Array<[string, Child]> = [['Owners', owners]];
	const peer = peerOf(s);
	const peerName = peer ? peerNames.get(peer) : undefined;
	if (peerName) rows.push(['Remote name', `${peerName} (the host's resolver)`]);
	if (d.portName) rows.push(['Port name', `${visible(d.portName.name)} (port ${d.portName.port}, ${d.portName.from === 'label' ? 'its label in remote.portsAttributes' : '/etc/services'})`]);
	for (const [k, v] of Object.entries(s)) {
		if (k === 'owners' || v === null || v === undefined) continue;
		rows.push([k, typeof v === 'string' ? visible(v) : JSON.stringify(v)]);
	}
	// Only offered for a connection on this machine (the extension host decides, and asks first).
	const actions = d.closable ? [el('p', { class: 'actions' }, link('Close Connection…', () => post({ type: 'closeConnection', id: s.id }), 'abort this TCP connection (ss -K): the peer gets a reset', 'debug-disconnect'))] : [];
	app.replaceChildren(
		header(`${kindText(s)} ${localText(s)}${remoteText(s) && remoteText(s) !== '*' ? ' → ' + remoteText(s) : ''}`, `${s.state} · ${host} · taken ${new Date(takenAt).toLocaleTimeString()}`, socketIcon(s)),
		...actions,
		facts(rows),
		...tcpSection(d.tcp, d.tcpThroughput),
		el('h2', {}, icon('file-code'), 'Raw /proc line'),
		el('pre', { class: 'raw' }, d.rawLine ?? '(not available: the socket is gone, has no inode, or the host is not this machine)'),
	);
}

/** The kernel's tcp_info by ss, or why there is none; nothing for a socket it was not asked about. */
function tcpSection(r: SocketDetail['tcp'], throughput: SocketDetail['tcpThroughput']): HTMLElement[] {
	if (!r) return [];
	const head = el('h2', {}, icon('pulse'), 'TCP (ss -tie)');
	if (!r.ok) return [head, el('p', { class: 'muted', 'data-tcp': 'none' }, `Not available: ${r.message}.`)];
	return [head, el('div', { 'data-tcp': 'info' }, facts(tcpInfoRows(r.info, throughput)), el('pre', { class: 'raw' }, r.info.raw))];
}

/** Gathers the pieces of a long page (packedMessage.ts). */
const unpacker = new Unpacker();

function render(m: ToWebview): void {
	if (m.type === 'packed') {
		const whole = unpacker.add(m);
		return whole ? render(whole) : undefined;
	}
	const target = JSON.stringify(m.target);
	if (m.type === 'traffic') {
		if (last?.type !== 'process' || tick?.target !== target) return;
		lastTraffic = { target, m };
		tick.trafficSlot.replaceChildren(...trafficSection(m));
		return;
	}
	if (m.type === 'peerNames') {
		for (const [a, n] of Object.entries(m.names)) peerNames.set(a, n);
		if (last?.type === 'socket' && JSON.stringify(last.target) === target) return render(last);
		app.querySelectorAll<HTMLElement>('td[data-peer]').forEach(namePeerCell);
		return;
	}
	if (m.type === 'processTick') {
		// Only the time and the chart are new: changed in place, the rest of the page stays as it is.
		if (last?.type !== 'process' || tick?.target !== target || JSON.stringify(last.target) !== target) return;
		last = { ...last, takenAt: m.takenAt, detail: { ...last.detail, history: m.history } };
		tick.sub.textContent = takenText(tick.host, m.takenAt);
		tick.chartSlot.replaceChildren(chart(m.history));
		const now = m.history[m.history.length - 1];
		if (now) {
			const use = usageTexts(now.rssBytes, now.cpuSeconds, m.history);
			tick.memory.textContent = use.memory;
			tick.cpu.textContent = use.cpu;
		}
		return;
	}
	last = m;
	vscode.setState({ target: m.target });
	// Every update rebuilds the page: keep the keyboard where it was (the filter box with its caret,
	// a row, "Show more", a sort button), found again by its data-focus-key.
	const active = document.activeElement instanceof HTMLElement && app.contains(document.activeElement) ? document.activeElement : undefined;
	const focusKey = active?.dataset.focusKey;
	const caret = active instanceof HTMLInputElement ? [active.selectionStart, active.selectionEnd] : undefined;
	switch (m.type) {
		case 'process':
			renderProcess(target, m.host, m.takenAt, m.detail);
			break;
		case 'socket':
			renderSocket(m.host, m.takenAt, m.detail);
			break;
		case 'gone':
			app.replaceChildren(el('p', { class: 'gone' }, icon('error'), m.message));
			break;
		default:
			assertNever(m);
	}
	if (focusKey === undefined) return;
	const e = refocus(app, focusKey);
	if (caret && e instanceof HTMLInputElement) e.setSelectionRange(caret[0], caret[1]);
}

/** Focuses the shown element under `root` with this data-focus-key (rebuilt elements are new ones). */
function refocus(root: HTMLElement, key: string): HTMLElement | undefined {
	const e = Array.from(root.querySelectorAll<HTMLElement>('[data-focus-key]')).find((x) => x.dataset.focusKey === key && !x.hidden);
	e?.focus({ preventScroll: true });
	return e;
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => render(ev.data));
post({ type: 'ready' });
