// A soak in the real extension host: ~20k sockets that keep churning, a refresh every second,
// and afterwards the live heap and RSS as flat as after warm-up, no more timers, no child process left.
// `npm test` runs it for 2 minutes; `npm run soak` for 30 (PROCNET_SOAK_SECONDS).
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ProcnetApi } from '../../src/extension';
import { liveHeap } from './heap';

const SECONDS = Number(process.env.PROCNET_SOAK_SECONDS || 120);
/** Connections held (two sockets each, one per process: each process stays under the 20000-fd limit). */
const CONNECTIONS = Number(process.env.PROCNET_SOAK_CONNECTIONS || 9000);

const SERVER = `const s=require('net').createServer((c)=>c.on('error',()=>{})).listen(0,'127.0.0.1',()=>console.log(s.address().port));s.maxConnections=20000;`;
const CLIENT = `
const net=require('net');const port=+process.argv[1];const n=+process.argv[2];const live=[];
const open=()=>{const c=net.connect(port,'127.0.0.1');c.on('error',()=>{});live.push(c);};
for(let i=0;i<n;i++)open();
let ready=false;setTimeout(()=>{ready=true;console.log('up');},3000);
// Churn: every 100 ms close the 100 oldest connections and open 100 new ones.
setInterval(()=>{if(!ready)return;for(let i=0;i<100;i++){live.shift().destroy();open();}},100);`;

function childrenOf(pid: number): number[] {
	return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((e) => {
		try {
			const st = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
			return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === pid;
		} catch {
			return false;
		}
	}).map(Number);
}

/**
 * VS Code's own port finder (remote.autoForwardPortsSource "process", the default) runs this
 * shell from the same extension host every few seconds; at ~20k sockets it lives long enough to
 * be caught (a CI run did, and another caught one that had exited but was not yet reaped). procnet
 * runs no local shell, so this one child is VS Code's, not a leak of ours. Other children get a
 * few seconds to end (see the test); one still there then fails it.
 */
const VSCODE_PORT_FINDER = '/bin/sh -c ls -l /proc/[0-9]*/fd/[0-9]* | grep socket:';

function cmdline(pid: number): string | undefined {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
	} catch {
		return undefined;
	}
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('soak: churning sockets, one refresh a second', function () {
	this.timeout((SECONDS + 120) * 1000);
	let server: ChildProcess | undefined;
	let client: ChildProcess | undefined;
	after(() => {
		client?.kill('SIGKILL');
		server?.kill('SIGKILL');
	});

	it(`stays flat for ${SECONDS} s at ~${CONNECTIONS * 2} churning sockets`, async () => {
		const api = await vscode.extensions.getExtension<ProcnetApi>('procnet.procnet')!.activate();
		await api.store.refresh();
		const kidsBefore = new Set(childrenOf(process.pid));
		const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
		server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
		const port = await new Promise<number>((r) => server!.stdout!.once('data', (d) => r(Number(String(d).trim()))));
		client = spawn(process.execPath, ['-e', CLIENT, String(port), String(CONNECTIONS)], { stdio: ['ignore', 'pipe', 'inherit'] });
		await new Promise((r) => client!.stdout!.once('data', r));

		const samples: Array<{ t: number; heap: number; rss: number; sockets: number; ms: number }> = [];
		const t0 = Date.now();
		let liveEarly: number | undefined;
		while (Date.now() - t0 < SECONDS * 1000) {
			// After a quarter of the run (warm-up), what is alive then is the baseline.
			// The live heap (heap.ts), not heapUsed: medians of heapUsed over quarters of the run
			// said where V8's major GCs fell as much as what stayed alive, and failed one run in two
			// that way without a leak.
			if (liveEarly === undefined && Date.now() - t0 >= (SECONDS * 1000) / 4) liveEarly = liveHeap();
			const s0 = Date.now();
			await api.store.refresh();
			assert.strictEqual(api.store.error, undefined, `refresh failed: ${api.store.error}`);
			const m = process.memoryUsage();
			samples.push({ t: Date.now() - t0, heap: m.heapUsed, rss: m.rss, sockets: api.store.snapshot!.sockets.length, ms: Date.now() - s0 });
			await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - s0))));
		}
		// With the load still up, so that as many sockets are held as at the baseline.
		const liveLate = liveHeap();
		client.kill('SIGKILL');
		server.kill('SIGKILL');
		await new Promise((r) => setTimeout(r, 500));

		const mb = (x: number) => x / 1048576;
		const q = Math.floor(samples.length / 4);
		const early = samples.slice(q, 2 * q), late = samples.slice(3 * q);
		const heapEarly = median(early.map((s) => s.heap)), heapLate = median(late.map((s) => s.heap));
		const rssEarly = median(early.map((s) => s.rss)), rssLate = median(late.map((s) => s.rss));
		console.log(
			`      ${samples.length} refreshes, ${median(samples.map((s) => s.sockets))} sockets (median), refresh ${median(samples.map((s) => s.ms))} ms (median); ` +
				`heap ${mb(heapEarly).toFixed(0)} → ${mb(heapLate).toFixed(0)} MiB, rss ${mb(rssEarly).toFixed(0)} → ${mb(rssLate).toFixed(0)} MiB (2nd quarter → last quarter, medians); ` +
				`live heap after a full GC ${mb(liveEarly ?? NaN).toFixed(0)} → ${mb(liveLate).toFixed(0)} MiB (after a quarter → at the end)`,
		);
		assert.ok(samples.length >= SECONDS / 4, `only ${samples.length} refreshes in ${SECONDS} s`);
		assert.ok(median(samples.map((s) => s.sockets)) >= CONNECTIONS, 'the load was not seen');
		assert.ok(liveEarly !== undefined, 'no baseline taken');
		assert.ok(liveLate <= liveEarly * 1.3 + 30 * 1048576, `live heap grew from ${mb(liveEarly).toFixed(0)} to ${mb(liveLate).toFixed(0)} MiB`);
		assert.ok(rssLate <= rssEarly * 1.3 + 50 * 1048576, `rss grew from ${mb(rssEarly).toFixed(0)} to ${mb(rssLate).toFixed(0)} MiB`);
		const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
		assert.ok(timersAfter <= timersBefore + 2, `timers: ${timersBefore} before, ${timersAfter} after`);
		// A child left behind is one that stays: the new children seen now get 5 s to end (a child
		// that exited and waits to be reaped, such as the port finder's shell above, shows with an
		// empty command line until its parent reaps it).
		const alive = (pid: number) => childrenOf(process.pid).includes(pid);
		let leftover = childrenOf(process.pid).filter((p) => !kidsBefore.has(p) && cmdline(p) !== VSCODE_PORT_FINDER);
		for (const until = Date.now() + 5000; leftover.length && Date.now() < until; ) {
			await new Promise((r) => setTimeout(r, 250));
			leftover = leftover.filter(alive);
		}
		const what = (pid: number) => `${pid}: ${cmdline(pid)?.slice(0, 200) ?? '(gone)'}`;
		assert.deepStrictEqual(leftover.map(what), [], 'child processes left behind');
	});
});
