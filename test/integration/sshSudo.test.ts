// An ssh host read as root through `sudo -n` ("sudo": true in procnet.sshHosts, --sudo on the
// command line), for real: the test's sshd on 127.0.0.1, an account of this machine made for the
// test (no rights of its own), and the system's sudo with a sudoers entry the test writes and
// removes. The owner of sshd's own listener (a root process) is what the user cannot see alone.
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { RemoteSourceError, sshSource, type ShellSource } from '../../src/collect/shellSource';
import type { Snapshot } from '../../src/model/snapshot';
import { runCli } from './helpers';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

const USER = 'procnet-sudo-t';
const SUDOERS = `/etc/sudoers.d/${USER}`;

(sshdAvailable() ? describe : describe.skip)('an ssh host read as root through sudo -n', function () {
	this.timeout(120_000);
	let sshd: TestSshd;
	let made = false;
	const sources: ShellSource[] = [];
	const source = (sudo: boolean): ShellSource => {
		const s = sshSource(`${USER}@procnet-test`, { configFile: sshd.configFile, sudo, timeoutMs: 20_000 });
		sources.push(s);
		return s;
	};
	/** sshd's listener on the test port, as a snapshot read through the session sees it. */
	const sshdListener = (snap: Snapshot) => snap.sockets.find((x) => x.kind === 'tcp' && x.state === 'LISTEN' && x.localPort === sshd.port && x.localAddress === '127.0.0.1');

	before(async () => {
		assert.ok(fs.existsSync('/usr/bin/sudo'), 'sudo is not installed (apt-get install sudo; .ci/run does)');
		sshd = await startSshd();
		// An account with no rights: a shell, no password (a "*" is not a locked one, which sshd would refuse without PAM).
		if (spawnSync('id', ['-u', USER]).status !== 0) {
			execFileSync('useradd', ['-M', '-d', '/tmp', '-s', '/bin/sh', USER]);
			made = true;
		}
		execFileSync('usermod', ['-p', '*', USER]);
		sshd.authorize(USER);
		fs.rmSync(SUDOERS, { force: true });
	});

	after(async () => {
		for (const s of sources) await s.disposeAndWait();
		fs.rmSync(SUDOERS, { force: true });
		await sshd?.stop();
		if (made) spawnSync('userdel', [USER]);
	});

	it('without sudo, the user reads the sockets but not the owner of a root process\'s listener', async () => {
		const snap = await source(false).snapshot();
		const l = sshdListener(snap);
		assert.ok(l, 'sshd\'s listener is in the tables the user reads');
		assert.deepStrictEqual(l.owners, []);
		assert.strictEqual(l.ownerUnknown, 'permission-denied');
	});

	it('with sudo and no sudoers entry for the user, fails at once with why (sudo -n never prompts), and never hangs', async () => {
		const t0 = Date.now();
		const err = await source(true).snapshot().then(() => undefined, (e: unknown) => e);
		assert.ok(err instanceof RemoteSourceError, `expected a RemoteSourceError, got ${String(err)}`);
		assert.strictEqual(err.reason, 'sudo-refused');
		assert.match(err.message, /without a password.*NOPASSWD/);
		assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
	});

	it('with sudo allowed without a password, the session runs as root: the listener\'s owner is sshd, and the CLI\'s --sudo agrees', async () => {
		fs.writeFileSync(SUDOERS, `${USER} ALL=(root) NOPASSWD: ALL\n`, { mode: 0o440 });
		const snap = await source(true).snapshot();
		const l = sshdListener(snap);
		assert.ok(l);
		assert.deepStrictEqual(l.owners.map((o) => o.pid), [sshd.pid], 'the test sshd owns its listener');
		assert.strictEqual(snap.processes.find((p) => p.pid === sshd.pid)?.uid, 0);

		const cli = await runCli(['snapshot', '--ssh', `${USER}@procnet-test`, '--ssh-config', sshd.configFile, '--sudo', '--json', '--pid', String(sshd.pid)]);
		assert.strictEqual(cli.code, 0, cli.stderr);
		const fromCli = JSON.parse(cli.stdout) as Snapshot;
		assert.ok(fromCli.sockets.some((s) => s.state === 'LISTEN' && s.localPort === sshd.port && s.owners.some((o) => o.pid === sshd.pid)), 'the CLI read the listener with its owner');
		// Without --sudo, the same command sees no such owner; --sudo is refused without --ssh.
		const plain = await runCli(['snapshot', '--ssh', `${USER}@procnet-test`, '--ssh-config', sshd.configFile, '--json']);
		assert.strictEqual(plain.code, 0, plain.stderr);
		assert.ok(!(JSON.parse(plain.stdout) as Snapshot).sockets.some((s) => s.localPort === sshd.port && s.owners.length > 0));
		const alone = await runCli(['snapshot', '--sudo']);
		assert.strictEqual(alone.code, 2);
		assert.match(alone.stderr, /--sudo goes with --ssh/);
	});
});
