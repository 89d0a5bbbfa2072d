#!/usr/bin/env node
// Whose code held the extension host in each long block of a bench profile? Reads the CPU
// profile and the `.blocks.json` beside it that test/vscode/eventloop.bench.ts writes
// (PROCNET_BENCH_PROFILE=file, PROCNET_BENCH_PROFILE_AT=activation-panel or another), and sorts
// each block's samples by the first frame up their stack that says whose they are:
//   procnet  a frame of dist/extension.js (procnet's bundle; bundled libraries count as procnet's);
//   bench    a frame of the bench's own test file;
//   vscode   VS Code's extension host (out/vs/...), its port finder (findCandidatePorts) apart;
//   gc       V8's garbage collector (whoever allocated what it collects);
//   other    Node's own code, the profiler, idle or program time.
// Usage: node bench/blocks.mjs FILE.cpuprofile [MIN_MS=50]
import * as fs from 'node:fs';

const [file, minArg] = process.argv.slice(2);
if (!file) {
	console.error('usage: node bench/blocks.mjs FILE.cpuprofile [MIN_MS=50]');
	process.exit(2);
}
const minMs = Number(minArg ?? 50);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const blocks = JSON.parse(fs.readFileSync(`${file}.blocks.json`, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** The owner of one sample: the innermost frame that names one. */
function ownerOf(id) {
	const leaf = byId.get(id).callFrame;
	if (leaf.functionName === '(garbage collector)') return 'gc';
	for (let x = id; x !== undefined; x = parent.get(x)) {
		const f = byId.get(x).callFrame;
		if (f.functionName === 'findCandidatePorts' || f.functionName === 'setInitialCandidates') return 'vscode-port-finder';
		if (/\/dist\/(extension|scanWorker)\.js$/.test(f.url)) return 'procnet';
		if (/eventloop\.bench\.js$/.test(f.url)) return 'bench';
	}
	for (let x = id; x !== undefined; x = parent.get(x)) if (/\/out\/vs\//.test(byId.get(x).callFrame.url)) return 'vscode';
	return 'other';
}

const times = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) times.push((t += d));
const interval = profile.samples.length > 1 ? (times[times.length - 1] - times[0]) / (profile.samples.length - 1) / 1000 : 0;

console.log(`${file}: ${profile.samples.length} samples, ~${interval.toFixed(2)} ms apart; blocks of ${minMs} ms or more:`);
for (const [start, end] of blocks) {
	const ms = (end - start) / 1000;
	if (ms < minMs) continue;
	const tally = new Map();
	let n = 0;
	for (let k = 0; k < profile.samples.length; k++) {
		if (times[k] < start || times[k] > end) continue;
		n++;
		const who = ownerOf(profile.samples[k]);
		tally.set(who, (tally.get(who) ?? 0) + 1);
	}
	const parts = [...tally].sort((a, b) => b[1] - a[1]).map(([who, c]) => `${who} ${((c * interval) | 0)} ms`);
	console.log(`  ${ms.toFixed(0)} ms: ${n} samples${n ? ': ' + parts.join(', ') : ' (the profiler saw no sample: the thread was off the CPU)'}`);
}
