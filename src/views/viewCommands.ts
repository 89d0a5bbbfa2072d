// Commands that change what the tree shows: filter, clear filter, listening only, group by.
import * as vscode from 'vscode';
import { parseFilter } from '../model/filter';
import type { GroupBy, ProcessTreeProvider } from './processTree';

export function registerViewCommands(tree: ProcessTreeProvider, memento: vscode.Memento): vscode.Disposable[] {
	return [
		vscode.commands.registerCommand('procnet.filter', async (text?: unknown) => {
			const value =
				typeof text === 'string'
					? text
					: await vscode.window.showInputBox({
							title: 'Procnet: Filter Sockets',
							value: tree.options.filter?.text ?? '',
							prompt: 'Words match names, pids, command lines and addresses. Terms: port:3000 port:8000-8100 state:listen kind:udp pid:123 user:www-data addr:10.0.0.0/8 peer:github (the remote address or its name by the host\'s resolver) netns:… ; -term excludes.',
							validateInput: (v) => {
								const e = parseFilter(v).errors;
								return e.length ? e.join('; ') : undefined;
							},
						});
			if (value === undefined) return;
			await memento.update('procnet.filter', value.trim());
			await tree.setOptions({ filter: value.trim() ? parseFilter(value.trim()) : undefined });
		}),
		vscode.commands.registerCommand('procnet.clearFilter', async () => {
			await memento.update('procnet.filter', '');
			await tree.setOptions({ filter: undefined });
		}),
		vscode.commands.registerCommand('procnet.listeningOnly', async () => {
			await memento.update('procnet.listeningOnly', true);
			await tree.setOptions({ listeningOnly: true });
		}),
		vscode.commands.registerCommand('procnet.allSockets', async () => {
			await memento.update('procnet.listeningOnly', false);
			await tree.setOptions({ listeningOnly: false });
		}),
		vscode.commands.registerCommand('procnet.groupBy', async (arg?: unknown) => {
			const options: Array<{ label: string; value: GroupBy; description?: string }> = [
				{ label: 'Process', value: 'process' },
				{ label: 'Port', value: 'port' },
				{ label: 'Peer', value: 'peer', description: 'the remote address, the peers holding the most connections first' },
				{ label: 'Network namespace', value: 'netns' },
			];
			const value = typeof arg === 'string' && options.some((o) => o.value === arg) ? (arg as GroupBy) : (await vscode.window.showQuickPick(options, { title: 'Procnet: Group Sockets By' }))?.value;
			if (!value) return;
			await vscode.workspace.getConfiguration('procnet').update('groupBy', value, vscode.ConfigurationTarget.Global);
			// (the configuration listener regroups the tree; a caller may read it once this resolves)
			await tree.whenIndexed();
		}),
	];
}
