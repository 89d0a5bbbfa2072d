// The user's choices for the tree (group by, listening only, kinds, filter, hidden processes),
// read from settings and workspace state, mirrored into context keys for menus and welcome
// views, and shown in the view's description and message.
import * as vscode from 'vscode';
import { parseFilter } from '../model/filter';
import type { SocketKind } from '../procfs/types';
import type { GroupBy, ProcessTreeProvider, TreeOptions } from './processTree';

const ALL_KINDS: SocketKind[] = ['tcp', 'udp', 'udplite', 'raw', 'icmp', 'unix', 'packet', 'netlink', 'sctp'];

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
	};
}

/** Keeps the view's description, message and the context keys in step with the tree. */
export function syncViewChrome(view: vscode.TreeView<unknown>, tree: ProcessTreeProvider): void {
	const o = tree.options;
	const bits: string[] = [];
	if (o.filter) bits.push(`filter: ${o.filter.text}`);
	if (o.listeningOnly) bits.push('listening only');
	if (o.groupBy !== 'process') bits.push(`by ${o.groupBy}`);
	view.description = bits.join(' · ') || undefined;
	const notes: string[] = [];
	if (tree.status.error) notes.push(`Cannot read sockets: ${tree.status.error}`);
	if (o.filter?.errors.length) notes.push(`Filter: ${o.filter.errors.join('; ')}`);
	if (tree.status.permissionDenied) notes.push(`${tree.status.permissionDenied} sockets cannot be attributed: some processes' fds are not readable by this user.`);
	view.message = notes.join(' ') || undefined;
	void vscode.commands.executeCommand('setContext', 'procnet.filtered', !!o.filter);
	void vscode.commands.executeCommand('setContext', 'procnet.listeningOnly', o.listeningOnly);
	void vscode.commands.executeCommand('setContext', 'procnet.empty', tree.status.empty || '');
}
