// An ssh host read the way the extension reads it: WorkerSource with a remote job, so that the
// session, the decoding, the parse and the join run in the built scan worker (dist/scanWorker.js)
// and only what changed crosses over. Against a real OpenSSH server on 127.0.0.1; the "remote"
// is this machine, so what it shows can be checked against this process's own sockets.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { closeTarget } from '../../src/collect/closeConnection';
import { WorkerSource } from '../../src/collect/workerSource';
import { sameSocket } from '../../src/model/diff';
import { tcpInfoTarget } from '../../src/model/ssTcpInfo';
import { processTraffic, trafficSockets, trafficTarget } from '../../src/model/traffic';
import { RemoteSourceError } from '../../src/collect/shellSource';
import { REPO } from './helpers';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

const WORKER = path.join(REPO, 'dist/scanWorker.js');

function listen(server: net.Server): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
	});
}

function alive(pid: number): boolean {
	return fs.existsSync(`/proc/${pid}`);
}

function parentOf(pid: number): number {
	const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Field 19 of /proc/PID/stat. */
function niceOf(pid: number): number {
	const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[16]);
}

(sshdAvailable() && fs.existsSync(WORKER) ? describe : describe.skip)('an ssh host read in the scan worker (WorkerSource with a remote job)', function () {
	this.timeout(60_000);
	let sshd: TestSshd;
	const server = net.createServer(() => undefined);
	let port = 0;
	const sources: WorkerSource[] = [];
	const track = (s: WorkerSource) => (sources.push(s), s);
	/** A connection to the test's server: both ends, once accepted. */
	const connection = async () => {
		const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
		const client = net.connect(port, '127.0.0.1');
		await new Promise<void>((r) => client.once('connect', r));
		return { client, peer: await accepted };
	};
	/**
	 * A worker over the test's sshd, and a connection whose client has sent `bytes` that its peer
	 * has read and acknowledged; then the worker's snapshot. The caller destroys the two ends.
	 */
	const sent = async (bytes: number) => {
		const src = track(new WorkerSource(WORKER, '/proc', 10, { kind: 'ssh', spec: 'procnet-test', configFile: sshd.configFile }));
		const { client, peer } = await connection();
		const got = new Promise<void>((r) => {
			let n = 0;
			peer.on('data', (d) => (n += d.length) === bytes && r());
		});
		client.write(Buffer.alloc(bytes, 1));
		await got;
		await new Promise((r) => setTimeout(r, 100)); // the last ack
		return { src, client, peer, snap: await src.snapshot() };
	};

	before(async () => {
		sshd = await startSshd();
		port = await listen(server);
	});

	after(async () => {
		for (const s of sources) s.dispose();
		server.close();
		await new Promise((r) => setTimeout(r, 500));
		await sshd?.stop();
	});

	it('shows this machine over ssh, then takes in only what changed, over one session that is a child of this process', async () => {
		const src = track(new WorkerSource(WORKER, '/proc', 10, { kind: 'ssh', spec: 'procnet-test', configFile: sshd.configFile }));
		assert.strictEqual(src.label, 'ssh procnet-test');
		const first = await src.snapshot();
		assert.strictEqual(src.lastTransfer?.full, true);
		const mine = first.sockets.find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === port);
		assert.ok(mine, 'the test\'s listener is in the remote snapshot');
		assert.deepStrictEqual(mine.owners.map((o) => o.pid), [process.pid]);
		assert.strictEqual(first.source.kind, 'ssh');
		const sessionPid = src.sessionPid;
		assert.ok(sessionPid && alive(sessionPid), 'a live ssh session');
		assert.strictEqual(parentOf(sessionPid), process.pid, 'the ssh child is this process\'s');
		// Started from the niced worker thread (nice is per thread, and a child inherits it), not
		// from this one: the session and everything done with its answers live in the worker.
		assert.strictEqual(niceOf(process.pid), 0);
		assert.strictEqual(niceOf(sessionPid), 10, 'the ssh child was started by the niced scan thread');

		// A new connection: the next refresh sends the few sockets that changed, not the host.
		const client = net.connect(port, '127.0.0.1');
		await new Promise((r) => client.once('connect', r));
		try {
			const second = await src.snapshot();
			assert.strictEqual(src.lastTransfer?.full, false);
			// A socket whose fields did not change was not sent again: it is the same object. (How
			// many did change depends on the machine: TIME_WAIT sockets left by other tests count
			// down their timers, so they change at every refresh.)
			const before = new Map(first.sockets.map((s) => [s.id, s]));
			let kept = 0;
			for (const s of second.sockets) {
				const b = before.get(s.id);
				if (!b || !sameSocket(b, s)) continue;
				assert.strictEqual(s, b, `socket ${s.id} was sent again unchanged`);
				kept++;
			}
			assert.ok(kept > 0 && src.lastTransfer!.upserts <= second.sockets.length - kept, `${kept} kept, ${src.lastTransfer!.upserts} sent`);
			assert.ok(src.lastDiff?.newSockets.some((s) => s.kind === 'tcp' && s.remotePort === port && s.localPort === client.localPort), 'the new connection is in the diff');
			// Unchanged sockets are the same objects as before (kept across refreshes).
			assert.strictEqual(second.sockets.find((s) => s.id === mine.id), mine);
			assert.strictEqual(src.sessionPid, sessionPid, 'the same session answered');
		} finally {
			client.destroy();
		}
	});

	it('signals through the worker\'s session after the start-time check, and ends and reopens the session', async () => {
		const src = track(new WorkerSource(WORKER, '/proc', 10, { kind: 'ssh', spec: 'procnet-test', configFile: sshd.configFile }));
		const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
		const exited = new Promise((r) => child.once('exit', r));
		try {
			const snap = await src.snapshot();
			const p = snap.processes.find((x) => x.pid === child.pid);
			assert.ok(p && p.startTicks !== null, 'the child is in the remote snapshot with its start time');
			assert.deepStrictEqual(await src.signal(p.pid, p.startTicks + 1, 'TERM'), { ok: false, reason: 'reused', message: `pid ${p.pid} now belongs to another process (it started at a different time); nothing was sent` });
			assert.ok(alive(p.pid), 'a wrong start time sends nothing');
			assert.deepStrictEqual(await src.signal(p.pid, p.startTicks, 'TERM'), { ok: true });
			await exited;

			const before = src.sessionPid!;
			await src.suspend();
			assert.strictEqual(src.sessionPid, undefined);
			assert.ok(!alive(before), 'the suspended session\'s ssh child is gone');
			const again = await src.snapshot();
			assert.strictEqual(src.lastTransfer?.full, false, 'the worker still holds what this side holds');
			assert.ok(again.sockets.length > 0);
			assert.ok(src.sessionPid && src.sessionPid !== before, 'a new session');
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('closes a connection through the worker\'s session: ss -K on the "remote", after its fd check', async () => {
		const src = track(new WorkerSource(WORKER, '/proc', 10, { kind: 'ssh', spec: 'procnet-test', configFile: sshd.configFile }));
		const { client, peer } = await connection();
		const errorOf = (sock: net.Socket) => new Promise<string>((r) => sock.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message)));
		const seen = errorOf(client);
		const reset = errorOf(peer);
		try {
			const snap = await src.snapshot();
			const s = snap.sockets.find((x) => x.kind === 'tcp' && x.localPort === client.localPort && x.remotePort === port)!;
			assert.ok(s, 'the client end is in the remote snapshot');
			const t = closeTarget(s)!;
			assert.deepStrictEqual([t.pid, t.src, t.dst], [process.pid, `127.0.0.1:${client.localPort}`, `127.0.0.1:${port}`]);
			// An fd that is not that socket (the session checks before ss runs): nothing is closed.
			assert.strictEqual((await src.close({ ...t, fd: t.fd! + 1000 })).ok, false);
			assert.ok(!client.destroyed, 'a failed fd check closes nothing');
			assert.deepStrictEqual(await src.close(t), { ok: true });
			assert.strictEqual(await seen, 'ECONNABORTED');
			assert.strictEqual(await reset, 'ECONNRESET');
			const again = await src.close(t);
			assert.strictEqual(!again.ok && again.reason, 'gone', 'the fd no longer holds it');
			// Values that are not addresses never reach the session.
			await assert.rejects(src.close({ ...t, src: '127.0.0.1:1;touch /tmp/x' }), /bad endpoints/);
		} finally {
			client.destroy();
			peer.destroy();
		}
	});

	it('asks the "remote"\'s ss about a TCP socket through the worker\'s session: bytes sent, by inode; after its fd check', async () => {
		const { src, client, peer, snap } = await sent(4321);
		try {
			const s = snap.sockets.find((x) => x.kind === 'tcp' && x.localPort === client.localPort && x.remotePort === port)!;
			const t = tcpInfoTarget(s)!;
			assert.deepStrictEqual([t.pid, t.sport, t.dport, t.family], [process.pid, client.localPort, port, 4]);
			const r = await src.tcpInfo(t);
			assert.ok(r.ok, JSON.stringify(r));
			assert.deepStrictEqual([r.info.inode, r.info.state, r.info.fields.bytes_sent, r.info.fields.bytes_acked], [s.inode, 'ESTAB', '4321', '4322']);
			// A listener: asked by both ports, its remote one 0, so that the ends of the connections
			// it accepted (which share its local port) stay out of ss's answer.
			const l = snap.sockets.find((x) => x.kind === 'tcp' && x.state === 'LISTEN' && x.localPort === port)!;
			const lt = tcpInfoTarget(l)!;
			assert.strictEqual(lt.dport, 0);
			const lr = await src.tcpInfo(lt);
			assert.ok(lr.ok, JSON.stringify(lr));
			assert.deepStrictEqual([lr.info.inode, lr.info.state], [l.inode, 'LISTEN']);
			// An fd that is not that socket: the session checks before ss runs.
			assert.deepStrictEqual(await src.tcpInfo({ ...t, fd: t.fd! + 1000 }), { ok: false, reason: 'gone', message: 'the socket is closed on ssh procnet-test' });
			// Values that are not numbers never reach the session.
			await assert.rejects(src.tcpInfo({ ...t, sport: '1;touch /tmp/x' as unknown as number }), /bad ports/);
		} finally {
			client.destroy();
			peer.destroy();
		}
	});

	it('asks the "remote"\'s ss about all of a process\'s connections in one round trip of the worker\'s session: each one\'s bytes, by inode; after its fd check', async () => {
		const { src, client, peer, snap } = await sent(5000);
		try {
			const mine = trafficSockets(snap.sockets.filter((x) => x.owners.some((o) => o.pid === process.pid) && (x.localPort === port || x.remotePort === port)));
			assert.strictEqual(mine.length, 2, 'both ends of the connection');
			const t = trafficTarget(mine, process.pid)!;
			assert.deepStrictEqual([t.pid, [...t.ports].sort()], [process.pid, [client.localPort!, port].sort()], 'both ends\' ports');
			const r = await src.traffic(t);
			assert.ok(r.ok, JSON.stringify(r));
			const traffic = processTraffic(mine, r.infos, undefined, Date.now()).traffic;
			assert.deepStrictEqual([traffic.answered, traffic.sent, traffic.received], [2, 5000, 5000]);
			const byLocal = new Map(traffic.top.map((c) => [c.local, c]));
			assert.strictEqual(byLocal.get(`127.0.0.1:${client.localPort}`)?.sent, 5000);
			assert.strictEqual(byLocal.get(`127.0.0.1:${port}`)?.received, 5000);
			// An fd that is not that socket: the session checks before ss runs.
			assert.deepStrictEqual(await src.traffic({ ...t, fd: t.fd + 1000 }), { ok: false, reason: 'gone', message: 'the process no longer holds that socket on ssh procnet-test' });
			// Values that are not ports, or a key that is not one of the two, never reach the session.
			await assert.rejects(src.traffic({ ...t, ports: ['1;touch /tmp/x' as unknown as number] }), /bad ports/);
			await assert.rejects(src.traffic({ ...t, key: 'sport;id' as 'sport' }), /bad key/);
		} finally {
			client.destroy();
			peer.destroy();
		}
	});

	it('fails an unreachable host within seconds with the typed reason, and dispose() leaves no ssh child', async () => {
		const closed = await new Promise<number>((resolve) => {
			const s = net.createServer().listen(0, '127.0.0.1', () => {
				const p = (s.address() as net.AddressInfo).port;
				s.close(() => resolve(p));
			});
		});
		const bad = track(new WorkerSource(WORKER, '/proc', 10, { kind: 'ssh', spec: `127.0.0.1:${closed}`, configFile: sshd.configFile }));
		const t0 = Date.now();
		await assert.rejects(bad.snapshot(), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'connection-refused' && /connection refused/.test(e.message));
		assert.ok(Date.now() - t0 < 6000, `failed after ${Date.now() - t0} ms`);

		const src = new WorkerSource(WORKER, '/proc', 10, { kind: 'ssh', spec: 'procnet-test', configFile: sshd.configFile });
		await src.snapshot();
		const pid = src.sessionPid!;
		assert.ok(alive(pid));
		src.dispose();
		for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
		assert.ok(!alive(pid), 'the ssh child ended with its source');
		await assert.rejects(src.snapshot(), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'disposed');
	});
});
