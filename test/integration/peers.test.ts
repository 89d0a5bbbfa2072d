// `procnet peers` against this machine: a python process of the test's with three connections to
// a listener on 127.0.0.1 and one to a listener on ::1 (both the test's), read from the real /proc.
import * as assert from 'assert';
import * as net from 'net';
import { runCli, startPython, type PyHelper } from './helpers';

describe('procnet peers (real /proc)', function () {
	this.timeout(60_000);
	let v4: net.Server, v6: net.Server, py: PyHelper;
	const accepted: net.Socket[] = [];
	const listenOn = (host: string) => new Promise<net.Server>((r) => {
		const s = net.createServer((c) => accepted.push(c));
		s.listen(0, host, () => r(s));
	});
	const port = (s: net.Server) => (s.address() as net.AddressInfo).port;

	before(async () => {
		v4 = await listenOn('127.0.0.1');
		v6 = await listenOn('::1');
		py = await startPython(`
import json, socket, time
a = [socket.create_connection(('127.0.0.1', ${port(v4)})) for _ in range(3)]
b = socket.create_connection(('::1', ${port(v6)}))
print(json.dumps({'v4': [s.getsockname()[1] for s in a], 'v6': b.getsockname()[1]}), flush=True)
time.sleep(600)`);
	});

	after(() => {
		py?.stop();
		for (const c of accepted) c.destroy();
		v4?.close();
		v6?.close();
	});

	it('counts a process\'s connections by the address they go to, most first, with their states and owner', async () => {
		const pid = py.child.pid!;
		const r = await runCli(['peers', '--pid', String(pid), '--json']);
		assert.strictEqual(r.code, 0, r.stderr);
		const out = JSON.parse(r.stdout) as { peers: Array<{ peer: string; loopback: boolean; sockets: number; states: Record<string, number>; processes: Array<{ pid: number; name: string | null }> }>; more: number; withoutPeer: number };
		assert.deepStrictEqual(out.peers.map((p) => [p.peer, p.sockets, p.states, p.loopback]), [['127.0.0.1', 3, { ESTABLISHED: 3 }, true], ['::1', 1, { ESTABLISHED: 1 }, true]]);
		assert.deepStrictEqual(out.peers[0].processes, [{ pid, name: 'python3' }]);
		assert.strictEqual(out.more, 0);

		const text = await runCli(['peers', '--pid', String(pid)]);
		assert.strictEqual(text.code, 0, text.stderr);
		const lines = text.stdout.trimEnd().split('\n');
		assert.match(lines[0], /: 4 connected sockets to 2 peers \(\d+ without a peer/);
		assert.match(lines[1], /^SOCKETS +PEER +STATES +PROCESSES$/);
		assert.match(lines[2], new RegExp(`^ +3  127\\.0\\.0\\.1 \\(loopback\\) +3 ESTABLISHED +python3 \\(${pid}\\)$`));
		assert.match(lines[3], new RegExp(`^ +1  ::1 \\(loopback\\) +1 ESTABLISHED +python3 \\(${pid}\\)$`));

		// --count 1: the busiest peer, and how many more.
		const one = await runCli(['peers', '--pid', String(pid), '--count', '1']);
		assert.match(one.stdout, /\.\.\. 1 more peer \(--count N shows more\)\n$/);
		assert.strictEqual((await runCli(['peers', '--udp'])).code, 2);
	});
});
