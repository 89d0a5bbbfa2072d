// How long does a refresh block the caller's event loop? Runs the extension's WorkerSource (scan
// in a worker thread) and the store's diff on this thread, like the extension host does, while
// a 1 ms timer records every gap. Usage: node bench/eventloop.mjs [refreshes=5]
// Run it beside a load (node bench/run.mjs --sizes 100000 --rounds 0 --hold) for the 100k figure.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { WorkerSource } = require(path.join(repo, 'out/src/collect/workerSource.js'));
const { diffSnapshots } = require(path.join(repo, 'out/src/model/diff.js'));

const n = Number(process.argv[2] ?? 5);
const source = new WorkerSource(path.join(repo, 'dist/scanWorker.js'));
let last = process.hrtime.bigint();
let worst = 0;
const gaps = [];
const timer = setInterval(() => {
	const now = process.hrtime.bigint();
	const gap = Number(now - last) / 1e6;
	last = now;
	if (gap > 5) gaps.push(gap);
	worst = Math.max(worst, gap);
}, 1);

let prev;
for (let i = 0; i < n; i++) {
	worst = 0;
	gaps.length = 0;
	const t0 = Date.now();
	const snap = await source.snapshot();
	const t1 = Date.now();
	const d0 = process.hrtime.bigint();
	// As SnapshotStore does: the worker's diff when it sent one, else diff here.
	if (prev && !source.lastDiff) diffSnapshots(prev, snap);
	const diffMs = Number(process.hrtime.bigint() - d0) / 1e6;
	prev = snap;
	await new Promise((r) => setTimeout(r, 20));
	console.log(`refresh ${i + 1}: ${snap.sockets.length} sockets, scan ${t1 - t0} ms (worker), diff ${source.lastDiff ? 'in the worker' : diffMs.toFixed(0) + ' ms (main)'}, longest event-loop block ${worst.toFixed(0)} ms, blocks > 5 ms: ${gaps.map((g) => g.toFixed(0)).join(' ')}`);
	const rss = process.memoryUsage();
	console.log(`  heap ${(rss.heapUsed / 1048576).toFixed(0)} MiB, rss ${(rss.rss / 1048576).toFixed(0)} MiB`);
}
clearInterval(timer);
source.dispose();
