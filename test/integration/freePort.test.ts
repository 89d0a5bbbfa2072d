// `procnet free-port` for real: the built CLI reading this machine's /proc while this test holds
// ports in every way a port can be held (a listener on one address, an IPv6-only listener, a
// client connection's local port, a TIME_WAIT, a UDP socket, a listener in another network
// namespace). Each answer is then checked against the kernel itself: every port it calls free is
// bound by a server (which must succeed), and the ports it calls held by a connection are refused.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as net from 'net';
import { runCli, startPython, type PyHelper } from './helpers';

const listen = (port: number, host: string) =>
	new Promise<net.Server>((resolve, reject) => {
		const s = net.createServer((c) => c.on('error', () => undefined));
		s.once('error', reject);
		s.listen({ port, host, ipv6Only: host === '::1' }, () => resolve(s));
	});
const close = (s: net.Server) => new Promise<void>((r) => s.close(() => r()));

/** Whether a server (node's: SO_REUSEADDR) can bind `port` on 127.0.0.1 now: the kernel's answer. */
async function bindable(port: number): Promise<boolean> {
	try {
		await close(await listen(port, '127.0.0.1'));
		return true;
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return false;
		throw e;
	}
}

/**
 * A run of `n` ports (outside the ephemeral range) that no socket has as its local port, by ss:
 * bindable is not enough, since a server's TIME_WAIT (an earlier test's) does not stop a bind but
 * is listed as holding the port.
 */
async function quietRun(n: number): Promise<number> {
	const used = new Set<number>();
	for (const line of spawnSync('ss', ['-Htuan'], { encoding: 'utf8' }).stdout.split('\n')) {
		const m = /:(\d+)$/.exec(line.trim().split(/\s+/)[4] ?? '');
		if (m) used.add(Number(m[1]));
	}
	for (let base = 20000 + (process.pid % 500) * 20; base < 32000; base += 37) {
		let ok = true;
		for (let p = base; p < base + n && ok; p++) ok = !used.has(p) && (await bindable(p));
		if (ok) return base;
	}
	throw new Error('no quiet run of ports');
}

/** A client connection to `target` from an ephemeral port (connect() picks it: no SO_REUSEADDR, unlike libuv's bind). */
async function clientOf(target: net.Server): Promise<net.Socket> {
	const client = net.connect({ port: (target.address() as net.AddressInfo).port, host: '127.0.0.1' });
	await new Promise<void>((r, j) => client.once('connect', r).once('error', j));
	return client;
}

interface FreePortJson {
	free: number[];
	netns: string | null;
	ports: Array<{ port: number; free: boolean; ephemeral: boolean; listeners: string[]; others: string[]; holders: Array<{ pid: number; name: string | null }> }>;
}

describe('procnet free-port (the command line, dist/cli.js)', function () {
	this.timeout(60000);
	const cleanup: Array<() => unknown> = [];
	afterEach(async () => {
		for (const f of cleanup.splice(0).reverse()) await f();
	});

	it('calls a port free only when the kernel lets a server bind it: a listener on one address, an IPv6-only listener and a client connection\'s port all hold theirs', async () => {
		const base = await quietRun(8);
		// base: IPv4 listener; base+1: IPv6-only listener on ::1; base+2..: nothing.
		const v4 = await listen(base, '127.0.0.1');
		cleanup.push(() => close(v4));
		const v6 = await listen(base + 1, '::1');
		cleanup.push(() => close(v6));
		const target = await listen(0, '127.0.0.1');
		cleanup.push(() => close(target));
		const client = await clientOf(target);
		cleanup.push(() => client.destroy());

		const r = await runCli(['free-port', `${base}-${base + 7}`, '--count', '3', '--json']);
		assert.strictEqual(r.code, 0, r.stderr);
		const out = JSON.parse(r.stdout) as FreePortJson;
		const at = (p: number) => out.ports.find((x) => x.port === p)!;
		assert.deepStrictEqual(out.free, [base + 2, base + 3, base + 4], 'the first three free ports, and the search stops there');
		assert.deepStrictEqual(out.ports.map((x) => x.port), [base, base + 1, base + 2, base + 3, base + 4]);
		assert.strictEqual(at(base).listeners.length, 1);
		assert.deepStrictEqual(at(base).holders.map((h) => h.pid), [process.pid]);
		assert.strictEqual(at(base + 1).listeners.length, 1, 'an IPv6-only listener holds the port too (node binds :: dual-stack)');
		// The kernel's answer, port by port: what procnet calls free binds; what it calls held does not.
		for (const p of out.free) assert.ok(await bindable(p), `procnet called ${p} free, but a bind failed`);
		assert.strictEqual(await bindable(base), false);

		// A client connection's local port (an ephemeral one): held, and the kernel agrees.
		const cp = client.localPort!;
		const cj = JSON.parse((await runCli(['free-port', String(cp), '--json'])).stdout) as FreePortJson;
		assert.deepStrictEqual(cj.free, []);
		assert.strictEqual(cj.ports[0].listeners.length, 0);
		assert.ok(cj.ports[0].ephemeral, `${cp} is in the ephemeral range`);
		assert.deepStrictEqual(cj.ports[0].holders.map((h) => h.pid), [process.pid], 'the client connection holds its local port');
		assert.strictEqual(await bindable(cp), false, 'a client connection\'s local port was bindable: the test does not show what it claims');
		const c = await runCli(['free-port', String(cp)]);
		assert.strictEqual(c.code, 1);
		assert.match(c.stdout, new RegExp(`^${cp} +busy +1 ESTABLISHED · node \\(pid ${process.pid}\\)$`, 'm'));

		// The text form says the same, with the owner.
		const t = await runCli(['free-port', String(base)]);
		assert.strictEqual(t.code, 1, 'a held port exits 1');
		assert.match(t.stdout, new RegExp(`^${base} +in use LISTEN 127\\.0\\.0\\.1 · node \\(pid ${process.pid}\\)$`, 'm'));
		const f = await runCli(['free-port', String(base + 2)]);
		assert.strictEqual(f.code, 0);
		assert.match(f.stdout, new RegExp(`^${base + 2} +free$`, 'm'));
	});

	it('a client\'s TIME_WAIT holds its port (the kernel refuses the bind too), with no owner', async () => {
		const target = await listen(0, '127.0.0.1');
		cleanup.push(() => close(target));
		const client = await clientOf(target);
		const base = client.localPort!;
		// The client closes first, so its end goes to TIME_WAIT.
		await new Promise<void>((r) => client.end(() => r()));
		await new Promise<void>((r) => client.once('close', () => r()));
		let out: FreePortJson | undefined;
		for (let i = 0; i < 20; i++) {
			out = JSON.parse((await runCli(['free-port', String(base), '--json'])).stdout) as FreePortJson;
			if (out.ports[0].others.length) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		assert.deepStrictEqual(out!.free, []);
		assert.deepStrictEqual(out!.ports[0].holders, [], 'a TIME_WAIT has no owner');
		const t = await runCli(['free-port', String(base)]);
		assert.match(t.stdout, new RegExp(`^${base} +busy +1 TIME_WAIT$`, 'm'));
		assert.strictEqual(await bindable(base), false, 'the kernel let a server bind a client\'s TIME_WAIT port');
	});

	it('--udp looks at UDP sockets only, and TCP at TCP only', async () => {
		const base = await quietRun(2);
		const u = dgram.createSocket('udp4');
		await new Promise<void>((r) => u.bind(base, '127.0.0.1', () => r()));
		cleanup.push(() => u.close());
		const udp = JSON.parse((await runCli(['free-port', `${base}-${base + 1}`, '--udp', '--json'])).stdout) as FreePortJson;
		assert.deepStrictEqual(udp.free, [base + 1]);
		assert.deepStrictEqual(udp.ports[0].holders.map((h) => h.pid), [process.pid]);
		const tcp = JSON.parse((await runCli(['free-port', `${base}-${base + 1}`, '--json'])).stdout) as FreePortJson;
		assert.deepStrictEqual(tcp.free, [base, base + 1]);
	});

	it('looks in its own network namespace: a listener in another one does not hold the port here', async function () {
		if (spawnSync('unshare', ['-n', 'true']).status !== 0) this.skip();
		const base = await quietRun(1);
		const py: PyHelper = await startPython(
			`import socket,json,sys\ns=socket.socket();s.bind(('127.0.0.1',${base}));s.listen()\nprint(json.dumps({}));sys.stdout.flush()\nimport time;time.sleep(60)`,
			['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"'],
		);
		cleanup.push(() => py.stop());
		const here = JSON.parse((await runCli(['free-port', String(base), '--json'])).stdout) as FreePortJson;
		assert.deepStrictEqual(here.free, [base], 'the other namespace\'s listener was counted here');
		assert.match(String(here.netns), /^net:\[\d+\]$/);
		// Read from inside that namespace (the CLI run there), the same port is held.
		const there = await runCli(['free-port', String(base), '--json'], { wrap: ['nsenter', '-t', String(py.child.pid), '-n'] });
		const t = JSON.parse(there.stdout) as FreePortJson;
		assert.deepStrictEqual(t.free, [], there.stderr);
		assert.notStrictEqual(t.netns, here.netns);
	});

	it('refuses what is not a port or a range, with the reason and exit 2', async () => {
		for (const bad of ['0', '70000', '3100-3000', 'http', '1-20000']) {
			const r = await runCli(['free-port', bad]);
			assert.strictEqual(r.code, 2, bad);
			assert.match(r.stderr, /free-port takes one PORT or FROM-TO/);
		}
		assert.strictEqual((await runCli(['free-port'])).code, 2);
		assert.strictEqual((await runCli(['snapshot', '--udp'])).code, 2);
	});
});
