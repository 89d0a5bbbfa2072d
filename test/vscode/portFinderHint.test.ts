// The hint about VS Code's own port finder (src/views/portFinderHint.ts), in the real extension
// host over this machine's real /proc: asked once when the host has at least its threshold of
// sockets (lowered here: this machine has hundreds, the real one is 20k), and its answer changes
// the real setting or is remembered. The message itself is VS Code's notification; the test
// answers in the user's place.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';
import { DONT_ASK, PortFinderHint, USE_OUTPUT } from '../../src/views/portFinderHint';

class MemoryMemento implements vscode.Memento {
	private readonly data = new Map<string, unknown>();
	keys(): readonly string[] {
		return [...this.data.keys()];
	}
	get<T>(key: string, dflt?: T): T | undefined {
		return this.data.has(key) ? (this.data.get(key) as T) : dflt;
	}
	async update(key: string, value: unknown): Promise<void> {
		this.data.set(key, value);
	}
}

describe('the hint about VS Code\'s own port finder', function () {
	this.timeout(30000);
	let api: ProcnetApi;
	const remote = () => vscode.workspace.getConfiguration('remote');
	before(async () => {
		api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
	});
	afterEach(() => remote().update('autoForwardPortsSource', undefined, vscode.ConfigurationTarget.Global));

	it('runs where the port finder does: code-server\'s extension host is a remote one', () => {
		assert.ok(vscode.env.remoteName, `remoteName is ${vscode.env.remoteName}`);
	});

	it('asks once on a host with enough sockets, and "Detect Ports from Output" sets remote.autoForwardPortsSource', async () => {
		await remote().update('autoForwardPortsSource', 'process', vscode.ConfigurationTarget.Global);
		const asked: string[] = [];
		const hint = new PortFinderHint(api.store, new MemoryMemento(), async (m, ...actions) => {
			asked.push(m);
			assert.deepStrictEqual(actions, [USE_OUTPUT, DONT_ASK]);
			return USE_OUTPUT;
		}, true, 1);
		try {
			await api.store.refresh(); // the store's change asks
			// The answer and the setting's write, awaited: a fixed 500 ms was too short on a busy CI machine.
			await hint.settled();
			const n = api.store.snapshot!.sockets.length;
			assert.strictEqual(asked.length, 1);
			assert.match(asked[0], new RegExp(`^This host has ${Math.round(n / 1000)}k sockets\\.`));
			assert.strictEqual(remote().get('autoForwardPortsSource'), 'output');
			// Once per window, even if the setting is put back.
			await remote().update('autoForwardPortsSource', 'process', vscode.ConfigurationTarget.Global);
			await api.store.refresh();
			assert.strictEqual(await hint.check(api.store.snapshot), undefined);
			assert.strictEqual(asked.length, 1);
		} finally {
			hint.dispose();
		}
	});

	it('does not ask below its threshold, in a local extension host, when ports come from output already, or after "Don\'t Ask Again"', async () => {
		await remote().update('autoForwardPortsSource', 'process', vscode.ConfigurationTarget.Global);
		await api.store.refresh();
		const snap = api.store.snapshot!;
		const asked: string[] = [];
		const ask = (answer: string) => async (m: string) => (asked.push(m), answer);
		const memento = new MemoryMemento();
		const make = (remoteHost: boolean, threshold: number, answer = DONT_ASK) => new PortFinderHint(api.store, memento, ask(answer), remoteHost, threshold);
		const hints = [make(true, snap.sockets.length + 1), make(false, 1)];
		try {
			for (const h of hints) assert.strictEqual(await h.check(snap), undefined);
			assert.deepStrictEqual(asked, [], 'below the threshold, or local: not asked');

			await remote().update('autoForwardPortsSource', 'output', vscode.ConfigurationTarget.Global);
			hints.push(make(true, 1));
			assert.strictEqual(await hints[2].check(snap), undefined);
			assert.deepStrictEqual(asked, [], 'ports from output already: not asked');

			await remote().update('autoForwardPortsSource', 'hybrid', vscode.ConfigurationTarget.Global);
			hints.push(make(true, 1));
			assert.strictEqual(await hints[3].check(snap), DONT_ASK, '"hybrid" reads /proc too: asked');
			assert.strictEqual(remote().get('autoForwardPortsSource'), 'hybrid', '"Don\'t Ask Again" leaves the setting alone');
			hints.push(make(true, 1, USE_OUTPUT));
			assert.strictEqual(await hints[4].check(snap), undefined, 'a new window with the same global state does not ask again');
			assert.strictEqual(asked.length, 1);
		} finally {
			for (const h of hints) h.dispose();
		}
	});
});
