// UI tests: the packaged procnet .vsix installed in a real VS Code (code-server 4.139.1 = VS Code
// 1.139.1 on Node 24), driven in Debian's Chromium with playwright-core. Run: npm run test:ui
// Screenshots of every state: test-results/ui/*.png (look at them).
//
// The tree: host row (level 1) → processes holding sockets, `name (pid)` (level 2) → their
// sockets, `tcp 127.0.0.1:PORT` (level 3). The test starts its own listener (a node process on a
// known pid and port) and finds it through "Procnet: Show Ports for PID".
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageExtension, provision, QUIET_SETTINGS, startServer } from '../../scripts/vscode-server.mjs';
import { launchBrowser } from '../../scripts/browser.mjs';
import { findRow, notifications, openProcnetView, procnetTree, runCommand, screenshot, treeRows, VIEW_NAME, waitForWorkbench } from './helpers.mjs';

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

	it('shows a hostile command line and unix path as text: no markup renders, no script runs (tree, panel)', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-ui-'));
		const sockPath = path.join(dir, 'x<img src=x onerror="window.__pwned=3">.sock');
		const argImg = '<img src=x onerror="window.__pwned=1">';
		const argScript = '<script>window.__pwned=2</script>';
		const evil = spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[2],()=>console.log('up'));setInterval(()=>{},1e6)", argImg, sockPath, argScript], { stdio: ['ignore', 'pipe', 'inherit'] });
		try {
			await new Promise((r) => evil.stdout.once('data', r));
			// The previous test left focus inside the panel's webview, which can take focus back
			// while the quick pick is open (and so close it): close the editors first.
			await runCommand(page, 'View: Close All Editors');
			await page.locator('iframe.webview').waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
			const quick = await runCommand(page, 'Procnet: Show Ports for PID');
			await page.waitForFunction(() => {
				const i = document.querySelector('.quick-input-widget input');
				return i && i.offsetParent !== null && !i.value.startsWith('>');
			}, null, { timeout: 15000 });
			await quick.locator('input').fill(String(evil.pid));
			await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: `(${evil.pid})` }).first().waitFor({ timeout: 15000 });
			await page.keyboard.press('Enter');
			const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
			await frame.locator('h1', { hasText: `(pid ${evil.pid})` }).waitFor({ timeout: 20000 });
			const cmd = await frame.locator('pre.cmd').innerText();
			assert.ok(cmd.includes(argImg) && cmd.includes(argScript), `the command line shows literally: ${cmd}`);
			const row = frame.locator('table.grid tbody tr').filter({ hasText: '<img src=x onerror=' });
			await row.first().waitFor({ timeout: 15000 });
			// The tree's row for the socket shows the path as text too.
			await findRow(page, `node (${evil.pid})`);
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
});
