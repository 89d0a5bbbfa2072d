#!/usr/bin/env node
// `npm run bench:webview`: what the detail page costs the browser that draws it, for a process
// with many sockets. The page (dist/webview/main.js and media/panel.css, as built) is loaded in
// Debian's Chromium by itself, with a stand-in for VS Code's webview API, and sent what the
// extension host sends: the first window of a process's page, then the window again at each
// refresh, with a few sockets new, gone and changed. Chromium's own counters of its main thread
// (CDP Performance.getMetrics: script, style, layout and all tasks) are read around each step.
//
// Why: in the extension-host bench (bench/exthost.mjs) the panel's renderer took most of a core
// while the panel opened on a 16.9k-socket process, on the same two cores as the extension host,
// whose event loop then waited for a CPU. The rows are made up here (loopback TCP, the shapes
// pageSocket.ts makes); the page does not know where they came from.
//   node bench/webview.mjs [--rows N] [--deltas D] [--changes C] [--no-build]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './args.mjs';
import { launchBrowser } from '../scripts/browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(arg('--rows', 16872));
const DELTAS = Number(arg('--deltas', 10));
const CHANGES = Number(arg('--changes', 12));
if (!process.argv.includes('--no-build')) execFileSync(process.execPath, [path.join(repo, 'esbuild.js')], { cwd: repo, stdio: 'inherit' });

// The page as detailPanel.ts writes it, minus the CSP's webview source (file:// here).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-webview-bench-'));
fs.writeFileSync(
	path.join(dir, 'index.html'),
	`<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<link href="${path.join(repo, 'dist/webview/codicons/codicon.css')}" rel="stylesheet">
<link href="${path.join(repo, 'media/panel.css')}" rel="stylesheet">
<title>Procnet</title></head>
<body><main id="app" aria-live="polite"><p class="muted">Loading…</p></main>
<script>
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), setState() {}, getState() { return undefined; } });
</script>
<script src="${path.join(repo, 'dist/webview/main.js')}"></script></body></html>`,
);

// Made in the page (a big argument through the DevTools protocol would be counted as page work):
// each message's window as the extension host makes it (src/shared/pageWindow.ts) and packed as
// the panel packs it (src/shared/packedMessage.ts), both bundled for the page.
const packer = (await import('esbuild')).buildSync({
	stdin: { contents: "export { pack } from './src/shared/packedMessage'; export { windowOf, DEFAULT_QUERY, PAGE_ROWS } from './src/shared/pageWindow'; export { drain } from './src/views/turns';", resolveDir: repo, loader: 'ts' },
	bundle: true, format: 'iife', globalName: 'procnetPack', write: false, platform: 'browser',
}).outputFiles[0].text;
const generator = `(() => {
	let port = 40000;
	const ROWS = ${ROWS}, CHANGES = ${CHANGES};
	function row(i) {
		const p = port++;
		return { id: 'tcp:127.0.0.1:' + p + '-127.0.0.1:' + (5000 + (i % 50)) + ':' + (3000000 + i), kind: 'tcp', state: i % 97 === 0 ? 'TIME_WAIT' : 'ESTABLISHED', kindText: 'tcp',
			local: '127.0.0.1:' + p, remote: '127.0.0.1:' + (5000 + (i % 50)), txQueue: 0, rxQueue: i % 13 === 0 ? 120 : 0,
			timer: i % 3 ? '' : 'keepalive ' + ((i % 70) / 10).toFixed(1) + 's', inode: String(3000000 + i), fds: String(20 + i) };
	}
	const target = { kind: 'process', pid: 4242, startTicks: 1 };
	const proc = { pid: 4242, ppid: 1, name: 'loadgen', cmdline: ['node', 'bench/load.mjs'], uid: 0, user: 'root', startTime: new Date().toISOString(), netns: 'net:[4026531840]', cwd: '/work', fdAccess: 'ok' };
	let sockets = Array.from({ length: ROWS }, (_, i) => row(i));
	const history = [];
	const t = Date.now();
	const detail = (removed, fresh) => {
		const table = procnetPack.drain(procnetPack.windowOf(sockets, removed, procnetPack.DEFAULT_QUERY, procnetPack.PAGE_ROWS));
		return { process: proc, ancestors: [{ pid: 1, name: 'init' }], children: [], history: history.slice(), table, query: procnetPack.DEFAULT_QUERY, added: table.rows.filter((r) => fresh.has(r.id)).map((r) => r.id) };
	};
	// Every message is made and packed before the measured steps, so that only the page's own work is counted.
	const messages = [];
	history.push({ t, established: ROWS, listening: 0, other: 0 });
	messages.push({ type: 'process', target, host: 'local', takenAt: new Date(t).toISOString(), detail: detail([], new Set()) });
	for (let k = 1; k <= ${DELTAS}; k++) {
		// A refresh: CHANGES sockets closed (spread over the list), as many new, as many with a changed queue.
		const gone = new Set(Array.from({ length: CHANGES }, (_, j) => sockets[(k * 997 + j * 1361) % sockets.length].id));
		const removed = sockets.filter((s) => gone.has(s.id));
		const kept = sockets.filter((s) => !gone.has(s.id));
		const fresh = Array.from({ length: CHANGES }, (_, j) => row(ROWS + k * CHANGES + j));
		const changed = Array.from({ length: CHANGES }, (_, j) => ({ ...kept[(k * 631 + j * 1733) % kept.length], txQueue: k }));
		const byId = new Map(kept.map((s) => [s.id, s]));
		for (const c of changed) byId.set(c.id, c);
		sockets = [...byId.values(), ...fresh];
		history.push({ t: t + k * 1000, established: sockets.length, listening: 0, other: 0 });
		messages.push({ type: 'process', target, host: 'local', takenAt: new Date(t + k * 1000).toISOString(), detail: detail(removed, new Set(fresh.map((s) => s.id))) });
	}
	let packed;
	window.__bench = {
		async prepare() {
			packed = [];
			for (let i = 0; i < messages.length; i++) packed.push(await procnetPack.pack(messages[i], i + 1));
		},
		// Each piece in a task of its own, as the panel posts them a turn apart; resolves once the page has drawn (two frames).
		async post(i) {
			for (const p of packed[i]) {
				window.postMessage(p, '*');
				await new Promise((r) => setTimeout(r, 0));
			}
			await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		},
	};
})();`;

const b = await launchBrowser();
try {
	const { page, context } = b;
	await page.goto(`file://${path.join(dir, 'index.html')}`);
	const cdp = await context.newCDPSession(page);
	await cdp.send('Performance.enable');
	const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
	await page.addScriptTag({ content: packer });
	await page.addScriptTag({ content: generator });
	// One step: made, packed, posted and drawn in the page; Chromium's counters read around it.
	const step = async (label, fn, k) => {
		const before = await metrics();
		const t0 = performance.now();
		await page.evaluate(([f, n]) => window.__bench[f](n), [fn, k]);
		const wall = performance.now() - t0;
		const after = await metrics();
		const d = (key) => (after[key] - before[key]) * 1000;
		return { label, wall, task: d('TaskDuration'), script: d('ScriptDuration'), style: d('RecalcStyleDuration'), layout: d('LayoutDuration'), layouts: after.LayoutCount - before.LayoutCount };
	};
	await page.evaluate(() => window.__bench.prepare());
	const results = [await step('first page', 'post', 0)];
	for (let k = 1; k <= DELTAS; k++) results.push(await step(`delta ${k}`, 'post', k));
	const shown = await page.evaluate(() => document.querySelectorAll('table.grid tbody tr').length);
	const count = await page.evaluate(() => document.getElementById('socket-count')?.textContent);
	console.log(`webview bench: ${ROWS} sockets, ${DELTAS} refreshes of ${CHANGES} new + ${CHANGES} gone + ${CHANGES} changed; ${shown} rows in the DOM ("${count}")`);
	console.log('step          wall ms  task ms  script  style  layout (count)');
	for (const r of results) console.log(`${r.label.padEnd(12)} ${r.wall.toFixed(0).padStart(8)} ${r.task.toFixed(0).padStart(8)} ${r.script.toFixed(0).padStart(7)} ${r.style.toFixed(0).padStart(6)} ${r.layout.toFixed(0).padStart(7)} (${r.layouts})`);
	const deltas = results.slice(1);
	const med = (k) => deltas.map((r) => r[k]).sort((x, y) => x - y)[Math.floor(deltas.length / 2)];
	console.log(`WEBVIEW rows=${ROWS} firstTaskMs=${results[0].task.toFixed(0)} firstLayoutMs=${results[0].layout.toFixed(0)} deltaTaskMs(median)=${med('task').toFixed(0)} deltaLayoutMs(median)=${med('layout').toFixed(0)} deltaScriptMs(median)=${med('script').toFixed(0)}`);
} finally {
	await b.close();
	fs.rmSync(dir, { recursive: true, force: true });
}
