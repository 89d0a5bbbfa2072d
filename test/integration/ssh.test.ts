// Remote sources for real: a real OpenSSH server on 127.0.0.1 (sshd.ts), the system ssh client,
// and command sources (`sh`, `unshare -n sh`, `busybox sh` with only busybox on PATH). The
// "remote" host is this machine, so a remote snapshot can be checked against a local one of the
// same sockets, which this test opens.
import * as assert from 'assert';
import { execFile, execFileSync, spawn, spawnSync } from 'child_process';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Capture } from '../../src/collect/capture';
import { readProcTree } from '../../src/collect/procfsReader';
import { readCaptureFile } from '../../src/collect/remoteCapture';
import { captureRecipe } from '../../src/collect/remoteScript';
import { commandSource, RemoteSourceError, ShellSource, sshArgv, sshSource, type RemoteFailure } from '../../src/collect/shellSource';
import { buildSnapshot } from '../../src/model/join';
import type { Snapshot, SocketInfo } from '../../src/model/snapshot';
import { childrenNamed, CLI, outcome, ownerPids, runCli, startPython, tempDir, Watcher } from './helpers';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

function listen(server: net.Server, ...args: unknown[]): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		(server.listen as (...a: unknown[]) => void)(...args, () => resolve());
	});
}

function connect(port: number): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const s = net.connect(port, '127.0.0.1', () => resolve(s));
		s.once('error', reject);
	});
}

/** What must agree between two views of one socket. */
function essentials(s: SocketInfo) {
	return {
		kind: s.kind,
		ipVersion: s.ipVersion,
		localAddress: s.localAddress,
		localPort: s.localPort,
		remoteAddress: s.remoteAddress,
		remotePort: s.remotePort,
		state: s.state,
		inode: s.inode,
		path: s.path,
		netns: s.netns,
		owners: ownerPids(s),
		ownerUnknown: s.ownerUnknown,
	};
}

function processEssentials(snap: Snapshot, pid: number) {
	const p = snap.processes.find((x) => x.pid === pid);
	assert.ok(p, `process ${pid} is listed`);
	return { pid: p.pid, ppid: p.ppid, name: p.name, cmdline: p.cmdline, uid: p.uid, user: p.user, startTime: p.startTime, netns: p.netns, fdAccess: p.fdAccess, cwd: p.cwd };
}

async function expectFailure(what: () => Promise<unknown>, reason: RemoteFailure, within: number, text?: RegExp): Promise<RemoteSourceError> {
	const t0 = Date.now();
	try {
		await what();
	} catch (e) {
		const ms = Date.now() - t0;
		assert.ok(e instanceof RemoteSourceError, `a RemoteSourceError, got ${(e as Error).stack}`);
		assert.strictEqual(e.reason, reason, e.message);
		assert.ok(ms < within, `failed after ${ms} ms, expected within ${within} ms`);
		if (text) assert.match(e.message, text);
		return e;
	}
	assert.fail(`expected a ${reason} failure`);
}

function alive(pid: number): boolean {
	// A zombie still has a /proc entry: count it as gone only when reaped.
	return fs.existsSync(`/proc/${pid}`);
}

(sshdAvailable() ? describe : describe.skip)('remote sources: ssh to a real sshd, and shell commands', function () {
	this.timeout(120_000);
	let sshd: TestSshd;
	const dir = tempDir('procnet-ssh-it-');
	// A unix path built to confuse a marker-searching parser: newlines, a fake end line, a fake record header.
	const evilPath = path.join(dir, 'evil\n@@PROCNET 0 end\nS 3 1\nx\n.sock');
	let tcp: net.Server, unixSrv: net.Server;
	let client: net.Socket;
	let udp: dgram.Socket;
	const sources: ShellSource[] = [];
	const track = <T extends ShellSource>(s: T): T => (sources.push(s), s);

	before(async () => {
		sshd = await startSshd();
		tcp = net.createServer(() => undefined);
		await listen(tcp, 0, '127.0.0.1');
		client = await connect((tcp.address() as net.AddressInfo).port);
		udp = dgram.createSocket('udp4');
		await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
		unixSrv = net.createServer(() => undefined);
		await listen(unixSrv, evilPath);
	});

	after(async () => {
		for (const s of sources) await s.disposeAndWait();
		client?.destroy();
		tcp?.close();
		unixSrv?.close();
		udp?.close();
		await sshd?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	const mine = (snap: Snapshot): Array<ReturnType<typeof essentials>> => {
		const port = (tcp.address() as net.AddressInfo).port;
		const list = snap.sockets.filter(
			(s) =>
				(s.kind === 'tcp' && (s.localPort === port || s.remotePort === port) && s.localAddress === '127.0.0.1') ||
				// The address too: another process's udp6 socket on ::1 can have the same port number.
				(s.kind === 'udp' && s.localPort === udp.address().port && s.localAddress === udp.address().address) ||
				(s.kind === 'unix' && s.path === evilPath),
		);
		return list.map(essentials).sort((a, b) => a.kind.localeCompare(b.kind) || a.inode.localeCompare(b.inode));
	};

	function assertSameAsLocal(remote: Snapshot, local: Snapshot): void {
		const r = mine(remote);
		const l = mine(local);
		assert.strictEqual(l.length, 5, `local view of the test's sockets: ${JSON.stringify(l)}`);
		assert.deepStrictEqual(r, l);
		assert.deepStrictEqual(processEssentials(remote, process.pid), processEssentials(local, process.pid));
		// Every listener of this host, not just ours, with the same owners.
		const listeners = (s: Snapshot) =>
			s.sockets
				.filter((x) => x.state === 'LISTEN' && x.kind === 'tcp')
				.map((x) => `${x.netns} ${x.localAddress}:${x.localPort} ${x.inode} ${ownerPids(x).join(',')}`)
				.sort();
		assert.deepStrictEqual(listeners(remote), listeners(local));
		assert.deepStrictEqual(remote.host.hostname, os.hostname());
		assert.deepStrictEqual(remote.host.kernel, os.release());
	}

	it('a snapshot over ssh equals a local snapshot of the same sockets (including a unix path with newlines and a fake end marker)', async () => {
		const src = track(sshSource('procnet-test', { configFile: sshd.configFile }));
		const remote = await src.snapshot();
		const local = buildSnapshot(readProcTree());
		assertSameAsLocal(remote, local);
		assert.strictEqual(remote.source?.kind, 'ssh');
		const evil = remote.sockets.find((s) => s.path === evilPath);
		assert.ok(evil && !evil.suspect, 'the unix socket keeps its whole path');
		assert.deepStrictEqual(ownerPids(evil), [process.pid]);
		assert.deepStrictEqual(remote.warnings, local.warnings);
	});

	it('memory and CPU time over ssh: the host\'s page size (getconf) and clock tick, the same figures as a local read', async () => {
		// An idle process holding 64 MiB: its memory and CPU time hold still between the two reads.
		const holder = await startPython(`import json, os, time\nb = b'x' * (64 << 20)\nprint(json.dumps({"pid": os.getpid()}))\ntime.sleep(60)\n`);
		try {
			const pid = holder.info.pid as number;
			const src = track(sshSource('procnet-test', { configFile: sshd.configFile }));
			const remote = await src.snapshot();
			const local = buildSnapshot(readProcTree());
			const r = remote.processes.find((p) => p.pid === pid)!;
			const l = local.processes.find((p) => p.pid === pid)!;
			assert.ok(r.rssBytes !== null && r.rssBytes >= 64 * 2 ** 20, `remote rss ${r.rssBytes}`);
			assert.ok(l.rssBytes !== null && Math.abs(r.rssBytes - l.rssBytes) <= 0.02 * l.rssBytes, `remote rss ${r.rssBytes}, local ${l.rssBytes}`);
			assert.ok(Math.abs(r.cpuSeconds - l.cpuSeconds) <= 0.05, `remote CPU ${r.cpuSeconds} s, local ${l.cpuSeconds} s`);
			// This test's process has run long enough to have used some CPU time, read over ssh too.
			assert.ok(remote.processes.find((p) => p.pid === process.pid)!.cpuSeconds > 0);
		} finally {
			holder.stop();
		}
	});

	it('keeps one ssh session per host: a second refresh reuses it (same ssh child, one TCP connection, no new sshd connection)', async () => {
		const src = track(sshSource('procnet-test', { configFile: sshd.configFile }));
		await src.capture();
		const pid = src.sessionPid!;
		const accepted = sshd.acceptedConnections();
		const snap = await src.snapshot();
		await src.snapshot();
		assert.strictEqual(src.sessionPid, pid);
		assert.strictEqual(src.sessionsStarted, 1);
		assert.strictEqual(sshd.acceptedConnections(), accepted, 'sshd accepted no new connection');
		// The session's own TCP connection to sshd, seen in the remote snapshot: one, owned by the ssh child.
		const toSshd = snap.sockets.filter((s) => s.kind === 'tcp' && s.remotePort === sshd.port && s.state === 'ESTABLISHED' && ownerPids(s).includes(pid));
		assert.strictEqual(toSshd.length, 1, JSON.stringify(toSshd.map(essentials)));
		const fromThisSource = snap.sockets.filter((s) => s.kind === 'tcp' && s.remotePort === sshd.port && ownerPids(s).some((o) => o === pid));
		assert.strictEqual(fromThisSource.length, 1);
	});

	it('reconnects on the next refresh when the session dropped', async () => {
		const src = track(sshSource('procnet-test', { configFile: sshd.configFile }));
		await src.capture();
		const first = src.sessionPid!;
		process.kill(first, 'SIGKILL');
		await new Promise((r) => setTimeout(r, 200));
		const snap = await src.snapshot();
		assert.ok(snap.sockets.length > 0);
		assert.notStrictEqual(src.sessionPid, first);
		assert.strictEqual(src.sessionsStarted, 2);
		assert.ok(!alive(first), 'the killed ssh child was reaped');
	});

	it('dispose() ends the ssh child and the remote shell: no process is left behind', async () => {
		const src = sshSource('procnet-test', { configFile: sshd.configFile });
		const cap = await src.capture();
		const sshPid = src.sessionPid!;
		const remoteShell = cap.selfPid!;
		assert.ok(alive(sshPid) && alive(remoteShell));
		assert.deepStrictEqual(childrenNamed(process.pid).filter((p) => p === sshPid), [sshPid]);
		await src.disposeAndWait();
		assert.ok(!alive(sshPid), 'the ssh child is gone (and reaped)');
		for (let i = 0; i < 50 && alive(remoteShell); i++) await new Promise((r) => setTimeout(r, 100));
		assert.ok(!alive(remoteShell), 'the remote sh exited');
		await expectFailure(() => src.capture(), 'disposed', 1000);
	});

	it('a refresh times out instead of hanging when the remote stalls, and closes that session', async () => {
		// A "shell" that never answers: ssh runs `sleep` instead of sh.
		const argv = sshArgv('procnet-test', { configFile: sshd.configFile });
		argv[argv.length - 1] = 'exec sleep 600';
		const src = track(new ShellSource(argv, 'ssh stall', 'ssh', { timeoutMs: 1500 }));
		const p = src.capture();
		await new Promise((r) => setTimeout(r, 300));
		const pid = src.sessionPid!;
		await expectFailure(() => p, 'timeout', 3000, /no complete answer within 1\.5 s/);
		for (let i = 0; i < 30 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
		assert.ok(!alive(pid), 'the stalled ssh child was killed');
	});

	describe('failures are typed, clear and fast', () => {
		const fail = (host: string, reason: RemoteFailure, text: RegExp, opts: { procRoot?: string } = {}) => async () => {
			const src = track(sshSource(host, { configFile: sshd.configFile, ...opts }));
			await expectFailure(() => src.capture(), reason, 6000, text);
			// A transport failure leaves no session; an answer saying "no /proc" comes over a healthy one.
			if (reason === 'no-proc') assert.ok(src.sessionPid !== undefined);
			else assert.strictEqual(src.sessionPid, undefined, 'no session is left open');
		};
		it('unknown host', fail('nonexistent.invalid', 'unknown-host', /unknown host.*Could not resolve hostname/));
		it('connection refused', async () => {
			const closed = await new Promise<number>((resolve) => {
				const s = net.createServer().listen(0, '127.0.0.1', () => {
					const port = (s.address() as net.AddressInfo).port;
					s.close(() => resolve(port));
				});
			});
			await fail(`127.0.0.1:${closed}`, 'connection-refused', /connection refused/)();
		});
		it('authentication failure (a key the server does not know)', fail('procnet-badkey', 'auth-failed', /authentication failed.*Permission denied \(publickey\)/));
		it('host key mismatch (known_hosts holds another key): refused, never accepted', fail('procnet-badhostkey', 'host-key-changed', /host key mismatch/));
		it('unknown host key with strict checking', fail('procnet-unknownkey', 'host-key-unknown', /host key not known/));
		it('a config with StrictHostKeyChecking no still never connects to a changed key (procnet uses accept-new)', fail('procnet-insecure', 'host-key-changed', /host key mismatch/));
		it('no /proc on the remote (a proc root that does not exist)', fail('procnet-test', 'no-proc', /cannot read \/nonexistent-proc.*is this Linux/, { procRoot: '/nonexistent-proc' }));
		it('a host that is not Linux', async () => {
			// uname says Darwin, and there is no /proc: a stand-in for a macOS host.
			const bin = tempDir('procnet-fake-uname-');
			fs.writeFileSync(path.join(bin, 'uname'), '#!/bin/sh\n[ "$1" = -s ] && echo Darwin || echo x\n', { mode: 0o755 });
			try {
				const src = track(commandSource(['sh'], 'fake mac', { procRoot: '/nonexistent-proc', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }));
				await expectFailure(() => src.capture(), 'not-linux', 3000, /not Linux \(uname -s: Darwin\)/);
			} finally {
				fs.rmSync(bin, { recursive: true, force: true });
			}
		});
		it('command not found (a command source whose program does not exist)', async () => {
			const src = track(commandSource(['procnet-no-such-program', 'sh']));
			await expectFailure(() => src.capture(), 'command-not-found', 2000, /command not found: procnet-no-such-program/);
		});
		it('a command that exits before answering', async () => {
			const src = track(commandSource(['sh', '-c', 'echo broken >&2; exit 3']));
			await expectFailure(() => src.capture(), 'transport-exited', 2000, /ended before answering \(broken\)/);
		});
		it('host names that could be options or shell syntax are refused before anything runs', () => {
			for (const h of ['-oProxyCommand=touch /tmp/x', 'a b', 'host;rm', 'host$(id)', 'h:0', 'h:99999', 'user name@h', '', '@h', '[::1', 'host:port']) {
				assert.throws(() => sshSource(h), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'bad-host', h);
			}
		});
	});

	describe('any shell command as the transport', () => {
		it('["sh"]: the same protocol over a local shell gives the same sockets', async () => {
			const src = track(commandSource(['sh'], 'sh'));
			const remote = await src.snapshot();
			assertSameAsLocal(remote, buildSnapshot(readProcTree()));
			assert.strictEqual(remote.source?.kind, 'command');
		});

		it('["unshare","-n","sh"]: the collector runs in its own network namespace, and says so', async () => {
			const src = track(commandSource(['unshare', '-n', 'sh'], 'unshare -n sh'));
			const cap = await src.capture();
			const snap = buildSnapshot(cap);
			const me = snap.processes.find((p) => p.pid === process.pid)!;
			const shell = snap.processes.find((p) => p.pid === cap.selfPid)!;
			assert.ok(shell.netns && me.netns);
			assert.notStrictEqual(shell.netns, me.netns, 'the collector\'s shell is in another namespace');
			assert.ok(cap.namespaces.some((n) => n.id === shell.netns), 'the new namespace\'s tables were read');
			// Our sockets are still ours, in our namespace.
			assertSameAsLocal(snap, buildSnapshot(readProcTree()));
			// And the local reader agrees about the collector's namespace.
			assert.strictEqual(fs.readlinkSync(`/proc/${cap.selfPid}/ns/net`), shell.netns);
		});

		const busybox = spawnSync('busybox', ['--list']);
		(busybox.status === 0 ? it : it.skip)('busybox: `busybox sh` with only busybox applets on PATH gives an equivalent capture (gzip and raw)', async () => {
			const bin = tempDir('procnet-busybox-');
			const bb = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
			for (const applet of busybox.stdout.toString().split('\n').filter(Boolean)) fs.symlinkSync(bb, path.join(bin, applet));
			try {
				for (const compression of ['gzip', 'none'] as const) {
					const src = track(commandSource([path.join(bin, 'sh')], 'busybox sh', { env: { PATH: bin }, compression }));
					const cap = await src.capture();
					assert.strictEqual(src.lastStats?.encoding, compression === 'gzip' ? 'gzip64' : 'raw');
					assertSameAsLocal(buildSnapshot(cap), buildSnapshot(readProcTree()));
					await src.disposeAndWait();
				}
			} finally {
				fs.rmSync(bin, { recursive: true, force: true });
			}
		});
	});

	describe('the procnet command line', () => {
		// sshd logs a connection from its own child, a moment after accepting it: the count is read
		// once it has stopped moving (startSshd's port probe may still be on its way).
		const settled = async () => {
			for (let n = sshd.acceptedConnections(); ; ) {
				await new Promise((r) => setTimeout(r, 500));
				const m = sshd.acceptedConnections();
				if (m === n) return n;
				n = m;
			}
		};

		it('watch --ssh HOST: every read goes through one session; a listener\'s opening and closing are printed', async () => {
			const sessions = await settled();
			const w = new Watcher(['--ssh', 'procnet-test', '--ssh-config', sshd.configFile, '--pid', String(process.pid), '--interval', '0.2']);
			const server = net.createServer();
			try {
				await w.started();
				await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
				const port = (server.address() as net.AddressInfo).port;
				const opened = await w.line((l) => new RegExp(`\\+ tcp +LISTEN +127\\.0\\.0\\.1:${port} +\\* +\\S+ \\(pid ${process.pid}\\)$`).test(l), `+ LISTEN :${port}`);
				await new Promise<void>((r) => server.close(() => r()));
				await w.line((l) => new RegExp(`- tcp +LISTEN +127\\.0\\.0\\.1:${port} `).test(l), `- LISTEN :${port}`, w.lines.indexOf(opened));
				w.child.kill('SIGTERM');
				assert.strictEqual(await w.exited, 0, w.stderr);
				assert.strictEqual(await settled(), sessions + 1, 'one ssh session for all the reads');
			} finally {
				w.stop();
				server.close();
			}
		});

		it('snapshot --ssh HOST --ssh-config FILE --json', async () => {
			const r = await runCli(['snapshot', '--ssh', 'procnet-test', '--ssh-config', sshd.configFile, '--json']);
			assert.strictEqual(r.code, 0, r.stderr);
			const snap = JSON.parse(r.stdout) as Snapshot;
			assertSameAsLocal(snap, buildSnapshot(readProcTree()));
		});

		it('PROCNET_SSH_CONFIG passes the config file; a failure exits 1 with the reason', async () => {
			const env = { ...process.env, PROCNET_SSH_CONFIG: sshd.configFile };
			const ok = await runCliEnv(['snapshot', '--ssh', 'procnet-test', '--listening'], env);
			assert.strictEqual(ok.code, 0, ok.stderr);
			assert.match(ok.stdout, new RegExp(`127\\.0\\.0\\.1:${(tcp.address() as net.AddressInfo).port}`));
			const bad = await runCliEnv(['snapshot', '--ssh', 'procnet-badkey'], env);
			assert.strictEqual(bad.code, 1);
			assert.match(bad.stderr, /^procnet: ssh procnet-badkey: authentication failed/);
			const usage = await runCliEnv(['snapshot', '--ssh', '-oProxyCommand=x'], env);
			assert.strictEqual(usage.code, 2);
		});

		it('capture --ssh HOST > file, then snapshot --from-capture file', async () => {
			const r = await runCli(['capture', '--ssh', 'procnet-test', '--ssh-config', sshd.configFile]);
			assert.strictEqual(r.code, 0, r.stderr);
			const cap = JSON.parse(r.stdout) as Capture;
			assert.strictEqual(cap.source.kind, 'ssh');
			assert.strictEqual(cap.source.label, 'ssh procnet-test');
			const file = path.join(dir, 'ssh-capture.json');
			fs.writeFileSync(file, r.stdout);
			const s = await runCli(['snapshot', '--from-capture', file, '--json']);
			assert.strictEqual(s.code, 0, s.stderr);
			assertSameAsLocal(JSON.parse(s.stdout) as Snapshot, buildSnapshot(readProcTree()));
		});

		(spawnSync('ss', ['-V']).status === 0 ? it : it.skip)('traffic --ssh HOST: a process\'s rates from the host\'s ss through one session, with --pid and without', async () => {
			const code = `const net=require('net');const s=net.createServer((c)=>c.resume()).listen(0,'127.0.0.1',async()=>{const c=net.connect(s.address().port,'127.0.0.1');await new Promise((r)=>c.once('connect',r));setInterval(()=>c.write(Buffer.alloc(65536,1)),50);console.log('up');});`;
			const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
			try {
				await new Promise((r) => child.stdout!.once('data', r));
				const sessions = await settled();
				for (const args of [['--pid', String(child.pid)], ['--count', '1000']]) {
					const r = await runCli(['traffic', '--ssh', 'procnet-test', '--ssh-config', sshd.configFile, '--interval', '1', '--samples', '1', '--json', ...args]);
					assert.strictEqual(r.code, 0, r.stderr);
					const row = (JSON.parse(r.stdout) as { processes: Array<{ pid: number; connections: number; sentRate: number; receivedRate: number }> }).processes.find((p) => p.pid === child.pid);
					assert.ok(row, `${args.join(' ')}: ${r.stdout}`);
					assert.strictEqual(row.connections, 2);
					assert.ok(row.sentRate > 300_000 && row.receivedRate > 300_000, `${args.join(' ')}: ${JSON.stringify(row)}`);
				}
				assert.strictEqual(await settled(), sessions + 2, 'one ssh session per run: reads and ss runs share it');
			} finally {
				child.kill('SIGKILL');
			}
		});

		it('kill-port --ssh HOST PORT: reads and signals through one session; the listener\'s owner ends by SIGTERM', async () => {
			const child = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)"], { stdio: ['ignore', 'pipe', 'inherit'] });
			const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
			try {
				const port = Number(String(await new Promise((r) => child.stdout!.once('data', r))).trim());
				const sessions = await settled();
				const r = await runCli(['kill-port', String(port), '--ssh', 'procnet-test', '--ssh-config', sshd.configFile]);
				assert.strictEqual(r.code, 0, r.stderr);
				assert.strictEqual(await exited, 'SIGTERM');
				assert.match(r.stdout, new RegExp(`^terminated node \\(pid ${child.pid}\\) on ${port}/tcp$`, 'm'));
				assert.strictEqual(await settled(), sessions + 1, 'the read and the signals share one ssh session');
			} finally {
				child.kill('SIGKILL');
			}
		});

		(spawnSync('ss', ['-V']).status === 0 ? it : it.skip)('close --ssh HOST LOCAL REMOTE: reads and closes through one session; the owner sees ECONNABORTED; a listener is refused', async () => {
			const server = net.createServer();
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
			const port = (server.address() as net.AddressInfo).port;
			const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
			const client = await connect(port);
			const peer = await accepted;
			const seen = outcome(client);
			const reset = outcome(peer);
			const [lport, rport] = [client.localPort!, client.remotePort!];
			try {
				const sessions = await settled();
				// The remote is this machine, so only its ss may close it: the command line's PATH
				// has ssh and no ss (a close tried here would say that ss is missing).
				const bin = tempDir('procnet-only-ssh-');
				fs.symlinkSync(execFileSync('sh', ['-c', 'command -v ssh'], { encoding: 'utf8' }).trim(), path.join(bin, 'ssh'));
				const r = await runCli(['close', '--ssh', 'procnet-test', `127.0.0.1:${lport}`, `127.0.0.1:${rport}`, '--ssh-config', sshd.configFile], { env: { PATH: bin } });
				fs.rmSync(bin, { recursive: true, force: true });
				assert.strictEqual(r.code, 0, r.stderr);
				assert.match(r.stdout, new RegExp(`^closed tcp 127\\.0\\.0\\.1:${lport} -> 127\\.0\\.0\\.1:${rport} held by \\S+ \\(pid ${process.pid}, fd \\d+\\)\\n$`));
				assert.strictEqual(await seen, 'ECONNABORTED');
				assert.strictEqual(await reset, 'ECONNRESET');
				assert.strictEqual(await settled(), sessions + 1, 'the read and the close share one ssh session');
				assert.ok(!buildSnapshot(readProcTree()).sockets.some((s) => s.kind === 'tcp' && s.localPort === lport && s.remotePort === rport && s.state === 'ESTABLISHED'), 'the connection is gone');

				const listener = await runCli(['close', '--ssh=procnet-test', '--ssh-config', sshd.configFile, '--id', buildSnapshot(readProcTree()).sockets.find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === port)!.id]);
				assert.strictEqual(listener.code, 1);
				assert.match(listener.stderr, /is not a TCP connection held by a process/);
				assert.ok(buildSnapshot(readProcTree()).sockets.some((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === port), 'the listener stays');

				const unreachable = await runCli(['close', '--ssh', 'procnet-badkey', '--ssh-config', sshd.configFile, `127.0.0.1:${lport}`, `127.0.0.1:${rport}`]);
				assert.strictEqual(unreachable.code, 1);
				assert.match(unreachable.stderr, /^procnet: ssh procnet-badkey: authentication failed/);
				for (const bad of [['--ssh', '-oProxyCommand=touch /tmp/procnet-pwned', '127.0.0.1:1', '127.0.0.1:2'], ['--ssh-config', sshd.configFile, '127.0.0.1:1', '127.0.0.1:2'], ['127.0.0.1:1', '127.0.0.1:2', '--ssh']]) {
					const u = await runCli(['close', ...bad]);
					assert.strictEqual(u.code, 2, `${bad.join(' ')}: ${u.stderr}`);
				}
				assert.ok(!fs.existsSync('/tmp/procnet-pwned'));
			} finally {
				client.destroy();
				peer.destroy();
				server.close();
			}
		});

		it('capture --recipe: a one-line sh command whose output --from-capture reads (raw and gzipped)', async () => {
			const r = await runCli(['capture', '--recipe']);
			assert.strictEqual(r.code, 0, r.stderr);
			const recipe = r.stdout.trim();
			assert.strictEqual(recipe, captureRecipe());
			assert.ok(!recipe.includes('\n'), 'one line');
			const work = tempDir('procnet-recipe-');
			try {
				execFileSync('sh', ['-c', recipe], { cwd: work });
				const file = path.join(work, 'procnet-capture.txt');
				assert.ok(fs.readFileSync(file, 'latin1').startsWith('@@PROCNET capture begin raw\n'));
				const s = await runCli(['snapshot', '--from-capture', file, '--json']);
				assert.strictEqual(s.code, 0, s.stderr);
				const snap = JSON.parse(s.stdout) as Snapshot;
				assert.strictEqual(snap.source?.kind, 'file');
				assertSameAsLocal(snap, buildSnapshot(readProcTree()));
				execFileSync('gzip', [file]);
				const g = await runCli(['snapshot', '--from-capture', `${file}.gz`, '--json']);
				assert.strictEqual(g.code, 0, g.stderr);
				assert.deepStrictEqual(mine(JSON.parse(g.stdout) as Snapshot), mine(snap));
				assert.deepStrictEqual(readCaptureFile(fs.readFileSync(`${file}.gz`), 'x').processes.length > 0, true);
			} finally {
				fs.rmSync(work, { recursive: true, force: true });
			}
		});
	});

	it('measures: bytes per refresh (gzip vs raw) and time of a refresh over ssh vs local', async () => {
		const gz = track(sshSource('procnet-test', { configFile: sshd.configFile }));
		const raw = track(sshSource('procnet-test', { configFile: sshd.configFile, compression: 'none' }));
		await gz.capture();
		await raw.capture();
		const times = { gzip: [] as number[], raw: [] as number[], local: [] as number[] };
		for (let i = 0; i < 3; i++) {
			let t = Date.now();
			await gz.snapshot();
			times.gzip.push(Date.now() - t);
			t = Date.now();
			await raw.snapshot();
			times.raw.push(Date.now() - t);
			t = Date.now();
			buildSnapshot(readProcTree());
			times.local.push(Date.now() - t);
		}
		const med = (a: number[]) => [...a].sort((x, y) => x - y)[1];
		const sockets = fs.readFileSync('/proc/net/sockstat', 'utf8').match(/sockets: used (\d+)/)?.[1];
		console.log(
			`      [measure] ${sockets} sockets in use; per refresh: gzip64 ${gz.lastStats!.wireBytes} B on the wire (${gz.lastStats!.bodyBytes} B of records), raw ${raw.lastStats!.wireBytes} B; ` +
				`median snapshot time: ssh+gzip ${med(times.gzip)} ms, ssh raw ${med(times.raw)} ms, local ${med(times.local)} ms`,
		);
		assert.ok(gz.lastStats!.wireBytes < raw.lastStats!.wireBytes);
	});
});

function runCliEnv(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(process.execPath, [CLI, ...args], { env, maxBuffer: 512 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
			const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}
