// A port of an ssh host forwarded to this machine (sshForward.ts), for real: the test's sshd on
// 127.0.0.1 (forwarding allowed, and a second one that refuses it), the system's ssh client,
// and HTTP servers the test opens. The "remote" host is this machine, so the request that comes
// out of the tunnel is checked to come from the sshd side, not from the test.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { RemoteSourceError } from '../../src/collect/shellSource';
import { forwardDestination, listensOn, sshForwardArgv, startSshForward, type SshForward } from '../../src/collect/sshForward';
import { readProcTree } from '../../src/collect/procfsReader';
import { buildSnapshot } from '../../src/model/join';
import { childrenNamed } from './helpers';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

interface Served {
	server: http.Server;
	port: number;
	token: string;
	/** With `hold`: each request's port it came from, its answer held until `release()`. */
	requests: Array<{ from: number; release: () => void }>;
	requested: Promise<void>;
}

/** An HTTP server answering with a token and the port the request came from (held until released, with `hold`). */
async function serve(host: string, hold = false): Promise<Served> {
	const token = `procnet-fwd-${process.pid}-${Math.random().toString(36).slice(2)}`;
	const requests: Served['requests'] = [];
	let told!: () => void;
	const requested = new Promise<void>((r) => (told = r));
	const server = http.createServer((req, res) => {
		const answer = () => res.end(JSON.stringify({ token, from: req.socket.remotePort }));
		requests.push({ from: req.socket.remotePort!, release: answer });
		told();
		if (!hold) answer();
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, host, () => resolve());
	});
	return { server, port: (server.address() as net.AddressInfo).port, token, requests, requested };
}

function get(port: number): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 10_000 }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d: string) => (body += d));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.once('timeout', () => req.destroy(new Error('timed out')));
		req.once('error', reject);
	});
}

(sshdAvailable() ? describe : describe.skip)('a port of an ssh host forwarded to this machine (ssh -N -L)', function () {
	this.timeout(120_000);
	let sshd: TestSshd;
	let refusing: TestSshd;
	const forwards: SshForward[] = [];
	const servers: http.Server[] = [];
	const track = (f: SshForward) => (forwards.push(f), f);

	before(async () => {
		sshd = await startSshd({ allowTcpForwarding: true });
		refusing = await startSshd();
	});

	after(async () => {
		for (const f of forwards) await f.stop();
		for (const s of servers) s.close();
		await sshd?.stop();
		await refusing?.stop();
	});

	it('builds one argv entry per value, the local end on 127.0.0.1 only, an IPv6 destination in brackets', () => {
		const argv = sshForwardArgv('deploy@web-1:2222', { configFile: '/x/cfg' }, 8080, { destHost: '::1', destPort: 80 });
		assert.deepStrictEqual(argv.slice(-5), ['-N', '-L', '127.0.0.1:8080:[::1]:80', '--', 'web-1']);
		assert.ok(argv.includes('BatchMode=yes') && argv.includes('ControlPath=none') && !argv.includes('ClearAllForwardings=yes'), argv.join(' '));
		assert.deepStrictEqual(argv.slice(argv.indexOf('-l'), argv.indexOf('-l') + 4), ['-l', 'deploy', '-p', '2222']);
		assert.throws(() => sshForwardArgv('web-1', {}, 8080, { destHost: 'x;rm', destPort: 80 }), RemoteSourceError);
		assert.throws(() => sshForwardArgv('-oProxyCommand=x', {}, 8080, { destHost: '127.0.0.1', destPort: 80 }), RemoteSourceError);
		assert.throws(() => sshForwardArgv('web-1', {}, 8080, { destHost: '127.0.0.1', destPort: 70000 }), RemoteSourceError);
		assert.strictEqual(forwardDestination('0.0.0.0'), '127.0.0.1');
		assert.strictEqual(forwardDestination('::'), '::1');
		assert.strictEqual(forwardDestination('::ffff:10.0.0.5'), '10.0.0.5');
		assert.strictEqual(forwardDestination('10.0.0.5'), '10.0.0.5');
	});

	it('forwards a listener of the host: the page comes through the tunnel, the ssh child holds the local port, and stop() ends both', async () => {
		const { server, port, token, requests, requested } = await serve('127.0.0.1', true);
		servers.push(server);
		const t0 = Date.now();
		const f = track(await startSshForward('procnet-test', { destHost: '127.0.0.1', destPort: port }, { configFile: sshd.configFile }));
		const ms = Date.now() - t0;
		// The remote port is this machine's too (the server holds it here), so another local port was taken.
		assert.notStrictEqual(f.localPort, port);
		assert.ok(await listensOn(f.pid, f.localPort), 'the ssh child listens on the local port');
		const got = get(f.localPort);
		await requested;
		// While the request is open: the server's peer is a connection of the sshd's (the tunnel's far end), not of the ssh child or the test.
		const snap = buildSnapshot(readProcTree());
		const peer = snap.sockets.find((s) => s.kind === 'tcp' && s.localPort === requests[0].from && s.remotePort === port);
		assert.ok(peer, `the connection from :${requests[0].from} to the server`);
		const owners = peer.owners.map((o) => snap.processes.find((p) => p.pid === o.pid));
		assert.ok(owners.length > 0 && owners.every((p) => p?.name === 'sshd' && p.pid !== f.pid && p.pid !== process.pid), `the tunnel's end is sshd's, got ${owners.map((p) => `${p?.name} (${p?.pid})`).join(', ')}`);
		requests[0].release();
		const r = await got;
		assert.strictEqual(r.status, 200);
		assert.strictEqual((JSON.parse(r.body) as { token: string }).token, token);
		// The ssh child's listener as the engine reads it: on 127.0.0.1 only, owned by that pid.
		const l = buildSnapshot(readProcTree()).sockets.find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === f.localPort);
		assert.ok(l, `a listener on ${f.localAddress}`);
		assert.strictEqual(l.localAddress, '127.0.0.1');
		assert.deepStrictEqual(l.owners.map((o) => o.pid), [f.pid]);
		const end = await f.stop();
		assert.deepStrictEqual(end, { stopped: true, error: undefined });
		assert.ok(!fs.existsSync(`/proc/${f.pid}`), 'the ssh child is gone');
		await assert.rejects(get(f.localPort), /ECONNREFUSED/);
		console.log(`      forward ready in ${ms} ms`);
	});

	it('takes the remote port number locally when it is free here (a listener on ::1 only), and forwards to [::1]', async () => {
		const { server, port, token } = await serve('::1');
		servers.push(server);
		const f = track(await startSshForward('procnet-test', { destHost: forwardDestination('::'), destPort: port }, { configFile: sshd.configFile }));
		assert.strictEqual(f.localPort, port, '127.0.0.1 has the port free, so it is the same number');
		assert.strictEqual(JSON.parse((await get(f.localPort)).body).token, token);
		await f.stop();
	});

	it('a connection the far end cannot make is told, with why: nothing listens there, or the host\'s sshd refuses forwarding', async () => {
		const gone = await serve('127.0.0.1');
		const port = gone.port;
		await new Promise<void>((r) => gone.server.close(() => r()));
		// Not the same port number here: the "remote" is this machine, and that would forward to the forward itself.
		const f = track(await startSshForward('procnet-test', { destHost: '127.0.0.1', destPort: port }, { configFile: sshd.configFile, preferLocalPort: 0 }));
		assert.notStrictEqual(f.localPort, port);
		const told = new Promise<string>((r) => f.onConnectionFailed(r));
		await assert.rejects(get(f.localPort));
		assert.match(await told, /nothing listens there/);
		await f.stop();

		const { server, port: p2 } = await serve('127.0.0.1');
		servers.push(server);
		const g = track(await startSshForward('procnet-test', { destHost: '127.0.0.1', destPort: p2 }, { configFile: refusing.configFile }));
		const refused = new Promise<string>((r) => g.onConnectionFailed(r));
		await assert.rejects(get(g.localPort));
		assert.match(await refused, /does not allow forwarding \(AllowTcpForwarding/);
		await g.stop();
	});

	it('an unreachable host, a refused key or a changed host key fails within seconds with ssh\'s reason, and leaves no process', async () => {
		const closed = await serve('127.0.0.1');
		const dead = closed.port;
		await new Promise<void>((r) => closed.server.close(() => r()));
		for (const [spec, reason] of [
			[`127.0.0.1:${dead}`, 'connection-refused'],
			['procnet-badkey', 'auth-failed'],
			['procnet-badhostkey', 'host-key-changed'],
		] as const) {
			const t0 = Date.now();
			const err = await startSshForward(spec, { destHost: '127.0.0.1', destPort: 80 }, { configFile: sshd.configFile }).then(
				(f) => (track(f), undefined),
				(e: unknown) => e,
			);
			assert.ok(err instanceof RemoteSourceError, `${spec}: expected a RemoteSourceError, got ${String(err)}`);
			assert.strictEqual(err.reason, reason, err.message);
			assert.ok(Date.now() - t0 < 10_000, `${spec}: took ${Date.now() - t0} ms`);
			assert.deepStrictEqual(childrenNamed(process.pid, 'ssh'), [], `${spec}: no ssh child is left`);
		}
	});

	it('an ssh that dies on its own ends the forward with why', async () => {
		const { server, port } = await serve('127.0.0.1');
		servers.push(server);
		const f = track(await startSshForward('procnet-test', { destHost: '127.0.0.1', destPort: port }, { configFile: sshd.configFile }));
		process.kill(f.pid, 'SIGKILL');
		const end = await f.ended;
		assert.strictEqual(end.stopped, false);
		assert.ok(end.error instanceof RemoteSourceError);
		assert.match(end.error.message, /SIGKILL|ended|signal/i);
	});
});
