// Helpers for driving the real VS Code workbench (code-server in Chromium) in UI tests.
// Selectors from /work/shared/reference/real-vscode-offline.md, checked against VS Code 1.139.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from '../../scripts/vscode-server.mjs';

export const RESULTS = path.join(REPO, 'test-results', 'ui');
export const CONTAINER_TITLE = 'Procnet'; // contributes.viewsContainers.activitybar[id=procnet].title
export const VIEW_NAME = 'Processes & Sockets'; // contributes.views.procnet[id=procnet.processes].name

/** Saves test-results/ui/<name>.png and returns its path. Look at these: a passing selector on a blank page is not a pass. */
export async function screenshot(page, name) {
	fs.mkdirSync(RESULTS, { recursive: true });
	const file = path.join(RESULTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
	await page.screenshot({ path: file });
	return file;
}

/** Waits until the workbench is up (activity bar rendered, extensions given a moment to register). */
export async function waitForWorkbench(page, timeout = 60000) {
	await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
	await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

/**
 * Clicks the Procnet activity-bar icon (unless the container is already open) and waits for the
 * view's tree. Returns the tree locator. With a single view in the container, VS Code hides the
 * view's own header and titles the side bar "PROCNET: PROCESSES & SOCKETS" instead.
 */
export async function openProcnetView(page) {
	const tab = page.locator('.part.activitybar a[class*="activity-workbench-view-extension-procnet"]').first();
	await tab.waitFor({ state: 'visible', timeout: 30000 });
	const title = sidebarTitle(page);
	if (!(await title.isVisible()) || !(await title.innerText()).toUpperCase().includes(CONTAINER_TITLE.toUpperCase())) await tab.click();
	await page.waitForFunction(
		([container, view]) => {
			const t = document.querySelector('.part.sidebar .composite.title')?.textContent?.toUpperCase() ?? '';
			const headers = [...document.querySelectorAll('.part.sidebar .pane-header:not(.hidden)')].map((h) => h.textContent?.toUpperCase() ?? '');
			return t.includes(container) && (t.includes(view) || headers.some((h) => h.includes(view)));
		},
		[CONTAINER_TITLE.toUpperCase(), VIEW_NAME.toUpperCase()],
		{ timeout: 30000 },
	);
	// Expand the view if it has a visible, collapsed header (several views in the container).
	const header = viewHeader(page);
	if ((await header.isVisible()) && (await header.getAttribute('aria-expanded')) === 'false') await header.click();
	const tree = procnetTree(page);
	await tree.waitFor({ state: 'visible', timeout: 30000 });
	return tree;
}

export function sidebarTitle(page) {
	return page.locator('.part.sidebar .composite.title').first();
}

export function viewHeader(page) {
	return page.locator('.part.sidebar .pane-header').filter({ hasText: VIEW_NAME });
}

export function procnetTree(page) {
	return page.getByRole('tree', { name: new RegExp(VIEW_NAME.replace(/[&]/g, '.')) });
}

/** The text of the Processes & Sockets view's message (above the tree: this machine's counts, notes); '' when it has none. */
export async function viewMessage(page) {
	const m = page.locator('.part.sidebar .tree-explorer-viewlet-tree-view > .message').first();
	return ((await m.isVisible().catch(() => false)) ? await m.innerText() : '').trim();
}

/** Visible rows of the Processes & Sockets tree as { label, description, level, expanded, locator }. Waits for at least `min` rows. */
export async function treeRows(page, { min = 1, timeout = 30000 } = {}) {
	const rows = procnetTree(page).getByRole('treeitem');
	if (min > 0) await rows.nth(min - 1).waitFor({ state: 'visible', timeout });
	const out = [];
	for (const row of await rows.all()) {
		out.push({
			label: (await row.locator('.label-name').first().innerText().catch(() => '')).trim(),
			description: (await row.locator('.label-description').first().innerText().catch(() => '')).trim(),
			level: Number(await row.getAttribute('aria-level')),
			expanded: await row.getAttribute('aria-expanded'),
			locator: row,
		});
	}
	return out;
}

/** Waits until a row whose label matches `label` (string = exact, or RegExp) is visible; returns its locator. */
/**
 * Right-clicks `row` until its context menu is up and offers `entry`; returns the menu's entries.
 * A right-click after which no menu stays up (none opened, or it closed by itself) is tried again,
 * up to `attempts` times, each said in the log: on a loaded CI machine one was lost (no menu
 * within 10 s, twentieth session). A menu that is up without `entry` fails at once, naming what
 * it offers: that is the row's contextValue, the thing under test.
 */
export async function rowMenu(page, row, entry, { attempts = 3 } = {}) {
	const menu = page.locator('.context-view .monaco-menu');
	const items = menu.locator('.action-item');
	const rowText = async () => JSON.stringify((await row.innerText({ timeout: 1000 }).catch(() => '?')).replace(/\s+/g, ' '));
	for (let i = 1; ; i++) {
		await row.click({ button: 'right' });
		const opened = await menu.first().waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
		if (opened && (await items.filter({ hasText: entry }).first().waitFor({ timeout: 5000 }).then(() => true, () => false))) return items;
		if (opened && (await menu.first().isVisible())) {
			const offered = (await items.allInnerTexts().catch(() => [])).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
			throw new Error(`the menu of the row ${await rowText()} offers no "${entry}": ${JSON.stringify(offered)}`);
		}
		const what = `${opened ? 'the context menu closed by itself' : 'no context menu'} after a right-click on the row ${await rowText()} (attempt ${i} of ${attempts}; ${await menuState(page, row)})`;
		if (i >= attempts) throw new Error(what);
		console.error(`      [menu] ${what}`);
		await page.keyboard.press('Escape');
	}
}

/**
 * What the page looked like when a menu did not come (CI keeps only the log; the afterEach dump
 * comes after the test's own cleanup): where the focus is, whether the row is still there and
 * where, and what context views exist.
 */
async function menuState(page, row) {
	const focus = await page
		.evaluate(() => {
			const a = document.activeElement;
			return a ? `${a.tagName.toLowerCase()}.${String(a.className).slice(0, 60)} "${(a.getAttribute('aria-label') ?? '').slice(0, 60)}"` : 'none';
		})
		.catch((e) => `(unreadable: ${e.message})`);
	const box = await row.boundingBox({ timeout: 1000 }).catch(() => null);
	const views = await page.locator('.context-view').evaluateAll((vs) => vs.map((v) => `${v.className}:${getComputedStyle(v).display}:${v.childElementCount}`)).catch(() => []);
	return `focus ${focus}; row ${box ? `at ${Math.round(box.x)},${Math.round(box.y)} ${Math.round(box.width)}x${Math.round(box.height)}` : 'gone'}; context views ${JSON.stringify(views)}`;
}

export async function findRow(page, label, timeout = 30000) {
	const rows = procnetTree(page).getByRole('treeitem');
	const match = typeof label === 'string' ? rows.filter({ has: page.locator('.label-name', { hasText: label }) }) : rows.filter({ hasText: label });
	await match.first().waitFor({ state: 'visible', timeout });
	return match.first();
}

/**
 * Runs a command from the command palette: F1, '>Title', then clicks the entry labelled exactly
 * `title` (Enter would run the first entry, which for '>Procnet: Refresh' is "Procnet: Pause Live
 * Refresh"). Returns the quick input locator (the command may open its own input box/quick pick in it).
 */
export async function runCommand(page, title) {
	await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => {}); // focus the workbench
	await page.keyboard.press('F1');
	const input = page.locator('.quick-input-widget input');
	await input.waitFor({ state: 'visible', timeout: 10000 });
	await input.fill(`>${title}`);
	const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
	const entry = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
	await entry.waitFor({ state: 'visible', timeout: 10000 });
	await entry.click();
	return page.locator('.quick-input-widget');
}

/** Texts of the notification toasts currently shown, each with its severity. */
export async function notifications(page) {
	const toasts = page.locator('.notifications-toasts .notification-list-item');
	const out = [];
	for (const t of await toasts.all()) {
		if (!(await t.isVisible())) continue;
		const icon = (await t.locator('.notification-list-item-icon').getAttribute('class').catch(() => '')) ?? '';
		const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : 'info';
		out.push({ severity, message: (await t.locator('.notification-list-item-message').innerText().catch(() => '')).trim() });
	}
	return out;
}

/** The detail panel's page: VS Code nests a webview's document in two iframes. */
export function panelFrame(page) {
	return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * "Procnet: Show Ports for PID" from the palette with `pid` typed into its quick pick: reveals the
 * process in the tree and opens its detail panel. Closes the editors first: a focused webview can
 * take focus back from the quick pick (and so close it).
 */
/**
 * Takes the quick pick's row of `pid` by a click, not Enter: Enter takes the first row, which for
 * "416" was "chrome_crashpad (32416)" (the quick pick ranks matches its own way; CI, thirteenth session).
 */
export async function pickPidRow(page, pid, timeout) {
	const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`\\(${pid}\\)$`) }) }).first();
	await row.waitFor({ timeout });
	// The pick redraws its rows once its fresh scan is in: a click between finding the row and that
	// redraw lands on whichever row is then there (CI, twentieth session: another host's sshd).
	await quickPickSettled(page, timeout);
	await row.click();
}

/**
 * Resolves once the quick pick is no longer busy. VS Code draws its progress bar (`.active`) only
 * after 800 ms of busy, so this waits past that, then for the bar to go: a busy that ended sooner
 * never drew it. (The bar's container itself is always there: waiting for it to hide never ends.)
 */
export async function quickPickSettled(page, timeout = 15000) {
	await page.waitForTimeout(1000);
	await page.locator('.quick-input-widget .quick-input-progress.active').waitFor({ state: 'hidden', timeout });
}

/**
 * Opens "Procnet: Show Ports for PID" with no editor open (a panel's webview can take focus back
 * while the quick pick is open, and so close it) and types `pid` into its pick.
 */
export async function typeInPidPick(page, pid, timeout = 60000) {
	await runCommand(page, 'View: Close All Editors');
	await page.locator('iframe.webview').waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
	const quick = await runCommand(page, 'Procnet: Show Ports for PID');
	await page.waitForFunction(() => {
		const i = document.querySelector('.quick-input-widget input');
		return i && i.offsetParent !== null && !i.value.startsWith('>');
	}, null, { timeout });
	await quick.locator('input').fill(String(pid));
	return quick;
}

export async function showPortsForPid(page, pid, timeout = 60000) {
	await typeInPidPick(page, pid);
	await pickPidRow(page, pid, timeout);
	await panelFrame(page).locator('h1', { hasText: `(pid ${pid})` }).waitFor({ timeout });
}
