// VS Code's own port finder runs in the extension host procnet runs in, in a remote window
// (Remote-SSH, code-server, WSL...): with `remote.autoForwardPortsSource` at "process" (the
// default) or "hybrid" it reads and parses /proc/net/tcp every few seconds. On a host with 100k
// sockets its passes blocked that extension host for 0.2-1 s at a time (bench/exthost.mjs),
// far longer than procnet's own refresh, and the tree and every other extension froze with it;
// with "output" the longest stretch on the CPU fell to 35 ms. `remote.autoForwardPorts: false`
// alone does not stop those reads. procnet knows how many sockets the host has, so on a host
// that big it says so once, and offers the setting.
import * as vscode from 'vscode';
import type { Snapshot } from '../model/snapshot';
import type { SnapshotStore } from './snapshotStore';

/** Sockets from which VS Code's /proc port finder blocks the extension host for more than ~50 ms. */
export const HINT_SOCKETS = 20_000;
export const USE_OUTPUT = 'Detect Ports from Output';
export const DONT_ASK = "Don't Ask Again";
const DISMISSED = 'procnet.portFinderHint.dismissed';

/** Shows a message with actions (vscode.window.showInformationMessage; tests answer for the user). */
export type Ask = (message: string, ...actions: string[]) => Thenable<string | undefined>;

export class PortFinderHint implements vscode.Disposable {
	/** Once per window at most: a hint is not a nag. */
	private asked = false;
	private readonly subscription: vscode.Disposable;
	/** The check the store's last change started, answer and setting write included. */
	private checking: Promise<unknown> = Promise.resolve();

	/**
	 * @param remote whether this extension host is a remote one (the port finder runs only there).
	 * @param memento where "Don't Ask Again" is kept (global state: it is about the machine's size).
	 */
	constructor(
		store: SnapshotStore,
		private readonly memento: vscode.Memento,
		private readonly ask: Ask = (m, ...a) => vscode.window.showInformationMessage(m, ...a),
		private readonly remote = vscode.env.remoteName !== undefined,
		private readonly threshold = HINT_SOCKETS,
	) {
		this.subscription = store.onDidChange(() => {
			// A write VS Code refuses must say so: the user asked for the setting.
			const check = this.check(store.snapshot).catch((e) => void vscode.window.showErrorMessage(`Procnet: could not set remote.autoForwardPortsSource: ${(e as Error).message}`));
			// Chained: a later change (asked already, over at once) must not hide an answer still pending.
			this.checking = Promise.all([this.checking, check]);
		});
	}

	/** Resolves once the checks the store's changes started are over, the setting written (tests wait on it). */
	async settled(): Promise<void> {
		await this.checking;
	}

	/** Resolves once the user answered (or at once when there is nothing to ask); the answer, if asked. */
	async check(snap: Snapshot | undefined): Promise<string | undefined> {
		if (this.asked || !this.remote || !snap || snap.sockets.length < this.threshold) return undefined;
		const remote = vscode.workspace.getConfiguration('remote');
		if (remote.get<string>('autoForwardPortsSource', 'process') === 'output' || this.memento.get<boolean>(DISMISSED)) return undefined;
		this.asked = true;
		const n = Math.round(snap.sockets.length / 1000);
		const choice = await this.ask(
			`This host has ${n}k sockets. VS Code's own port detection reads /proc/net/tcp in the same extension host as Procnet every few seconds, ` +
				`which at this size blocks it (and every extension) for up to a second each time. Detect ports from terminal and debug output instead ` +
				`("remote.autoForwardPortsSource": "output")?`,
			USE_OUTPUT,
			DONT_ASK,
		);
		if (choice === USE_OUTPUT) await remote.update('autoForwardPortsSource', 'output', vscode.ConfigurationTarget.Global);
		else if (choice === DONT_ASK) await this.memento.update(DISMISSED, true);
		return choice;
	}

	dispose(): void {
		this.subscription.dispose();
	}
}
