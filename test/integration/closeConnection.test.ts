// Close Connection (src/collect/closeConnection.ts) against this machine's kernel: real loopback
// connections, IPv4, IPv6 and IPv4-mapped, one in a network namespace of its own, closed with the
// real `ss -K`; the test's own end of each sees the abort, and only the chosen connection goes.
// Refusals (a listener, TIME_WAIT, udp, a closed socket, an unprivileged caller) change nothing.
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { closeConnection } from '../../src/collect/closeConnection';
import { readProcTree } from '../../src/collect/procfsReader';
import { buildSnapshot } from '../../src/model/join';
import { isClosable } from '../../src/model/select';
import type { SocketInfo } from '../../src/model/snapshot';
import { outcome, REPO, runCli, startPython, type PyHelper } from './helpers';

const hasSs = spawnSync('ss', ['-V']).status === 0;
const sockets = (): SocketInfo[] => buildSnapshot(readProcTree({ root: '/proc' })).sockets;

function listen(host: string): Promise<net.Server> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, host, () => resolve(server));
	});
}

/** A client connection to `server` and the server's end of it. */
async function connect(server: net.Server, host: string): Promise<{ client: net.Socket; accepted: net.Socket }> {
	const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
	const client = net.connect((server.address() as net.AddressInfo).port, host);
	await new Promise<void>((r, j) => client.once('connect', r).once('error', j));
	return { client, accepted: await accepted };
}

const byTuple = (all: SocketInfo[], local: number, remote: number) => all.find((s) => s.kind === 'tcp' && s.localPort === local && s.remotePort === remote);

(hasSs ? describe : describe.skip)('Close Connection (ss -K on the real kernel)', function () {
	this.timeout(30000);
	const open: Array<net.Server | net.Socket> = [];
	after(() => {
		for (const x of open) if (x instanceof net.Server) x.close();
		else x.destroy();
	});

	for (const [name, listenOn, connectTo] of [
		['IPv4', '127.0.0.1', '127.0.0.1'],
		['IPv6', '::1', '::1'],
		['IPv4-mapped on a dual-stack listener', '::', '::ffff:127.0.0.1'],
	] as const) {
		it(`closes an ${name} connection, and only it; its owner sees ECONNABORTED and its peer a reset`, async () => {
			const server = await listen(listenOn);
			open.push(server);
			const a = await connect(server, connectTo);
			const b = await connect(server, connectTo);
			open.push(a.client, a.accepted, b.client, b.accepted);
			const before = sockets();
			const target = byTuple(before, a.client.localPort!, a.client.remotePort!)!;
			assert.ok(target, 'the client end is in the snapshot');
			assert.ok(isClosable(target), `closable: ${target.state}`);
			assert.deepStrictEqual(target.owners.map((o) => o.pid), [process.pid]);
			const seen = outcome(a.client);
			const peer = outcome(a.accepted);
			const r = await closeConnection(target);
			assert.deepStrictEqual(r, { ok: true });
			assert.strictEqual(await seen, 'ECONNABORTED');
			assert.strictEqual(await peer, 'ECONNRESET');
			const after = sockets();
			assert.strictEqual(after.find((s) => s.id === target.id), undefined, 'the closed socket is gone from the table');
			assert.ok(byTuple(after, b.client.localPort!, b.client.remotePort!), 'the other connection is untouched');
			assert.ok(after.some((s) => s.state === 'LISTEN' && s.localPort === (server.address() as net.AddressInfo).port), 'the listener is untouched');
			// Again: it is gone now, and nothing is run against a tuple that may be reused.
			const again = await closeConnection(target);
			assert.strictEqual(!again.ok && again.reason, 'gone');
		});
	}

	it('refuses what is not a held TCP connection: a listener, TIME_WAIT (no owner), udp', async () => {
		const server = await listen('127.0.0.1');
		open.push(server);
		const c = await connect(server, '127.0.0.1');
		const port = c.client.localPort!;
		// The client closes first, so its end goes to TIME_WAIT (inode 0).
		c.client.end();
		await new Promise((r) => c.accepted.once('end', r));
		c.accepted.end();
		await new Promise((r) => c.client.once('close', r));
		const all = sockets();
		const listener = all.find((s) => s.state === 'LISTEN' && s.localPort === (server.address() as net.AddressInfo).port)!;
		const timeWait = all.find((s) => s.kind === 'tcp' && s.localPort === port && s.state === 'TIME_WAIT');
		const udp = all.find((s) => s.kind === 'udp');
		for (const s of [listener, timeWait, udp].filter((x): x is SocketInfo => !!x)) {
			const r = await closeConnection(s);
			assert.strictEqual(!r.ok && r.reason, 'not-a-connection', `${s.kind} ${s.state}`);
		}
		assert.ok(timeWait, 'a TIME_WAIT socket to refuse');
		assert.ok(sockets().some((s) => s.id === listener.id), 'the listener is still there');
	});

	it('says what is missing when ss is not installed, and runs nothing else', async () => {
		const server = await listen('127.0.0.1');
		open.push(server);
		const c = await connect(server, '127.0.0.1');
		open.push(c.client, c.accepted);
		const target = byTuple(sockets(), c.client.localPort!, c.client.remotePort!)!;
		const r = await closeConnection(target, { ss: '/nonexistent/ss' });
		assert.strictEqual(!r.ok && r.reason, 'no-ss');
		assert.match(!r.ok ? r.message : '', /iproute2/);
		assert.ok(byTuple(sockets(), c.client.localPort!, c.client.remotePort!), 'still open');
	});

	it('closes a connection in another network namespace, from inside it (nsenter)', async function () {
		if (spawnSync('unshare', ['-n', 'true']).status !== 0) this.skip();
		const PY = `
import socket, json, sys
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept()
print(json.dumps({'client': c.getsockname()[1], 'server': s.getsockname()[1]}), flush=True)
try:
    c.recv(1); print('eof', flush=True)
except OSError as e:
    print(type(e).__name__, flush=True)
sys.stdin.read()
`;
		let py: PyHelper | undefined;
		try {
			py = await startPython(PY, ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
			const { client, server } = py.info as { client: number; server: number };
			const pid = py.child.pid!;
			const target = sockets().find((s) => s.kind === 'tcp' && s.localPort === client && s.remotePort === server && s.owners.some((o) => o.pid === pid))!;
			assert.ok(target, 'the namespaced connection is in the snapshot under the python helper');
			assert.notStrictEqual(target.netns, sockets().find((s) => s.owners.some((o) => o.pid === process.pid))?.netns, 'in a namespace of its own');
			const line = new Promise<string>((r) => {
				let buf = '';
				py!.child.stdout!.on('data', (d) => {
					buf += d;
					if (buf.includes('\n')) r(buf.trim());
				});
			});
			const r = await closeConnection(target);
			assert.deepStrictEqual(r, { ok: true });
			assert.strictEqual(await line, 'ConnectionAbortedError');
		} finally {
			py?.stop();
		}
	});

	it('says "not permitted" for a caller without CAP_NET_ADMIN, and the connection stays', async function () {
		if (spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status !== 0) this.skip();
		const server = await listen('127.0.0.1');
		open.push(server);
		const c = await connect(server, '127.0.0.1');
		open.push(c.client, c.accepted);
		const target = byTuple(sockets(), c.client.localPort!, c.client.remotePort!)!;
		// The same code, run by an unprivileged child (uid 65534) against this root-owned connection.
		const code = `const { closeConnection } = require(${JSON.stringify(path.join(REPO, 'out/src/collect/closeConnection.js'))}); closeConnection(${JSON.stringify(target)}).then((r) => console.log(JSON.stringify(r)));`;
		const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		await new Promise((r) => child.once('exit', r));
		const r = JSON.parse(out) as { ok: boolean; reason?: string; message?: string };
		assert.strictEqual(r.reason, 'not-permitted', out);
		assert.match(r.message!, /CAP_NET_ADMIN/);
		assert.ok(byTuple(sockets(), c.client.localPort!, c.client.remotePort!), 'still open');
		assert.ok(!c.client.destroyed);
	});

	describe('procnet close (the command line, dist/cli.js)', () => {
		for (const [name, listenOn, connectTo, asTyped] of [
			['IPv4', '127.0.0.1', '127.0.0.1', (a: string) => a],
			// The same address written another way than the kernel's table prints it.
			['IPv6, its address written long-hand', '::1', '::1', () => '[0:0:0:0:0:0:0:1]'],
			// A v4-mapped connection (a tcp6 row) named by its plain IPv4 address.
			['IPv4-mapped, named by its IPv4 address', '::', '::ffff:127.0.0.1', () => '127.0.0.1'],
		] as const) {
			it(`closes an ${name} connection named by its two ends; its owner sees ECONNABORTED; a second close finds nothing`, async () => {
				const server = await listen(listenOn);
				open.push(server);
				const a = await connect(server, connectTo);
				const b = await connect(server, connectTo);
				open.push(a.client, a.accepted, b.client, b.accepted);
				// Read before the close: a destroyed socket forgets its ports.
				const [lport, rport] = [a.client.localPort!, a.client.remotePort!];
				const seen = outcome(a.client);
				const peer = outcome(a.accepted);
				const local = `${asTyped(a.client.localAddress!)}:${lport}`;
				const remote = `${asTyped(a.client.remoteAddress!)}:${rport}`;
				const r = await runCli(['close', local, remote]);
				assert.strictEqual(r.code, 0, r.stderr);
				assert.match(r.stdout, new RegExp(`^closed tcp \\S+:${lport} -> \\S+:${rport} held by \\S+ \\(pid ${process.pid}, fd \\d+\\)\\n$`));
				assert.strictEqual(await seen, 'ECONNABORTED');
				assert.strictEqual(await peer, 'ECONNRESET');
				// Only that one: the other connection of the same two addresses is still there.
				assert.ok(byTuple(sockets(), b.client.localPort!, b.client.remotePort!), 'the other connection stays');
				assert.ok(!b.client.destroyed);
				const again = await runCli(['close', local, remote]);
				assert.strictEqual(again.code, 1);
				assert.match(again.stderr, /^procnet: no TCP connection .* on /);
			});
		}

		it('closes by --id, refuses a listener (exit 1, it stays), and takes no name, no bad port and nothing for a shell', async () => {
			const server = await listen('127.0.0.1');
			open.push(server);
			const port = (server.address() as net.AddressInfo).port;
			const c = await connect(server, '127.0.0.1');
			open.push(c.client, c.accepted);
			const seen = outcome(c.client);
			const peer = outcome(c.accepted);
			const target = byTuple(sockets(), c.client.localPort!, c.client.remotePort!)!;
			const r = await runCli(['close', '--id', target.id]);
			assert.strictEqual(r.code, 0, r.stderr);
			assert.strictEqual(await seen, 'ECONNABORTED');
			assert.strictEqual(await peer, 'ECONNRESET');

			const listener = await runCli(['close', `127.0.0.1:${port}`, '0.0.0.0:0']);
			assert.strictEqual(listener.code, 1);
			assert.match(listener.stderr, /is not a TCP connection held by a process/);
			assert.ok(sockets().some((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === port), 'the listener stays');

			for (const bad of [['localhost:80', '127.0.0.1:1'], ['127.0.0.1:70000', '127.0.0.1:1'], ['::1:80', '127.0.0.1:1'], ['127.0.0.1:1;touch /tmp/procnet-pwned', '127.0.0.1:2'], ['127.0.0.1:1'], ['--id']]) {
				const u = await runCli(['close', ...bad]);
				assert.strictEqual(u.code, 2, `${bad.join(' ')}: ${u.stderr}`);
				assert.match(u.stderr, /^procnet: /);
			}
			assert.ok(!fs.existsSync('/tmp/procnet-pwned'));
		});
	});
});
