// Every process's TCP traffic measured in the scan worker (WorkerSource.trafficAll, Show Traffic
// by Process): this machine's ss over the worker's last scan, and an ssh host's through the
// worker's session to the test's real sshd. Two processes of the test's: one pumping bytes over a
// loopback connection to itself, one holding an idle connection.
import * as assert from 'assert';
import { execFileSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SCAN_NICE, WorkerSource } from '../../src/collect/workerSource';
import type { TrafficAllResult } from '../../src/collect/trafficMeter';
import { CLI, REPO } from './helpers';
import { startLoopbackHolder } from './loopbackHolder';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

const WORKER = path.join(REPO, 'dist/scanWorker.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(fs.existsSync(WORKER) ? describe : describe.skip)('every process\'s TCP traffic, measured in the scan worker', function () {
	this.timeout(60_000);
	let pump: ChildProcess, idle: ChildProcess;
	let sshd: TestSshd | undefined;
	const sources: WorkerSource[] = [];
	const track = (s: WorkerSource) => (sources.push(s), s);

	before(async () => {
		[pump, idle] = await Promise.all([startLoopbackHolder(true), startLoopbackHolder(false)]);
		if (sshdAvailable()) sshd = await startSshd();
	});

	after(async () => {
		for (const s of sources) s.dispose();
		pump?.kill('SIGKILL');
		idle?.kill('SIGKILL');
		await sleep(300);
		await sshd?.stop();
	});

	/** Two measurements a second and a half apart, each after a scan; the second one's rates. */
	const measureTwice = async (src: WorkerSource): Promise<Extract<TrafficAllResult, { ok: true }>> => {
		await src.snapshot();
		const first = await src.trafficAll();
		assert.ok(first.ok, first.ok ? '' : first.message);
		assert.strictEqual(first.seconds, null, 'a first measurement has no rates');
		assert.strictEqual(first.rows.find((r) => r.pid === pump.pid)?.sentRate, null);
		await sleep(1500);
		await src.snapshot();
		const second = await src.trafficAll();
		assert.ok(second.ok, second.ok ? '' : second.message);
		return second;
	};

	const check = (r: Extract<TrafficAllResult, { ok: true }>) => {
		assert.ok(r.seconds !== null && r.seconds >= 1, `over ${r.seconds} s`);
		const p = r.rows.findIndex((x) => x.pid === pump.pid);
		const i = r.rows.findIndex((x) => x.pid === idle.pid);
		assert.ok(p >= 0 && i >= 0, 'both processes have rows');
		const pr = r.rows[p], ir = r.rows[i];
		// Its client sends and its server receives: both ends are its own.
		assert.strictEqual(pr.connections, 2);
		assert.ok(pr.sentRate! > 1e6 && pr.receivedRate! > 1e6, `pump: ${pr.sentRate} B/s sent, ${pr.receivedRate} B/s received`);
		assert.deepStrictEqual([ir.connections, ir.sentRate, ir.receivedRate], [2, 0, 0]);
		assert.ok(p < i, 'the busier process first');
		assert.ok(r.connections >= 4);
	};

	it('this machine: the pumping process first, with its rates each way; the idle one at 0', async () => {
		check(await measureTwice(track(new WorkerSource(WORKER))));
	});

	it('an ssh host: the same, through the worker\'s session (ss run there)', async function () {
		if (!sshd) this.skip();
		const src = track(new WorkerSource(WORKER, '/proc', SCAN_NICE, { kind: 'ssh', spec: 'procnet-test', configFile: sshd!.configFile }));
		check(await measureTwice(src));
	});

	it('refuses what has no live kernel to ask (a capture), and a host not read yet', async () => {
		const bytes = execFileSync(process.execPath, [CLI, 'capture'], { maxBuffer: 512 * 1024 * 1024 });
		const cap = track(new WorkerSource(WORKER, '/proc', SCAN_NICE, { kind: 'capture', bytes, label: 'c' }));
		await cap.snapshot();
		assert.deepStrictEqual(await cap.trafficAll(), { ok: false, message: 'a capture is a record: it has no live counters to ask' });
		const fresh = track(new WorkerSource(WORKER));
		assert.deepStrictEqual(await fresh.trafficAll(), { ok: false, message: 'the host has not been read yet' });
	});
});
