// The user's choices for the tree (group by, listening only, kinds, filter, hidden processes),
// read from settings and workspace state, mirrored into context keys for menus and welcome
// views, and shown in the view's description and message.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { filtersByPeer, parseFilter } from '../model/filter';
import { parsePortsAttributes, PortNames } from '../model/portNames';
import { parseServices } from '../procfs/services';
import type { SocketKind } from '../procfs/types';
import type { GroupBy, ProcessTreeProvider, TreeOptions } from './processTree';

const ALL_KINDS: SocketKind[] = ['tcp', 'udp', 'udplite', 'raw', 'icmp', 'unix', 'packet', 'netlink', 'sctp'];

let services: Map<string, string> | undefined;

/**
 * This machine's /etc/services, read once. Other hosts' ports are named from it too: the names
 * are IANA's, and the file differs little between systems. None where it is missing.
 */
function localServices(): Map<string, string> {
	if (!services) {
		try {
			services = parseServices(fs.readFileSync('/etc/services', 'utf8'));
		} catch {
			services = new Map();
		}
	}
	return services;
}

export function readTreeOptions(memento: vscode.Memento): TreeOptions {
	const cfg = vscode.workspace.getConfiguration('procnet');
	const kinds = cfg.get<string[]>('kinds', ALL_KINDS).filter((k): k is SocketKind => ALL_KINDS.includes(k as SocketKind));
	const hide: RegExp[] = [];
	for (const h of cfg.get<string[]>('hideProcesses', [])) {
		try {
			hide.push(new RegExp(h));
		} catch {
			void vscode.window.showWarningMessage(`Procnet: procnet.hideProcesses has an invalid pattern: ${h}`);
		}
	}
	const filterText = memento.get<string>('procnet.filter', '');
	return {
		groupBy: cfg.get<GroupBy>('groupBy', 'process'),
		listeningOnly: memento.get<boolean>('procnet.listeningOnly', false),
		kinds: kinds.length === ALL_KINDS.length ? null : new Set(kinds),
		filter: filterText ? parseFilter(filterText) : undefined,
		showUnowned: cfg.get<boolean>('showUnowned', true),
		hide,
		portNames: readPortNames(),
		resolvePeerNames: cfg.get<boolean>('resolvePeerNames', true),
	};
}

/** Port labels from VS Code's own `remote.portsAttributes` (the Ports view's), then /etc/services. */
function readPortNames(): PortNames {
	const { labels, errors } = parsePortsAttributes(vscode.workspace.getConfiguration('remote').get('portsAttributes'));
	// Said once per change of the setting, not at every change of procnet's own settings.
	const said = errors.join('\n');
	if (said !== lastPortErrors) for (const e of errors) void vscode.window.showWarningMessage(`Procnet: ${e}`);
	lastPortErrors = said;
	return new PortNames(localServices(), labels);
}

let lastPortErrors = '';

/** Keeps the view's description, message and the context keys in step with the tree. */
export function syncViewChrome(view: vscode.TreeView<unknown>, tree: ProcessTreeProvider): void {
	const o = tree.options;
	const bits: string[] = [];
	if (o.filter) bits.push(`filter: ${o.filter.text}`);
	if (o.listeningOnly) bits.push('listening only');
	if (o.groupBy !== 'process') bits.push(`by ${o.groupBy}`);
	const description = bits.join(' · ') || undefined;
	if (view.description !== description) view.description = description;
	const notes: string[] = [];
	const st = tree.status;
	// This machine's counts, above the tree rather than on its row (see ProcessTreeProvider.status).
	// Neither they nor the note on unreadable fds when the tree is empty: a message hides the
	// welcome view that says why.
	const counts = (processes: number, sockets: number) => `${processes} ${processes === 1 ? 'process' : 'processes'} · ${sockets} ${sockets === 1 ? 'socket' : 'sockets'}`;
	if (st.read && !st.error && !st.empty) {
		const mine = counts(st.processes, st.shownSockets);
		const what = o.filter ? `the filter ${JSON.stringify(o.filter.text)} matches ${mine}` : mine;
		notes.push(st.otherHosts ? `This machine: ${what}.` : `${what[0].toUpperCase()}${what.slice(1)}.`);
	}
	// Each ssh or command host's counts too (its row shows its kind alone).
	if (!st.empty) for (const h of st.liveHosts) notes.push(`${h.name}: ${counts(h.processes, h.sockets)}.`);
	if (st.error) notes.push(`Cannot read sockets: ${st.error}`);
	if (o.filter?.errors.length) notes.push(`Filter: ${o.filter.errors.join('; ')}`);
	if (filtersByPeer(o.filter) && !st.empty) {
		if (!o.resolvePeerNames) notes.push('peer: matches addresses only: procnet.resolvePeerNames is off.');
		else if (st.namingPeers) notes.push(`Asking the host's resolver for ${st.namingPeers} ${st.namingPeers === 1 ? 'peer\'s name' : 'peers\' names'}: peer: matches them as they come.`);
	}
	if (st.permissionDenied && !st.empty) notes.push(`${st.permissionDenied} sockets cannot be attributed: some processes' fds are not readable by this user.`);
	const message = notes.join(' ') || undefined;
	if (view.message !== message) view.message = message;
	setContext(view, 'procnet.filtered', !!o.filter);
	setContext(view, 'procnet.listeningOnly', o.listeningOnly);
	setContext(view, 'procnet.empty', st.empty || '');
}

/** The context keys last set for a view: this runs at every refresh, and each set is a message to the workbench. */
const contextSet = new WeakMap<vscode.TreeView<unknown>, Map<string, unknown>>();

function setContext(view: vscode.TreeView<unknown>, key: string, value: unknown): void {
	let set = contextSet.get(view);
	if (!set) contextSet.set(view, (set = new Map()));
	if (set.has(key) && set.get(key) === value) return;
	set.set(key, value);
	void vscode.commands.executeCommand('setContext', key, value);
}
