// procnet snapshot against this machine's real /proc, with real sockets this test opens.
import * as assert from 'assert';
import * as dgram from 'dgram';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { readProcTree } from '../../src/collect/procfsReader';
import { buildSnapshot } from '../../src/model/join';
import type { Snapshot, SocketInfo } from '../../src/model/snapshot';
import { pieceText, snapshotJsonPieces } from '../../src/model/snapshotJson';
import { snapshotJsonFromTables, type RouteCounts, type TableBytes } from '../../src/model/tableJson';
import { TABLE_NAMES } from '../../src/procfs/types';
import { findInet, ownerPids, runCli, snapshotJson, startPython, tempDir, type PyHelper } from './helpers';

function listen(server: net.Server, ...args: unknown[]): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		(server.listen as (...a: unknown[]) => void)(...args, () => resolve());
	});
}

function connect(port: number, host: string): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, host, () => resolve(s));
		s.once('error', reject);
	});
}

function bindUdp(type: 'udp4' | 'udp6', host: string): Promise<dgram.Socket> {
	return new Promise((resolve, reject) => {
		const s = dgram.createSocket(type);
		s.once('error', reject);
		s.bind(0, host, () => resolve(s));
	});
}

describe('procnet snapshot on the live /proc', function () {
	this.timeout(60_000);
	const closers: Array<() => void> = [];
	const dir = tempDir('procnet-it-');
	const spacePath = path.join(dir, 'with space.sock');
	const abstractName = `\0procnet-it-${process.pid}`;
	let tcp4: net.Server, tcp6: net.Server, unixSrv: net.Server, abstractSrv: net.Server;
	let client4: net.Socket, client6: net.Socket, unixClient: net.Socket;
	let serverSide4: net.Socket | undefined;
	let udp4: dgram.Socket, udp6: dgram.Socket;
	let py: PyHelper;
	let child: ChildProcess;
	let snap: Snapshot;

	before(async () => {
		tcp4 = net.createServer((s) => (serverSide4 ??= s));
		await listen(tcp4, 0, '127.0.0.1');
		tcp6 = net.createServer(() => undefined);
		await listen(tcp6, 0, '::1');
		client4 = await connect((tcp4.address() as net.AddressInfo).port, '127.0.0.1');
		client6 = await connect((tcp6.address() as net.AddressInfo).port, '::1');
		udp4 = await bindUdp('udp4', '127.0.0.1');
		udp6 = await bindUdp('udp6', '::1');
		unixSrv = net.createServer(() => undefined);
		await listen(unixSrv, spacePath);
		unixClient = await new Promise<net.Socket>((resolve) => {
			const s = net.connect(spacePath, () => resolve(s));
		});
		abstractSrv = net.createServer(() => undefined);
		await listen(abstractSrv, abstractName);
		// A python process holds what Node cannot open: a unix datagram socket and a listener
		// that never accepts (so a client's connection stays queued: server side has inode 0).
		py = await startPython(`
import socket, json, time, os
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(${JSON.stringify(path.join(dir, 'dgram.sock'))})
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(8)
c = socket.socket(); c.connect(l.getsockname())
print(json.dumps({'pid': os.getpid(), 'port': l.getsockname()[1], 'client': c.getsockname()[1]}))
time.sleep(3600)`);
		closers.push(() => py.stop());
		// A child process that inherits our connected TCP client socket as its fd 3: one socket, two owners.
		child = spawn('sleep', ['3600'], { stdio: ['ignore', 'ignore', 'ignore', client4] });
		closers.push(() => child.kill('SIGKILL'));
		await new Promise((r) => setTimeout(r, 200));
		snap = await snapshotJson();
	});

	after(() => {
		for (const c of closers) c();
		for (const s of [client4, client6, unixClient]) s?.destroy();
		serverSide4?.destroy();
		for (const s of [tcp4, tcp6, unixSrv, abstractSrv]) s?.close();
		udp4?.close();
		udp6?.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	const one = (list: SocketInfo[], what: string): SocketInfo => {
		assert.strictEqual(list.length, 1, `${what}: expected exactly one socket, found ${list.length}`);
		return list[0];
	};

	it('follows the JSON contract', () => {
		assert.strictEqual(snap.schemaVersion, 1);
		assert.strictEqual(snap.host.byteOrder, 'LE');
		assert.ok(snap.host.hostname.length > 0);
		assert.ok(!Number.isNaN(Date.parse(snap.takenAt)));
		const me = snap.processes.find((p) => p.pid === process.pid);
		assert.ok(me, 'the test process is listed');
		assert.strictEqual(me.fdAccess, 'ok');
		assert.strictEqual(me.uid, process.getuid!());
		assert.ok(me.cmdline.some((a) => a.includes('mocha')), me.cmdline.join(' '));
		assert.strictEqual(me.ppid, process.ppid);
		assert.ok(me.startTime && Math.abs(Date.parse(me.startTime) - (Date.now() - process.uptime() * 1000)) < 5000, `start time ${me.startTime}`);
		assert.ok(me.netns?.startsWith('net:['));
		for (const s of snap.sockets) {
			assert.strictEqual(typeof s.inode, 'string');
			assert.ok(!/^[0-9A-F]{8}$/.test(s.localAddress ?? ''), 'addresses are text, never hex');
		}
	});

	it('reports TCP v4 listener and both ends of an established connection, with owners', () => {
		const port = (tcp4.address() as net.AddressInfo).port;
		const l = one(findInet(snap, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN'), 'tcp4 listener');
		assert.deepStrictEqual(ownerPids(l), [process.pid]);
		assert.strictEqual(l.ipVersion, 4);
		assert.strictEqual(l.ownerUnknown, null);
		const cport = client4.localPort!;
		// Under load the kernel reuses an ephemeral port for connections to other peers: match the peer too.
		const c = one(findInet(snap, 'tcp', '127.0.0.1', cport, (s) => s.remotePort === port), 'tcp4 client');
		assert.deepStrictEqual([c.state, c.remoteAddress, c.remotePort], ['ESTABLISHED', '127.0.0.1', port]);
		const srv = one(findInet(snap, 'tcp', '127.0.0.1', port, (s) => s.remotePort === cport), 'tcp4 server side');
		assert.strictEqual(srv.state, 'ESTABLISHED');
		assert.deepStrictEqual(ownerPids(srv), [process.pid]);
	});

	it('gives a socket shared with a child process both owners (never "last wins")', () => {
		const c = one(findInet(snap, 'tcp', '127.0.0.1', client4.localPort!, (s) => s.remotePort === client4.remotePort), 'shared client');
		assert.deepStrictEqual(ownerPids(c), [process.pid, child.pid!].sort((a, b) => a - b));
		assert.ok(c.owners.some((o) => o.pid === child.pid && o.fd === 3), JSON.stringify(c.owners));
	});

	it('reports TCP v6 on ::1 in RFC 5952 form', () => {
		const port = (tcp6.address() as net.AddressInfo).port;
		const l = one(findInet(snap, 'tcp', '::1', port, (s) => s.state === 'LISTEN'), 'tcp6 listener');
		assert.strictEqual(l.ipVersion, 6);
		assert.deepStrictEqual(ownerPids(l), [process.pid]);
		const c = one(findInet(snap, 'tcp', '::1', client6.localPort!, (s) => s.remotePort === port), 'tcp6 client');
		assert.deepStrictEqual([c.state, c.remoteAddress, c.remotePort], ['ESTABLISHED', '::1', port]);
	});

	it('keeps a connection not yet accepted: the queued server side has inode 0 and no guessed owner', () => {
		const port = py.info.port as number;
		const l = one(findInet(snap, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN'), 'python listener');
		assert.deepStrictEqual(ownerPids(l), [py.info.pid as number]);
		assert.strictEqual(l.rxQueue, 1, 'one connection waits in the accept queue');
		const q = one(findInet(snap, 'tcp', '127.0.0.1', port, (s) => s.remotePort === py.info.client), 'queued server side');
		assert.deepStrictEqual([q.state, q.inode, q.owners.length, q.ownerUnknown], ['ESTABLISHED', '0', 0, 'inode-0']);
	});

	it('reports UDP v4 and v6 as UNCONN with owners', () => {
		const u4 = one(findInet(snap, 'udp', '127.0.0.1', udp4.address().port), 'udp4');
		const u6 = one(findInet(snap, 'udp', '::1', udp6.address().port), 'udp6');
		for (const u of [u4, u6]) {
			assert.strictEqual(u.state, 'UNCONN');
			assert.deepStrictEqual(ownerPids(u), [process.pid]);
		}
	});

	it('reports unix stream (path with a space, abstract) and dgram sockets with owners', () => {
		const listening = one(snap.sockets.filter((s) => s.kind === 'unix' && s.path === spacePath && s.state === 'LISTEN'), 'unix listener with space');
		assert.strictEqual(listening.unixType, 'STREAM');
		assert.deepStrictEqual(ownerPids(listening), [process.pid]);
		// libuv binds abstract names with the whole 108-byte sun_path, so the kernel prints the
		// padding NULs as '@' too (ss shows the same): the name, then only '@'s.
		const absName = new RegExp(`^@${abstractName.slice(1)}@*$`);
		const abs = one(snap.sockets.filter((s) => s.kind === 'unix' && absName.test(s.path ?? '')), 'abstract');
		assert.strictEqual(abs.state, 'LISTEN');
		assert.deepStrictEqual(ownerPids(abs), [process.pid]);
		const dg = one(snap.sockets.filter((s) => s.kind === 'unix' && s.path === path.join(dir, 'dgram.sock')), 'unix dgram');
		assert.deepStrictEqual([dg.unixType, dg.state], ['DGRAM', 'UNCONNECTED']);
		assert.deepStrictEqual(ownerPids(dg), [py.info.pid as number]);
	});

	it('limits to a pid with --pid, adds descendants with --children, and filters kinds and listeners', async () => {
		const mine = await snapshotJson(['--pid', String(process.pid)]);
		assert.deepStrictEqual(mine.processes.map((p) => p.pid), [process.pid]);
		assert.ok(mine.sockets.length >= 8);
		assert.ok(mine.sockets.every((s) => s.owners.some((o) => o.pid === process.pid)));
		const fam = await snapshotJson(['--pid', String(process.pid), '--children']);
		assert.ok(fam.processes.some((p) => p.pid === child.pid), 'the sleep child is a descendant');
		const lis = await snapshotJson(['--pid', String(process.pid), '--listening', '--kind', 'tcp']);
		assert.deepStrictEqual(
			lis.sockets.map((s) => `${s.localAddress}:${s.localPort}`).sort(),
			[`127.0.0.1:${(tcp4.address() as net.AddressInfo).port}`, `::1:${(tcp6.address() as net.AddressInfo).port}`].sort(),
		);
	});

	it('--port keeps the sockets with that local or remote port, as lsof -i :PORT; --filter takes the tree\'s filter language', async () => {
		const port = (tcp4.address() as net.AddressInfo).port;
		const cport = client4.localPort!;
		const byPort = await snapshotJson(['--port', String(port)]);
		// Every socket kept has the port on one end (this machine's other sockets may have it too) ...
		assert.ok(byPort.sockets.length > 0);
		for (const s of byPort.sockets) assert.ok(s.localPort === port || s.remotePort === port, `${s.id}: ${s.localPort} -> ${s.remotePort}`);
		// ... and ours are all there: the listener, both ends of the connection (the client side shared with the child).
		one(findInet(byPort, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN'), 'listener');
		one(findInet(byPort, 'tcp', '127.0.0.1', port, (s) => s.remotePort === cport), 'server side');
		const c = one(findInet(byPort, 'tcp', '127.0.0.1', cport, (s) => s.remotePort === port), 'client side');
		assert.deepStrictEqual(ownerPids(c), [process.pid, child.pid!].sort((a, b) => a - b));
		// A range and a list: the tcp6 listener's port is in the second item.
		const p6 = (tcp6.address() as net.AddressInfo).port;
		const two = await snapshotJson(['--port', `${port}-${port},${p6}`, '--pid', String(process.pid), '--listening']);
		assert.deepStrictEqual(two.sockets.map((s) => `${s.localAddress}:${s.localPort}`).sort(), [`127.0.0.1:${port}`, `::1:${p6}`].sort());
		const listener = await snapshotJson(['--filter', `port:${port} state:listen`]);
		assert.deepStrictEqual(listener.sockets.map((s) => [s.localAddress, s.localPort, s.state]), [['127.0.0.1', port, 'LISTEN']]);
		// Terms about processes: the child (a sleep) holds only the shared client socket.
		const childs = await snapshotJson(['--filter', `pid:${child.pid} -kind:unix`]);
		assert.deepStrictEqual(childs.sockets.map((s) => [s.localPort, s.remotePort]), [[cport, port]]);
		for (const [args, message] of [
			[['--port', '0'], '--port takes ports (1-65535) or FROM-TO ranges separated by commas, not "0"'],
			[['--port', '80,x'], '--port takes ports (1-65535) or FROM-TO ranges separated by commas, not "80,x"'],
			[['--port', '90-80'], '--port takes ports (1-65535) or FROM-TO ranges separated by commas, not "90-80"'],
			[['--filter', 'port:http'], '--filter: port: expects a number or a range like 3000-3100, not "http"'],
			[['--filter', 'addr:10.0.0.0/33'], '--filter: addr: "10.0.0.0/33" is not an address prefix like 10.0.0.0/8 or fd00::/8'],
		] as Array<[string[], string]>) {
			const r = await runCli(['snapshot', ...args]);
			assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
			assert.ok(r.stderr.startsWith(`procnet: ${message}\n`), r.stderr.split('\n')[0]);
		}
		// Commands that act on one thing, or save everything, take no selection.
		for (const args of [['capture', '--port', '80'], ['kill-port', '80', '--filter', 'pid:1'], ['close', '--id', 'x', '--port', '80'], ['free-port', '80', '--filter', 'x']]) {
			const r = await runCli(args);
			assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
		}
	});

	it('prints a readable table grouped by process', async () => {
		const r = await runCli(['snapshot', '--pid', String(process.pid)]);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stdout, new RegExp(`\\(pid ${process.pid}, `));
		assert.match(r.stdout, new RegExp(`tcp +LISTEN +127\\.0\\.0\\.1:${(tcp4.address() as net.AddressInfo).port} `));
		assert.match(r.stdout, new RegExp(`tcp6 +LISTEN +\\[::1\\]:${(tcp6.address() as net.AddressInfo).port} `));
		assert.ok(r.stdout.includes(spacePath), 'the unix path with a space is printed whole');
	});

	it('--csv: the same sockets as --json, one row each, the unix path with a space whole, owners as name/pid/fd', async () => {
		const r = await runCli(['snapshot', '--csv', '--pid', String(process.pid)]);
		assert.strictEqual(r.code, 0, r.stderr);
		const [header, ...rows] = r.stdout.trimEnd().split('\n');
		const cols = header.split(',');
		const json = await snapshotJson(['--pid', String(process.pid)]);
		assert.strictEqual(rows.length, json.sockets.length, 'one row per socket of the same selection');
		const port = (tcp4.address() as net.AddressInfo).port;
		const listener = rows.map((l) => l.split(',')).find((c) => c[cols.indexOf('localPort')] === String(port) && c[cols.indexOf('state')] === 'LISTEN');
		assert.ok(listener, `no row for the listener on ${port}`);
		assert.match(listener[cols.indexOf('owners')], new RegExp(`^\\S+/${process.pid}/fd\\d+$`));
		assert.ok(r.stdout.includes(`,${spacePath},`), 'the unix path with a space, in its own cell');
		for (const bad of [['snapshot', '--csv', '--json'], ['watch', '--csv'], ['capture', '--csv'], ['close', '--csv', '--id', 'x']]) {
			const u = await runCli(bad);
			assert.strictEqual(u.code, 2, `${bad.join(' ')}: ${u.stderr}`);
		}
	});

	it('fails clearly for an unknown pid (exit 1) and bad options (exit 2)', async () => {
		const r1 = await runCli(['snapshot', '--pid', '4194305']);
		assert.strictEqual(r1.code, 1);
		assert.match(r1.stderr, /no process with pid 4194305/);
		const r2 = await runCli(['snapshot', '--pid', '1;reboot']);
		assert.strictEqual(r2.code, 2);
		assert.match(r2.stderr, /--pid takes positive process ids/);
		const r3 = await runCli(['snapshot', '--frobnicate']);
		assert.strictEqual(r3.code, 2);
		assert.match(r3.stderr, /unknown option "--frobnicate"/);
		const r4 = await runCli(['snapshot', '--proc-root', '/nonexistent-procnet']);
		assert.strictEqual(r4.code, 1);
		assert.match(r4.stderr, /cannot read \/nonexistent-procnet: ENOENT/);
	});

	it('--version and -V print the package\'s version, --help the usage, each with exit 0', async () => {
		const version = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
		for (const flag of ['--version', '-V']) {
			const r = await runCli([flag]);
			assert.strictEqual(r.code, 0, r.stderr);
			assert.strictEqual(r.stdout, `procnet ${version}\n`);
		}
		const help = await runCli(['--help']);
		assert.strictEqual(help.code, 0);
		assert.match(help.stdout, /^usage: procnet snapshot/);
		assert.match(help.stdout, /-V, --version/);
	});

	it('round-trips through a saved capture', async () => {
		const r = await runCli(['capture']);
		assert.strictEqual(r.code, 0, r.stderr);
		const file = path.join(dir, 'cap.json');
		fs.writeFileSync(file, r.stdout);
		const fromFile = await snapshotJson(['--from-capture', file, '--pid', String(process.pid)]);
		const port = (tcp4.address() as net.AddressInfo).port;
		assert.strictEqual(findInet(fromFile, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN').length, 1);
		fs.writeFileSync(file, '{"format":"something-else"}');
		const bad = await runCli(['snapshot', '--from-capture', file]);
		assert.strictEqual(bad.code, 1);
		assert.match(bad.stderr, /not a procnet capture/);
	});

	it('writes a capture and a text table bigger than its output buffer whole (2000 more listeners)', async () => {
		// The command line encodes what it writes into one buffer, grown for a longer text; a quiet
		// machine's capture fits the first size, so the test makes one that cannot.
		const many: net.Server[] = [];
		try {
			for (let i = 0; i < 2000; i++) {
				const s = net.createServer();
				await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
				many.push(s);
			}
			const ports = many.map((s) => (s.address() as net.AddressInfo).port);
			const r = await runCli(['capture']);
			assert.strictEqual(r.code, 0, r.stderr);
			// The buffer starts at 256 KiB, and is grown for any text over a third of that.
			assert.ok(r.stdout.length > 262144, `a capture of ${r.stdout.length} bytes does not outgrow the buffer`);
			const file = path.join(dir, 'big.json');
			fs.writeFileSync(file, r.stdout);
			const fromFile = await snapshotJson(['--from-capture', file, '--pid', String(process.pid)]);
			for (const port of ports) assert.strictEqual(findInet(fromFile, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN').length, 1, `listener ${port}`);
			const text = await runCli(['snapshot', '--pid', String(process.pid)]);
			assert.strictEqual(text.code, 0, text.stderr);
			assert.ok(text.stdout.length > 262144 / 3, `a table of ${text.stdout.length} bytes does not outgrow the buffer`);
			for (const port of ports) assert.ok(text.stdout.includes(`127.0.0.1:${port} `), `listener ${port} in the table`);
			assert.ok(text.stdout.endsWith('\n') && !text.stdout.includes('\0'));
		} finally {
			for (const s of many) s.close();
		}
	});

	it('gives the same sockets and owners from the two-thread scan (fd walk in a worker) as from the one-thread scan', async () => {
		const key = (x: Snapshot) =>
			x.sockets
				// Unnamed unix sockets of ours include the stdio pipes of each CLI run: they differ per run.
				.filter((s) => (s.kind !== 'unix' || s.path !== null) && s.owners.some((o) => o.pid === process.pid || o.pid === child.pid || o.pid === py.info.pid))
				.map((s) => `${s.id} ${s.state} ${JSON.stringify(s.owners)}`)
				.sort();
		const one = await snapshotJson([], { env: { PROCNET_PARALLEL: '0' } });
		const two = await snapshotJson([], { env: { PROCNET_PARALLEL: '1' } });
		assert.ok(key(one).length >= 10, `${key(one).length} sockets of ours`);
		assert.deepStrictEqual(key(two), key(one));
		const me = two.processes.find((p) => p.pid === process.pid);
		assert.ok(me?.netns?.startsWith('net:['), 'the worker\'s processes get their namespace');
		// A selection takes the object route (parse, join, JSON.stringify): every kind selected, it
		// must give what the whole snapshot's JSON, written from the tables' bytes, gave.
		const objects = await snapshotJson(['--kind', 'tcp,udp,udplite,raw,icmp,unix,packet,netlink,sctp'], { env: { PROCNET_PARALLEL: '1' } });
		assert.deepStrictEqual(key(objects), key(two));
	});

	it('writes the whole snapshot\'s JSON from the tables\' bytes: the same text as from parsed sockets, on this machine\'s tables', () => {
		const cap = readProcTree();
		const tables: TableBytes[] = [];
		for (const ns of cap.namespaces) {
			for (const table of TABLE_NAMES) {
				const text = ns.tables[table];
				if (text !== undefined) tables.push({ netns: ns.id, table, parts: [Buffer.from(text, 'utf8')] });
			}
		}
		const objects = [...snapshotJsonPieces(buildSnapshot(cap))].map(pieceText).join('');
		const counts: RouteCounts = { fromBytes: 0, parsed: 0 };
		const chunks: Buffer[] = [];
		for (const c of snapshotJsonFromTables(cap, tables, undefined, counts)) chunks.push(Buffer.from(c));
		const bytes = Buffer.concat(chunks).toString('utf8');
		if (bytes !== objects) {
			let i = 0;
			while (bytes[i] === objects[i]) i++;
			assert.fail(`differs at ${i}: ${objects.slice(i - 100, i + 60)} | ${bytes.slice(i - 100, i + 60)}`);
		}
		// This test's TCP and UDP sockets at least (both ends of two connections, two listeners, two UDP).
		assert.ok(counts.fromBytes >= 8, JSON.stringify(counts));
		const port = (tcp4.address() as net.AddressInfo).port;
		assert.strictEqual(findInet(JSON.parse(bytes) as Snapshot, 'tcp', '127.0.0.1', port, (s) => s.state === 'LISTEN' && s.owners.some((o) => o.pid === process.pid)).length, 1);
	});
});
