// Debian's Chromium driven by playwright-core, with its profile and XDG dirs in a throwaway dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { xdgEnv } from './vscode-server.mjs';

export const CHROMIUM = process.env.PROCNET_CHROMIUM || '/usr/bin/chromium';

/** Launches headless Chromium; returns { browser, context, page, close() }. close() also removes the temp dir. */
export async function launchBrowser({ viewport = { width: 1400, height: 900 } } = {}) {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (apt-get install chromium, or set PROCNET_CHROMIUM)`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-chromium-'));
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		env: { ...process.env, HOME: dir, ...xdgEnv(dir) },
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport });
	const page = await context.newPage();
	let closed;
	const close = () =>
		(closed ??= (async () => {
			await browser.close().catch(() => {});
			fs.rmSync(dir, { recursive: true, force: true });
		})());
	return { browser, context, page, close };
}
