// The kernel's tcp_info of a socket, asked of ss by readTcpInfo, for sockets this test opens and
// drives: bytes each way, a listener's backlog and accept queue, a socket in another network
// namespace (asked from inside it), and a socket that is gone.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as net from 'net';
import { readTcpInfo, readTcpInfoMany } from '../../src/collect/tcpInfo';
import { parseSsTcpInfo, ssInfoArgv } from '../../src/model/ssTcpInfo';
import { processTraffic, trafficSockets } from '../../src/model/traffic';
import { readProcTree } from '../../src/collect/procfsReader';
import { buildSnapshot } from '../../src/model/join';
import type { SocketInfo } from '../../src/model/snapshot';
import { startPython, type PyHelper } from './helpers';

const sockets = (): SocketInfo[] => buildSnapshot(readProcTree()).sockets;
const byPorts = (local: number, remote: number) => sockets().find((s) => s.kind === 'tcp' && s.localPort === local && s.remotePort === remote);
const haveSs = spawnSync('ss', ['-V']).status === 0;

describe('TCP info by ss (readTcpInfo) on real sockets', function () {
	this.timeout(30_000);
	const open: Array<{ close?: () => void; destroy?: () => void }> = [];
	before(function () {
		if (!haveSs) this.skip();
	});
	after(() => {
		for (const o of open) (o.destroy ?? o.close)?.call(o);
	});

	it('a connection: the bytes each end sent, received and had acknowledged', async () => {
		const server = net.createServer();
		open.push(server);
		const got = new Promise<number>((resolve) => {
			let n = 0;
			server.once('connection', (c) => {
				open.push(c);
				c.on('data', (d) => (n += d.length) === 100_000 && resolve(n));
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		const client = net.connect(port, '127.0.0.1');
		open.push(client);
		await new Promise((r) => client.once('connect', r));
		client.write(Buffer.alloc(100_000, 7));
		assert.strictEqual(await got, 100_000);
		await new Promise((r) => setTimeout(r, 200)); // the last ack

		const mine = byPorts(client.localPort!, port)!;
		const theirs = byPorts(port, client.localPort!)!;
		const c = await readTcpInfo(mine);
		const a = await readTcpInfo(theirs);
		assert.ok(c.ok && a.ok, JSON.stringify([c, a]));
		assert.deepStrictEqual([c.info.inode, a.info.inode], [mine.inode, theirs.inode], 'each its own socket, though both are on the same two ports');
		assert.strictEqual(c.info.state, 'ESTAB');
		// bytes_sent counts retransmitted bytes again (bytes_retrans, printed once there were any): a
		// loaded CI machine retransmitted 34518 of them on loopback once.
		assert.strictEqual(Number(c.info.fields.bytes_sent) - Number(c.info.fields.bytes_retrans ?? 0), 100_000, JSON.stringify(c.info.fields));
		assert.strictEqual(c.info.fields.bytes_acked, '100001', 'all acknowledged (the SYN counts one)');
		assert.strictEqual(a.info.fields.bytes_received, '100000');
		assert.strictEqual(a.info.fields.bytes_sent, undefined, 'the server sent nothing');
	});

	it('many connections of one process in one ss run (readTcpInfoMany): each connection\'s bytes, and the rate between two answers', async () => {
		// This process: three clients of one server (each end ours), one of them sending 64 KiB every 50 ms.
		const server = net.createServer((c) => {
			open.push(c);
			c.resume();
		});
		open.push(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		const clients: net.Socket[] = [];
		for (let i = 0; i < 3; i++) {
			const c = net.connect(port, '127.0.0.1');
			open.push(c);
			await new Promise((r) => c.once('connect', r));
			clients.push(c);
		}
		const pump = setInterval(() => clients[1].write(Buffer.alloc(65536, 1)), 50);
		try {
			const mine = () => trafficSockets(sockets().filter((s) => s.owners.some((o) => o.pid === process.pid) && (s.localPort === port || s.remotePort === port)));
			const first = mine();
			assert.strictEqual(first.length, 6, 'three connections, both ends');
			const r1 = await readTcpInfoMany(first);
			assert.ok(r1.ok, JSON.stringify(r1));
			const a = processTraffic(first, r1.infos, undefined, Date.now());
			assert.strictEqual(a.traffic.answered, 6, 'ss answered for every end, matched by inode');
			await new Promise((r) => setTimeout(r, 1000));
			const second = mine();
			const r2 = await readTcpInfoMany(second);
			assert.ok(r2.ok);
			const b = processTraffic(second, r2.infos, a.samples, Date.now()).traffic;
			// The two busiest: the pumping client and its accepted end (which moved as much, so either may be first).
			const pumpEnd = `127.0.0.1:${clients[1].localPort}`;
			const busy = b.top.slice(0, 2).find((r) => r.local === pumpEnd);
			const accepted = b.top.slice(0, 2).find((r) => r.remote === pumpEnd);
			assert.ok(busy && accepted, `the pumping connection's two ends are the busiest: ${JSON.stringify(b.top)}`);
			assert.strictEqual(busy.remote, `127.0.0.1:${port}`);
			// ~1.3 MB/s written; allow a loaded machine its slack.
			assert.ok(busy.sentRate! > 300_000 && busy.sentRate! < 3_000_000, `sent ${busy.sentRate} B/s`);
			assert.ok(accepted.receivedRate! > 300_000, 'the accepted end received as much');
			assert.ok(b.top.slice(2).every((r) => r.sentRate === 0 && r.receivedRate === 0), 'the idle ones moved nothing');
			assert.ok(b.sentRate! >= busy.sentRate! && b.receivedRate! >= accepted.receivedRate!);
		} finally {
			clearInterval(pump);
		}
	});

	it('a listener: its accept queue against its backlog (which /proc does not give); ss is asked about it alone', async () => {
		// Backlog 37, and five connections of which it accepts three: the kernel queues the other two.
		const py = await startPython(`
import socket, json, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(37)
cs = [socket.create_connection(s.getsockname()) for _ in range(5)]
accepted = [s.accept() for _ in range(3)]
print(json.dumps({'port': s.getsockname()[1]}), flush=True)
time.sleep(60)
`);
		try {
			const listener = sockets().find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === py.info.port)!;
			const l = await readTcpInfo(listener);
			assert.ok(l.ok, JSON.stringify(l));
			assert.deepStrictEqual([l.info.state, l.info.recvQ, l.info.sendQ], ['LISTEN', 2, 37]);
			// The server's end of each connection, accepted or queued, has the listener's local port
			// too. Asked by that port alone, ss answered about all of them (a busy server's page
			// parsed 16.9k answers at each refresh); by both ports, about the listener only.
			const out = spawnSync('ss', ssInfoArgv(listener)!, { encoding: 'utf8' });
			assert.strictEqual(out.status, 0, out.stderr);
			assert.deepStrictEqual(parseSsTcpInfo(out.stdout).map((i) => [i.state, i.inode]), [['LISTEN', listener.inode]]);
			const all = parseSsTcpInfo(spawnSync('ss', ['-t', '-i', '-e', '-H', '-n', '-4', 'state', 'all', 'sport', '=', `:${py.info.port}`], { encoding: 'utf8' }).stdout);
			assert.strictEqual(all.length, 6, 'the listener and the server ends of its five connections share its local port');
		} finally {
			py.stop();
		}
	});

	it('a socket in another network namespace, asked from inside it', async function () {
		if (spawnSync('unshare', ['-n', 'true']).status !== 0) this.skip();
		const PY = `
import socket, json, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(5)
c = socket.create_connection(s.getsockname()); a, _ = s.accept()
c.sendall(b'x' * 1234)
assert len(a.recv(4096)) > 0
print(json.dumps({'client': c.getsockname()[1], 'server': s.getsockname()[1]}), flush=True)
time.sleep(60)
`;
		let py: PyHelper | undefined;
		try {
			py = await startPython(PY, ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"']);
			const { client, server } = py.info as { client: number; server: number };
			const target = sockets().find((s) => s.kind === 'tcp' && s.localPort === client && s.remotePort === server && s.owners.some((o) => o.pid === py!.child.pid))!;
			assert.ok(target, 'the namespaced connection is in the snapshot');
			const r = await readTcpInfo(target);
			assert.ok(r.ok, JSON.stringify(r));
			assert.strictEqual(r.info.inode, target.inode);
			assert.strictEqual(r.info.fields.bytes_sent, '1234');
		} finally {
			py?.stop();
		}
	});

	it('a socket that is gone, and a machine without ss, say so', async () => {
		const server = net.createServer();
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		const listener = sockets().find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === port)!;
		await new Promise((r) => server.close(r));
		assert.deepStrictEqual(await readTcpInfo(listener), { ok: false, reason: 'gone', message: 'ss no longer lists this socket' });
		const r = await readTcpInfo(listener, { ss: '/nonexistent/ss' });
		assert.strictEqual(r.ok || r.reason, 'no-ss');
	});
});
