// "Procnet: Find Free Port…": type a port or a range, and see at once which ports a server could
// bind there and what holds the others (freePorts.ts says what "free" means). Enter on a free
// port copies it; on a held one it shows its owner (the tree and the panel). From the palette it
// looks at this machine; from a host row, at that host.
import * as vscode from 'vscode';
import { visible } from '../model/describe';
import { readEphemeralRange } from '../collect/ephemeralRange';
import { MAX_SPAN, holdText, holderPids, isFree, parsePortRange, searchPorts, selfNetns, type PortProtocol, type PortRange } from '../model/freePorts';
import type { Snapshot } from '../model/snapshot';
import type { HostEntry } from './hosts';

export interface FreePortPick extends vscode.QuickPickItem {
	port: number;
	free: boolean;
	/** The process holding it (its listener's owner first), when one is known. */
	pid?: number;
}

/** How many free ports a search lists: enough to choose from, few enough to read. */
const COUNT = 10;
/** A single port typed is looked at with the ports after it, up to this many: "3000, or the next free one". */
const AFTER = 1000;

/** What was typed as the ports to look at: a range as typed, a single port and those after it. */
export function searchRange(text: string): PortRange | undefined {
	const r = parsePortRange(text);
	if (!r || r.from !== r.to) return r;
	return { from: r.from, to: Math.min(65535, r.from + AFTER - 1) };
}

/** The pick's rows for `text` (undefined when it is not a port or a range), the free ones marked. */
export function freePortItems(snap: Snapshot, text: string, protocol: PortProtocol, ephemeral: PortRange | undefined): FreePortPick[] | undefined {
	const range = searchRange(text);
	if (!range) return undefined;
	const names = new Map(snap.processes.map((p) => [p.pid, p.name]));
	// alwaysShow: the typed range matches no row's label, and the quick pick would filter them all out.
	return searchPorts(snap, { protocol, range, netns: selfNetns(snap), ephemeral }, COUNT).map((st): FreePortPick => {
		if (isFree(st)) {
			return { port: st.port, free: true, alwaysShow: true, label: `$(pass) ${st.port}`, description: st.ephemeral ? 'free · in the ephemeral range: a client connection may take it' : 'free' };
		}
		const pids = holderPids(st);
		const who = pids.map((pid) => `${visible(names.get(pid) ?? '?')} (${pid})`).join(', ');
		return {
			port: st.port,
			free: false,
			pid: pids[0],
			alwaysShow: true,
			label: `$(circle-slash) ${st.port}`,
			description: `${st.listeners.length ? 'in use' : 'busy'} · ${holdText(st)}${who ? ` · ${who}` : ''}`,
		};
	});
}

export interface FreePortResult {
	port: number;
	free: boolean;
}

/**
 * Shows the pick on `host`, starting from `initial` (a port or range; 3000 when none). Settles with
 * the port taken (copied when free, its owner shown when held), or undefined when dismissed.
 */
export async function findFreePort(host: HostEntry, showOwner: (host: HostEntry, pid: number) => unknown, initial?: unknown): Promise<FreePortResult | undefined> {
	const start = initial === undefined ? '3000' : String(initial);
	if (initial !== undefined && !parsePortRange(start)) {
		void vscode.window.showErrorMessage(`Procnet: ${JSON.stringify(initial)} is not a port or a range of ports (3000, 3000-3100).`);
		return undefined;
	}
	const ephemeral = host.kind === 'local' ? readEphemeralRange() : undefined;
	const qp = vscode.window.createQuickPick<FreePortPick>();
	// Open until Enter or Escape: one looks at the tree (or the panel an owner opens in) beside it,
	// and a focus change in the workbench had dismissed it (CI).
	qp.ignoreFocusOut = true;
	qp.title = `Procnet: Find Free Port on ${host.name}`;
	qp.placeholder = `A port (it and the ports after it) or a range (3000-3100, ${MAX_SPAN} ports at most); Enter copies a free port`;
	qp.value = start;
	qp.busy = true;
	let protocol: PortProtocol = 'tcp';
	const udpButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('arrow-swap'), tooltip: 'Look at UDP ports instead' };
	const tcpButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('arrow-swap'), tooltip: 'Look at TCP ports instead' };
	qp.buttons = [udpButton];
	/** A row that says why there are no ports (Enter on it does nothing): a quick pick has no validation message. */
	const note = (label: string): FreePortPick => ({ label, port: NaN, free: false, alwaysShow: true });
	const update = () => {
		const snap = host.store.snapshot;
		if (!snap) {
			qp.items = qp.busy ? [] : [note(`$(error) ${host.name} could not be read${host.store.error ? `: ${host.store.error}` : ''}`)];
			return;
		}
		qp.title = `Procnet: Find Free ${protocol.toUpperCase()} Port on ${host.name}`;
		const items = freePortItems(snap, qp.value, protocol, ephemeral);
		qp.items = items ?? [note(`$(error) Not a port (1-65535) or a range FROM-TO of ${MAX_SPAN} ports at most`)];
		// Enter takes the first free port, not the first row (a held port listed before it).
		const first = items?.find((i) => i.free);
		if (first) qp.activeItems = [first];
	};
	const subs = [
		qp.onDidChangeValue(update),
		qp.onDidTriggerButton((b) => {
			protocol = b === udpButton ? 'udp' : 'tcp';
			qp.buttons = [protocol === 'udp' ? tcpButton : udpButton];
			update();
		}),
	];
	const picked = new Promise<FreePortPick | undefined>((resolve) => {
		subs.push(
			qp.onDidAccept(() => {
				// Enter before the fresh read has listed the ports (or on a row that says why there are
				// none) leaves the pick open: the rows that come are what a person asked for.
				const item = qp.activeItems[0];
				if (!item || Number.isNaN(item.port)) return;
				resolve(item);
				qp.hide();
			}),
			qp.onDidHide(() => resolve(undefined)),
		);
	});
	qp.show();
	// What holds the ports now, not at the last timed refresh.
	await host.store.refresh();
	qp.busy = false;
	update();
	const item = await picked;
	for (const s of subs) s.dispose();
	qp.dispose();
	if (!item) return undefined;
	if (item.free) {
		await vscode.env.clipboard.writeText(String(item.port));
		void vscode.window.showInformationMessage(`Procnet: ${protocol.toUpperCase()} port ${item.port} is free on ${host.name}; copied.`);
	} else if (item.pid !== undefined) {
		showOwner(host, item.pid);
	} else {
		void vscode.window.showInformationMessage(`Procnet: ${protocol.toUpperCase()} port ${item.port} on ${host.name} is held by ${item.description?.replace(/^\w+ · /, '')}, which no process procnet can see owns.`);
	}
	return { port: item.port, free: item.free };
}
