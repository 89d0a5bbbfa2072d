// Restricted proc mounts, each in a private mount namespace made by the test: hidepid=2 (other
// users' processes invisible) read as an unprivileged user, and subset=pid (no /proc/net).
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import type { Snapshot } from '../../src/model/snapshot';
import { CLI, findInet, ownerPids, runCli, tempDir } from './helpers';

describe('restricted proc mounts (private mount namespaces)', function () {
	this.timeout(30_000);
	let server: net.Server;
	let port: number;
	let dir: string;
	before(async function () {
		if (process.getuid!() !== 0) this.skip(); // mounting proc needs root; CI runs as root
		server = net.createServer(() => undefined);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		port = (server.address() as net.AddressInfo).port;
		dir = tempDir('procnet-mnt-');
		fs.chmodSync(dir, 0o755);
	});
	after(() => {
		server?.close();
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	/** Runs the CLI on a fresh proc mount with `options`, optionally as uid 65534. */
	const run = async (options: string, asNobody: boolean): Promise<Snapshot> => {
		const user = asNobody ? 'setpriv --reuid=65534 --regid=65534 --clear-groups ' : '';
		const script = `mount -t proc -o ${options} proc "$1" && exec ${user}"$2" "$3" snapshot --json --proc-root "$1"`;
		const r = await runCli([], { wrap: ['unshare', '-m', '--propagation', 'private', 'sh', '-c', script, 'sh', `${dir}`], rawArgv: [process.execPath, CLI] });
		assert.strictEqual(r.code, 0, r.stderr);
		return JSON.parse(r.stdout) as Snapshot;
	};

	it('hidepid=2, as nobody: only its own processes are visible, root\'s listener is still listed, as permission-denied, with a warning', async () => {
		const snap = await run('hidepid=2', true);
		assert.ok(snap.processes.length > 0 && snap.processes.every((p) => p.uid === 65534), `visible: ${snap.processes.map((p) => `${p.pid}/${p.uid}`).join(' ')}`);
		const l = findInet(snap, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN');
		assert.strictEqual(l.length, 1, 'the tables are still read through our own pid');
		assert.deepStrictEqual([l[0].owners.length, l[0].ownerUnknown], [0, 'permission-denied']);
		assert.ok(snap.warnings.some((w) => /hidepid=invisible|hidepid=2/.test(w.message)), JSON.stringify(snap.warnings));
	});

	it('subset=pid (no net/ at the top): tables are read per pid, owners found', async () => {
		const snap = await run('subset=pid', false);
		const l = findInet(snap, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN');
		assert.strictEqual(l.length, 1);
		assert.deepStrictEqual(ownerPids(l[0]), [process.pid]);
	});
});
