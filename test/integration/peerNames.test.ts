// Peer names for real (src/collect/peerNames.ts): getent on this machine, and the remote's own
// resolver through a session — a command host in its own mount namespace whose /etc/hosts is a
// file of the test's (so its names differ from this machine's), and the test's sshd.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { canonicalAddress, lookupHere } from '../../src/collect/peerNames';
import { commandSource, sshSource, type ShellSource } from '../../src/collect/shellSource';
import { getentName, runCli, tempDir, Watcher } from './helpers';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

/** Whether this machine lets the test make a mount namespace (root, unshare(1)). */
const canUnshare = () => spawnSync('unshare', ['-m', 'true']).status === 0;

describe('peer names from the host\'s own resolver (getent hosts)', function () {
	this.timeout(60_000);
	const dir = tempDir('procnet-names-');
	const sources: ShellSource[] = [];
	let sshd: TestSshd | undefined;

	after(async () => {
		for (const s of sources) await s.disposeAndWait();
		await sshd?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('here: names what /etc/hosts names, as getent does; an address without a name gets none, within the lookup\'s time', async () => {
		const t0 = Date.now();
		const names = await lookupHere(['127.0.0.1', '192.0.2.1', '::1']);
		const ms = Date.now() - t0;
		assert.strictEqual(names.get('127.0.0.1'), getentName('127.0.0.1'));
		assert.ok(names.get('127.0.0.1'), 'this machine\'s /etc/hosts names 127.0.0.1');
		assert.strictEqual(names.get('192.0.2.1'), null, 'TEST-NET-1 has no name');
		assert.strictEqual(names.get(canonicalAddress('::1')!), getentName('::1'));
		assert.ok(ms < 5000, `took ${ms} ms`);
		// Not an address: never run.
		assert.deepStrictEqual([...(await lookupHere(['$(touch /tmp/procnet-pwned)', '-s']))], []);
		assert.ok(!fs.existsSync('/tmp/procnet-pwned'));
	});

	it('`--filter peer:NAME` with --resolve matches the names the resolver gives; without it, addresses only', async () => {
		const name = getentName('127.0.0.1')!;
		assert.ok(name && !name.includes('127.0.0.1'), `this machine's name of 127.0.0.1: ${name}`);
		const server = net.createServer(() => undefined);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
		await new Promise((r) => client.once('connect', r));
		try {
			const pid = String(process.pid);
			const named = await runCli(['snapshot', '--resolve', '--json', '--pid', pid, '--filter', `peer:${name}`]);
			assert.strictEqual(named.code, 0, named.stderr);
			const sockets = (JSON.parse(named.stdout) as { sockets: Array<{ kind: string; localPort: number; remoteName?: string | null }> }).sockets;
			assert.ok(sockets.some((x) => x.kind === 'tcp' && x.localPort === client.localPort), 'the client\'s connection, by its peer\'s name');
			for (const x of sockets) assert.strictEqual(x.remoteName, name);
			// With a term that looks at no name: the rest narrows first, then the names match.
			const both = await runCli(['snapshot', '--resolve', '--json', '--filter', `port:${client.localPort} peer:${name}`]);
			assert.deepStrictEqual((JSON.parse(both.stdout) as { sockets: Array<{ localPort: number; remotePort: number }> }).sockets.map((x) => [x.localPort, x.remotePort]).sort(), [[client.localPort, (server.address() as net.AddressInfo).port], [(server.address() as net.AddressInfo).port, client.localPort]].sort());
			// The same filter negated keeps the rest: the listener (no peer) is in, the connection out.
			const others = await runCli(['snapshot', '--resolve', '--json', '--pid', pid, '--filter', `-peer:${name}`]);
			const rest = (JSON.parse(others.stdout) as { sockets: Array<{ state: string; localPort: number }> }).sockets;
			assert.ok(rest.some((x) => x.state === 'LISTEN' && x.localPort === (server.address() as net.AddressInfo).port));
			assert.ok(!rest.some((x) => x.localPort === client.localPort));
			// Without --resolve no name is known: a peer: term matches addresses only.
			const unnamed = await runCli(['snapshot', '--json', '--pid', pid, '--filter', `peer:${name}`]);
			assert.deepStrictEqual((JSON.parse(unnamed.stdout) as { sockets: unknown[] }).sockets, []);
			const byAddr = await runCli(['snapshot', '--json', '--pid', pid, '--filter', 'peer:127.0.0.1']);
			assert.ok((JSON.parse(byAddr.stdout) as { sockets: Array<{ localPort: number }> }).sockets.some((x) => x.localPort === client.localPort));
			const peers = await runCli(['peers', '--resolve', '--json', '--pid', pid, '--filter', `peer:${name}`]);
			// (::1 may have the same name here: /etc/hosts often calls both localhost.)
			const found = (JSON.parse(peers.stdout) as { peers: Array<{ peer: string; name: string | null }> }).peers;
			assert.ok(found.some((p) => p.peer === '127.0.0.1'), peers.stdout);
			for (const p of found) assert.strictEqual(p.name, name, p.peer);
		} finally {
			client.destroy();
			server.close();
		}
	});

	it('on a command host, names come from that host\'s resolver, not this machine\'s: its /etc/hosts differs', async function () {
		if (process.getuid?.() !== 0 || !canUnshare()) this.skip();
		const hosts = path.join(dir, 'hosts');
		fs.writeFileSync(hosts, '127.0.0.1 procnet-remote-localhost\n192.0.2.7 procnet-remote-name\n');
		// The "remote": sh in its own mount namespace, its /etc/hosts the file above.
		const src = commandSource(['unshare', '-m', 'sh', '-c', `mount --bind ${hosts} /etc/hosts && exec sh`], 'private-hosts');
		sources.push(src);
		const remote = await src.resolve(['127.0.0.1', '192.0.2.7', '192.0.2.8']);
		assert.strictEqual(remote.get('127.0.0.1'), 'procnet-remote-localhost');
		assert.strictEqual(remote.get('192.0.2.7'), 'procnet-remote-name');
		assert.strictEqual(remote.get('192.0.2.8'), null);
		// This machine's resolver does not know the remote's name.
		assert.strictEqual((await lookupHere(['192.0.2.7'])).get('192.0.2.7'), null);
		// The session still answers a refresh after it.
		const snap = await src.snapshot();
		assert.ok(snap.sockets.length > 0);
	});

	it('through an ssh session, and `procnet peers --resolve` and `snapshot --resolve` (here and --ssh) print each peer with its name', async function () {
		if (!sshdAvailable()) this.skip();
		sshd = await startSshd();
		const src = sshSource('procnet-test', { configFile: sshd.configFile });
		sources.push(src);
		const names = await src.resolve(['127.0.0.1', '192.0.2.1']);
		assert.strictEqual(names.get('127.0.0.1'), getentName('127.0.0.1'));
		assert.strictEqual(names.get('192.0.2.1'), null);

		// A connection of the test's own to a listener of its own: a 127.0.0.1 peer.
		const server = net.createServer(() => undefined);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
		await new Promise((r) => client.once('connect', r));
		try {
			const name = getentName('127.0.0.1')!;
			for (const extra of [[], ['--ssh', 'procnet-test', '--ssh-config', sshd.configFile]]) {
				const text = await runCli(['peers', '--resolve', '--pid', String(process.pid), ...extra]);
				assert.strictEqual(text.code, 0, text.stderr);
				assert.match(text.stdout, new RegExp(`^\\s+\\d+  127\\.0\\.0\\.1 \\(${name.replace(/\./g, '\\.')}\\) \\(loopback\\)`, 'm'), text.stdout);
				const json = await runCli(['peers', '--resolve', '--json', '--pid', String(process.pid), ...extra]);
				assert.strictEqual(json.code, 0, json.stderr);
				const peer = (JSON.parse(json.stdout) as { peers: Array<{ peer: string; name: string | null }> }).peers.find((p) => p.peer === '127.0.0.1');
				assert.strictEqual(peer?.name, name);
			}
			// snapshot --resolve: each socket with a peer gets its name, or null where the resolver has none
			// (a UDP socket of the test's connected to 192.0.2.1: connect sends nothing).
			const udp = dgram.createSocket('udp4');
			await new Promise<void>((r) => udp.connect(9, '192.0.2.1', () => r()));
			try {
				const port = (server.address() as net.AddressInfo).port;
				// Here on one thread and on two (the scan a big host gets), and through the ssh session.
				const ways: Array<[string[], NodeJS.ProcessEnv | undefined]> = [[[], { PROCNET_PARALLEL: '0' }], [[], { PROCNET_PARALLEL: '1' }], [['--ssh', 'procnet-test', '--ssh-config', sshd.configFile], undefined]];
				for (const [extra, env] of ways) {
					const json = await runCli(['snapshot', '--resolve', '--json', '--pid', String(process.pid), ...extra], { env });
					assert.strictEqual(json.code, 0, json.stderr);
					const sockets = (JSON.parse(json.stdout) as { sockets: Array<{ kind: string; state: string; localPort: number; remoteAddress: string; remoteName?: string | null }> }).sockets;
					const conn = sockets.find((x) => x.kind === 'tcp' && x.localPort === client.localPort);
					assert.strictEqual(conn?.remoteName, name, `the client's connection: ${JSON.stringify(conn)}`);
					const listener = sockets.find((x) => x.state === 'LISTEN' && x.localPort === port);
					assert.ok(listener && !('remoteName' in listener), 'a listener has no peer to name');
					assert.strictEqual(sockets.find((x) => x.kind === 'udp' && x.remoteAddress === '192.0.2.1')?.remoteName, null, 'no name for 192.0.2.1');
					const text = await runCli(['snapshot', '--resolve', '--pid', String(process.pid), ...extra], { env });
					assert.match(text.stdout, new RegExp(`^  tcp +ESTABLISHED +127\\.0\\.0\\.1:${client.localPort} +127\\.0\\.0\\.1:${port} +fd \\d+ +peer ${name.replace(/\./g, '\\.')}$`, 'm'), text.stdout);
					const csv = await runCli(['snapshot', '--resolve', '--csv', '--pid', String(process.pid), ...extra], { env });
					const [header, ...rows] = csv.stdout.trim().split('\n');
					assert.ok(header.endsWith(',owners,remote_name'), header);
					assert.ok(rows.some((r) => r.startsWith(`tcp,4,127.0.0.1,${client.localPort},127.0.0.1,${port},ESTABLISHED,`) && r.endsWith(`,${name}`)), csv.stdout);
				}
				const bare = await runCli(['snapshot', '--json', '--pid', String(process.pid)]);
				assert.ok(!bare.stdout.includes('"remoteName"'), 'no names without --resolve');
				// Every other command refuses it, those that take their own path early (traffic ran on without names) included.
				for (const command of ['traffic', 'close', 'free-port', 'kill-port', 'capture']) {
					const refused = await runCli([command, '--resolve'], { timeoutMs: 10_000 });
					assert.strictEqual(refused.code, 2, command);
					assert.match(refused.stderr, /--resolve goes with peers, snapshot and watch/, command);
				}
			} finally {
				udp.close();
			}
			const plain = await runCli(['peers', '--json', '--pid', String(process.pid)]);
			assert.ok(!('name' in (JSON.parse(plain.stdout) as { peers: object[] }).peers[0]), 'no name without --resolve');
			const refused = await runCli(['peers', '--resolve', '--from-capture', '/dev/null']);
			assert.strictEqual(refused.code, 2);
			assert.match(refused.stderr, /--resolve asks a live host/);
		} finally {
			client.destroy();
			server.close();
		}
	});

	it('`procnet watch --resolve` prints each change with its peer\'s name (text and --json), none for a socket without a peer', async function () {
		const name = getentName('127.0.0.1');
		if (!name) this.skip();
		const args = ['--resolve', '--pid', String(process.pid), '--interval', '0.2'];
		const json = new Watcher([...args, '--json']);
		const text = new Watcher(args);
		const server = net.createServer((c) => c.on('error', () => undefined));
		const udp = dgram.createSocket('udp4');
		let client: net.Socket | undefined;
		try {
			await Promise.all([json.started(), text.started()]);
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
			const port = (server.address() as net.AddressInfo).port;
			const c = net.connect(port, '127.0.0.1');
			client = c;
			await new Promise((r) => c.once('connect', r));
			await new Promise<void>((r) => udp.connect(9, '192.0.2.1', () => r()));
			type Event = { event: string; socket: { kind: string; state: string; localPort: number; remoteAddress: string; remoteName?: string | null } };
			const event = async (what: string, test: (e: Event) => boolean) => JSON.parse(await json.line((l) => test(JSON.parse(l) as Event), what)) as Event;
			const conn = await event('the client\'s connection, new', (e) => e.event === 'new' && e.socket.kind === 'tcp' && e.socket.localPort === c.localPort);
			assert.strictEqual(conn.socket.remoteName, name);
			const listener = await event('the listener, new', (e) => e.event === 'new' && e.socket.state === 'LISTEN' && e.socket.localPort === port);
			assert.ok(!('remoteName' in listener.socket), 'a listener has no peer to name');
			const unnamed = await event('the UDP socket connected to 192.0.2.1', (e) => e.event === 'new' && e.socket.kind === 'udp' && e.socket.remoteAddress === '192.0.2.1');
			assert.strictEqual(unnamed.socket.remoteName, null, 'no name for 192.0.2.1');
			await text.line((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d \\+ tcp +ESTABLISHED +127\\.0\\.0\\.1:${c.localPort} +127\\.0\\.0\\.1:${port} +\\S+ \\(pid ${process.pid}\\)  peer ${name.replace(/\./g, '\\.')}$`).test(l), 'the connection\'s text line with its peer\'s name');
			const listenLine = await text.line((l) => new RegExp(`\\+ tcp +LISTEN +127\\.0\\.0\\.1:${port} `).test(l), 'the listener\'s text line');
			assert.ok(!listenLine.includes('peer '), listenLine);
		} finally {
			json.stop();
			text.stop();
			client?.destroy();
			udp.close();
			server.close();
		}
	});

	it('`procnet watch --filter peer:NAME --resolve` prints the changes of sockets whose peer has that name, and no others', async function () {
		const name = getentName('127.0.0.1');
		if (!name || name.includes('127.0.0.1')) this.skip();
		const w = new Watcher(['--resolve', '--json', '--pid', String(process.pid), '--interval', '0.2', '--filter', `peer:${name}`]);
		const server = net.createServer((c) => c.on('error', () => undefined));
		const udp = dgram.createSocket('udp4');
		let client: net.Socket | undefined;
		try {
			await w.started();
			// Opened first, so that they are in a read before the connection is: none of them may be printed.
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
			const port = (server.address() as net.AddressInfo).port;
			await new Promise<void>((r) => udp.connect(9, '192.0.2.1', () => r()));
			await new Promise((r) => setTimeout(r, 600));
			const c = net.connect(port, '127.0.0.1');
			client = c;
			await new Promise((r) => c.once('connect', r));
			type Event = { event: string; socket: { kind: string; state: string; localPort: number; remotePort: number; remoteAddress: string; remoteName?: string | null } };
			const event = async (what: string, test: (e: Event) => boolean) => JSON.parse(await w.line((l) => test(JSON.parse(l) as Event), what)) as Event;
			const local = c.localPort; // gone from c once it is destroyed
			const out = await event('the client\'s connection, new', (e) => e.event === 'new' && e.socket.kind === 'tcp' && e.socket.localPort === local);
			assert.strictEqual(out.socket.remoteName, name);
			await event('the server\'s end of it, new', (e) => e.event === 'new' && e.socket.kind === 'tcp' && e.socket.remotePort === local);
			c.destroy();
			await event('the client\'s connection, closed', (e) => e.event === 'closed' && e.socket.kind === 'tcp' && e.socket.localPort === local);
			// Every line printed is about a socket whose peer has that name: not the listener (no
			// peer), not the UDP socket (192.0.2.1 has none).
			for (const l of w.lines) assert.strictEqual((JSON.parse(l) as Event).socket.remoteName, name, l);
			assert.ok(!/peer names:/.test(w.stderr), w.stderr);
		} finally {
			w.stop();
			client?.destroy();
			udp.close();
			server.close();
		}
	});
});
