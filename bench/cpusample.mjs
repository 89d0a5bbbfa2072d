#!/usr/bin/env node
// Every thread's CPU time on this machine, sampled: each INTERVAL ms, a line with the epoch time
// and the share of a core each group of threads used since the last line, most first. Groups:
// Chromium's processes by type (chr-renderer, chr-browser, chr-gpu-process, ...), the extension
// host by thread (exthost:main, exthost:WorkerThread — procnet's scan —, exthost:V8Worker, ...),
// code-server, the bench's load, and anything else by its command line. Run it beside
// bench/exthost.mjs to see who held the two cores in a refresh's window; it reads /proc only.
//   node bench/cpusample.mjs [INTERVAL_MS] [OUT_FILE]   (stop it with Ctrl-C or kill)
import * as fs from 'node:fs';

const INTERVAL = Number(process.argv[2] ?? 1000);
const out = process.argv[3] ? fs.openSync(process.argv[3], 'w') : 1;
const TICK = 100; // USER_HZ: /proc stat times are in clock ticks of 1/100 s on Linux

/** The group of a process, from its command line (read once per pid). */
function classify(pid) {
	let cmd;
	try {
		cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
	} catch {
		return null;
	}
	if (/chrom/.test(cmd)) {
		const t = /--type=(\S+)/.exec(cmd);
		return t ? `chr-${t[1]}` : 'chr-browser';
	}
	if (/extensionHost/.test(cmd)) return 'exthost';
	if (/code-server|out\/node\/entry|server-main/.test(cmd)) return 'code-server';
	if (/bench\/(load|run)\.mjs/.test(cmd)) return 'bench-load';
	return `other:${cmd.slice(0, 50)}`;
}

/** Each thread of `pid`: its name and its user + system ticks. */
function threads(pid) {
	const r = [];
	let tids;
	try {
		tids = fs.readdirSync(`/proc/${pid}/task`);
	} catch {
		return r;
	}
	for (const tid of tids) {
		try {
			const s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
			// The name is in parentheses and may hold spaces; the fields after it are split on spaces.
			const close = s.lastIndexOf(')');
			const f = s.slice(close + 2).split(' ');
			r.push({ tid, name: s.slice(s.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) });
		} catch {
			// The thread ended between the listing and the read.
		}
	}
	return r;
}

const groups = new Map();
let before = new Map();
setInterval(() => {
	const now = new Map();
	const used = new Map();
	for (const pid of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(pid)) continue;
		if (!groups.has(pid)) groups.set(pid, classify(pid));
		const g = groups.get(pid);
		if (g === null) continue;
		for (const t of threads(pid)) {
			const key = `${pid}/${t.tid}`;
			now.set(key, t.ticks);
			const d = t.ticks - (before.get(key) ?? t.ticks);
			if (!d) continue;
			const k = g === 'exthost' ? `exthost:${t.tid === pid ? 'main' : t.name}` : g;
			used.set(k, (used.get(k) ?? 0) + d);
		}
	}
	before = now;
	const shares = [...used].sort((a, b) => b[1] - a[1]).map(([k, d]) => `${k}=${Math.round(((d / TICK) * 1000 * 100) / INTERVAL)}%`);
	fs.writeSync(out, `${(Date.now() / 1000).toFixed(1)} ${shares.join(' ')}\n`);
}, INTERVAL);
