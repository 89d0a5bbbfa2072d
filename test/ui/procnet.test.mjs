// UI tests: the packaged procnet .vsix installed in a real VS Code (code-server 4.139.1 = VS Code
// 1.139.1 on Node 24), driven in Debian's Chromium with playwright-core. Run: npm run test:ui
// Screenshots of every state: test-results/ui/*.png (look at them).
//
// The tree: host row (level 1) → processes holding sockets, `name (pid)` (level 2) → their
// sockets, `tcp 127.0.0.1:PORT` (level 3). The test starts its own listener (a node process on a
// known pid and port) and finds it through "Procnet: Show Ports for PID".
import * as assert from 'node:assert';
import * as crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageExtension, provision, QUIET_SETTINGS, startServer } from '../../scripts/vscode-server.mjs';
import { launchBrowser } from '../../scripts/browser.mjs';
import { writableHierarchy } from '../../out/test/integration/cgroups.js';
import { getentName } from '../../out/test/integration/helpers.js';
import { holderArgs } from '../../out/test/integration/loopbackHolder.js';
import { sshdAvailable, startSshd } from '../../out/test/integration/sshd.js';
import { findRow, notifications, openProcnetView, panelFrame, pickPidRow, procnetTree, quickPickSettled, rowMenu, runCommand, screenshot, showPortsForPid, treeRows, typeInPidPick, viewMessage, VIEW_NAME, waitForWorkbench } from './helpers.mjs';

/** A process of ours with a known pid and a TCP listener on 127.0.0.1, for the tree to show; `name`, when given, is its process name. */
function startListener(name) {
	const child = spawn(process.execPath, ['-e', "if(process.argv[1])require('fs').writeFileSync('/proc/self/comm',process.argv[1]);const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)", name ?? ''], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.stdout.once('data', (d) => resolve({ pid: child.pid, port: Number(String(d).trim()), kill: () => child.kill('SIGKILL') }));
	});
}

/**
 * A process of ours that holds `connections` TCP connections to itself (each one two sockets: the
 * client's and the accepted one), opened 100 at a time, each batch accepted before the next is
 * opened (or the listen backlog drops some). Resolves once all are up with its pid, its listening
 * port, its clients' local ports, and how many socket fds it holds (read from its own /proc).
 */
function startHolder(connections) {
	const code = `
const net = require('net'), fs = require('fs');
const N = Number(process.argv[1]);
const accepted = [];
const server = net.createServer((c) => accepted.push(c));
server.listen(0, '127.0.0.1', async () => {
	const port = server.address().port;
	const clients = [];
	for (let i = 0; i < N; i += 100) {
		const batch = [];
		for (let j = i; j < Math.min(N, i + 100); j++) batch.push(new Promise((res, rej) => { const c = net.connect(port, '127.0.0.1', () => res(c)); c.on('error', rej); }));
		clients.push(...(await Promise.all(batch)));
		while (accepted.length < clients.length) await new Promise((r) => setTimeout(r, 5));
	}
	const sockets = fs.readdirSync('/proc/self/fd').filter((f) => { try { return fs.readlinkSync('/proc/self/fd/' + f).startsWith('socket:'); } catch { return false; } }).length;
	process.stdout.write(JSON.stringify({ port, clientPorts: clients.map((c) => c.localPort), sockets }) + '\\n');
});
setInterval(() => {}, 1e6);`;
	const child = spawn(process.execPath, ['-e', code, String(connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		let out = '';
		child.once('error', reject);
		child.once('exit', (c, sig) => reject(new Error(`the socket holder exited (${c ?? sig}) before it was ready`)));
		child.stdout.on('data', (d) => {
			out += d;
			if (out.includes('\n')) resolve({ pid: child.pid, ...JSON.parse(out), kill: () => child.kill('SIGKILL') });
		});
	});
}

describe('procnet in the VS Code workbench (code-server + Chromium)', function () {
	let server, browser, page, listener;
	/** A real sshd on 127.0.0.1 (forwarding allowed), its ssh_config the user setting procnet.sshConfigFile: Add SSH Host offers `procnet-test`. */
	let sshd;
	/**
	 * Children a test started, killed after it whatever happened: a test that times out never
	 * reaches its own `finally` (one left its child, and so this run's mocha, alive for 80 minutes).
	 */
	const started = [];
	/** A child process, or a holder with its own kill(); killing one that has exited does nothing. */
	const own = (child) => (started.push(() => child.kill('SIGKILL')), child);
	/**
	 * Sets `key` in a settings file (undefined: takes it out), as a user editing it would. Which
	 * file matters in code-server: machine-scoped settings (procnet.sshHosts, which Add SSH Host
	 * writes) are in the server's Machine/settings.json, and the extension sees an edit of it or of
	 * the workspace's .vscode/settings.json within a second or two; an edit of User/settings.json,
	 * whose settings the browser holds, was not seen within 30 s.
	 */
	const setSetting = (where, key, value) => {
		const file = where === 'machine' ? path.join(server.dir, 'udd', 'Machine', 'settings.json') : path.join(server.folder, '.vscode', 'settings.json');
		fs.mkdirSync(path.dirname(file), { recursive: true });
		const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
		if (value === undefined) delete settings[key];
		else settings[key] = value;
		fs.writeFileSync(file, JSON.stringify(settings, null, 2));
	};

	before(async function () {
		this.timeout(15 * 60 * 1000); // the very first run installs code-server (~2-4 min)
		await provision();
		const vsix = packageExtension({ quiet: true });
		listener = await startListener();
		if (sshdAvailable()) sshd = await startSshd({ allowTcpForwarding: true });
		server = await startServer({ vsix, settings: QUIET_SETTINGS });
		// procnet.sshConfigFile is machine-scoped: in a remote window (code-server's is one) VS Code reads it from the Machine settings only.
		if (sshd) {
			fs.mkdirSync(path.join(server.dir, 'udd', 'Machine'), { recursive: true });
			fs.writeFileSync(path.join(server.dir, 'udd', 'Machine', 'settings.json'), JSON.stringify({ 'procnet.sshConfigFile': sshd.configFile }));
		}
		browser = await launchBrowser();
		page = browser.page;
		page.on('pageerror', (e) => console.error(`      [page error] ${e.message}`));
		await page.goto(server.workbenchUrl());
		await waitForWorkbench(page);
		await screenshot(page, '00-workbench');
	});

	after(async function () {
		this.timeout(30000);
		await browser?.close();
		await server?.stop();
		listener?.kill();
		await sshd?.stop();
	});

	afterEach(async function () {
		for (const kill of started.splice(0)) kill();
		if (this.currentTest?.state !== 'failed' || !page) return;
		await screenshot(page, `FAILED-${this.currentTest.title}`).catch(() => {});
		// CI keeps only the log: say what each frame showed and which notifications were up.
		for (const f of page.frames()) {
			const text = await f.evaluate(() => document.body?.innerText ?? '').catch((e) => `(unreadable: ${e.message})`);
			console.error(`      [frame ${f.url().slice(0, 100)}] ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
		}
		const tabs = await page.locator('.tabs-container .tab').allInnerTexts().catch(() => []);
		const webviews = await page.locator('iframe.webview').evaluateAll((fs) => fs.map((f) => f.className)).catch(() => []);
		console.error(`      [tabs] ${JSON.stringify(tabs)} [webview iframes] ${JSON.stringify(webviews)}`);
		const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts().catch(() => []);
		console.error(`      [notifications] ${JSON.stringify(toasts)}`);
	});

	it(`opens the Procnet activity-bar container and shows the "${VIEW_NAME}" view`, async () => {
		await openProcnetView(page);
		await screenshot(page, '01-procnet-view');
	});

	it('renders the host row and process rows labelled "name (pid)" under it', async () => {
		await openProcnetView(page);
		// The first /proc scan: a process row (before it, the level-2 row is "Reading /proc…").
		const processRow = page.getByRole('treeitem', { level: 2 }).filter({ hasText: /\(\d+\)/ }).first();
		await processRow.waitFor({ timeout: 120000 });
		const rows = await treeRows(page);
		await screenshot(page, '02-tree-rows');
		const hosts = rows.filter((r) => r.level === 1);
		assert.ok(hosts.length >= 1, `no host row in ${JSON.stringify(rows.map((r) => r.label))}`);
		// This machine's counts are the view's message above the tree, not on its row (processTree.ts).
		assert.match(await viewMessage(page), /^\d+ processes · \d+ sockets\.($| )/);
		assert.doesNotMatch(hosts[0].description, /sockets/);
		const procs = rows.filter((r) => r.level === 2 && r.label !== 'Sockets without a known owner');
		assert.ok(procs.length > 0, 'no process rows');
		for (const r of procs) assert.match(r.label, /^.+ \(\d+\)$/, `process row not "name (pid)": ${r.label}`);
	});

	it('a filter: the line above the tree says what it matches; matching nothing, the welcome view offers Clear Filter (as does the title bar), which brings the rows back', async () => {
		await openProcnetView(page);
		const clearInTitle = page.locator('.part.sidebar .composite.title .action-label[aria-label^="Clear Filter"]');
		assert.strictEqual(await clearInTitle.count(), 0, 'no Clear Filter action without a filter');
		const filterWith = async (text) => {
			await runCommand(page, 'Procnet: Filter Sockets…');
			const input = page.locator('.quick-input-widget input');
			await input.fill(text);
			await input.press('Enter');
		};
		try {
			await filterWith(`pid:${process.pid}`);
			await page.waitForFunction((pid) => {
				const m = document.querySelector('.part.sidebar .tree-explorer-viewlet-tree-view > .message')?.textContent ?? '';
				return m.startsWith(`The filter "pid:${pid}" matches 1 process · `);
			}, process.pid, { timeout: 60000 });
			await clearInTitle.waitFor({ state: 'visible', timeout: 10000 });
			assert.ok((await findRow(page, `node (${process.pid})`)), 'the test runner\'s own row is shown');
			await screenshot(page, '02a-filter-matches');

			await filterWith('port:1-2 kind:sctp');
			const welcome = page.locator('.part.sidebar .welcome-view-content').filter({ hasText: 'No socket matches the filter.' });
			await welcome.waitFor({ state: 'visible', timeout: 60000 });
			// A message over the tree would hide the welcome view: there is none.
			assert.strictEqual(await viewMessage(page), '');
			await screenshot(page, '02b-filter-matches-nothing');
			await welcome.getByRole('button', { name: 'Clear Filter' }).click();
			await page.waitForFunction(() => /^\d+ processes · \d+ sockets\./.test(document.querySelector('.part.sidebar .tree-explorer-viewlet-tree-view > .message')?.textContent ?? ''), null, { timeout: 60000 });
			await welcome.waitFor({ state: 'hidden', timeout: 10000 });
			await clearInTitle.waitFor({ state: 'hidden', timeout: 10000 });
			await findRow(page, `node (${process.pid})`);
		} finally {
			if (await clearInTitle.isVisible().catch(() => false)) await runCommand(page, 'Procnet: Clear Filter');
		}
	});

	it('"Procnet: Show Ports for PID" from the command palette reveals the test\'s own listener, without an error notification', async () => {
		await openProcnetView(page);
		const before = await notifications(page);
		const quickInput = await runCommand(page, 'Procnet: Show Ports for PID');
		// Without an argument the command asks for a process in a quick pick: type the listener's pid.
		const input = quickInput.locator('input');
		await page.waitForFunction(() => {
			const i = document.querySelector('.quick-input-widget input');
			return i && i.offsetParent !== null && !i.value.startsWith('>');
		}, null, { timeout: 15000 });
		await input.fill(String(listener.pid));
		await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: `(${listener.pid})` }).first().waitFor({ timeout: 15000 });
		await screenshot(page, '03-show-ports-for-pid-pick');
		await pickPidRow(page, listener.pid, 15000);

		const row = await findRow(page, `node (${listener.pid})`);
		// Its socket row, `tcp 127.0.0.1:PORT` (LISTEN), right under it.
		const socketRow = page.getByRole('treeitem', { level: 3 }).filter({ hasText: `127.0.0.1:${listener.port}` }).first();
		await socketRow.waitFor({ timeout: 15000 });
		assert.match(await socketRow.innerText(), /LISTEN/);
		// Selection and expansion land a moment after the row does; wait for them (the asserts below
		// say which one is missing if they never come) rather than sleep a guessed 500 ms.
		await row.and(page.locator('[aria-selected="true"][aria-expanded="true"]')).waitFor({ timeout: 15000 }).catch(() => undefined);
		await screenshot(page, '04-own-listener-revealed');
		assert.strictEqual(await row.getAttribute('aria-selected'), 'true', 'the revealed process row is not selected');
		assert.strictEqual(await row.getAttribute('aria-expanded'), 'true', 'the revealed process row is not expanded');
		const errors = (await notifications(page)).filter((n) => n.severity === 'error' && !before.some((b) => b.message === n.message));
		assert.deepStrictEqual(errors, [], `error notification(s) after the command: ${errors.map((e) => e.message).join(' | ')}`);
	});

	it('a typed pid is the active row of the pick, so Enter takes it, even when another process\'s name holds those digits and sorts first', async () => {
		// The decoy: a listener of ours named "a<the listener's pid>" (a name may be set through
		// /proc/self/comm). VS Code ranks label matches by name, so without procnet's choice of the
		// active row the decoy's "a… (pid)" comes before "node (pid)" and Enter takes the decoy.
		const decoy = await startListener(`a${listener.pid}`);
		started.push(decoy.kill);
		assert.strictEqual(fs.readFileSync(`/proc/${decoy.pid}/comm`, 'utf8').trim(), `a${listener.pid}`);
		await typeInPidPick(page, listener.pid, 15000);
		// Both rows are listed (the decoy through its name), and the pick's fresh scan has landed.
		const rows = page.locator('.quick-input-widget .monaco-list-row');
		await rows.filter({ hasText: `a${listener.pid} (${decoy.pid})` }).first().waitFor({ timeout: 15000 });
		await quickPickSettled(page);
		const focused = rows.and(page.locator('.focused'));
		await page.waitForFunction((pid) => document.querySelector('.quick-input-widget .monaco-list-row.focused .label-name')?.textContent?.endsWith(`(${pid})`), listener.pid, { timeout: 10000 }).catch(() => undefined);
		const label = await focused.locator('.label-name').first().innerText();
		await screenshot(page, '03c-exact-pid-active');
		assert.ok(label.endsWith(`(${listener.pid})`) && label.startsWith('node'), `the active row for "${listener.pid}" is "${label}", not the listener's`);
		await page.keyboard.press('Enter');
		await findRow(page, `node (${listener.pid})`);
		await panelFrame(page).locator('h1', { hasText: `(pid ${listener.pid})` }).waitFor({ timeout: 15000 });
	});

	it('opens the detail panel for the revealed process: its facts and a table with its listening socket', async () => {
		// "Show Ports for PID" (previous test) opened the panel; its page lives in two nested iframes.
		const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
		const title = frame.locator('h1');
		await title.waitFor({ timeout: 20000 });
		assert.strictEqual(await title.innerText(), `node (pid ${listener.pid})`);
		const row = frame.locator('table.grid tbody tr').filter({ hasText: `127.0.0.1:${listener.port}` });
		await row.first().waitFor({ timeout: 15000 });
		assert.match(await row.first().innerText(), /LISTEN/);
		assert.match(await frame.locator('dl.facts').innerText(), /Command line/);
		await screenshot(page, '05-detail-panel');
		// Sorting by a column reorders without losing rows.
		const before = await frame.locator('table.grid tbody tr').count();
		// The extension host sorts (twelfth session): header and rows change when its answer comes.
		await frame.locator('button.sort', { hasText: 'Local' }).click();
		await frame.locator('th[aria-sort="ascending"]', { hasText: 'Local' }).waitFor({ timeout: 15000 });
		assert.strictEqual(await frame.locator('table.grid tbody tr').count(), before);
	});

	it('a quick pick opened while the panel holds the keyboard stays open as the panel redraws (the page takes its focus back only when it has the focus)', async () => {
		const frame = panelFrame(page);
		await frame.locator('h1', { hasText: `(pid ${listener.pid})` }).waitFor({ timeout: 20000 });
		// The keyboard in the panel's filter box, then the command palette from the workbench.
		await frame.locator('input[type=search]').click();
		await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } });
		await page.keyboard.press('F1');
		const palette = page.locator('.quick-input-widget input');
		await palette.waitFor({ state: 'visible', timeout: 10000 });
		// A connection to the listener changes its process, so the panel rebuilds its page: twice,
		// once as it comes and once as it is marked closed.
		const client = net.connect(listener.port, '127.0.0.1');
		try {
			await new Promise((r, j) => client.once('connect', r).once('error', j));
			const mine = `127.0.0.1:${client.localPort}`;
			const row = frame.locator('table.grid tbody tr').filter({ hasText: mine });
			await row.first().waitFor({ timeout: 20000 });
			await screenshot(page, '05a-palette-over-redrawn-panel');
			assert.ok(await palette.isVisible(), 'the command palette closed when the panel redrew');
			client.destroy();
			await frame.locator('table.grid tbody tr.removed').filter({ hasText: mine }).first().waitFor({ timeout: 20000 });
			assert.ok(await palette.isVisible(), 'the command palette closed when the panel marked the connection closed');
			// Back in the panel, the keyboard is where it was: the filter box.
			await page.keyboard.press('Escape');
			await frame.locator('input[type=search]').click();
			assert.strictEqual(await frame.locator('input[type=search]').evaluate((e) => e === document.activeElement), true);
		} finally {
			client.destroy();
		}
	});

	it('draws the panel\'s icons with the codicon font shipped in the extension (no CDN), coloured by theme variables', async () => {
		const frame = panelFrame(page);
		await frame.locator('h1', { hasText: `(pid ${listener.pid})` }).waitFor({ timeout: 20000 });
		// The header's icon, and the listener's row: radio-tower in the theme's green, as in the tree.
		await frame.locator('h1 .codicon.codicon-server-process').waitFor({ timeout: 15000 });
		const row = frame.locator('table.grid tbody tr').filter({ hasText: `127.0.0.1:${listener.port}` }).first();
		const icon = row.locator('td').first().locator('.codicon.codicon-radio-tower.colour-green');
		await icon.waitFor({ timeout: 15000 });
		const font = await icon.evaluate(async (el) => {
			const faces = await document.fonts.load('16px codicon');
			const css = getComputedStyle(el);
			return {
				faces: faces.map((f) => f.status),
				family: css.fontFamily,
				glyph: getComputedStyle(el, '::before').content,
				colour: css.color,
				themeGreen: getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-green').trim(),
				fontUrls: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /codicon/.test(n)),
			};
		});
		await screenshot(page, '08-panel-codicons');
		assert.deepStrictEqual(font.faces, ['loaded'], `the codicon font did not load (CSP font-src or localResourceRoots?): ${JSON.stringify(font)}`);
		assert.match(font.family, /codicon/);
		assert.notStrictEqual(font.glyph, 'none', 'no glyph: codicon.css did not load');
		assert.ok(font.themeGreen, 'the theme defines --vscode-charts-green');
		// The icon's colour is the theme's variable (rgb() of it), not a colour of our own.
		const probe = await icon.evaluate((el, green) => {
			const p = document.createElement('span');
			p.style.color = green;
			el.parentElement.append(p);
			const c = getComputedStyle(p).color;
			p.remove();
			return c;
		}, font.themeGreen);
		assert.strictEqual(font.colour, probe);
		// Both files come from the extension's own folder, through the webview's resource loader.
		assert.ok(font.fontUrls.some((u) => /\/dist\/webview\/codicons\/codicon\.css/.test(u)), `codicon.css: ${font.fontUrls.join(' ')}`);
		assert.ok(font.fontUrls.some((u) => /\/dist\/webview\/codicons\/codicon\.ttf/.test(u)), `codicon.ttf: ${font.fontUrls.join(' ')}`);
		assert.ok(font.fontUrls.every((u) => !/cdn\.jsdelivr|unpkg|cdnjs/.test(u)), font.fontUrls.join(' '));
	});

	it('keeps the revealed process row expanded and selected across two refreshes, with a new socket between (aria-expanded in the DOM)', async () => {
		const row = await findRow(page, `node (${listener.pid})`);
		assert.strictEqual(await row.getAttribute('aria-expanded'), 'true', 'precondition: revealed expanded');
		assert.strictEqual(await row.getAttribute('aria-selected'), 'true', 'precondition: revealed selected');
		// The panel's "taken HH:MM:SS" line changes when a refresh has landed.
		const taken = panelFrame(page).locator('header p.muted');
		const waitForNewRefresh = async (before) => {
			for (const t0 = Date.now(); (await taken.innerText()) === before; ) {
				if (Date.now() - t0 > 120000) throw new Error(`no refresh landed in 120 s (still "${before}")`);
				await page.waitForTimeout(200);
			}
		};
		const t1 = await taken.innerText();
		await runCommand(page, 'Procnet: Refresh');
		await waitForNewRefresh(t1);
		assert.strictEqual(await row.getAttribute('aria-expanded'), 'true', 'collapsed by refresh 1');
		assert.strictEqual(await row.getAttribute('aria-selected'), 'true', 'unselected by refresh 1');
		// The listener accepts a connection from us: a new socket of that process.
		const client = await new Promise((resolve, reject) => {
			const c = net.connect(listener.port, '127.0.0.1', () => resolve(c));
			c.once('error', reject);
		});
		try {
			// The panel's filter box: an update that changes the process's sockets rebuilds its rows, not the box.
			const filterBox = await panelFrame(page).locator('input[type=search]').elementHandle();
			const t2 = await taken.innerText();
			await runCommand(page, 'Procnet: Refresh');
			await waitForNewRefresh(t2);
			// It shows under the process row, which only happens while that row is expanded.
			const accepted = procnetTree(page).getByRole('treeitem', { level: 3 }).filter({ hasText: `127.0.0.1:${listener.port} → 127.0.0.1:${client.localPort}` });
			await accepted.first().waitFor({ timeout: 120000 });
			await screenshot(page, '09-tree-state-after-refreshes');
			const same = await findRow(page, `node (${listener.pid})`);
			assert.strictEqual(await same.getAttribute('aria-expanded'), 'true', 'the process row was collapsed by a refresh');
			assert.strictEqual(await same.getAttribute('aria-selected'), 'true', 'the process row lost its selection in a refresh');
			assert.strictEqual(await procnetTree(page).getByRole('treeitem', { selected: true }).count(), 1, 'exactly one row is selected');
			await panelFrame(page).locator('table.grid tbody tr', { hasText: `127.0.0.1:${client.localPort}` }).first().waitFor({ timeout: 30000 });
			assert.strictEqual(await filterBox.evaluate((e) => e.isConnected), true, 'the update replaced the filter box (and would take focus and caret from whoever types in it)');
		} finally {
			client.destroy();
		}
	});

	it('restores the detail panel after a window reload (the serializer), showing the same process', async function () {
		this.timeout(6 * 60 * 1000);
		const frame = panelFrame(page);
		await frame.locator('h1', { hasText: `(pid ${listener.pid})` }).waitFor({ timeout: 20000 });
		await screenshot(page, '10-before-reload');
		// Through VS Code's own command, as a user reloads: the workbench saves its editors while it
		// shuts down. A browser reload (page.reload) does not wait for that save, and in 3 of 20 full
		// UI runs in the sixteenth session no editor at all came back, procnet's panel or any other.
		const reloaded = page.waitForEvent('load', { timeout: 60000 });
		await runCommand(page, 'Developer: Reload Window');
		await reloaded;
		await waitForWorkbench(page);
		// The editor tab comes back first; the page once the extension has activated
		// (onWebviewPanel:procnet.detail) and its serializer has posted the process again.
		await page.locator('.tabs-container .tab', { hasText: `node (${listener.pid})` }).waitFor({ timeout: 120000 });
		const after = panelFrame(page);
		const title = after.locator('h1');
		await title.waitFor({ timeout: 120000 });
		assert.strictEqual(await title.innerText(), `node (pid ${listener.pid})`);
		const row = after.locator('table.grid tbody tr').filter({ hasText: `127.0.0.1:${listener.port}` }).first();
		await row.waitFor({ timeout: 30000 });
		assert.match(await row.innerText(), /LISTEN/);
		// The new page loads the codicon font again (the screenshot shows the icons, not blanks).
		const faces = await after.locator('h1 .codicon').evaluate(async () => (await document.fonts.load('16px codicon')).map((f) => f.status));
		assert.deepStrictEqual(faces, ['loaded']);
		await screenshot(page, '11-after-reload');
	});

	it('shows the panel again after its tab was hidden behind another editor, with the sockets that changed meanwhile, and keeps updating it', async function () {
		this.timeout(5 * 60 * 1000);
		const frame = panelFrame(page);
		await frame.locator('h1', { hasText: `(pid ${listener.pid})` }).waitFor({ timeout: 20000 });
		const connect = () => new Promise((resolve, reject) => {
			const c = net.connect(listener.port, '127.0.0.1', () => resolve(c));
			c.once('error', reject);
		});
		// The process row's description counts its connections ("· 1 conn"): it tells when a refresh
		// has seen a new one while the panel cannot (the row may be collapsed after the reload above).
		const processRow = await findRow(page, `node (${listener.pid})`);
		const conns = async (n) => {
			const description = processRow.locator('.label-description');
			for (const t0 = Date.now(); !(await description.innerText()).includes(`${n} conn`); await page.waitForTimeout(200)) {
				if (Date.now() - t0 > 120000) throw new Error(`the tree never counted ${n} conn: "${await description.innerText()}"`);
			}
		};
		const inPanel = (client) => panelFrame(page).locator('table.grid tbody tr', { hasText: `127.0.0.1:${client.localPort}` }).first();
		const panelTab = page.locator('.tabs-container .tab', { hasText: `node (${listener.pid})` });
		// Another editor in the panel's group hides it: VS Code drops a hidden webview's page. (This
		// test comes after the reload test: the browser workbench may restore an editor closed just
		// before a reload, which then hid the restored panel.)
		await runCommand(page, 'File: New Untitled Text File');
		await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor({ timeout: 15000 });
		const whileHidden = await connect();
		let afterShown;
		try {
			await runCommand(page, 'Procnet: Refresh');
			await conns(1);
			// Shown again: a new page, which must get the process as it is now.
			await panelTab.click();
			await panelFrame(page).locator('h1', { hasText: `(pid ${listener.pid})` }).waitFor({ timeout: 30000 });
			await inPanel(whileHidden).waitFor({ timeout: 30000 });
			await screenshot(page, '09b-panel-shown-again');
			// And later refreshes still reach it.
			afterShown = await connect();
			await runCommand(page, 'Procnet: Refresh');
			await inPanel(afterShown).waitFor({ timeout: 120000 });
		} finally {
			whileHidden.destroy();
			afterShown?.destroy();
		}
		await panelTab.click();
		await runCommand(page, 'View: Close Other Editors in Group');
		await page.locator('.tabs-container .tab', { hasText: 'Untitled' }).waitFor({ state: 'detached', timeout: 15000 });
	});

	it('shows a hostile command line and unix path as text: no markup renders, no script runs (tree, panel)', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-ui-'));
		const sockPath = path.join(dir, 'x<img src=x onerror="window.__pwned=3">.sock');
		const argImg = '<img src=x onerror="window.__pwned=1">';
		const argScript = '<script>window.__pwned=2</script>';
		const evil = own(spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[2],()=>console.log('up'));setInterval(()=>{},1e6)", argImg, sockPath, argScript], { stdio: ['ignore', 'pipe', 'inherit'] }));
		try {
			await new Promise((r) => evil.stdout.once('data', r));
			// The previous test left focus inside the panel's webview: the helper closes the editors first.
			await typeInPidPick(page, evil.pid, 15000);
			await pickPidRow(page, evil.pid, 15000);
			const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
			await frame.locator('h1', { hasText: `(pid ${evil.pid})` }).waitFor({ timeout: 20000 });
			const cmd = await frame.locator('pre.cmd').innerText();
			assert.ok(cmd.includes(argImg) && cmd.includes(argScript), `the command line shows literally: ${cmd}`);
			const row = frame.locator('table.grid tbody tr').filter({ hasText: '<img src=x onerror=' });
			await row.first().waitFor({ timeout: 15000 });
			// The process row's tooltip, made on hover (resolveTreeItem), shows the command line as text.
			// Live refresh is paused meanwhile: a refresh that changes the host's rows (any process
			// starting or ending) re-renders them, which drops a hover still waiting for its tooltip
			// (CI: no hover after 5 tries, 4 s each, twice in the twelfth session, when every refresh
			// re-rendered every row; a README known limit). What this checks is the tooltip's text.
			await runCommand(page, 'Procnet: Pause Live Refresh');
			try {
				const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'onerror=' });
				for (let attempt = 1; ; attempt++) {
					await page.mouse.move(700, 5);
					await (await findRow(page, `node (${evil.pid})`)).hover();
					const shown = await hover.first().waitFor({ state: 'visible', timeout: 4000 }).then(() => true, () => false);
					if (shown) break;
					if (attempt === 5) throw new Error('no tooltip after 5 hovers of the process row');
				}
				const tip = await hover.first().innerText();
				assert.ok(tip.includes(argImg) && tip.includes(argScript), `the tooltip shows the command line literally: ${tip}`);
				assert.strictEqual(await hover.first().locator('img, script').count(), 0, 'no markup in the tooltip');
				await screenshot(page, '06a-hostile-names-tooltip');
				await page.keyboard.press('Escape');
			} finally {
				await runCommand(page, 'Procnet: Resume Live Refresh');
			}
			// The tree's row for the socket shows the path as text too.
			const treeSock = procnetTree(page).getByRole('treeitem', { level: 3 }).filter({ hasText: 'onerror=' });
			await treeSock.first().waitFor({ timeout: 15000 });
			assert.match(await treeSock.first().innerText(), /<img src=x onerror="window\.__pwned=3">\.sock/);
			await screenshot(page, '06-hostile-names-process');
			// Open the socket's own page from the table.
			await row.first().click();
			await frame.locator('pre.raw').waitFor({ timeout: 15000 });
			assert.ok((await frame.locator('h1').innerText()).includes('<img src=x onerror='));
			await screenshot(page, '07-hostile-names-socket');
			// Nothing rendered as markup, nothing ran, in any frame of the page.
			for (const f of page.frames()) {
				const r = await f.evaluate(() => ({ pwned: window.__pwned ?? null, imgs: document.querySelectorAll('img[src="x"]').length, scripts: [...document.scripts].filter((s) => s.textContent?.includes('__pwned')).length })).catch(() => null);
				if (r) assert.deepStrictEqual(r, { pwned: null, imgs: 0, scripts: 0 }, `frame ${f.url().slice(0, 80)}`);
			}
		} finally {
			evil.kill('SIGKILL');
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('closes a connection from its socket page: "Close Connection…", the workbench asks, the owner sees ECONNABORTED', async () => {
		// A process holding both ends of one loopback connection; it prints the client's port, then what the client sees.
		const held = own(spawn(process.execPath, ['-e', `
const net = require('net');
const s = net.createServer((c) => c.on('error', () => {})).listen(0, '127.0.0.1', () => {
	const c = net.connect(s.address().port, '127.0.0.1', () => console.log(c.localPort));
	c.on('error', (e) => console.log(e.code));
});
setInterval(() => {}, 1e6);`], { stdio: ['ignore', 'pipe', 'inherit'] }));
		// Every line is kept from the start: a line printed while no one waited (the owner's
		// ECONNABORTED can arrive before the click that caused it resolves) was lost before.
		const lines = [];
		let wake = () => {};
		held.stdout.on('data', (d) => {
			lines.push(...String(d).split('\n').filter(Boolean));
			wake();
		});
		const nextLine = async () => {
			while (!lines.length) await new Promise((r) => (wake = r));
			return lines.shift();
		};
		try {
			const clientPort = Number(await nextLine());
			await showPortsForPid(page, held.pid);
			const frame = panelFrame(page);
			// The client's end: its Local cell (the second) is the client's port; the server's end has it as Remote.
			const row = frame.locator('table.grid tbody tr').filter({ has: frame.locator('td:nth-child(2)', { hasText: `127.0.0.1:${clientPort}` }) }).filter({ hasText: 'ESTABLISHED' });
			await row.first().waitFor({ timeout: 15000 });
			await row.first().click();
			const close = frame.getByRole('button', { name: 'Close Connection…' });
			await close.waitFor({ timeout: 15000 });
			// The kernel's tcp_info of it, by ss: nothing was sent yet; the SYN is its one acknowledged byte.
			const tcp = frame.locator('[data-tcp="info"]');
			await tcp.waitFor({ timeout: 15000 });
			assert.match(await tcp.innerText(), /Sent\s+0 bytes in 0 data segments, 1 acknowledged\n/);
			assert.match(await tcp.innerText(), /Round trip\s+[\d.]+ ms/);
			await screenshot(page, '17-socket-page-close-connection');
			await close.click();
			// VS Code's own modal, in the workbench: it names the connection and its owner.
			const dialog = page.locator('.monaco-dialog-box');
			await dialog.waitFor({ timeout: 15000 });
			const text = await dialog.innerText();
			assert.match(text, new RegExp(`Close the TCP connection 127\\.0\\.0\\.1:${clientPort} → 127\\.0\\.0\\.1:\\d+\\?`));
			assert.match(text, new RegExp(`Held by node \\(pid ${held.pid}\\)`));
			await screenshot(page, '18-close-connection-confirm');
			await dialog.getByRole('button', { name: 'Close Connection' }).click();
			assert.strictEqual(await nextLine(), 'ECONNABORTED', 'the owner\'s end was aborted');
			// The command refreshed: the page says the socket is closed.
			await frame.getByText('This socket is closed.').waitFor({ timeout: 20000 });
			await screenshot(page, '19-connection-closed');
		} finally {
			// A dialog left open would block every later test.
			if (await page.locator('.monaco-dialog-box').isVisible().catch(() => false)) await page.keyboard.press('Escape');
			held.kill('SIGKILL');
		}
	});

	it('shows a process\'s memory as the kernel counts it, its CPU share updated in place at each refresh, and its container', async function () {
		this.timeout(120000);
		// A listener that then keeps one core busy (its event loop never returns: the port is printed first).
		const spinner = own(spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);setImmediate(()=>{for(;;){}})})"], { stdio: ['ignore', 'pipe', 'inherit'] }));
		await new Promise((resolve, reject) => (spinner.once('error', reject), spinner.stdout.once('data', resolve)));
		// In a cgroup named as docker names a container's scope, where this machine lets us make one.
		const hierarchy = writableHierarchy();
		const id = crypto.randomBytes(32).toString('hex');
		const group = hierarchy && path.join(hierarchy, `procnet-ui-${process.pid}`, `docker-${id}.scope`);
		if (group) {
			fs.mkdirSync(group, { recursive: true });
			fs.writeFileSync(path.join(group, 'cgroup.procs'), String(spinner.pid));
			// After the spinner is killed (own, above): a cgroup can go once its last process has.
			const exited = new Promise((r) => spinner.once('exit', r));
			started.push(() => void exited.then(() => [group, path.dirname(group)].forEach((d) => {
				try {
					fs.rmdirSync(d);
				} catch (e) {
					console.error(`      [could not remove ${d}: ${e.message}]`);
				}
			})));
		}
		await showPortsForPid(page, spinner.pid);
		const frame = panelFrame(page);
		const memory = frame.locator('[data-usage="memory"]');
		const cpu = frame.locator('[data-usage="cpu"]');
		// Its memory as status's VmRSS says, read around the page's figure (three figures shown).
		const vmRss = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${spinner.pid}/status`, 'utf8'))[1]) * 1024;
		const lo = vmRss();
		const m = /^([\d.]+) (KiB|MiB) resident$/.exec(await memory.innerText());
		const hi = vmRss();
		assert.ok(m, await memory.innerText());
		const shown = Number(m[1]) * (m[2] === 'MiB' ? 2 ** 20 : 1024);
		assert.ok(shown >= Math.min(lo, hi) * 0.95 && shown <= Math.max(lo, hi) * 1.05, `shown ${shown} B, VmRSS ${lo}..${hi}`);
		if (group) {
			const facts = await frame.locator('dl.facts').innerText();
			assert.match(facts, new RegExp(`Container\\s+docker ${id.slice(0, 12)}\\n`));
			assert.match(facts, new RegExp(`Control group\\s+/procnet-ui-${process.pid}/docker-${id}\\.scope\\n`));
		}
		// Once two refreshes are in, the share of a core between them; the spinner has most of one
		// of this machine's two cores (code-server and Chromium have the other, mostly).
		const share = /^([\d.]+)% of a core over the last ([\d.]+) s · (.+) in all$/;
		let first;
		for (const t0 = Date.now(); !(first = share.exec(await cpu.innerText())); await page.waitForTimeout(250)) {
			if (Date.now() - t0 > 30000) throw new Error(`no CPU share: ${await cpu.innerText()}`);
		}
		assert.ok(Number(first[1]) >= 40 && Number(first[1]) <= 102, first[0]);
		// The next refresh changes the figures in place: the same element, a new total.
		const element = await cpu.elementHandle();
		for (const t0 = Date.now(); (await element.innerText()) === first[0]; await page.waitForTimeout(250)) {
			if (Date.now() - t0 > 30000) throw new Error(`the CPU row did not change: ${first[0]}`);
		}
		assert.ok(await element.evaluate((e) => e.isConnected), 'updated in place, not a rebuilt page');
		assert.match(await element.innerText(), share);
		await screenshot(page, '19b-process-memory-cpu');
		spinner.kill('SIGKILL');
	});

	it('shows what a process\'s TCP connections move: totals and rates, its busiest connection first, updated in place at each refresh', async function () {
		this.timeout(120000);
		// A process with a server and three of its own clients; the second client sends 64 KiB every 50 ms (~1.3 MB/s).
		const code = `const net=require('net');const s=net.createServer((c)=>c.resume()).listen(0,'127.0.0.1',async()=>{const port=s.address().port;const cs=[];for(let i=0;i<3;i++){const c=net.connect(port,'127.0.0.1');await new Promise((r)=>c.once('connect',r));cs.push(c);}setInterval(()=>cs[1].write(Buffer.alloc(65536,1)),50);console.log(JSON.stringify({port,pump:cs[1].localPort}));});`;
		const pumper = own(spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] }));
		const info = JSON.parse(String(await new Promise((resolve, reject) => (pumper.once('error', reject), pumper.stdout.once('data', resolve)))));
		await showPortsForPid(page, pumper.pid);
		const frame = panelFrame(page);
		const summary = frame.locator('[data-traffic="summary"]');
		await summary.waitFor({ timeout: 30000 });
		// From the second answer on: rates; the summary is replaced in place at each refresh.
		const withRate = /^([\d.]+) (B|KiB|MiB)\/s sent · ([\d.]+) (B|KiB|MiB)\/s received over the last [\d.]+ s\. .+ sent and .+ received in all on 6 of 6 connections\.$/;
		let m;
		for (const t0 = Date.now(); !(m = withRate.exec(await summary.innerText())); await page.waitForTimeout(250)) {
			if (Date.now() - t0 > 30000) throw new Error(`no rate: ${await summary.innerText()}`);
		}
		const perSecond = (n, unit) => Number(n) * (unit === 'MiB' ? 2 ** 20 : unit === 'KiB' ? 1024 : 1);
		const sent = perSecond(m[1], m[2]);
		assert.ok(sent > 300_000 && sent < 3_000_000, m[0]);
		assert.ok(Math.abs(perSecond(m[3], m[4]) - sent) / sent < 0.5, `what one end sent the other received: ${m[0]}`);
		// The busiest connection first: the pumping client (or its accepted end, which moved as much).
		const first = (await frame.locator('table.traffic tbody tr').first().innerText()).replace(/\s+/g, ' ');
		assert.ok(first.includes(`127.0.0.1:${info.pump}`) && /(KiB|MiB)\/s/.test(first), first);
		assert.strictEqual(await frame.locator('table.traffic tbody tr').count(), 6);
		await screenshot(page, '19e-process-traffic');
		// Typing in the table's filter updates the page, but asks ss nothing new: the rates stay (asked
		// again, a keystroke's moment would have had no rate to show).
		await frame.locator('input[type="search"]').fill('ESTAB');
		await frame.locator('table.grid tbody tr').first().waitFor({ timeout: 10000 });
		await page.waitForTimeout(500);
		assert.match(await summary.innerText(), withRate);
		// The panel keeps its filter for the next process it shows (as it keeps its sort): cleared
		// again, or a later test's page counts only matching rows.
		await frame.locator('input[type="search"]').fill('');
		await frame.locator('p.count').filter({ hasNotText: 'matching' }).waitFor({ timeout: 10000 });
		// A row opens its socket's page.
		await frame.locator('table.traffic tbody tr').first().click();
		await frame.locator('h1', { hasText: `127.0.0.1:${info.pump}` }).waitFor({ timeout: 15000 });
		pumper.kill('SIGKILL');
	});

	it('kills two rows selected together (click, Ctrl+click, Kill Process… from the context menu): one confirmation naming both', async function () {
		this.timeout(120000);
		const spawnNamed = (name) => own(spawn(process.execPath, ['-e', "require('fs').writeFileSync('/proc/self/comm',process.argv[1]);require('net').createServer().listen(0,'127.0.0.1',()=>console.log('up'));setInterval(()=>{},1e6)", name], { stdio: ['ignore', 'pipe', 'inherit'] }));
		const kids = [spawnNamed('pn-multi-a'), spawnNamed('pn-multi-b')];
		const exits = kids.map((k) => new Promise((r) => k.once('exit', (code, signal) => r(signal))));
		await Promise.all(kids.map((k) => new Promise((r) => k.stdout.once('data', r))));
		await openProcnetView(page);
		await runCommand(page, 'Procnet: Refresh');
		const a = await findRow(page, `pn-multi-a (${kids[0].pid})`);
		const b = await findRow(page, `pn-multi-b (${kids[1].pid})`);
		const selected = () => page.locator('.part.sidebar [role="treeitem"][aria-selected="true"]');
		// Live refresh is paused while the rows are clicked: a refresh that changes the host's top
		// rows re-renders them (a README known limit), and a Ctrl+click landing in one was lost (CI,
		// twenty-third session: the selection stayed one row, with the expansion waited for below).
		await runCommand(page, 'Procnet: Pause Live Refresh');
		try {
			await a.click();
			// A click on a process row also expands it: its socket rows come in below it and b moves
			// down. Ctrl+click b once they are in and b has stopped moving (CI: the Ctrl+click raced
			// the expansion, and the selection stayed one row).
			await selected().and(a).waitFor({ timeout: 10000 });
			await a.and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: 10000 });
			await page.getByRole('treeitem', { level: 3 }).filter({ hasText: 'LISTEN' }).first().waitFor({ timeout: 10000 });
			for (let last = '', t0 = Date.now(); ; await page.waitForTimeout(150)) {
				const box = JSON.stringify(await b.boundingBox());
				if (box === last) break;
				if (Date.now() - t0 > 10000) throw new Error(`row b kept moving: ${box}`);
				last = box;
			}
			await b.click({ modifiers: ['Control'] });
			await page.waitForFunction(() => document.querySelectorAll('.part.sidebar [role="treeitem"][aria-selected="true"]').length === 2, null, { timeout: 10000 }).catch(async (e) => {
				throw new Error(`${e.message}; selected: ${JSON.stringify(await selected().allInnerTexts())}`);
			});
			const item = (await rowMenu(page, b, 'Kill Process…')).filter({ hasText: 'Kill Process…' });
			// A node process's menu (process.listening.node) also offers the debugger.
			assert.strictEqual(await page.locator('.context-view .monaco-menu .action-item').filter({ hasText: 'Attach Debugger' }).count(), 1);
			await page.waitForTimeout(300); // the menu fades in: a readable screenshot, nothing asserted on it
			await screenshot(page, '19c-two-rows-selected-menu');
			await item.first().click();
			const dialog = page.locator('.monaco-dialog-box');
			await dialog.waitFor({ timeout: 15000 });
			const text = await dialog.innerText();
			assert.match(text, /Terminate 2 processes\?/);
			assert.match(text, new RegExp(`pn-multi-a \\(pid ${kids[0].pid}\\), listening on 127\\.0\\.0\\.1:\\d+`));
			assert.match(text, new RegExp(`pn-multi-b \\(pid ${kids[1].pid}\\), listening on 127\\.0\\.0\\.1:\\d+`));
			await screenshot(page, '19d-kill-two-confirm');
			await dialog.getByRole('button', { name: 'Terminate' }).click();
			assert.deepStrictEqual(await Promise.all(exits), ['SIGTERM', 'SIGTERM']);
		} finally {
			// A dialog left up (a failed check) would keep the palette from opening.
			if (await page.locator('.monaco-dialog-box').isVisible().catch(() => false)) await page.keyboard.press('Escape').catch(() => {});
			await runCommand(page, 'Procnet: Resume Live Refresh');
		}
	});

	it('groups by peer from "Group Sockets By…": the remote addresses with their counts and owners; the host row\'s menu offers Find Free Port (and, VS Code being root here, no Read as Root)', async function () {
		this.timeout(90000);
		// A connection of the test's own to its listener: a 127.0.0.1 peer held by this mocha process.
		const client = net.connect(listener.port, '127.0.0.1');
		await new Promise((r, j) => client.once('connect', r).once('error', j));
		try {
			await openProcnetView(page);
			const quick = await runCommand(page, 'Procnet: Group Sockets By…');
			const peerItem = quick.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^Peer$/ }) }).first();
			await peerItem.waitFor({ timeout: 10000 });
			await peerItem.click();
			const row = await findRow(page, /^127\.0\.0\.1/);
			// Named by this machine's resolver once its answer lands (getent hosts, as ss -r).
			const name = getentName('127.0.0.1');
			assert.ok(name, 'this machine\'s /etc/hosts names 127.0.0.1');
			await page.waitForFunction((n) => [...document.querySelectorAll('.monaco-list-row')].some((r) => r.querySelector('.label-name')?.textContent?.startsWith('127.0.0.1') && r.querySelector('.label-description')?.textContent?.startsWith(`${n} · loopback · `)), name, { timeout: 15000 });
			const description = await row.locator('.label-description').first().innerText();
			assert.match(description, new RegExp(`^${name.replace(/\./g, '\\.')} · loopback · \\d+ sockets · `));
			await screenshot(page, '19e-grouped-by-peer');
			await row.click();
			await row.press('ArrowRight');
			// Its sockets under it: connections, each to 127.0.0.1.
			await procnetTree(page).getByRole('treeitem', { level: 3 }).filter({ hasText: '→ 127.0.0.1:' }).first().waitFor({ timeout: 15000 });
			await screenshot(page, '19f-peer-expanded');
		} finally {
			client.destroy();
			const quick = await runCommand(page, 'Procnet: Group Sockets By…');
			const item = quick.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^Process$/ }) }).first();
			await item.waitFor({ timeout: 10000 });
			await item.click();
		}
		await findRow(page, `node (${listener.pid})`);
		const host = procnetTree(page).getByRole('treeitem', { level: 1 }).first();
		const menu = await rowMenu(page, host, 'Find Free Port…');
		assert.strictEqual(await menu.filter({ hasText: 'Read This Machine as Root' }).count(), 0, 'VS Code runs as root here: nothing to elevate to');
		await page.waitForTimeout(300);
		await screenshot(page, '19g-host-row-menu');
		await page.keyboard.press('Escape');
	});

	it('"Show Traffic by Process…": each process with its rates each way, the busiest first, updated every 2 s; Enter opens its page', async function () {
		this.timeout(90000);
		// A process of the test's that pumps ~6 MB/s over a loopback connection to itself.
		const pumper = own(spawn(process.execPath, holderArgs(true, 'pn-pumper'), { stdio: ['ignore', 'pipe', 'inherit'] }));
		await new Promise((r) => pumper.stdout.once('data', r));
		await runCommand(page, 'View: Close All Editors');
		await runCommand(page, 'Procnet: Show Traffic by Process…');
		const rows = page.locator('.quick-input-widget .monaco-list-row');
		// The first measurement lists the processes; the second gives rates, and the pumper leads.
		await page.waitForFunction((pid) => {
			const first = document.querySelector('.quick-input-widget .monaco-list-row[data-index="0"]');
			return first && first.querySelector('.label-name')?.textContent?.endsWith(`(${pid})`) && /\/s/.test(first.querySelector('.label-description')?.textContent ?? '');
		}, pumper.pid, { timeout: 30000 });
		const first = rows.filter({ has: page.locator('.label-name', { hasText: `pn-pumper (${pumper.pid})` }) }).first();
		const description = (await first.locator('.label-description').innerText()).trim();
		// "↑ 6.2 MiB/s ↓ 6.2 MiB/s" (its client sends and its server receives): MiB each way.
		assert.match(description, /^\d+(\.\d+)? MiB\/s\s+\d+(\.\d+)? MiB\/s$/, description);
		assert.strictEqual(await first.locator('.codicon-arrow-up').count(), 1);
		assert.match(await page.locator('.quick-input-widget .quick-input-title').innerText(), /^Procnet: TCP Traffic by Process on .+ · \d+ TCP connections · rates over \d+\.\d s$/);
		await screenshot(page, '19h-traffic-by-process');
		await page.keyboard.press('Enter');
		await panelFrame(page).locator('h1', { hasText: `pn-pumper (pid ${pumper.pid})` }).waitFor({ timeout: 15000 });
		await screenshot(page, '19i-traffic-opens-process');
	});

	it('names the peers in the panel by this machine\'s resolver: beside the address in the Remote column, and as "Remote name" on the socket\'s page', async function () {
		this.timeout(90000);
		const name = getentName('127.0.0.1');
		assert.ok(name, 'this machine\'s /etc/hosts names 127.0.0.1');
		// A process of the test's with one connection to the test's listener: its peer is 127.0.0.1.
		const client = own(spawn(process.execPath, ['-e', "require('fs').writeFileSync('/proc/self/comm','pn-client');const c=require('net').connect(Number(process.argv[1]),'127.0.0.1',()=>console.log(c.localPort));setInterval(()=>{},1e6)", String(listener.port)], { stdio: ['ignore', 'pipe', 'inherit'] }));
		await new Promise((r) => client.stdout.once('data', r));
		// Run alone (--grep), this is the workbench's first test: the view, and so the extension, first.
		await openProcnetView(page);
		await showPortsForPid(page, client.pid);
		const frame = panelFrame(page);
		const cell = frame.locator('table.grid tbody td[data-peer="127.0.0.1"]').first();
		await cell.waitFor({ timeout: 15000 });
		await frame.locator('table.grid tbody td[data-peer="127.0.0.1"] .peer-name').first().waitFor({ timeout: 15000 });
		assert.strictEqual((await cell.innerText()).trim(), `127.0.0.1:${listener.port} ${name}`);
		// The name is text in its own element, in the theme's muted colour (no markup from the resolver).
		const [nameColour, mutedColour, cellColour] = await cell.locator('.peer-name').evaluate((e) => [getComputedStyle(e).color, getComputedStyle(document.querySelector('p.muted.count')).color, getComputedStyle(e.parentElement).color]);
		assert.strictEqual(nameColour, mutedColour);
		assert.notStrictEqual(nameColour, cellColour, 'set apart from the address');
		await screenshot(page, '21a-panel-peer-names');
		await cell.click();
		const fact = frame.locator('dl.facts').filter({ hasText: 'Remote name' });
		await fact.waitFor({ timeout: 15000 });
		assert.match(await frame.locator('dl.facts').first().innerText(), new RegExp(`Remote name\\s+${name.replace(/\./g, '\\.')} \\(the host's resolver\\)`));
		await screenshot(page, '21b-socket-page-remote-name');
		// The table's filter matches the name too (the address says 127.0.0.1, the name ${name}).
		await showPortsForPid(page, client.pid);
		const search = panelFrame(page).locator('input[type="search"]');
		await search.fill(name);
		const byName = panelFrame(page).locator('p.count').filter({ hasText: /^1 of 1 matching sockets? shown \(\d+ in all\)/ });
		await byName.waitFor({ timeout: 15000 }).catch(async (e) => {
			throw new Error(`${e.message}; count line: ${await panelFrame(page).locator('p.count').first().innerText().catch(() => '?')}`);
		});
		assert.strictEqual((await panelFrame(page).locator('table.grid tbody td[data-peer="127.0.0.1"]').first().innerText()).trim(), `127.0.0.1:${listener.port} ${name}`);
		await screenshot(page, '21d-panel-filtered-by-peer-name');
		// Cleared: the panel keeps its filter for the next process it shows.
		await search.fill('');
		await panelFrame(page).locator('p.count').filter({ hasNotText: 'matching' }).waitFor({ timeout: 10000 });
		// The tree's filter by that name: the client's connection to 127.0.0.1 is shown, under its process.
		await runCommand(page, 'View: Close All Editors');
		await runCommand(page, 'Procnet: Filter Sockets…');
		const input = page.locator('.quick-input-widget input');
		await input.fill(`peer:${name} pid:${client.pid}`);
		await input.press('Enter');
		try {
			await page.waitForFunction(({ n, pid }) => (document.querySelector('.part.sidebar .tree-explorer-viewlet-tree-view > .message')?.textContent ?? '').startsWith(`The filter "peer:${n} pid:${pid}" matches 1 process · 1 socket.`), { n: name, pid: client.pid }, { timeout: 30000 });
			const row = procnetTree(page).getByRole('treeitem', { level: 2 }).filter({ has: page.locator('.label-name', { hasText: `pn-client (${client.pid})` }) }).first();
			await row.click();
			if ((await row.getAttribute('aria-expanded')) !== 'true') await row.press('ArrowRight');
			const conn = procnetTree(page).getByRole('treeitem', { level: 3 }).filter({ hasText: `127.0.0.1:${listener.port}` }).first();
			await conn.waitFor({ timeout: 15000 });
			// The row says the name too once its process is expanded.
			await conn.locator('.label-description', { hasText: name }).waitFor({ timeout: 15000 });
			await screenshot(page, '21c-tree-filtered-by-peer-name');
		} finally {
			await runCommand(page, 'Procnet: Clear Filter').catch(() => {});
		}
	});

	it('the panel\'s filter finds a socket by its peer\'s name past the first page of a process\'s 602 sockets: every peer is asked for while it filters, not only the rows shown', async function () {
		this.timeout(120000);
		const name = getentName('127.0.0.1');
		assert.ok(name, 'this machine\'s /etc/hosts names 127.0.0.1');
		// 600 UDP sockets connected to 127.0.0.3 (no name here; connect sends nothing) and one to 127.0.0.1.
		const many = own(spawn(process.execPath, ['-e', "require('fs').writeFileSync('/proc/self/comm','pn-many');const d=require('dgram');const ss=[];let n=0;const up=()=>{if(++n===601)console.log('ready')};for(let i=0;i<600;i++){const s=d.createSocket('udp4');ss.push(s);s.connect(9,'127.0.0.3',up)}const l=d.createSocket('udp4');ss.push(l);l.connect(9,'127.0.0.1',up);setInterval(()=>{},1e6)"], { stdio: ['ignore', 'pipe', 'inherit'] }));
		await new Promise((r) => many.stdout.once('data', r));
		await openProcnetView(page);
		const search = panelFrame(page).locator('input[type="search"]');
		try {
			await showPortsForPid(page, many.pid);
			const frame = panelFrame(page);
			// 601 UDP sockets and the unix socket of its stdout pipe.
			await frame.locator('p.count', { hasText: /^500 of 602 sockets shown/ }).waitFor({ timeout: 30000 }).catch(async (e) => {
				throw new Error(`${e.message}; count lines: ${JSON.stringify(await frame.locator('p.count').allInnerTexts().catch(() => []))}`);
			});
			// Sorted by Remote, descending: the 600 to 127.0.0.3 first, the one to 127.0.0.1 past the page.
			const byRemote = frame.locator('button[aria-label="sort by Remote"]');
			await byRemote.click();
			await frame.locator('th[aria-sort="ascending"]', { has: byRemote }).waitFor({ timeout: 10000 });
			await byRemote.click();
			await frame.locator('th[aria-sort="descending"]', { has: byRemote }).waitFor({ timeout: 10000 });
			assert.strictEqual(await frame.locator('table.grid tbody td[data-peer="127.0.0.1"]').count(), 0, 'the socket to 127.0.0.1 is past the page shown');

			// Now every name is forgotten, so that 127.0.0.1's must be asked again: the page and the
			// tree (which expanded the process to reveal it) may have asked for it already.
			// - The tree's filter keeps unix sockets alone (no peers): it asks for no names itself,
			//   and its note says when procnet.resolvePeerNames has been read.
			// - procnet.resolvePeerNames off, then on again, in the workspace's settings: each change
			//   clears every host's names. The page meanwhile asks only for its rows' (127.0.0.3).
			const message = () => page.evaluate(() => document.querySelector('.part.sidebar .tree-explorer-viewlet-tree-view > .message')?.textContent ?? '');
			await runCommand(page, 'Procnet: Filter Sockets…');
			const input = page.locator('.quick-input-widget input');
			await input.fill('kind:unix -peer:zz');
			await input.press('Enter');
			setSetting('workspace', 'procnet.resolvePeerNames', false);
			await page.waitForFunction(() => (document.querySelector('.part.sidebar .tree-explorer-viewlet-tree-view > .message')?.textContent ?? '').includes('procnet.resolvePeerNames is off'), null, { timeout: 30000 }).catch(async (e) => {
				throw new Error(`${e.message}; the tree's message: ${await message()}`);
			});
			setSetting('workspace', 'procnet.resolvePeerNames', undefined);
			await page.waitForFunction(() => !(document.querySelector('.part.sidebar .tree-explorer-viewlet-tree-view > .message')?.textContent ?? '').includes('procnet.resolvePeerNames is off'), null, { timeout: 30000 });
			await search.fill(name);
			const found = frame.locator('p.count').filter({ hasText: /^1 of 1 matching sockets? shown \(602 in all\)/ });
			await found.waitFor({ timeout: 30000 }).catch(async (e) => {
				throw new Error(`${e.message}; count line: ${await frame.locator('p.count').first().innerText().catch(() => '?')}`);
			});
			assert.match((await frame.locator('table.grid tbody td[data-peer="127.0.0.1"]').first().innerText()).trim(), new RegExp(`^127\\.0\\.0\\.1:9 ${name.replace(/\./g, '\\.')}$`));
			await screenshot(page, '22c-panel-filter-names-past-the-page');
		} finally {
			setSetting('workspace', 'procnet.resolvePeerNames', undefined);
			// The panel keeps its query for the next process: back to no filter, sorted by State.
			await search.fill('').catch(() => {});
			const byState = panelFrame(page).locator('button[aria-label="sort by State"]');
			if (await byState.count().catch(() => 0)) {
				await byState.click().catch(() => {});
				await panelFrame(page).locator('th[aria-sort="ascending"]', { has: byState }).waitFor({ timeout: 10000 }).catch(() => {});
			}
			await runCommand(page, 'Procnet: Clear Filter').catch(() => {});
			await runCommand(page, 'View: Close All Editors').catch(() => {});
		}
	});

	it('"Export Snapshot…" writes the view as CSV and as JSON through the workbench\'s save dialog, each connection with its peer\'s name by this machine\'s resolver', async function () {
		this.timeout(120000);
		const name = getentName('127.0.0.1');
		assert.ok(name, 'this machine\'s /etc/hosts names 127.0.0.1');
		const client = own(spawn(process.execPath, ['-e', "require('fs').writeFileSync('/proc/self/comm','pn-export');const c=require('net').connect(Number(process.argv[1]),'127.0.0.1',()=>console.log(c.localPort));setInterval(()=>{},1e6)", String(listener.port)], { stdio: ['ignore', 'pipe', 'inherit'] }));
		const clientPort = Number(String(await new Promise((r) => client.stdout.once('data', r))).trim());
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-ui-export-'));
		try {
			await openProcnetView(page);
			await runCommand(page, 'Procnet: Filter Sockets…');
			const input = page.locator('.quick-input-widget input');
			await input.fill(`pid:${client.pid}`);
			await input.press('Enter');
			await findRow(page, `pn-export (${client.pid})`, 30000);
			/** Export → `choice` → the save dialog (VS Code's own in a browser: a path in a quick input) → `file`. */
			const exportAs = async (choice, file) => {
				const pick = await runCommand(page, 'Procnet: Export Snapshot…');
				const row = pick.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${choice}$`) }) }).first();
				await row.waitFor({ timeout: 10000 });
				await row.click();
				// The save dialog's input starts with the suggested name (procnet-HOST.csv): a path of the test's instead.
				await page.waitForFunction(() => /procnet-.+\.(csv|json)$/.test(document.querySelector('.quick-input-widget input')?.value ?? ''), null, { timeout: 15000 });
				if (file.endsWith('.csv')) await screenshot(page, '22a-export-save-dialog');
				await input.fill(file);
				// OK, once the dialog has taken the typed path in (it lists the folder as it is typed: an Enter then was lost).
				await page.waitForTimeout(500);
				await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
				// The process's sockets: its connection, and the unix socket node made of its stdout pipe.
				await page.locator('.notifications-toasts .notification-list-item-message', { hasText: `wrote 2 sockets to ${file}` }).first().waitFor({ timeout: 30000 });
				return fs.readFileSync(file, 'utf8');
			};
			const [header, ...rows] = (await exportAs('Current view as CSV', path.join(dir, 'view.csv'))).trim().split('\n');
			assert.ok(header.endsWith(',owners,remote_name'), header);
			assert.strictEqual(rows.length, 2, rows.join(' | '));
			const tcp = rows.filter((r) => r.startsWith('tcp,'));
			assert.strictEqual(tcp.length, 1, rows.join(' | '));
			assert.ok(tcp[0].startsWith(`tcp,4,127.0.0.1,${clientPort},127.0.0.1,${listener.port},ESTABLISHED,`) && tcp[0].endsWith(`,pn-export/${client.pid}/fd${tcp[0].split('/fd')[1].split(',')[0]},${name}`), tcp[0]);
			assert.ok(rows.some((r) => r.startsWith('unix,') && r.endsWith(',')), `the unix socket has no peer to name: ${rows.join(' | ')}`);
			const json = JSON.parse(await exportAs('Current view as JSON', path.join(dir, 'view.json')));
			assert.deepStrictEqual(json.sockets.filter((x) => x.kind === 'tcp').map((x) => [x.localPort, x.remotePort, x.remoteName]), [[clientPort, listener.port, name]]);
			assert.ok(json.sockets.some((x) => x.kind === 'unix' && !('remoteName' in x)), 'no remoteName without a peer');
			await screenshot(page, '22b-export-written');
		} finally {
			await runCommand(page, 'Procnet: Clear Filter').catch(() => {});
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('"Forward Port to This Machine" on an ssh host\'s listener (a real sshd on 127.0.0.1): the row says where, and the Simple Browser shows the page through the forward', async function () {
		if (!sshd) this.skip();
		this.timeout(120000);
		const token = `procnet-forward-${crypto.randomBytes(4).toString('hex')}`;
		const page$ = `<!doctype html><title>pn-web</title><body style="font:20px sans-serif"><h1 id="t">${token}</h1><p>served on the ssh host, reached through ssh -L</p></body>`;
		const web = own(spawn(process.execPath, ['-e', "require('fs').writeFileSync('/proc/self/comm','pn-web');const s=require('http').createServer((q,r)=>{r.setHeader('content-type','text/html');r.end(process.argv[1])}).listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)", page$], { stdio: ['ignore', 'pipe', 'inherit'] }));
		const webPort = Number(String(await new Promise((r) => web.stdout.once('data', r))).trim());
		let hostAdded = false;
		try {
			await openProcnetView(page);
			// As a user adds one: the pick offers the Host names of procnet.sshConfigFile.
			hostAdded = true;
			const add = await runCommand(page, 'Procnet: Add SSH Host…');
			await add.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^procnet-test$/ }) }).first().click();
			const hostRow = await findRow(page, 'procnet-test', 60000);
			await runCommand(page, 'Procnet: Filter Sockets…');
			const input = page.locator('.quick-input-widget input');
			await input.fill(`pid:${web.pid}`);
			await input.press('Enter');
			// The same process on both roots; the second is the ssh host's.
			const procRows = procnetTree(page).getByRole('treeitem', { level: 2 }).filter({ has: page.locator('.label-name', { hasText: `pn-web (${web.pid})` }) });
			await procRows.nth(1).waitFor({ timeout: 60000 });
			await procRows.nth(1).click();
			if ((await procRows.nth(1).getAttribute('aria-expanded')) !== 'true') await procRows.nth(1).press('ArrowRight');
			const socketRow = procnetTree(page).getByRole('treeitem', { level: 3 }).filter({ hasText: `127.0.0.1:${webPort}` }).first();
			await socketRow.waitFor({ timeout: 30000 });
			/** Right-click `row`, then the menu entry: once the menu has settled (a click while it opens can be lost). */
			const fromMenu = async (row, entry) => {
				const item = (await rowMenu(page, row, entry)).filter({ hasText: entry }).first();
				await page.waitForTimeout(300);
				await item.click();
				await item.waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
			};
			const menu = await rowMenu(page, socketRow, 'Forward Port to This Machine');
			assert.strictEqual(await menu.filter({ hasText: 'Stop Forwarding Port' }).count(), 0, 'nothing to stop yet');
			await page.waitForTimeout(300);
			await screenshot(page, '20a-ssh-listener-menu');
			await menu.filter({ hasText: 'Forward Port to This Machine' }).first().click();
			const told = await page.waitForFunction((p) => {
				for (const m of document.querySelectorAll('.notifications-toasts .notification-list-item-message')) {
					const r = new RegExp(`procnet-test's port ${p} is forwarded to 127\\.0\\.0\\.1:(\\d+)\\.`).exec(m.textContent ?? '');
					if (r) return Number(r[1]);
				}
				return false;
			}, webPort, { timeout: 30000 });
			const localPort = await told.jsonValue();
			assert.notStrictEqual(localPort, webPort, 'the port is held here too (the host is this machine): another local one');
			await page.waitForFunction(({ p, l }) => [...document.querySelectorAll('.monaco-list-row[aria-level="3"]')].some((r) => r.textContent.includes(`127.0.0.1:${p}`) && r.querySelector('.label-description')?.textContent?.includes(`forwarded to 127.0.0.1:${l}`)), { p: webPort, l: localPort }, { timeout: 30000 });
			// Counted in the status bar while it runs.
			await page.locator('.statusbar-item', { hasText: '1 forwarded' }).first().waitFor({ timeout: 10000 });
			await screenshot(page, '20b-forwarded-row');
			await fromMenu(socketRow, 'Open in Simple Browser');
			// The Simple Browser's frame loads the forward's address (through code-server's port proxy): the page the ssh host served.
			const deadline = Date.now() + 30000;
			let shown = false;
			while (!shown && Date.now() < deadline) {
				for (const f of page.frames()) {
					if ((await f.locator('#t').textContent({ timeout: 200 }).catch(() => '')) === token) shown = true;
				}
				if (!shown) await page.waitForTimeout(300);
			}
			if (!shown) {
				await screenshot(page, '20c-FAILED-simple-browser');
				for (const f of page.frames()) console.error(`      [frame] ${f.url().slice(0, 160)} ${(await f.evaluate(() => document.body?.innerText ?? '').catch((e) => e.message)).slice(0, 200).replace(/\s+/g, ' ')}`);
			}
			assert.ok(shown, 'the Simple Browser shows the page served on the ssh host');
			await screenshot(page, '20c-simple-browser-through-forward');
			await fromMenu(socketRow, 'Stop Forwarding Port');
			await page.waitForFunction((p) => [...document.querySelectorAll('.monaco-list-row[aria-level="3"]')].some((r) => r.textContent.includes(`127.0.0.1:${p}`) && !r.querySelector('.label-description')?.textContent?.includes('forwarded')), webPort, { timeout: 30000 });
			await page.locator('.statusbar-item', { hasText: 'forwarded' }).first().waitFor({ state: 'hidden', timeout: 10000 });
			// Remove Host from its row ends the host's session and forwards.
			await fromMenu(hostRow, 'Remove Host');
			await hostRow.waitFor({ state: 'detached', timeout: 15000 });
			hostAdded = false;
		} finally {
			await runCommand(page, 'View: Close All Editors').catch(() => {});
			await runCommand(page, 'Procnet: Clear Filter').catch(() => {});
			// Failed before Remove Host: the host goes anyway, or every later test sees each pid twice
			// (CI: the next test's pid pick took the ssh host's sshd row). Remove Host has no palette
			// entry: the host comes out of the settings Add SSH Host wrote, and the test waits for its
			// row to go, so that a cleanup that did nothing says so in the log.
			if (hostAdded) {
				setSetting('machine', 'procnet.sshHosts', undefined);
				await procnetTree(page).getByRole('treeitem', { level: 1 }).filter({ hasText: 'procnet-test' }).first().waitFor({ state: 'detached', timeout: 15000 }).then(
					() => console.error('      [cleanup] the ssh host procnet-test was removed through the machine settings'),
					(e) => console.error(`      [cleanup] the ssh host procnet-test is still in the tree: ${e.message}`),
				);
			}
		}
	});

	it('"Find Free Port…" from the palette: a typed range lists the listener\'s port as in use by it and the free ports after it; Enter copies the first free one', async function () {
		this.timeout(60000);
		await runCommand(page, 'View: Close All Editors');
		const quick = await runCommand(page, 'Procnet: Find Free Port…');
		await page.waitForFunction(() => {
			const i = document.querySelector('.quick-input-widget input');
			return i && i.offsetParent !== null && !i.value.startsWith('>');
		}, null, { timeout: 15000 });
		await quick.locator('input').fill(`${listener.port}-${listener.port + 40}`);
		const rows = page.locator('.quick-input-widget .monaco-list-row');
		// Each row as "label description" (the row's innerText runs the two together).
		const rowTexts = () => rows.evaluateAll((els) => els.map((e) => `${e.querySelector('.label-name')?.textContent ?? ''} ${e.querySelector('.label-description')?.textContent ?? ''}`.trim()));
		await page.waitForFunction((p) => document.querySelector('.quick-input-widget .monaco-list-row .label-name')?.textContent?.trim() === String(p), listener.port, { timeout: 15000 }).catch(() => undefined);
		await quickPickSettled(page);
		const texts = await rowTexts();
		await screenshot(page, '20-find-free-port');
		assert.match(texts[0], new RegExp(`^${listener.port} in use · LISTEN 127\\.0\\.0\\.1 · node \\(${listener.pid}\\)$`), `first row: ${JSON.stringify(texts)}`);
		const firstFree = texts.find((t) => / free/.test(t));
		assert.ok(firstFree, `no free row: ${JSON.stringify(texts)}`);
		const port = Number(firstFree.split(' ')[0]);
		// The first free row is the focused one, so Enter takes it (not the held port above it).
		// The row's first label is its own: a reused row keeps an earlier pick's hidden detail label after it.
		const focused = (await rows.and(page.locator('.focused')).first().locator('.label-name').first().innerText()).trim();
		assert.strictEqual(focused, String(port));
		await page.keyboard.press('Enter');
		await page.waitForFunction((p) => [...document.querySelectorAll('.notifications-toasts .notification-list-item-message')].some((e) => e.textContent.includes(`TCP port ${p} is free`)), port, { timeout: 10000 });
		assert.ok((await notifications(page)).some((n) => n.severity === 'info' && new RegExp(`^Procnet: TCP port ${port} is free on .+; copied\\.$`).test(n.message)));
		await page.waitForTimeout(500); // the pick fades out: a readable screenshot, nothing asserted on it
		await screenshot(page, '20b-free-port-copied');
		// The kernel's word: a server binds the port procnet called free.
		const check = net.createServer();
		await new Promise((ok, fail) => check.once('error', fail).listen(port, '127.0.0.1', ok));
		await new Promise((ok) => check.close(ok));
	});

	it('pages a process with ~6000 sockets: 500 rows, "Show 500 more" (mouse and keyboard), sorting and a filter over all rows', async function () {
		this.timeout(10 * 60 * 1000);
		const holder = own(await startHolder(3000));
		let extra;
		try {
			assert.ok(holder.sockets >= 6001, `the holder has ${holder.sockets} sockets`);
			await showPortsForPid(page, holder.pid, 180000);
			const frame = panelFrame(page);
			const rows = frame.locator('table.grid tbody tr');
			const count = frame.locator('p.count');
			const more = frame.locator('button.more');
			// The first page only; the count line names the total.
			await count.filter({ hasText: `of ${holder.sockets} sockets shown` }).waitFor({ timeout: 180000 });
			assert.strictEqual(await count.innerText(), `500 of ${holder.sockets} sockets shown`);
			assert.strictEqual(await rows.count(), 500);
			assert.strictEqual(await more.innerText(), 'Show 500 more');
			// Refreshes that change nothing of this process touch only the time line and the chart:
			// "Show more" stays the same element (it had been rebuilt under the test's clicks), and so
			// do the rows.
			const moreButton = await more.elementHandle();
			const taken = frame.locator('header p.muted');
			const before = await taken.innerText();
			await runCommand(page, 'Procnet: Refresh');
			for (const t0 = Date.now(); (await taken.innerText()) === before; await page.waitForTimeout(200)) {
				if (Date.now() - t0 > 120000) throw new Error('no refresh reached the panel in 120 s');
			}
			assert.strictEqual(await moreButton.evaluate((e) => e.isConnected), true, 'a refresh rebuilt "Show more"');
			// The row is taken only now: the page first shown may be from the refresh that first saw
			// the holder's sockets, and marks them new, and a row whose mark goes does not read the
			// same (its rebuilding failed this test 3 times in 5 runs). Two refreshes after the holder
			// came up, none of its sockets is new.
			const firstRow = await rows.first().elementHandle();
			assert.strictEqual(await firstRow.getAttribute('class'), null, 'the first row is not marked new two refreshes after its socket appeared');
			// One more connection, kept to the end: 1 new socket in 6002. The extension host sorts and
			// filters all of them and the page gets only the rows it shows; the rows drawn that still
			// read the same stay the same elements (the first one is still shown: one new row can only
			// push the last one out).
			extra = await new Promise((resolve, reject) => {
				const c = net.connect(holder.port, '127.0.0.1', () => resolve(c));
				c.once('error', reject);
			});
			const total = holder.sockets + 1;
			await runCommand(page, 'Procnet: Refresh');
			await count.filter({ hasText: `500 of ${total} sockets shown` }).waitFor({ timeout: 120000 });
			assert.strictEqual(await rows.count(), 500);
			assert.strictEqual(await firstRow.evaluate((e) => e.isConnected), true, 'a refresh rebuilt a row that reads the same');
			await more.scrollIntoViewIfNeeded();
			await screenshot(page, '12-big-process-first-page-end');
			// "Show 500 more" by mouse, then by keyboard (the focus stays on the button).
			await more.click();
			await count.filter({ hasText: `1000 of ${total}` }).waitFor({ timeout: 30000 });
			assert.strictEqual(await rows.count(), 1000);
			await more.focus();
			await page.keyboard.press('Enter');
			await count.filter({ hasText: `1500 of ${total}` }).waitFor({ timeout: 30000 });
			assert.strictEqual(await rows.count(), 1500);
			assert.strictEqual(await more.evaluate((b) => b === document.activeElement), true, 'focus stays on "Show more"');

			// A client port no rendered row mentions: the filter has to search the rows not in the page.
			const rendered = await rows.allInnerTexts();
			const hidden = holder.clientPorts.filter((p) => !rendered.some((t) => t.includes(`:${p}`)));
			assert.ok(hidden.length > 1000, `${hidden.length} client ports are outside the rendered rows`);
			const port = hidden[hidden.length - 1];
			const filter = frame.locator('input[type=search]');
			await filter.click();
			await filter.pressSequentially(`127.0.0.1:${port}`, { delay: 20 });
			// The extension host answers each keystroke's filter in turn, so the count line shows the
			// shorter filters' answers first (CI once read "500 of 6002 matching" here): wait for the last.
			await count.filter({ hasText: `2 of 2 matching sockets shown` }).waitFor({ timeout: 30000 });
			// Its two ends: the client socket (local port) and the accepted one (remote port).
			assert.strictEqual(await count.innerText(), `2 of 2 matching sockets shown (${total} in all)`);
			assert.strictEqual(await rows.count(), 2);
			const found = await rows.allInnerTexts();
			assert.ok(found.every((t) => t.includes(`127.0.0.1:${port}`)), found.join(' | '));
			assert.ok(found.some((t) => t.includes(`127.0.0.1:${holder.port}`)), 'the accepted end is on the listening port');
			assert.strictEqual(await more.isVisible(), false);
			await screenshot(page, '13-big-process-filtered');

			// Sorting orders all rows, not the page: Local descending starts with the highest port the process uses.
			await filter.fill('');
			// A new filter starts again at one page.
			await count.filter({ hasText: /^500 of \d+ sockets shown$/ }).waitFor({ timeout: 30000 });
			const sortLocal = frame.locator('button.sort', { hasText: 'Local' });
			await sortLocal.click();
			await frame.locator('th[aria-sort="ascending"]', { hasText: 'Local' }).waitFor({ timeout: 15000 });
			await frame.locator('button.sort', { hasText: 'Local' }).click();
			await frame.locator('th[aria-sort="descending"]', { hasText: 'Local' }).waitFor({ timeout: 15000 });
			const top = Math.max(holder.port, ...holder.clientPorts);
			const firstLocal = await rows.first().locator('td').nth(1).innerText();
			assert.strictEqual(firstLocal, `127.0.0.1:${top}`);
			await screenshot(page, '14-big-process-sorted');
		} finally {
			extra?.destroy();
			holder.kill();
		}
	});

	it('on a host with 20k sockets, says once that VS Code\'s own port finder blocks the extension host, and "Detect Ports from Output" sets it', async function () {
		this.timeout(10 * 60 * 1000);
		const settingsFile = path.join(server.dir, 'udd', 'User', 'settings.json');
		assert.doesNotMatch(fs.readFileSync(settingsFile, 'utf8'), /autoForwardPortsSource/);
		// Real sockets past the hint's 20k (src/views/portFinderHint.ts): two processes, as one may
		// hold at most 20000 fds here.
		const holders = [];
		let extra;
		try {
			holders.push(own(await startHolder(5100)), own(await startHolder(5100)));
			assert.ok(holders.every((h) => h.sockets >= 10201), holders.map((h) => h.sockets).join(' '));
			await openProcnetView(page);
			const shownSockets = async () => Number(/(\d+) sockets/.exec(await viewMessage(page))?.[1] ?? 0);
			await runCommand(page, 'Procnet: Refresh');
			for (const t0 = Date.now(); (await shownSockets()) < 20402; await page.waitForTimeout(200)) {
				if (Date.now() - t0 > 180000) throw new Error(`the tree never showed the holders' sockets: ${await viewMessage(page)}`);
			}
			const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: "VS Code's own port detection" });
			await toast.waitFor({ state: 'visible', timeout: 30000 });
			const message = (await toast.locator('.notification-list-item-message').innerText()).trim();
			assert.match(message, /^This host has (\d+)k sockets\./);
			assert.ok(Number(/^This host has (\d+)k/.exec(message)[1]) >= 20, message);
			await screenshot(page, '15-port-finder-hint');
			await toast.getByRole('button', { name: 'Detect Ports from Output' }).click();
			// VS Code writes the user setting (code-server keeps it in the server's user data dir).
			for (const t0 = Date.now(); !/"remote\.autoForwardPortsSource":\s*"output"/.test(fs.readFileSync(settingsFile, 'utf8')); await page.waitForTimeout(200)) {
				if (Date.now() - t0 > 30000) throw new Error(`the setting was not written: ${fs.readFileSync(settingsFile, 'utf8')}`);
			}
			await toast.waitFor({ state: 'hidden', timeout: 10000 });
			// Answered: a later refresh at this size (seen by its new socket count) asks nothing.
			const before = await shownSockets();
			extra = await new Promise((resolve, reject) => {
				const c = net.connect(holders[0].port, '127.0.0.1', () => resolve(c));
				c.once('error', reject);
			});
			await runCommand(page, 'Procnet: Refresh');
			for (const t0 = Date.now(); (await shownSockets()) === before; await page.waitForTimeout(200)) {
				if (Date.now() - t0 > 120000) throw new Error('no refresh reached the tree in 120 s');
			}
			await page.waitForTimeout(1000);
			assert.deepStrictEqual((await notifications(page)).filter((n) => n.message.includes('port detection')), []);
			await screenshot(page, '16-port-finder-hint-answered');
		} finally {
			extra?.destroy();
			for (const h of holders) h.kill();
		}
	});
});
