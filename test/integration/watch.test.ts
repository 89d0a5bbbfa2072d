// `procnet watch` for real: the built CLI as its own process, reading this machine's /proc, while
// this test opens, changes and closes sockets. Its lines are read as they come.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as net from 'net';
import { runCli, Watcher } from './helpers';

/** allowHalfOpen: an accepted end stays open (CLOSE_WAIT) when its peer ends. */
const listen = (allowHalfOpen = false) =>
	new Promise<net.Server>((resolve) => {
		const s = net.createServer({ allowHalfOpen }, (c) => c.on('error', () => undefined));
		s.listen(0, '127.0.0.1', () => resolve(s));
	});
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

describe('procnet watch (the command line, dist/cli.js)', function () {
	this.timeout(60000);

	it('prints this process\'s listener when it opens and when it closes, and nothing of other processes; SIGTERM ends it with 0', async () => {
		const w = new Watcher(['--pid', String(process.pid), '--interval', '0.2']);
		try {
			await w.started();
			// Another process's listener, opened and closed meanwhile: outside the selection.
			const other = spawn(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1e6)"], { stdio: ['ignore', 'pipe', 'ignore'] });
			const otherPort = await new Promise<number>((r) => other.stdout!.once('data', (d) => r(Number(String(d)))));
			const server = await listen();
			const port = portOf(server);
			const opened = await w.line((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d \\+ tcp +LISTEN +127\\.0\\.0\\.1:${port} +\\* +\\S+ \\(pid ${process.pid}\\)$`).test(l), `+ LISTEN :${port}`);
			const mark = w.lines.indexOf(opened);
			other.kill('SIGKILL');
			await new Promise<void>((r) => server.close(() => r()));
			await w.line((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d - tcp +LISTEN +127\\.0\\.0\\.1:${port} `).test(l), `- LISTEN :${port}`, mark);
			assert.ok(!w.lines.some((l) => l.includes(`:${otherPort} `)), `another process's listener was printed: ${JSON.stringify(w.lines)}`);
			w.child.kill('SIGTERM');
			assert.strictEqual(await w.exited, 0, w.stderr);
		} finally {
			w.stop();
		}
	});

	it('--json: one event per line; a connection closed by its peer is a change of state, with the state before', async () => {
		const w = new Watcher(['--pid', String(process.pid), '--interval', '0.2', '--json']);
		const server = await listen(true);
		try {
			await w.started();
			const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
			const client = net.connect(portOf(server), '127.0.0.1');
			await new Promise<void>((r) => client.once('connect', () => r()));
			const peer = await accepted;
			type Event = { at: string; event: string; fields?: string[]; before?: Record<string, unknown>; socket: { localPort: number; remotePort: number; state: string; owners: Array<{ pid: number }> } };
			const parse = (l: string) => JSON.parse(l) as Event;
			const isPeer = (e: Event) => e.socket.localPort === portOf(server) && e.socket.remotePort === client.localPort;
			const added = parse(await w.line((l) => { const e = parse(l); return e.event === 'new' && isPeer(e); }, 'the accepted end, new'));
			assert.strictEqual(added.socket.state, 'ESTABLISHED');
			assert.ok(added.socket.owners.some((o) => o.pid === process.pid));
			assert.ok(!Number.isNaN(Date.parse(added.at)));
			// The client closes: the accepted end, still open here, goes to CLOSE_WAIT.
			client.end();
			const changed = parse(await w.line((l) => { const e = parse(l); return e.event === 'changed' && isPeer(e) && e.socket.state === 'CLOSE_WAIT'; }, 'the accepted end, CLOSE_WAIT'));
			assert.ok(changed.fields!.includes('state'));
			assert.strictEqual(changed.before!.state, 'ESTABLISHED');
			peer.destroy();
			w.child.kill('SIGINT');
			assert.strictEqual(await w.exited, 0, w.stderr);
			for (const l of w.lines) parse(l); // every line is JSON
		} finally {
			w.stop();
			server.close();
		}
	});

	it('a connection its client closes goes on as the kernel\'s TIME_WAIT: one change of state (its owner gone), not a close and a new socket', async () => {
		const w = new Watcher(['--kind', 'tcp', '--interval', '0.2']);
		const server = await listen();
		try {
			await w.started();
			const client = net.connect(portOf(server), '127.0.0.1');
			await new Promise<void>((r) => client.once('connect', () => r()));
			const ends = `127\\.0\\.0\\.1:${client.localPort} +127\\.0\\.0\\.1:${portOf(server)}`;
			const opened = await w.line((l) => new RegExp(`\\+ tcp +ESTABLISHED +${ends} +\\S+ \\(pid ${process.pid}\\)$`).test(l), 'the client end, new');
			// The client closes first: its end ends in TIME_WAIT, held by the kernel (inode 0).
			client.end();
			const tw = await w.line((l) => new RegExp(`~ tcp +\\S+→TIME_WAIT +${ends} +\\[inode-0\\]`).test(l), 'the client end, TIME_WAIT', w.lines.indexOf(opened));
			// The change that took its owner says whose it was.
			const lost = w.lines.slice(w.lines.indexOf(opened)).find((l) => new RegExp(`~ tcp +ESTABLISHED→\\S+ +${ends} +\\[inode-0\\] +was \\S+ \\(pid ${process.pid}\\)$`).test(l));
			assert.ok(lost, `no change from ESTABLISHED that names the owner it had:\n${w.lines.join('\n')}`);
			assert.ok(!w.lines.some((l) => new RegExp(`- tcp +\\S+ +${ends} `).test(l)), `the client end was printed as closed:\n${w.lines.join('\n')}`);
			assert.ok(tw);
		} finally {
			w.stop();
			server.close();
		}
	});

	it('with --pid, ends with 0 once that process has exited, saying so', async () => {
		const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(0,'127.0.0.1');setInterval(()=>{},1e6)"], { stdio: 'ignore' });
		const w = new Watcher(['--pid', String(child.pid), '--interval', '0.2']);
		try {
			await w.started();
			child.kill('SIGTERM');
			assert.strictEqual(await w.exited, 0, w.stderr);
			assert.match(w.stderr, new RegExp(`pid ${child.pid} exited`));
		} finally {
			child.kill('SIGKILL');
			w.stop();
		}
	});

	it('refuses what it cannot watch: a pid that does not exist (1), a capture, a bad interval, --interval without watch (2)', async () => {
		const none = await runCli(['watch', '--pid', '999999999']);
		assert.strictEqual(none.code, 1);
		assert.match(none.stderr, /no process with pid 999999999/);
		for (const [args, msg] of [
			[['watch', '--from-capture', '/dev/null'], /watch reads a live host/],
			[['watch', '--interval', '0'], /--interval takes seconds from 0\.1 to 3600/],
			[['watch', '--interval', '1e3'], /--interval takes seconds/],
			[['watch', '--interval'], /--interval needs a value/],
			[['snapshot', '--interval', '2'], /--interval goes with watch/],
		] as Array<[string[], RegExp]>) {
			const r = await runCli(args);
			assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
			assert.match(r.stderr, msg);
		}
	});
});
