// Commands that add and remove hosts: Add SSH Host (ssh_config aliases or user@host[:port]),
// Remove Host, Retry, Open Capture, Close Capture. Hosts live in the user's (machine) settings,
// never the workspace's: a repository must not be able to make procnet run a program.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parseHostSpec } from '../collect/shellSource';
import { entryName, parseHostEntry, readHostSettings, sshConfigHosts, type HostEntry, type HostRegistry } from './hosts';
import { rowHostOf } from './treeNodes';

interface HostPick extends vscode.QuickPickItem {
	spec?: string;
	/** why the typed text cannot be used */
	invalid?: string;
}

/** The global (user / remote machine) value of procnet.sshHosts: the only one procnet reads or writes. */
function globalHosts(): unknown[] {
	const v = vscode.workspace.getConfiguration('procnet').inspect<unknown[]>('sshHosts')?.globalValue;
	return Array.isArray(v) ? [...v] : [];
}

function writeGlobalHosts(list: unknown[]): Thenable<void> {
	return vscode.workspace.getConfiguration('procnet').update('sshHosts', list, vscode.ConfigurationTarget.Global);
}

/** Throws with parseHostSpec's message ("starts with "-"", bad characters, bad port...) if the text cannot be a host. */
function checkSpec(spec: string): string {
	const s = spec.trim();
	parseHostSpec(s);
	return s;
}

function configHostItems(): HostPick[] {
	const file = readHostSettings().sshConfigFile ?? path.join(os.homedir(), '.ssh', 'config');
	let text = '';
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch {
		return [];
	}
	return sshConfigHosts(text).map((h) => ({ label: h, description: `Host in ${file}`, spec: h, iconPath: new vscode.ThemeIcon('remote') }));
}

async function pickHost(): Promise<string | undefined> {
	const known = new Set(globalHosts().map(entryName));
	const fromConfig = configHostItems().filter((i) => !known.has(i.spec));
	const qp = vscode.window.createQuickPick<HostPick>();
	qp.title = 'Procnet: Add SSH Host';
	qp.placeholder = fromConfig.length ? 'Pick a Host of your ssh config, or type user@host[:port]' : 'Type user@host[:port] or an ssh config Host alias';
	qp.matchOnDescription = true;
	const update = (v: string) => {
		const typed = v.trim();
		let extra: HostPick[] = [];
		if (typed && !fromConfig.some((i) => i.spec === typed)) {
			try {
				extra = [{ label: `Add ${checkSpec(typed)}`, description: 'user@host[:port]', spec: typed, alwaysShow: true, iconPath: new vscode.ThemeIcon('add') }];
			} catch (e) {
				extra = [{ label: `Cannot add ${JSON.stringify(typed)}`, detail: (e as Error).message, invalid: (e as Error).message, alwaysShow: true, iconPath: new vscode.ThemeIcon('error') }];
			}
		}
		qp.items = [...extra, ...fromConfig];
	};
	update('');
	qp.onDidChangeValue(update);
	return new Promise((resolve) => {
		qp.onDidAccept(() => {
			const sel = qp.selectedItems[0] ?? qp.activeItems[0];
			if (sel?.invalid) {
				void vscode.window.showErrorMessage(`Procnet: ${sel.invalid}`);
				return;
			}
			resolve(sel?.spec);
			qp.hide();
		});
		qp.onDidHide(() => {
			resolve(undefined);
			qp.dispose();
		});
		qp.show();
	});
}

/** Adds `spec` to the global procnet.sshHosts (strictly validated first); resolves to the spec added, or undefined. */
export async function addSshHost(arg?: unknown): Promise<string | undefined> {
	const raw = typeof arg === 'string' ? arg : await pickHost();
	if (raw === undefined) return undefined;
	let spec: string;
	try {
		spec = checkSpec(raw);
	} catch (e) {
		void vscode.window.showErrorMessage(`Procnet: ${(e as Error).message}`);
		return undefined;
	}
	const list = globalHosts();
	if (list.some((e) => entryName(e) === spec)) {
		void vscode.window.showInformationMessage(`Procnet: ${spec} is already in procnet.sshHosts.`);
		return spec;
	}
	await writeGlobalHosts([...list, spec]);
	return spec;
}

/**
 * An ssh host's entry of procnet.sshHosts, read as root through sudo -n or not: "web-1" and
 * { "host": "web-1", "sudo": true } (a name the user gave is kept). Resolves to the entry written,
 * or undefined when `h` is not an ssh host of the user's settings.
 */
async function setSudo(h: HostEntry | undefined, on: boolean, hosts: HostRegistry): Promise<unknown> {
	if (!h || h.kind !== 'ssh' || h.configKey === undefined) return undefined;
	const list = globalHosts();
	const i = list.findIndex((e) => entryName(e) === h.configKey);
	if (i < 0) {
		void vscode.window.showWarningMessage(`Procnet: ${h.name} is not in your user settings' procnet.sshHosts; change it where it is set.`);
		return undefined;
	}
	const e = list[i];
	const c = parseHostEntry(e, i);
	if (c.kind !== 'ssh') return undefined;
	const spec = c.spec;
	// A name the user gave is kept; a made one (the host's) follows the new entry.
	const o = typeof e === 'object' ? (e as { name?: unknown }) : undefined;
	const named = typeof o?.name === 'string' && o.name.trim() ? { name: o.name } : {};
	const next = on ? { host: spec, sudo: true, ...named } : 'name' in named ? { host: spec, ...named } : spec;
	if (on && list.some((x, j) => j !== i && entryName(x) === entryName(next))) {
		void vscode.window.showInformationMessage(`Procnet: ${entryName(next)} is already in procnet.sshHosts.`);
		return undefined;
	}
	list[i] = next;
	await writeGlobalHosts(list);
	// The configuration event does it too; now, so the command's caller finds the new row.
	hosts.syncFromSettings();
	return next;
}

/** The command host that reads this machine as root: sudo -n, never a password prompt. */
export const ROOT_HOST = { name: 'this machine (sudo)', command: ['sudo', '-n', 'sh'] };

/**
 * Adds ROOT_HOST to procnet.sshHosts (once): as a plain user, the owners of other users' sockets
 * on this machine are unreadable, as they are to ss -p without sudo. Resolves to its host.
 */
async function addRootCommandHost(hosts: HostRegistry): Promise<HostEntry | undefined> {
	const list = globalHosts();
	if (!list.some((e) => entryName(e) === ROOT_HOST.name)) await writeGlobalHosts([...list, ROOT_HOST]);
	hosts.syncFromSettings();
	return hosts.all().find((h) => h.kind === 'command' && h.name === ROOT_HOST.name);
}

export function registerHostCommands(hosts: HostRegistry, revealHost: (h: HostEntry) => void): vscode.Disposable[] {
	const hostOfArg = (n: unknown): HostEntry | undefined => {
		if (typeof n === 'string') return hosts.all().find((h) => h.id === n || h.name === n);
		return rowHostOf(n);
	};
	return [
		vscode.commands.registerCommand('procnet.addSshHost', addSshHost),
		vscode.commands.registerCommand('procnet.removeHost', async (n?: unknown) => {
			const h = hostOfArg(n);
			if (!h || !h.isRemote || h.configKey === undefined) return false;
			const list = globalHosts();
			const next = list.filter((e) => entryName(e) !== h.configKey);
			if (next.length === list.length) {
				void vscode.window.showWarningMessage(`Procnet: ${h.name} is not in your user settings' procnet.sshHosts; remove it where it is set.`);
				return false;
			}
			await writeGlobalHosts(next);
			// The configuration event disposes it too; doing it now means no session outlives the command.
			hosts.syncFromSettings();
			return true;
		}),
		vscode.commands.registerCommand('procnet.readAsRoot', (n?: unknown) => setSudo(hostOfArg(n), true, hosts)),
		vscode.commands.registerCommand('procnet.readAsUser', (n?: unknown) => setSudo(hostOfArg(n), false, hosts)),
		vscode.commands.registerCommand('procnet.readThisMachineAsRoot', async () => {
			const h = await addRootCommandHost(hosts);
			if (h) revealHost(h);
			return h?.name;
		}),
		vscode.commands.registerCommand('procnet.retryHost', (n?: unknown) => {
			const h = hostOfArg(n);
			return h?.store.refresh();
		}),
		vscode.commands.registerCommand('procnet.openCapture', async (arg?: unknown) => {
			let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
			if (!uri) {
				const picked = await vscode.window.showOpenDialog({
					title: 'Procnet: Open Capture',
					canSelectMany: false,
					filters: { 'procnet capture': ['json', 'txt', 'gz'], 'All files': ['*'] },
				});
				uri = picked?.[0];
			}
			if (!uri) return undefined;
			const label = path.basename(uri.path);
			try {
				const data = await vscode.workspace.fs.readFile(uri);
				const h = await hosts.openCapture(data, label, uri.scheme === 'file' ? uri.fsPath : uri.toString());
				revealHost(h);
				return h.id;
			} catch (e) {
				void vscode.window.showErrorMessage(`Procnet: cannot open ${label}: ${(e as Error).message}`);
				return undefined;
			}
		}),
		vscode.commands.registerCommand('procnet.closeCapture', (n?: unknown) => {
			const h = hostOfArg(n);
			if (h?.kind === 'capture') hosts.closeCapture(h);
		}),
	];
}
