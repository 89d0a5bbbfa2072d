// The detail page. Every piece of data is inserted with textContent or attributes set from
// code, never as HTML: process names, command lines and unix paths are chosen by other users.
import type { ProcessInfo, SocketInfo } from '../model/snapshot';
import { assertNever, type FromWebview, type HistoryPoint, type PanelTarget, type ProcessDetail, type SocketDetail, type ToWebview } from '../shared/protocol';
import { kindText, localText, remoteText, visible } from '../model/describe';

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

function link(text: string, onActivate: () => void, title?: string): HTMLAnchorElement {
	const a = el('a', { href: '#', role: 'button', title });
	a.textContent = text;
	a.addEventListener('click', (ev) => {
		ev.preventDefault();
		onActivate();
	});
	return a;
}

// ---- sockets table: sort and filter survive updates ----
type Column = { key: string; title: string; value: (s: SocketInfo) => string | number; numeric?: boolean };
const COLUMNS: Column[] = [
	{ key: 'kind', title: 'Kind', value: (s) => kindText(s) },
	{ key: 'local', title: 'Local', value: (s) => localText(s) },
	{ key: 'remote', title: 'Remote', value: (s) => remoteText(s) },
	{ key: 'state', title: 'State', value: (s) => s.state },
	{ key: 'tx', title: 'Send-Q', value: (s) => s.txQueue ?? 0, numeric: true },
	{ key: 'rx', title: 'Recv-Q', value: (s) => s.rxQueue ?? 0, numeric: true },
	{ key: 'timer', title: 'Timer', value: (s) => (s.timer && s.timer !== 'off' ? `${s.timer} ${(s.timerSeconds ?? 0).toFixed(1)}s` : '') },
	{ key: 'inode', title: 'Inode', value: (s) => s.inode },
	{ key: 'fd', title: 'Fd', value: (s) => s.owners.map((o) => o.fd).join(','), numeric: true },
];
let sortKey = 'state';
let sortDesc = false;
let filterText = '';
let last: ToWebview | undefined;

function post(m: FromWebview): void {
	vscode.postMessage(m);
}

function header(title: string, sub: string): HTMLElement {
	return el('header', {}, el('h1', {}, title), el('p', { class: 'muted' }, sub));
}

function facts(rows: Array<[string, Child]>): HTMLElement {
	const dl = el('dl', { class: 'facts' });
	for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v ?? '—'));
	return dl;
}

function stateCounts(sockets: SocketInfo[]): HTMLElement {
	const counts = new Map<string, number>();
	for (const s of sockets) counts.set(`${kindText(s)} ${s.state}`, (counts.get(`${kindText(s)} ${s.state}`) ?? 0) + 1);
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

function socketTable(sockets: SocketInfo[], added: Set<string>, removed: SocketInfo[]): HTMLElement {
	const wrap = el('section', { class: 'sockets' });
	const input = el('input', { type: 'search', placeholder: 'Filter sockets (address, port, state, kind, path)', 'aria-label': 'Filter sockets' });
	input.value = filterText;
	input.addEventListener('input', () => {
		filterText = input.value;
		renderTableBody();
	});
	const table = el('table', { class: 'grid' });
	const headRow = el('tr');
	for (const c of COLUMNS) {
		const btn = el('button', { class: 'sort', 'aria-label': `sort by ${c.title}` }, c.title + (sortKey === c.key ? (sortDesc ? ' ▾' : ' ▴') : ''));
		btn.addEventListener('click', () => {
			if (sortKey === c.key) sortDesc = !sortDesc;
			else {
				sortKey = c.key;
				sortDesc = false;
			}
			if (last) render(last);
		});
		headRow.append(el('th', { scope: 'col', 'aria-sort': sortKey === c.key ? (sortDesc ? 'descending' : 'ascending') : 'none' }, btn));
	}
	const tbody = el('tbody');
	table.append(el('thead', {}, headRow), tbody);
	const count = el('p', { class: 'muted count' });
	wrap.append(input, count, table);

	function renderTableBody(): void {
		const col = COLUMNS.find((c) => c.key === sortKey) ?? COLUMNS[0];
		const needle = filterText.trim().toLowerCase();
		const match = (s: SocketInfo) => !needle || COLUMNS.some((c) => String(c.value(s)).toLowerCase().includes(needle));
		const rows = sockets.filter(match).sort((a, b) => {
			const va = col.value(a), vb = col.value(b);
			const r = col.numeric ? Number(va) - Number(vb) : String(va).localeCompare(String(vb));
			return sortDesc ? -r : r;
		});
		tbody.replaceChildren();
		for (const s of rows) tbody.append(socketRow(s, added.has(s.id) ? 'added' : ''));
		for (const s of removed.filter(match)) tbody.append(socketRow(s, 'removed'));
		count.textContent = `${rows.length} of ${sockets.length} sockets${removed.length ? `, ${removed.length} just closed` : ''}`;
	}
	renderTableBody();
	return wrap;
}

function socketRow(s: SocketInfo, cls: string): HTMLTableRowElement {
	const tr = el('tr', { tabindex: '0', class: cls || undefined, title: cls === 'removed' ? 'closed since the last refresh' : cls === 'added' ? 'new since the last refresh' : undefined });
	for (const c of COLUMNS) tr.append(el('td', {}, String(c.value(s))));
	const open = () => cls !== 'removed' && post({ type: 'showSocket', id: s.id });
	tr.addEventListener('click', open);
	tr.addEventListener('keydown', (e) => {
		if (e.key === 'Enter') open();
	});
	return tr;
}

function renderProcess(host: string, takenAt: string, d: ProcessDetail): void {
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
	const copy = link('Copy', () => post({ type: 'copy', text: p.cmdline.join(' ') }), 'copy the command line');
	app.replaceChildren(
		header(`${p.name} (pid ${p.pid})`, `${host} · taken ${new Date(takenAt).toLocaleTimeString()}`),
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
		el('h2', {}, 'Sockets'),
		stateCounts(d.sockets),
		chart(d.history),
		socketTable(d.sockets, new Set(d.added), d.removed),
	);
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
	app.replaceChildren(
		header(`${kindText(s)} ${localText(s)}${remoteText(s) && remoteText(s) !== '*' ? ' → ' + remoteText(s) : ''}`, `${s.state} · ${host} · taken ${new Date(takenAt).toLocaleTimeString()}`),
		facts(rows),
		el('h2', {}, 'Raw /proc line'),
		el('pre', { class: 'raw' }, d.rawLine ?? '(not available: the socket is gone, has no inode, or the host is not this machine)'),
	);
}

function render(m: ToWebview): void {
	last = m;
	vscode.setState({ target: m.target });
	switch (m.type) {
		case 'process':
			renderProcess(m.host, m.takenAt, m.detail);
			return;
		case 'socket':
			renderSocket(m.host, m.takenAt, m.detail);
			return;
		case 'gone':
			app.replaceChildren(el('p', { class: 'gone' }, m.message));
			return;
		default:
			assertNever(m);
	}
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => render(ev.data));
post({ type: 'ready' });
