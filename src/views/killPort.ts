// "Procnet: Kill Process on Port…": the fix for "port 3000 is already in use" that people reach
// for `fuser -k 3000/tcp`, `lsof -ti :3000 | xargs kill` or `npx kill-port` to make. It goes
// through the same kill as the tree's (confirmation, SIGTERM then an offered SIGKILL, the pid's
// start time checked right before each signal), and only a listener's owner is a candidate:
// a process that merely has a connection to that port is not what holds it.
// Callable with a port (1234 or "1234") from keybindings and tasks; without one, it offers this
// machine's listening ports.
import * as vscode from 'vscode';
import { commandLine, localText } from '../model/describe';
import { ownerCount } from '../model/owners';
import { parsePort, parsePorts } from '../model/freePorts';
import { isListening, listenersOn, portOwners, portsOwners } from '../model/select';
import type { ProcessInfo, Snapshot, SocketInfo } from '../model/snapshot';
import { killProcess, killProcesses } from './kill';
import type { HostEntry } from './hosts';
import { UNKNOWN_REASON } from './treeIndex';
import { pickOrType } from './pickOrType';

interface PortPick extends vscode.QuickPickItem {
	port: number;
	/** A typed list of ports (the row that takes it). */
	ports?: number[];
}

/**
 * Returns what happened: killProcess's outcome, or 'bad-port', 'none', 'no-owner', 'cancelled';
 * for several ports, killProcesses' outcomes (one confirmation for every owner of them all).
 */
export async function killPort(host: HostEntry, arg?: unknown): Promise<string | string[] | undefined> {
	const store = host.store;
	let ports: number[] | undefined;
	if (arg !== undefined) {
		ports = parsePorts(arg);
		if (ports === undefined) {
			void vscode.window.showErrorMessage(`Procnet: ${JSON.stringify(arg)} is not a port (1-65535) or a list of ports (3000,3001).`);
			return 'bad-port';
		}
	} else {
		if (!store.snapshot) await store.refresh();
		ports = await pickPort(store.snapshot);
		if (ports === undefined) return 'cancelled';
	}
	// What holds the ports now, not at the last timed refresh: they may have been restarted since.
	await store.refresh();
	const snap = store.snapshot;
	if (!snap) {
		void vscode.window.showErrorMessage(`Procnet: ${host.name} could not be read${store.error ? `: ${store.error}` : ''}.`);
		return undefined;
	}
	if (ports.length > 1) return killPortsOf(host, snap, ports);
	const port = ports[0];
	const owners = portOwners(snap, port);
	if (!owners.length) {
		const held = listenersOn(snap, port).filter((s) => ownerCount(s) === 0);
		if (held.length) {
			const why = UNKNOWN_REASON[held[0].ownerUnknown ?? ''] ?? 'its owner is not known';
			void vscode.window.showWarningMessage(`Procnet: port ${port} is held by ${held.map(localText).join(', ')}, but no process procnet can see owns it: ${why}.`);
			return 'no-owner';
		}
		void vscode.window.showInformationMessage(`Procnet: nothing listens on port ${port} on ${host.name}.`);
		return 'none';
	}
	let pid: number | undefined = owners[0].pid;
	if (owners.length > 1) {
		pid = await pickOwner(owners, port);
		if (pid === undefined) return 'cancelled';
	}
	return killProcess(host, pid);
}

/**
 * Which of a listener's owners to terminate, the first (the parent) active. Its own quick pick,
 * with the active row set before it shows: Enter pressed as it opens takes that row, where
 * showQuickPick's could still have none and answered nothing (CI: 'cancelled').
 */
function pickOwner(owners: readonly ProcessInfo[], port: number): Promise<number | undefined> {
	const items = owners.map((p, i) => ({
		label: `${p.name} (${p.pid})`,
		description: i === 0 && owners.some((o) => o.ppid === p.pid) ? 'parent of the others' : undefined,
		detail: commandLine(p),
		pid: p.pid,
	}));
	const qp = vscode.window.createQuickPick<(typeof items)[number]>();
	qp.title = `Procnet: ${owners.length} processes hold port ${port}`;
	qp.placeholder = 'Which one to terminate';
	qp.matchOnDetail = true;
	qp.items = items;
	qp.activeItems = [items[0]];
	// A question before a signal: it waits for Enter or Escape. A focus change in the workbench (a
	// view taking focus as an editor closes) had dismissed it, and the kill with it (CI, often).
	qp.ignoreFocusOut = true;
	return pickOrType(qp, (item) => item.pid, () => undefined);
}

/**
 * Several ports at once: every owner of their listeners, terminated after one confirmation (no
 * question of which one, as for a single port: a list asks for all of them); the ports nothing
 * listens on are said first.
 */
async function killPortsOf(host: HostEntry, snap: Snapshot, ports: number[]): Promise<string[] | string | undefined> {
	const { owners, idle } = portsOwners(snap, ports);
	if (idle.length) void vscode.window.showInformationMessage(`Procnet: no process procnet can see listens on port${idle.length > 1 ? 's' : ''} ${idle.map((i) => i.port).join(', ')} on ${host.name}.`);
	if (!owners.length) return 'none';
	return killProcesses(host, owners.map((o) => o.p.pid));
}

/** The listening ports of `snap` to choose from; a typed port (or list of ports) that is not among them is taken too. */
function pickPort(snap: Snapshot | undefined): Promise<number[] | undefined> {
	const byPort = new Map<number, SocketInfo[]>();
	for (const s of snap?.sockets ?? []) {
		if (s.localPort === null || !isListening(s) || s.kind === 'unix') continue;
		const l = byPort.get(s.localPort);
		if (l) l.push(s);
		else byPort.set(s.localPort, [s]);
	}
	const names = new Map((snap?.processes ?? []).map((p) => [p.pid, `${p.name} (${p.pid})`]));
	const items: PortPick[] = [...byPort]
		.sort((a, b) => a[0] - b[0])
		.map(([port, list]) => {
			const owners = [...new Set(list.flatMap((s) => s.owners.map((o) => names.get(o.pid) ?? `pid ${o.pid}`)))];
			return {
				port,
				label: String(port),
				description: owners.length ? owners.join(', ') : 'owner not known',
				detail: [...new Set(list.map((s) => `${s.kind} ${localText(s)}`))].join('  '),
			};
		});
	const qp = vscode.window.createQuickPick<PortPick>();
	qp.title = 'Procnet: Kill Process on Port';
	qp.placeholder = 'Type a port, or pick a listening one';
	qp.matchOnDescription = true;
	qp.items = items;
	qp.onDidChangeValue((v) => {
		const list = v.includes(',') ? parsePorts(v) : undefined;
		if (list) {
			// A list is taken as typed (Enter on this row).
			qp.items = [{ port: list[0], ports: list, label: list.join(', '), description: 'these ports', alwaysShow: true }, ...items];
			qp.activeItems = [qp.items[0]];
			return;
		}
		const port = parsePort(v);
		const exact = port !== undefined && items.find((i) => i.port === port);
		qp.items = port !== undefined && !exact ? [{ port, label: String(port), description: 'not seen listening at the last refresh', alwaysShow: true }, ...items] : items;
		if (exact) qp.activeItems = [exact];
	});
	return pickOrType(qp, (item) => item.ports ?? [item.port], parsePorts);
}
