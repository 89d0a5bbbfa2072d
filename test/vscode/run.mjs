#!/usr/bin/env node
// `npm run test:vscode`: runs out/test/vscode/index.js inside a real VS Code extension host.
// code-server (started with enable-smoke-test-driver) + Chromium; the workbench URL's payload names
// this repo as extensionDevelopmentPath and the compiled mocha runner as extensionTestsPath, as
// @vscode/test-web does. Exit code = the tests' (0/1); 2 = harness failure or timeout.
//   --no-build   skip `node esbuild.js` + `tsc -p tsconfig.test.json` (npm test's pretest did them)
//   env PROCNET_VSCODE_TEST_TIMEOUT (s, default 600), PROCNET_VSCODE_VERBOSE=1 (echo the whole workbench log)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { QUIET_SETTINGS, REPO, provision, startServer } from '../../scripts/vscode-server.mjs';
import { launchBrowser } from '../../scripts/browser.mjs';

const TIMEOUT_S = Number(process.env.PROCNET_VSCODE_TEST_TIMEOUT || 600);
const RESULTS = path.join(REPO, 'test-results', 'vscode');
const VERBOSE = !!process.env.PROCNET_VSCODE_VERBOSE;
// Workbench log lines that are not the tests' (offline, signed out, no chat model): not echoed.
const NOISE = /^(getaddrinfo ENOTFOUND|\[(AgentHost|ChatModelSelection|AccountPolicyGate|reconnection-grace-time|Service Worker)\b|Creating a socket|Resolv(ing|ed) connection token|Updating additional builtin extensions cache|Timed out waiting for authentication provider)/;

function step(cmd, args) {
	const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit' });
	if (r.status !== 0) {
		console.error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
		process.exit(2);
	}
}

async function main() {
	const t0 = Date.now();
	if (!process.argv.includes('--no-build')) {
		step(process.execPath, ['esbuild.js']);
		step(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json']);
	}
	const testsIndex = path.join(REPO, 'out', 'test', 'vscode', 'index.js');
	const main = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).main;
	for (const f of [testsIndex, path.join(REPO, main)]) if (!fs.existsSync(f)) throw new Error(`${f} missing: build first`);
	await provision();
	fs.mkdirSync(RESULTS, { recursive: true });

	let server, browser;
	let timer;
	const cleanup = async () => {
		clearTimeout(timer);
		await browser?.close();
		await server?.stop();
	};
	const onSignal = async (sig) => {
		console.error(`\n${sig}: cleaning up`);
		await cleanup();
		process.exit(130);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	try {
		// PROCNET_VSCODE_SETTINGS (JSON) adds user settings (bench/exthost.mjs turns VS Code's own port scan off with it).
		server = await startServer({ smokeTestDriver: true, settings: { ...QUIET_SETTINGS, ...JSON.parse(process.env.PROCNET_VSCODE_SETTINGS || '{}') } });
		browser = await launchBrowser();
		const { page } = browser;
		let settle;
		const result = new Promise((resolve) => (settle = resolve));
		timer = setTimeout(() => settle({ timeout: true }), TIMEOUT_S * 1000);
		await page.exposeFunction('codeAutomationExit', (code) => settle({ code: Number(code) }));
		// The workbench's log service: mocha's output from the extension host, plus the workbench's
		// own chatter. All of it goes to test-results/vscode/workbench.log; known chatter is not echoed.
		const workbenchLog = fs.createWriteStream(path.join(RESULTS, 'workbench.log'));
		await page.exposeFunction('codeAutomationLog', (type, args) => {
			const line = util.format(...(Array.isArray(args) ? args : [args]));
			workbenchLog.write(`${new Date().toISOString().slice(11, 23)} [${type}] ${line}\n`);
			if (!VERBOSE && NOISE.test(line)) return;
			(type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
		});
		page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
		// Where the workbench's keyboard focus goes, and when a quick input shows or hides, timed as
		// workbench.log is: a test that answers a quick pick fails if something takes the focus from it
		// (the pick hides), and this log says what did.
		const focusLog = fs.createWriteStream(path.join(RESULTS, 'focus.log'));
		await page.exposeFunction('procnetFocusLog', (line) => focusLog.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`));
		await page.addInitScript(() => {
			const name = (e) => (e instanceof Element ? `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${String(e.className).trim().split(/\s+/).slice(0, 4).join('.')}${e.getAttribute('aria-label') ? ` "${e.getAttribute('aria-label').slice(0, 60)}"` : ''}` : String(e));
			const where = window === window.top ? '' : `[frame ${location.pathname.split('/').pop()}] `;
			document.addEventListener('focusin', (e) => window.procnetFocusLog(`${where}focus ${name(e.target)}`), true);
			window.addEventListener('blur', () => window.procnetFocusLog(`${where}window blur`));
			window.addEventListener('focus', () => window.procnetFocusLog(`${where}window focus`));
			if (where) return;
			let shown = false;
			new MutationObserver(() => {
				const w = document.querySelector('.quick-input-widget');
				const now = !!w && w.style.display !== 'none';
				if (now !== shown) window.procnetFocusLog(`quick input ${(shown = now) ? 'shown' : 'hidden'}: ${w?.querySelector('.quick-input-title')?.textContent ?? ''}`);
			}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['style'] });
		});
		const url = server.workbenchUrl([
			['extensionDevelopmentPath', server.remoteUri(REPO)],
			['extensionTestsPath', server.remoteUri(testsIndex)],
			['skipWelcome', 'true'],
		]);
		console.log(`[test:vscode] opening ${url}`);
		if (process.env.PROCNET_CHROME_TRACE) await browser.browser.startTracing(page, { path: process.env.PROCNET_CHROME_TRACE, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'toplevel', 'v8'] });
		await page.goto(url);
		const r = await result;
		if (process.env.PROCNET_CHROME_TRACE) await browser.browser.stopTracing();
		await page.screenshot({ path: path.join(RESULTS, r.timeout ? 'timeout.png' : 'end.png') }).catch(() => {});
		if (r.timeout) {
			console.error(`\n[test:vscode] TIMEOUT: no result from the extension host after ${TIMEOUT_S} s (screenshot: test-results/vscode/timeout.png). Server log tail:\n${server.logTail(60)}`);
			return 2;
		}
		console.log(`[test:vscode] extension host tests exited with ${r.code} (${((Date.now() - t0) / 1000).toFixed(1)} s in total)`);
		return r.code;
	} finally {
		await cleanup();
	}
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error('[test:vscode] harness failure:', e?.stack ?? e);
		process.exit(2);
	},
);
