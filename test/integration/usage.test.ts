// Memory and CPU time per process, from stat's rss and utime + stime, against what the kernel
// says elsewhere (/proc/PID/status VmRSS, ps's cumulative time) for processes this test starts:
// one that holds a known amount of memory, one that keeps a core busy.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import type { Snapshot } from '../../src/model/snapshot';
import { readHost } from '../../src/collect/procfsReader';
import { runCli, snapshotJson, startPython, type PyHelper } from './helpers';

const MIB = 2 ** 20;
const HOLD_MIB = 96;

/** A process holding HOLD_MIB of written (so resident) memory, idle. */
const HOLDER = `
import json, os, time
b = b'x' * (${HOLD_MIB} << 20)  # written by the repeat, so resident
print(json.dumps({"pid": os.getpid()}))
time.sleep(120)
`;

/** A process that keeps one core busy. */
const SPINNER = `
import json, os
print(json.dumps({"pid": os.getpid()}))
while True:
    pass
`;

/** VmRSS of /proc/PID/status, bytes: the kernel's own figure, printed in kB. */
function vmRss(pid: number): number {
	const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	assert.ok(m, `VmRSS of ${pid}`);
	return Number(m[1]) * 1024;
}

function proc(snap: Snapshot, pid: number) {
	const p = snap.processes.find((x) => x.pid === pid);
	assert.ok(p, `process ${pid} is in the snapshot`);
	return p;
}

describe('process memory and CPU time on the live /proc', function () {
	this.timeout(60_000);
	let holder: PyHelper | undefined;
	let spinner: PyHelper | undefined;

	before(async () => {
		holder = await startPython(HOLDER);
		spinner = await startPython(SPINNER);
	});
	after(() => {
		holder?.stop();
		spinner?.stop();
	});

	it('reads the page size and clock tick of this host from its auxv, as getconf prints them', () => {
		const host = readHost('/proc');
		assert.strictEqual(host.pageSize, Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()));
		assert.strictEqual(host.clkTck, Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()));
	});

	it(`resident memory: a process holding ${HOLD_MIB} MiB shows it, as status's VmRSS does`, async () => {
		const pid = holder!.info.pid as number;
		const before = vmRss(pid);
		const snap = await snapshotJson(['--pid', String(pid)]);
		const after = vmRss(pid);
		const rss = proc(snap, pid).rssBytes;
		assert.ok(rss !== null, 'a memory figure');
		assert.ok(rss >= HOLD_MIB * MIB, `${rss} bytes ≥ ${HOLD_MIB} MiB`);
		// The process is idle: its VmRSS holds still around the snapshot. stat's rss and VmRSS are
		// the same counters, but per-CPU batching lets them differ by a few pages.
		const lo = Math.min(before, after), hi = Math.max(before, after);
		assert.ok(rss >= lo * 0.98 && rss <= hi * 1.02, `rss ${rss} against VmRSS ${before}..${after}`);
		// The text form's title line says the same, in MiB (three figures), with the CPU time.
		const r = await runCli(['snapshot', '--pid', String(pid)]);
		const m = new RegExp(`^\\S+ \\(pid ${pid}, [^)]*\\)  ([\\d.]+) MiB · CPU ([\\d.]+) s  `, 'm').exec(r.stdout);
		assert.ok(m, r.stdout);
		const shownMib = Number(m[1]);
		assert.ok(shownMib * MIB >= lo * 0.97 && shownMib * MIB <= hi * 1.03, `title says ${shownMib} MiB against VmRSS ${before}..${after}`);
	});

	it('CPU time: a busy process gains about a core-second per second, an idle one next to nothing; ps agrees on the total', async () => {
		const busy = spinner!.info.pid as number;
		const idle = holder!.info.pid as number;
		const args = ['--pid', `${busy},${idle}`];
		const a = await snapshotJson(args);
		await new Promise((r) => setTimeout(r, 2000));
		const b = await snapshotJson(args);
		const psTime = Number(execFileSync('ps', ['-o', 'times=', '-p', String(busy)], { encoding: 'utf8' }).trim());
		const dt = (Date.parse(b.takenAt) - Date.parse(a.takenAt)) / 1000;
		assert.ok(dt >= 1.9, `snapshots ${dt} s apart`);
		const share = (proc(b, busy).cpuSeconds - proc(a, busy).cpuSeconds) / dt;
		// One thread can use one core at most (and tick rounding is 10 ms of 2 s); on this 2-core
		// machine a spinner gets most of one.
		assert.ok(share > 0.5 && share <= 1.02, `busy process used ${share} of a core`);
		const idleShare = (proc(b, idle).cpuSeconds - proc(a, idle).cpuSeconds) / dt;
		assert.ok(idleShare < 0.05, `idle process used ${idleShare} of a core`);
		// ps prints whole seconds, truncated, read just after the second snapshot.
		const cpu = proc(b, busy).cpuSeconds;
		assert.ok(psTime <= cpu + 0.5 && cpu < psTime + 1.5, `procnet ${cpu} s, ps ${psTime} s`);
	});
});
