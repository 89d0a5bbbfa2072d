// `procnet kill-port` for real: the built CLI against processes this test starts, each holding a
// listener: one that ends on SIGTERM, one that ignores it (SIGKILL after the grace period), a UDP
// one; a port nothing listens on; and arguments that are not ports.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import { runCli } from './helpers';

/** A node process listening on 127.0.0.1 (TCP, or UDP), optionally deaf to SIGTERM; resolves with it and its port. */
function holder(kind: 'tcp' | 'udp', ignoreTerm = false): Promise<{ child: ChildProcess; port: number; exited: Promise<NodeJS.Signals | null> }> {
	const code = `${ignoreTerm ? "process.on('SIGTERM',()=>{});" : ''}${
		kind === 'tcp'
			? "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));"
			: "const s=require('dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>console.log(s.address().port));"
	}setInterval(()=>{},1e6);`;
	const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
	const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.stdout!.once('data', (d) => resolve({ child, port: Number(String(d).trim()), exited }));
	});
}

describe('procnet kill-port (the command line, dist/cli.js)', function () {
	this.timeout(60000);
	const started: ChildProcess[] = [];
	afterEach(() => {
		for (const c of started.splice(0)) c.kill('SIGKILL');
	});
	const start = async (kind: 'tcp' | 'udp', ignoreTerm = false) => {
		const h = await holder(kind, ignoreTerm);
		started.push(h.child);
		return h;
	};

	it('terminates each port\'s listener: SIGTERM, and SIGKILL for one still running after --grace', async () => {
		const polite = await start('tcp');
		const deaf = await start('tcp', true);
		const t0 = Date.now();
		const r = await runCli(['kill-port', `${polite.port},${deaf.port}`, '--grace', '0.5']);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.strictEqual(await polite.exited, 'SIGTERM');
		assert.strictEqual(await deaf.exited, 'SIGKILL');
		assert.ok(Date.now() - t0 >= 500, 'SIGKILL only after the grace period');
		assert.match(r.stdout, new RegExp(`^terminated node \\(pid ${polite.child.pid}\\) on ${polite.port}/tcp$`, 'm'));
		assert.match(r.stdout, new RegExp(`^killed node \\(pid ${deaf.child.pid}\\) on ${deaf.port}/tcp \\(SIGKILL: still running 0\\.5 s after SIGTERM\\)$`, 'm'));
	});

	it('--udp: a UDP socket\'s owner; without it, the same port is not a TCP listener (exit 1, nothing signalled)', async () => {
		const u = await start('udp');
		const tcp = await runCli(['kill-port', String(u.port)]);
		assert.strictEqual(tcp.code, 1);
		assert.match(tcp.stderr, new RegExp(`nothing listens on ${u.port}/tcp`));
		assert.strictEqual(u.child.exitCode, null);
		assert.strictEqual(u.child.signalCode, null, 'still running');
		const udp = await runCli(['kill-port', String(u.port), '--udp']);
		assert.strictEqual(udp.code, 0, udp.stderr);
		assert.strictEqual(await u.exited, 'SIGTERM');
		assert.match(udp.stdout, new RegExp(`^terminated node \\(pid ${u.child.pid}\\) on ${u.port}/udp$`, 'm'));
	});

	it('refuses what is not a port (2) and says when nothing listens (1)', async () => {
		for (const bad of [[], ['0'], ['70000'], ['3000,x'], ['http'], ['3000', '--grace', '99'], ['3000', '--json']]) {
			const r = await runCli(['kill-port', ...bad]);
			assert.strictEqual(r.code, 2, bad.join(' '));
		}
		assert.strictEqual((await runCli(['snapshot', '--grace', '1'])).code, 2);
		// A port just let go of: nothing listens there.
		const gone = await start('tcp');
		gone.child.kill('SIGKILL');
		await gone.exited;
		const r = await runCli(['kill-port', String(gone.port)]);
		assert.strictEqual(r.code, 1);
		assert.match(r.stderr, /nothing listens on \d+\/tcp on /);
	});
});
