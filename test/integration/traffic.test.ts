// `procnet traffic` for real: the built CLI, this machine's /proc and its ss, while a process of
// this test's moves a known ~1.3 MB/s over one of its three connections to itself.
import * as assert from 'assert';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { runCli } from './helpers';

const haveSs = spawnSync('ss', ['-V']).status === 0;

interface Interval {
	at: string;
	seconds: number;
	processes: Array<{ pid: number; name: string; connections: number; sentRate: number | null; receivedRate: number | null; sent: number; received: number }>;
}

describe('procnet traffic (the command line, dist/cli.js)', function () {
	this.timeout(60000);
	let pumper: ChildProcess | undefined;
	let idle: ChildProcess | undefined;
	before(async function () {
		if (!haveSs) this.skip();
		const code = `const net=require('net');const s=net.createServer((c)=>c.resume()).listen(0,'127.0.0.1',async()=>{const port=s.address().port;const cs=[];for(let i=0;i<3;i++){const c=net.connect(port,'127.0.0.1');await new Promise((r)=>c.once('connect',r));cs.push(c);}if(process.argv[1]==='pump')setInterval(()=>cs[1].write(Buffer.alloc(65536,1)),50);console.log(port);});`;
		const start = (mode: string) => {
			const child = spawn(process.execPath, ['-e', code, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
			return new Promise<ChildProcess>((resolve) => child.stdout!.once('data', () => resolve(child)));
		};
		pumper = await start('pump');
		idle = await start('idle');
	});
	after(() => {
		pumper?.kill('SIGKILL');
		idle?.kill('SIGKILL');
	});

	it('--json: each interval\'s processes, busiest first, with rates each way from the kernel\'s counters', async () => {
		const r = await runCli(['traffic', '--pid', `${idle!.pid},${pumper!.pid}`, '--interval', '1', '--samples', '2', '--json']);
		assert.strictEqual(r.code, 0, r.stderr);
		assert.match(r.stderr, /^procnet: measuring the TCP traffic of 2 processes on .+; the first rates in 1 s/);
		const intervals = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Interval);
		assert.strictEqual(intervals.length, 2, 'two intervals, then it ends');
		for (const i of intervals) {
			assert.ok(i.seconds >= 0.9 && i.seconds < 5, `an interval of ${i.seconds} s`);
			assert.deepStrictEqual(i.processes.map((p) => p.pid), [pumper!.pid, idle!.pid], 'the busy one first');
			const [busy, still] = i.processes;
			assert.strictEqual(busy.connections, 6, 'three connections, both ends its own');
			// It writes ~1.3 MB/s and reads it back: both rates, with a loaded machine's slack.
			assert.ok(busy.sentRate! > 300_000 && busy.sentRate! < 3_000_000, `sent ${busy.sentRate} B/s`);
			assert.ok(Math.abs(busy.receivedRate! - busy.sentRate!) / busy.sentRate! < 0.5, `received ${busy.receivedRate} against sent ${busy.sentRate}`);
			assert.ok(busy.sent >= busy.sentRate!, 'in all, at least a second\'s worth');
			assert.deepStrictEqual([still.connections, still.sentRate, still.receivedRate, still.sent, still.received], [6, 0, 0, 0, 0]);
		}
	});

	it('the text: a header, then one line per process with its rates and totals', async () => {
		const r = await runCli(['traffic', '--pid', String(pumper!.pid), '--interval', '0.5', '--samples', '1']);
		assert.strictEqual(r.code, 0, r.stderr);
		const lines = r.stdout.trimEnd().split('\n');
		assert.match(lines[0], /^\d\d:\d\d:\d\d {2}over [\d.]+ s +SENT\/s +RECV\/s +SENT +RECV +CONNS {2}PROCESS$/);
		assert.match(lines[1], new RegExp(`^ +[\\d.]+ (KiB|MiB) +[\\d.]+ (KiB|MiB) +[\\d.]+ (KiB|MiB|GiB) +[\\d.]+ (KiB|MiB|GiB) +6 {2}node \\(pid ${pumper!.pid}\\)$`));
		assert.strictEqual(lines.length, 2);
	});

	it('without --pid: every process with connections, this test\'s among them', async () => {
		const r = await runCli(['traffic', '--interval', '0.5', '--samples', '1', '--count', '1000', '--json']);
		assert.strictEqual(r.code, 0, r.stderr);
		const [i] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Interval);
		const busy = i.processes.find((p) => p.pid === pumper!.pid);
		assert.ok(busy && busy.sentRate! > 300_000, JSON.stringify(busy));
		// Busiest first, whatever else this machine runs.
		const rate = (p: Interval['processes'][number]) => (p.sentRate ?? 0) + (p.receivedRate ?? 0);
		assert.ok(i.processes.every((p, k) => k === 0 || rate(i.processes[k - 1]) >= rate(p)), 'ordered by rate');
	});

	it('refuses what it cannot measure: a copied /proc or a capture (2), a pid that does not exist (1)', async () => {
		for (const bad of [['--proc-root', '/proc'], ['--from-capture', 'f'], ['--kind', 'udp'], ['--samples', '0']]) {
			const r = await runCli(['traffic', ...bad]);
			assert.strictEqual(r.code, 2, bad.join(' '));
		}
		assert.strictEqual((await runCli(['snapshot', '--samples', '2'])).code, 2);
		const gone = await runCli(['traffic', '--pid', '999999999', '--samples', '1']);
		assert.strictEqual(gone.code, 1);
		assert.match(gone.stderr, /no process with pid 999999999/);
	});
});
