// The detail page. Every piece of data is inserted with textContent or attributes set from
// code, never as HTML: process names, command lines and unix paths are chosen by other users.
import type { ProcessInfo } from '../model/snapshot';
import type { PageSocket } from '../shared/pageSocket';
import { assertNever, type FromWebview, type HistoryPoint, type PanelTarget, type ProcessDetail, type SocketDetail, type ToWebview } from '../shared/protocol';
import { kindText, localText, remoteText, visible } from '../model/describe';
import { processIcon, socketIcon, type Icon } from '../shared/icons';
import { applyProcessDelta } from '../shared/processDelta';
import { Unpacker } from '../shared/packedMessage';

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
/** Numbers sort as numbers; texts by numeric collation (so fds "9,10" and ports sort sensibly too). */
// The host wrote the cells' texts (pageSocket.ts), so a process's table reads as the tree and the CLI do.
type Column = { key: string; title: string; value: (s: PageSocket) => string | number };
const COLUMNS: Column[] = [
	{ key: 'kind', title: 'Kind', value: (s) => s.kindText },
	{ key: 'local', title: 'Local', value: (s) => s.local },
	{ key: 'remote', title: 'Remote', value: (s) => s.remote },
	{ key: 'state', title: 'State', value: (s) => s.state },
	{ key: 'tx', title: 'Send-Q', value: (s) => s.txQueue },
	{ key: 'rx', title: 'Recv-Q', value: (s) => s.rxQueue },
	{ key: 'timer', title: 'Timer', value: (s) => s.timer },
	{ key: 'inode', title: 'Inode', value: (s) => s.inode },
	{ key: 'fd', title: 'Fd', value: (s) => s.fds },
];
let sortKey = 'state';
let sortDesc = false;
let filterText = '';
let last: ToWebview | undefined;
/**
 * Rows rendered at first and added by each "Show more": a process can hold tens of thousands of
 * sockets, and a table of all of them would freeze the page. Sorting and filtering still run
 * over every row; only the DOM is limited.
 */
const PAGE = 500;
let shownRows = PAGE;
/** The target the paging belongs to: another process starts again at one page. */
let pagedTarget = '';
// Numeric collation: `…:3000` before `…:40000`, inode 99 before 100.
const collator = new Intl.Collator(undefined, { numeric: true });

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

function stateCounts(sockets: PageSocket[]): HTMLElement {
	const counts = new Map<string, number>();
	for (const s of sockets) counts.set(`${s.kindText} ${s.state}`, (counts.get(`${s.kindText} ${s.state}`) ?? 0) + 1);
	const ul = el('ul', { class: 'chips', 'aria-label': 'socket counts by kind and state' });
	for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) ul.append(el('li', {}, `${k}: ${n}`));
	return ul;
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

/** A socket as the table shows it: its cells' texts and one lower-case text to filter on, computed once per update. */
interface Row {
	s: PageSocket;
	cells: Array<string | number>;
	hay: string;
	cls: '' | 'added' | 'removed';
}

function toRow(s: PageSocket, cls: Row['cls']): Row {
	const cells = COLUMNS.map((c) => c.value(s));
	// \u0001 between cells: a filter matches within one cell, as it did when each was tested alone.
	return { s, cells, hay: cells.join('\u0001').toLowerCase(), cls };
}

/**
 * The sockets table of the shown process. It outlives updates of the same process: its filter
 * box, sort buttons and "Show more" stay the same elements (with focus, caret and hover) and only
 * the rows are rebuilt, so an update that lands while someone types or clicks takes nothing from
 * under them.
 */
interface SocketTable {
	target: string;
	wrap: HTMLElement;
	setData(sockets: PageSocket[], added: Set<string>, removed: PageSocket[]): void;
}
let table: SocketTable | undefined;

function socketTable(target: string): SocketTable {
	const wrap = el('section', { class: 'sockets' });
	const input = el('input', { type: 'search', placeholder: 'Filter sockets (address, port, state, kind, path)', 'aria-label': 'Filter sockets', 'data-focus-key': 'filter' });
	input.value = filterText;
	input.addEventListener('input', () => {
		filterText = input.value;
		shownRows = PAGE;
		renderTableBody();
	});
	let data: { sockets: PageSocket[]; added: Set<string>; removed: PageSocket[] } = { sockets: [], added: new Set(), removed: [] };
	let live: Row[] = [];
	let all: Row[] = [];
	const grid = el('table', { class: 'grid' });
	const headRow = el('tr', { 'aria-rowindex': '1' });
	const heads = COLUMNS.map((c) => {
		const btn = el('button', { class: 'sort', 'aria-label': `sort by ${c.title}`, 'data-focus-key': `sort:${c.key}` });
		btn.addEventListener('click', () => {
			if (sortKey === c.key) sortDesc = !sortDesc;
			else {
				sortKey = c.key;
				sortDesc = false;
			}
			sortRows();
			renderTableBody();
		});
		const th = el('th', { scope: 'col' }, btn);
		headRow.append(th);
		return { c, th, btn };
	});
	const tbody = el('tbody');
	grid.append(el('thead', {}, headRow), tbody);
	const count = el('p', { class: 'muted count', id: 'socket-count', role: 'status' });
	const more = el('button', { type: 'button', class: 'more', 'data-focus-key': 'more', 'aria-describedby': 'socket-count' });
	more.addEventListener('click', () => {
		const first = shownRows;
		shownRows += PAGE;
		renderTableBody();
		// Keyboard users go on reading where the new rows start once there is nothing more to show.
		if (more.hidden) (tbody.children[first] as HTMLElement | undefined)?.focus();
	});
	wrap.append(input, count, grid, more);

	/** Sorted once per update or sort click; the filter keeps this order, so typing never sorts again. */
	function sortRows(): void {
		const ci = Math.max(0, COLUMNS.findIndex((c) => c.key === sortKey));
		live = data.sockets.map((s) => toRow(s, data.added.has(s.id) ? 'added' : '')).sort((a, b) => {
			const va = a.cells[ci], vb = b.cells[ci];
			const r = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
			return sortDesc ? -r : r;
		});
		all = live.concat(data.removed.map((s) => toRow(s, 'removed')));
		for (const { c, th, btn } of heads) {
			th.setAttribute('aria-sort', sortKey === c.key ? (sortDesc ? 'descending' : 'ascending') : 'none');
			btn.replaceChildren(c.title, ...(sortKey === c.key ? [icon(sortDesc ? 'arrow-down' : 'arrow-up')] : []));
		}
	}

	function renderTableBody(): void {
		// A focused row is rebuilt: find it again by its key afterwards.
		const focused = document.activeElement instanceof HTMLElement && tbody.contains(document.activeElement) ? document.activeElement.dataset.focusKey : undefined;
		const needle = filterText.trim().toLowerCase();
		const matched = needle ? all.filter((r) => r.hay.includes(needle)) : all;
		const page = matched.slice(0, shownRows);
		const rows = document.createDocumentFragment();
		page.forEach((r, i) => rows.append(socketRow(r, i + 2)));
		tbody.replaceChildren(rows);
		if (focused) refocus(tbody, focused);
		// Screen readers hear the whole table's size, not the page's.
		grid.setAttribute('aria-rowcount', String(matched.length + 1));
		const liveMatched = needle ? matched.filter((r) => r.cls !== 'removed').length : live.length;
		const liveShown = Math.min(page.length, liveMatched);
		const closed = matched.length - liveMatched;
		count.textContent =
			(needle ? `${liveShown} of ${liveMatched} matching sockets shown (${live.length} in all)` : `${liveShown} of ${live.length} sockets shown`) +
			(closed ? `, ${closed} just closed` : '');
		const rest = matched.length - page.length;
		more.hidden = rest <= 0;
		more.replaceChildren(icon('fold-down'), `Show ${Math.min(PAGE, rest)} more`);
	}

	return {
		target,
		wrap,
		setData(sockets, added, removed) {
			data = { sockets, added, removed };
			sortRows();
			renderTableBody();
		},
	};
}

function socketRow(r: Row, index: number): HTMLTableRowElement {
	const { s, cls } = r;
	const tr = el('tr', {
		tabindex: '0',
		class: cls || undefined,
		title: cls === 'removed' ? 'closed since the last refresh' : cls === 'added' ? 'new since the last refresh' : undefined,
		'aria-rowindex': String(index),
		'data-focus-key': `${cls === 'removed' ? 'closed' : 'row'}:${s.id}`,
	});
	r.cells.forEach((v, i) => tr.append(i === 0 ? el('td', {}, icon(socketIcon(s, cls === 'added' ? 'new' : cls === 'removed' ? 'closed' : undefined)), String(v)) : el('td', {}, String(v))));
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

/** What a processTick changes in place: the time line and the chart. */
let tick: { target: string; sub: HTMLElement; chartSlot: HTMLElement; host: string } | undefined;

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
	const head = header(`${p.name} (pid ${p.pid})`, takenText(host, takenAt), processIcon(d.sockets));
	const chartSlot = el('div', { class: 'chart-slot' }, chart(d.history));
	tick = { target, sub: head.querySelector('p')!, chartSlot, host };
	if (table?.target !== target) table = socketTable(target);
	table.setData(d.sockets, new Set(d.added), d.removed);
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
			['Network namespace', p.netns],
			['Working directory', p.cwd],
			['File descriptors', p.fdAccess === 'ok' ? 'readable' : 'not readable by this user: its sockets are listed without an owner'],
		]),
		el('h2', {}, icon('plug'), 'Sockets'),
		stateCounts(d.sockets),
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
		el('h2', {}, icon('file-code'), 'Raw /proc line'),
		el('pre', { class: 'raw' }, d.rawLine ?? '(not available: the socket is gone, has no inode, or the host is not this machine)'),
	);
}

/** Gathers the pieces of a long page (packedMessage.ts). */
const unpacker = new Unpacker();

function render(m: ToWebview): void {
	if (m.type === 'packed') {
		const whole = unpacker.add(m);
		return whole ? render(whole) : undefined;
	}
	const target = JSON.stringify(m.target);
	if (m.type === 'processTick') {
		// Only the time and the chart are new: changed in place, the rest of the page stays as it is.
		if (last?.type !== 'process' || tick?.target !== target || JSON.stringify(last.target) !== target) return;
		last = { ...last, takenAt: m.takenAt, detail: { ...last.detail, history: m.history } };
		tick.sub.textContent = takenText(tick.host, m.takenAt);
		tick.chartSlot.replaceChildren(chart(m.history));
		return;
	}
	if (m.type === 'processDelta') {
		// The sockets that changed since the page last shown: applied to it, if it is this one;
		// otherwise ask for the whole page.
		const page = last?.type === 'process' ? applyProcessDelta(last, m) : undefined;
		return page ? render(page) : post({ type: 'ready' });
	}
	last = m;
	vscode.setState({ target: m.target });
	if (target !== pagedTarget) {
		pagedTarget = target;
		shownRows = PAGE;
	}
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
