// The systemd unit and container of a socket's owner, from /proc/PID/cgroup, for processes this
// test places in cgroups it makes: named as systemd names a service and as docker's systemd driver
// names a container's scope. Local reads and the shell protocol (what ssh hosts use) alike.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { commandSource } from '../../src/collect/shellSource';
import type { Snapshot } from '../../src/model/snapshot';
import { writableHierarchy } from './cgroups';
import { runCli, snapshotJson, startPython, type PyHelper } from './helpers';

const LISTENER = `
import json, os, socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(json.dumps({"pid": os.getpid(), "port": s.getsockname()[1]}))
time.sleep(120)
`;

describe('systemd unit and container of a socket\'s owner (real cgroups)', function () {
	this.timeout(60_000);
	const id = crypto.randomBytes(32).toString('hex');
	const top = `procnet-it-${process.pid}`;
	const unitName = 'web-api.service';
	const scope = `docker-${id}.scope`;
	let root: string | undefined;
	let service: PyHelper | undefined;
	let container: PyHelper | undefined;

	before(async function () {
		root = writableHierarchy();
		if (!root) {
			console.log('      (no cgroup hierarchy this user may write: skipped)');
			this.skip();
		}
		fs.mkdirSync(path.join(root, top, unitName), { recursive: true });
		fs.mkdirSync(path.join(root, top, scope));
		service = await startPython(LISTENER);
		container = await startPython(LISTENER);
		fs.writeFileSync(path.join(root, top, unitName, 'cgroup.procs'), String(service.info.pid));
		fs.writeFileSync(path.join(root, top, scope, 'cgroup.procs'), String(container.info.pid));
	});

	after(async () => {
		for (const h of [service, container]) {
			if (!h) continue;
			const gone = new Promise((r) => h.child.once('exit', r));
			h.stop();
			await gone;
		}
		// A cgroup can go once it has no process in it.
		if (root) for (const d of [path.join(root, top, unitName), path.join(root, top, scope), path.join(root, top)]) if (fs.existsSync(d)) fs.rmdirSync(d);
	});

	function check(snap: Snapshot): void {
		const s = snap.processes.find((p) => p.pid === service!.info.pid)!;
		const c = snap.processes.find((p) => p.pid === container!.info.pid)!;
		assert.ok(s && c, 'both processes are listed');
		assert.deepStrictEqual([s.cgroup, s.unit, s.container], [`/${top}/${unitName}`, unitName, null]);
		assert.deepStrictEqual([c.cgroup, c.unit, c.container], [`/${top}/${scope}`, null, { runtime: 'docker', id }]);
		// This test's own process is in neither.
		const me = snap.processes.find((p) => p.pid === process.pid)!;
		assert.ok(me.container === null && me.unit !== unitName, JSON.stringify([me.cgroup, me.unit]));
	}

	it('a local snapshot gives each its unit or container', async () => {
		check(await snapshotJson());
	});

	it('the shell protocol (ssh and command hosts) reads the same cgroups', async () => {
		const src = commandSource(['sh'], 'sh');
		try {
			check(await src.snapshot());
		} finally {
			await src.disposeAndWait();
		}
	});

	it('a hostile unit name (escape sequence, markup) is shown as text, its control characters escaped', async () => {
		// Any user with a delegated subtree (user@UID.service) may name cgroups so.
		const evil = 'x\x1b[31m<img src=y onerror=alert(1)>.service';
		const dir = path.join(root!, top, evil);
		fs.mkdirSync(dir);
		const h = await startPython(LISTENER);
		try {
			fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(h.info.pid));
			const snap = await snapshotJson(['--pid', String(h.info.pid)]);
			assert.strictEqual(snap.processes[0].unit, evil, 'exact in JSON');
			const r = await runCli(['snapshot', '--pid', String(h.info.pid)]);
			assert.ok(!r.stdout.includes('\x1b'), 'no raw ESC reaches the terminal');
			assert.ok(r.stdout.includes(`, x\\x1b[31m<img src=y onerror=alert(1)>.service)`), r.stdout);
		} finally {
			const gone = new Promise((r) => h.child.once('exit', r));
			h.stop();
			await gone;
			fs.rmdirSync(dir);
		}
	});

	it('the command line shows the container and unit beside the user', async () => {
		const port = (h: PyHelper) => h.info.port as number;
		const r = await runCli(['snapshot', '--pid', `${service!.info.pid},${container!.info.pid}`]);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stdout, new RegExp(`\\(pid ${service!.info.pid}, [^,)]+, ${unitName.replace('.', '\\.')}\\)`));
		assert.match(r.stdout, new RegExp(`\\(pid ${container!.info.pid}, [^,)]+, docker ${id.slice(0, 12)}\\)`));
		assert.ok(r.stdout.includes(`127.0.0.1:${port(service!)}`) && r.stdout.includes(`127.0.0.1:${port(container!)}`), r.stdout);
	});
});
