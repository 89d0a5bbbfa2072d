// UI tests: the packaged procnet .vsix installed in a real VS Code (code-server 4.139.1 = VS Code
// 1.139.1 on Node 24), driven in Debian's Chromium with playwright-core. Run: npm run test:ui
// Screenshots of every state: test-results/ui/*.png (look at them).
//
// The tree: host row (level 1) → processes holding sockets, `name (pid)` (level 2) → their
// sockets, `tcp 127.0.0.1:PORT` (level 3). The test starts its own listener (a node process on a
// known pid and port) and finds it through "Procnet: Show Ports for PID".
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import { packageExtension, provision, QUIET_SETTINGS, startServer } from '../../scripts/vscode-server.mjs';
import { launchBrowser } from '../../scripts/browser.mjs';
import { findRow, notifications, openProcnetView, runCommand, screenshot, treeRows, VIEW_NAME, waitForWorkbench } from './helpers.mjs';

/** A process of ours with a known pid and a TCP listener on 127.0.0.1, for the tree to show. */
function startListener() {
	const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)"], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.stdout.once('data', (d) => resolve({ pid: child.pid, port: Number(String(d).trim()), kill: () => child.kill('SIGKILL') }));
	});
}

describe('procnet in the VS Code workbench (code-server + Chromium)', function () {
	let server, browser, page, listener;

	before(async function () {
		this.timeout(15 * 60 * 1000); // the very first run installs code-server (~2-4 min)
		await provision();
		const vsix = packageExtension({ quiet: true });
		listener = await startListener();
		server = await startServer({ vsix, settings: QUIET_SETTINGS });
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
	});

	afterEach(async function () {
		if (this.currentTest?.state === 'failed' && page) await screenshot(page, `FAILED-${this.currentTest.title}`).catch(() => {});
	});

	it(`opens the Procnet activity-bar container and shows the "${VIEW_NAME}" view`, async () => {
		await openProcnetView(page);
		await screenshot(page, '01-procnet-view');
	});

	it('renders the host row and process rows labelled "name (pid)" under it', async () => {
		await openProcnetView(page);
		const processRow = page.getByRole('treeitem', { level: 2 }).first();
		await processRow.waitFor({ timeout: 30000 }); // the first /proc scan
		const rows = await treeRows(page);
		await screenshot(page, '02-tree-rows');
		const hosts = rows.filter((r) => r.level === 1);
		assert.ok(hosts.length >= 1, `no host row in ${JSON.stringify(rows.map((r) => r.label))}`);
		assert.match(hosts[0].description, /\d+ processes · \d+ sockets/);
		const procs = rows.filter((r) => r.level === 2 && r.label !== 'Sockets without a known owner');
		assert.ok(procs.length > 0, 'no process rows');
		for (const r of procs) assert.match(r.label, /^.+ \(\d+\)$/, `process row not "name (pid)": ${r.label}`);
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
		await page.keyboard.press('Enter');

		const row = await findRow(page, `node (${listener.pid})`);
		// Its socket row, `tcp 127.0.0.1:PORT` (LISTEN), right under it.
		const socketRow = page.getByRole('treeitem', { level: 3 }).filter({ hasText: `127.0.0.1:${listener.port}` }).first();
		await socketRow.waitFor({ timeout: 15000 });
		assert.match(await socketRow.innerText(), /LISTEN/);
		await page.waitForTimeout(500);
		await screenshot(page, '04-own-listener-revealed');
		assert.strictEqual(await row.getAttribute('aria-selected'), 'true', 'the revealed process row is not selected');
		assert.strictEqual(await row.getAttribute('aria-expanded'), 'true', 'the revealed process row is not expanded');
		const errors = (await notifications(page)).filter((n) => n.severity === 'error' && !before.some((b) => b.message === n.message));
		assert.deepStrictEqual(errors, [], `error notification(s) after the command: ${errors.map((e) => e.message).join(' | ')}`);
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
		await frame.locator('button.sort', { hasText: 'Local' }).click();
		assert.strictEqual(await frame.locator('table.grid tbody tr').count(), before);
		assert.match(await frame.locator('th[aria-sort="ascending"]').innerText(), /Local/);
	});
});
