#!/usr/bin/env node
// procnet scan benchmark (issue 5): puts N loopback TCP sockets (plus some UDP and unix ones)
// on this machine, then times `procnet snapshot --json` against ss, lsof, netstat and a
// cat+find floor, round by round, and writes a table to stdout and bench/results-latest.txt.
//
//   npm run bench                          # sizes 10000,50000,100000, 5 rounds
//   node bench/run.mjs --sizes 10000 --rounds 3
//   BENCH_N=10000 npm run bench            # same as --sizes 10000
//
// Options (env in brackets):
//   --sizes A,B,...     TCP socket counts to measure, ascending [BENCH_N, BENCH_SIZES]
//   --rounds R          rounds per size; tools alternate within a round [BENCH_ROUNDS] (5)
//   --iterations I      readProcTree+buildSnapshot iterations per in-process run (2)
//   --tools a,b,...     subset of: procnet,procnet24,inproc,ssh,ss,lsof,netstat,floor
//                       (procnet24: the same CLI on the Node 24 of npm run provision:vscode)
//   --udp U             UDP sockets per load process (100)
//   --unix P            connected unix pairs per load process (50)
//   --out FILE          results file (bench/results-latest.txt); --no-out to skip it
//   --no-build          do not build out/bench/inproc.js (dist/cli.js must exist anyway)
//   --hold              keep the load up after the last size until Ctrl-C (for profiling by
//                       hand; with --rounds 0 nothing is measured; with ssh in --tools, sshd too)
//
// The ssh tool starts a real OpenSSH server on 127.0.0.1 (test/integration/sshd.ts, bundled to
// out/bench/sshd.js: its own keys, config and a temp ssh_config) and times, in the same rounds,
// `procnet snapshot --ssh procnet-test --ssh-config CFG --json` as a whole process and the
// in-process refresh over one kept-open session (bench/sshinproc.ts); sshd is stopped by pid at
// the end. Skipped with a note where sshd is missing or the bench is not root.
//
// The load only ever binds 127.0.0.1 and ::1, runs in child processes of this one (each below
// ~18000 fds), and is torn down by pid at the end, on errors and on Ctrl-C. Sizes grow the
// load in place (smaller sizes first): tearing it down between sizes would leave tens of
// thousands of TIME_WAIT rows in the tables for a minute.
import { fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_VERSION, paths as vscodePaths } from '../scripts/vscode-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const benchStart = Date.now();

// ---------------------------------------------------------------- options

function parseOptions(argv) {
	const o = {
		sizes: (process.env.BENCH_N ?? process.env.BENCH_SIZES ?? '10000,50000,100000'),
		rounds: Number(process.env.BENCH_ROUNDS ?? 5),
		iterations: 2,
		hold: false,
		tools: 'procnet,procnet24,inproc,ssh,ss,lsof,netstat,floor',
		udp: 100,
		unix: 50,
		out: path.join(here, 'results-latest.txt'),
		build: true,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
		const val = () => inline ?? argv[++i];
		switch (flag) {
			case '--sizes': o.sizes = val(); break;
			case '--rounds': o.rounds = Number(val()); break;
			case '--iterations': o.iterations = Number(val()); break;
			case '--tools': o.tools = val(); break;
			case '--udp': o.udp = Number(val()); break;
			case '--unix': o.unix = Number(val()); break;
			case '--out': o.out = path.resolve(val()); break;
			case '--no-out': o.out = null; break;
			case '--no-build': o.build = false; break;
			case '--hold': o.hold = true; break;
			case '-h': case '--help':
				process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).slice(0, 30).map((l) => l.slice(3)).join('\n') + '\n');
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${a}`);
		}
	}
	o.sizes = String(o.sizes).split(',').map((s) => Number(s.trim().replace(/k$/i, '000'))).filter((n) => n > 0).sort((a, b) => a - b);
	o.tools = o.tools.split(',').map((s) => s.trim()).filter(Boolean);
	if (!o.sizes.length) throw new Error('no sizes');
	if (!(o.rounds >= 1) && !(o.hold && o.rounds === 0)) throw new Error('--rounds must be >= 1 (0 only with --hold)');
	return o;
}

const opts = parseOptions(process.argv.slice(2));

// ---------------------------------------------------------------- output

const outLines = [];
function say(line = '') {
	process.stdout.write(line + '\n');
	outLines.push(line);
}
function note(line) {
	// progress only: stderr, not in the results file
	process.stderr.write(`[bench ${((Date.now() - benchStart) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
}

// ---------------------------------------------------------------- cleanup

const loadProcs = []; // {child, pid}
let current = null; // the measured child in flight
let unixDir = null;
let cleaned = false;
let sshd = null; // the bench's own sshd (TestSshd of test/integration/sshd.ts), if the ssh tool runs

function cleanup() {
	if (cleaned) return;
	cleaned = true;
	if (current?.pid) {
		try { process.kill(current.pid, 'SIGKILL'); } catch {}
	}
	if (sshd) {
		try { process.kill(sshd.pid, 'SIGTERM'); } catch {}
		try { fs.rmSync(sshd.dir, { recursive: true, force: true }); } catch {}
	}
	for (const l of loadProcs) {
		try { process.kill(l.pid, 'SIGKILL'); } catch {}
	}
	if (unixDir) {
		try { fs.rmSync(unixDir, { recursive: true, force: true }); } catch {}
	}
	// /usr/bin/time's output of a command killed mid-run
	try { fs.unlinkSync(path.join(os.tmpdir(), `procnet-bench-time-${process.pid}`)); } catch {}
}
/** Asks the load to close its TCP connections with RSTs (so no TIME_WAIT rows linger), then kills what is left. */
async function teardown() {
	if (cleaned) return;
	if (current?.pid) {
		try { process.kill(current.pid, 'SIGKILL'); } catch {}
	}
	if (sshd) {
		// Left set until it has stopped: a second signal meanwhile goes to cleanup(), which kills it by pid and removes its dir.
		await sshd.stop().catch(() => {});
		sshd = null;
	}
	const live = loadProcs.filter((l) => !l.exited);
	await Promise.all(live.map((l) => new Promise((resolve) => {
		const t = setTimeout(resolve, 30_000); // 100k RSTs take a few seconds on a busy machine
		l.child.once('exit', () => {
			clearTimeout(t);
			resolve();
		});
		try { l.child.send({ type: 'stop' }); } catch { clearTimeout(t); resolve(); }
	})));
	cleanup();
}
process.on('exit', cleanup);
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(sig, () => {
		if (stopping) {
			cleanup();
			process.exit(130);
		}
		stopping = true;
		note(`${sig}: tearing the load down`);
		teardown().finally(() => process.exit(130));
	});
}

// ---------------------------------------------------------------- tools

function which(cmd) {
	for (const dir of (process.env.PATH ?? '').split(':')) {
		const p = path.join(dir || '.', cmd);
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return p;
		} catch {}
	}
	return null;
}

const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const node = process.execPath;
// The Node the tests run code-server on (npm run provision:vscode), when it is there: the same CLI
// on a newer V8, to show how much of procnet's time is the JavaScript engine's.
const node24 = vscodePaths().node;
const distCli = path.join(repo, 'dist', 'cli.js');
// A copy taken at start, so a rebuild of dist/ by someone else mid-run does not change what is measured.
const cliJs = path.join(repo, 'out', 'bench', 'cli.js');
const inprocJs = path.join(repo, 'out', 'bench', 'inproc.js');
const sshInprocJs = path.join(repo, 'out', 'bench', 'sshinproc.js');
const sshdJs = path.join(repo, 'out', 'bench', 'sshd.js');
const SSH_HOST = 'procnet-test'; // the alias in the ssh_config test/integration/sshd.ts writes
const FLOOR = "cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 > /dev/null; find /proc/[0-9]*/fd -lname 'socket:*' -printf '%h %l\\n' > /dev/null 2>&1";

const TOOL_DEFS = {
	procnet: { label: 'procnet', cmd: node, args: [cliJs, 'snapshot', '--json'], need: () => fs.existsSync(distCli) || 'dist/cli.js missing (run node esbuild.js)' },
	procnet24: { label: `procnet, node ${NODE_VERSION.split('.')[0]}`, cmd: node24, args: [cliJs, 'snapshot', '--json'], need: () => (fs.existsSync(node24) && fs.existsSync(distCli)) || `${path.relative(repo, node24)} missing (npm run provision:vscode)` },
	inproc: { label: 'inproc', cmd: node, args: [inprocJs, String(opts.iterations)], captureStdout: true, need: () => fs.existsSync(inprocJs) || 'out/bench/inproc.js missing' },
	// args once sshd is up (its config file); the in-process half runs right after, in the same slot
	ssh: { label: 'procnet --ssh', cmd: node, args: null, need: sshNeed },
	ss: { label: 'ss -tunap', cmd: 'ss', args: ['-tunap'], need: () => !!which('ss') || 'ss not installed' },
	lsof: { label: 'lsof -i -n -P', cmd: 'lsof', args: ['-i', '-n', '-P'], need: () => !!which('lsof') || 'lsof not installed' },
	netstat: { label: 'netstat -tunap', cmd: 'netstat', args: ['-tunap'], need: () => !!which('netstat') || 'netstat not installed' },
	floor: { label: 'floor', cmd: '/bin/sh', args: ['-c', FLOOR], need: () => !!which('find') || 'find not installed' },
};

function sshNeed() {
	if (process.getuid?.() !== 0) return 'not root (the bench\'s sshd logs in as root with its own key)';
	if (!fs.existsSync('/usr/sbin/sshd')) return 'sshd not installed (apt-get install openssh-server)';
	if (!which('ssh')) return 'ssh client not installed';
	if (!which('ssh-keygen')) return 'ssh-keygen not installed';
	return true;
}

/** Starts the bench's sshd (the tests' own, bundled from test/integration/sshd.ts) and points the ssh tool at it. */
async function startBenchSshd() {
	const { createRequire } = await import('node:module');
	const { startSshd } = createRequire(import.meta.url)(sshdJs);
	sshd = await startSshd();
	TOOL_DEFS.ssh.args = [cliJs, 'snapshot', '--ssh', SSH_HOST, '--ssh-config', sshd.configFile, '--json'];
	note(`sshd pid ${sshd.pid} on 127.0.0.1:${sshd.port} (config ${sshd.configFile})`);
}

/** Runs one command with stdout to /dev/null (or captured), under /usr/bin/time for its peak RSS. */
function runTimed(cmd, args, { captureStdout = false, stdoutFile = null, timeoutMs = 600_000 } = {}) {
	return new Promise((resolve, reject) => {
		const rssFile = timeBin ? path.join(os.tmpdir(), `procnet-bench-time-${process.pid}`) : null;
		const argv = timeBin ? [timeBin, '-f', '%M %U %S', '-o', rssFile, cmd, ...args] : [cmd, ...args];
		const outFd = stdoutFile ? fs.openSync(stdoutFile, 'w') : captureStdout ? 'pipe' : fs.openSync('/dev/null', 'w');
		const t0 = process.hrtime.bigint();
		const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', outFd, 'pipe'], cwd: repo });
		current = child;
		const out = [];
		const err = [];
		child.stdout?.on('data', (d) => out.push(d));
		child.stderr.on('data', (d) => {
			if (err.length < 64) err.push(d);
		});
		const timer = setTimeout(() => {
			try { process.kill(child.pid, 'SIGKILL'); } catch {}
		}, timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			const ms = Number(process.hrtime.bigint() - t0) / 1e6;
			clearTimeout(timer);
			current = null;
			if (typeof outFd === 'number') fs.closeSync(outFd);
			let rssKiB = null, cpuMs = null;
			if (rssFile) {
				try {
					const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n');
					const [m, u, s] = lines[lines.length - 1].split(/\s+/).map(Number);
					rssKiB = m;
					cpuMs = (u + s) * 1000;
				} catch {}
				try { fs.unlinkSync(rssFile); } catch {}
			}
			resolve({ ms, code, signal, rssKiB, cpuMs, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
		});
	});
}

// ---------------------------------------------------------------- load

async function has6() {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen({ host: '::1', port: 0 }, () => s.close(() => resolve(true)));
	});
}

let loadTcp = 0; // TCP connection ends held by the load (2 per connection)
let loadUdp = 0;
let loadUnix = 0;
let use6 = false;
let baseline = '';
const skippedTools = [];
let cliInfo = '';
const FD_BUDGET = 17000; // per load process, below ulimit -n (20000) with room to spare

function startLoadProc(cfg) {
	const child = fork(path.join(here, 'load.mjs'), [JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	const rec = { child, pid: child.pid, msgs: [], waiters: [] };
	loadProcs.push(rec);
	child.on('message', (m) => {
		if (m?.type === 'error') {
			note(`load ${child.pid}: ${m.message}`);
			rec.failed = m.message;
		}
		rec.msgs.push(m);
		for (const w of rec.waiters.splice(0)) w();
	});
	child.on('exit', (code, sig) => {
		rec.exited = `exit ${code ?? sig}`;
		for (const w of rec.waiters.splice(0)) w();
	});
	return rec;
}

function waitFor(rec, type, timeoutMs) {
	return new Promise((resolve, reject) => {
		const deadline = setTimeout(() => reject(new Error(`load process ${rec.pid}: no '${type}' within ${timeoutMs / 1000}s`)), timeoutMs);
		const check = () => {
			const m = rec.msgs.find((x) => x.type === type);
			if (m) {
				clearTimeout(deadline);
				resolve(m);
			} else if (rec.failed || rec.exited) {
				clearTimeout(deadline);
				reject(new Error(`load process ${rec.pid}: ${rec.failed ?? rec.exited}`));
			} else rec.waiters.push(check);
		};
		check();
	});
}

/** Adds a ring of load processes so the load holds about `target` TCP sockets. */
async function growTo(target) {
	const delta = target - loadTcp;
	if (delta <= 0) return;
	const conns = Math.round(delta / 2);
	const perProcOverhead = opts.udp + opts.unix * 2 + 1 + 40;
	let g = Math.max(2, Math.ceil(delta / (FD_BUDGET - perProcOverhead)));
	const count = Array.from({ length: g }, (_, i) => Math.floor(conns / g) + (i < conns % g ? 1 : 0));
	const t0 = Date.now();
	note(`load: +${g} processes, ${conns} connections (${conns * 2} sockets), ${opts.udp} udp + ${opts.unix} unix pairs each`);
	const base = loadProcs.length;
	const recs = [];
	for (let i = 0; i < g; i++) {
		const host = use6 && (base + i) % 3 === 2 ? '::1' : '127.0.0.1';
		recs.push(startLoadProc({ host, udp: opts.udp, unixPairs: opts.unix, unixDir }));
	}
	const listening = await Promise.all(recs.map((r) => waitFor(r, 'listening', 30_000)));
	// process i connects to the listener of i+1; so i accepts what i-1 opens
	for (let i = 0; i < g; i++) {
		const j = (i + 1) % g;
		recs[i].child.send({ type: 'connect', host: listening[j].host, port: listening[j].port, count: count[i], expectAccepts: count[(i + g - 1) % g] });
	}
	const ready = await Promise.all(recs.map((r) => waitFor(r, 'ready', 180_000)));
	for (const r of ready) {
		loadTcp += r.connected + r.accepted;
		loadUdp += r.udp;
		loadUnix += r.unix;
	}
	loadTcp += g; // the listeners
	note(`load up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${loadProcs.length} processes, ${loadTcp} tcp, ${loadUdp} udp, ${loadUnix} unix sockets`);
}

// ---------------------------------------------------------------- stats

const median = (xs) => {
	const a = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((p, q) => p - q);
	if (!a.length) return null;
	const m = a.length >> 1;
	return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};
const fmtMs = (x) => (x === null || x === undefined ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const fmtMiB = (kib) => (kib === null || kib === undefined ? '-' : (kib / 1024).toFixed(0));
const fmtRatio = (a, b) => (a === null || b === null || !b ? '-' : (a / b).toFixed(2));
const pad = (s, n) => String(s).padStart(n);
const padR = (s, n) => String(s).padEnd(n);

// ---------------------------------------------------------------- sanity

function countSs(args) {
	const r = spawnSync('ss', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
	const lines = r.stdout.split('\n').slice(1).filter((l) => l.trim());
	const byKind = {};
	let owned = 0;
	for (const l of lines) {
		const k = l.split(/\s+/)[0];
		byKind[k] = (byKind[k] ?? 0) + 1;
		if (l.includes('users:(')) owned++;
	}
	return { total: lines.length, byKind, owned };
}

/** Runs `procnet snapshot --json ARGS` once and counts what it saw. */
async function snapshotCounts(args) {
	const file = path.join(repo, 'out', 'bench', 'snapshot.json');
	const r = await runTimed(node, [cliJs, 'snapshot', '--json', ...args], { stdoutFile: file });
	if (r.code !== 0) throw new Error(`procnet snapshot --json ${args.join(' ')} failed (${r.code ?? r.signal}): ${r.stderr.slice(0, 500)}`);
	const bytes = fs.statSync(file).size;
	const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
	fs.unlinkSync(file);
	const byKind = {};
	let owned = 0;
	let ownedInet = 0;
	for (const s of snap.sockets) {
		const k = s.kind + (s.ipVersion === 6 ? '6' : '');
		byKind[k] = (byKind[k] ?? 0) + 1;
		if (s.owners.length) {
			owned++;
			if (s.kind === 'tcp' || s.kind === 'udp') ownedInet++;
		}
	}
	const tcp = (byKind.tcp ?? 0) + (byKind.tcp6 ?? 0);
	const udp = (byKind.udp ?? 0) + (byKind.udp6 ?? 0);
	return { r, bytes, snap, counts: { tcp, udp, unix: byKind.unix ?? 0, ownedTcpUdp: ownedInet, owned } };
}

async function sanity(withSsh) {
	const { r, bytes, snap, counts } = await snapshotCounts([]);
	const ss = countSs(['-tunap']);
	const ssUnix = countSs(['-xa']);
	const viaSsh = withSsh ? (await snapshotCounts(TOOL_DEFS.ssh.args.slice(2, -1))).counts : null;
	return {
		bytes,
		processes: snap.processes.length,
		sockets: snap.sockets.length,
		warnings: snap.warnings.length,
		procnet: counts,
		ss: { tcp: ss.byKind.tcp ?? 0, udp: ss.byKind.udp ?? 0, unix: ssUnix.total, ownedTcpUdp: ss.owned },
		ssh: viaSsh,
		rssKiB: r.rssKiB,
		ms: r.ms,
	};
}

// ---------------------------------------------------------------- main

async function measureSize(n, tools) {
	const res = Object.fromEntries(tools.map((t) => [t, []]));
	const inproc = [];
	const sshIn = [];
	for (let round = 0; round < opts.rounds; round++) {
		// rotate the order each round so no tool always runs right after the same other one
		const order = tools.map((_, i) => tools[(i + round) % tools.length]);
		for (const t of order) {
			const d = TOOL_DEFS[t];
			const r = await runTimed(d.cmd, d.args, { captureStdout: !!d.captureStdout });
			if (t === 'inproc') {
				if (r.code !== 0) throw new Error(`inproc failed: ${r.stderr.slice(0, 800)}`);
				inproc.push(JSON.parse(r.stdout));
			} else if (t === 'ssh') {
				if (r.code !== 0) throw new Error(`procnet --ssh failed (${r.code ?? r.signal}): ${r.stderr.slice(0, 800)}`);
				// The extension's way: one session kept open, refreshed again and again.
				const q = await runTimed(node, [sshInprocJs, JSON.stringify({ configFile: sshd.configFile, host: SSH_HOST, iterations: opts.iterations })], { captureStdout: true });
				if (q.code !== 0) throw new Error(`sshinproc failed: ${q.stderr.slice(0, 800)}`);
				// What any ssh command costs here before procnet does anything: connect, log in, run the login shell.
				const login = await runTimed('ssh', ['-F', sshd.configFile, '-o', 'BatchMode=yes', SSH_HOST, 'exec true']);
				sshIn.push({ ...JSON.parse(q.stdout), loginMs: login.code === 0 ? login.ms : null });
			} else if (r.code !== 0 && !(t === 'floor' || t === 'lsof')) {
				note(`${d.label} exited ${r.code ?? r.signal}: ${r.stderr.slice(0, 300)}`);
			}
			res[t].push(r);
		}
		note(`N=${n} round ${round + 1}/${opts.rounds}: ` + tools.filter((t) => t !== 'inproc').map((t) => `${t} ${fmtMs(res[t][round].ms)}ms`).join(', ')
			+ (sshIn[round] ? `; ssh in-process warm ${sshIn[round].result.sshGzip.slice(1).map((x) => fmtMs(x.total)).join('/')}ms` : ''));
	}
	return { res, inproc, sshIn };
}

function summarize(n, sizeRes, san, loadAt) {
	const { res, inproc, sshIn } = sizeRes;
	const med = (t, f = 'ms') => (res[t]?.length ? median(res[t].map((r) => r[f])) : null);
	const row = {};
	for (const t of Object.keys(res)) row[t] = { ms: med(t), cpuMs: med(t, 'cpuMs'), rssKiB: med(t, 'rssKiB'), min: Math.min(...res[t].map((r) => r.ms)) };
	// in-process: the first iteration of each run is cold (like the CLI), later ones warm (like the extension's worker)
	const cold = inproc.map((x) => x.iterations[0]);
	const warm = inproc.flatMap((x) => x.iterations.slice(1));
	const pick = (its, f) => median(its.map(f));
	const ip = (its) => its.length ? {
		read: pick(its, (i) => i.read), build: pick(its, (i) => i.build), select: pick(its, (i) => i.select), json: pick(its, (i) => i.json),
		readBuild: pick(its, (i) => i.read + i.build),
	} : null;
	const secIts = inproc.flatMap((x) => x.iterations.slice(x.iterations.length > 1 ? 1 : 0));
	const sections = secIts.length ? {
		readdirProc: pick(secIts, (i) => i.sections.readdirProc),
		processFacts: pick(secIts, (i) => i.sections.processFacts),
		fdReaddir: pick(secIts, (i) => i.sections.fdReaddir),
		fdReadlink: pick(secIts, (i) => i.sections.fdReadlink),
		nsGroup: pick(secIts, (i) => i.sections.nsGroup),
		tablesTotal: pick(secIts, (i) => i.sections.tablesTotal),
		misc: pick(secIts, (i) => i.sections.misc),
		total: pick(secIts, (i) => i.sections.total),
		tables: Object.fromEntries(Object.keys(secIts[0].sections.tables).map((k) => [k, pick(secIts, (i) => i.sections.tables[k])])),
		parseTotal: pick(secIts, (i) => i.parseTotal),
		parse: Object.fromEntries(Object.keys(secIts[0].parse).map((k) => [k, pick(secIts, (i) => i.parse[k])])),
		rows: secIts[0].rowsByTable,
		fds: secIts[0].sections.fds,
		socketFds: secIts[0].sections.socketFds,
		processes: secIts[0].sections.processes,
		tableBytes: secIts[0].sections.tableBytes,
		maxRssKiB: median(inproc.map((x) => x.maxRssKiB)),
	} : null;
	return { n, row, cold: ip(cold), warm: ip(warm), sections, san, loadAt, ssh: sshIn.length ? summarizeSsh(sshIn) : null };
}

/** Medians of the in-process ssh runs: refresh 1 (connect), warm refreshes, the raw session, and sh without ssh. */
function summarizeSsh(runs) {
	const fields = ['total', 'capture', 'build', 'firstByte', 'received', 'decode', 'early', 'parse', 'wireBytes', 'bodyBytes'];
	const med = (rs) => (rs.length ? Object.fromEntries(fields.map((f) => [f, median(rs.map((r) => r[f]))])) : null);
	const all = (k, from = 0) => runs.flatMap((x) => (x.result[k] ?? []).slice(from));
	return {
		first: med(all('sshGzip').filter((_, i) => i % (opts.iterations + 1) === 0)),
		warm: med(all('sshGzip').filter((_, i) => i % (opts.iterations + 1) !== 0)),
		warmMin: Math.min(...all('sshGzip').filter((_, i) => i % (opts.iterations + 1) !== 0).map((r) => r.total)),
		rawWarm: med(runs.flatMap((x) => x.result.sshRaw.slice(1))),
		loginMs: median(runs.map((x) => x.loginMs)),
		shRaw: med(all('shRaw')),
		shGzip: med(all('shGzip')),
		maxRssKiB: median(runs.map((x) => x.maxRssKiB)),
	};
}

function reportSsh(all) {
	const kb = (b) => (b === null || b === undefined ? '-' : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(0)} kB`);
	say('');
	say('ssh in-process (bench/sshinproc.ts: one ShellSource kept open over the bench\'s sshd, refreshed as the extension does), median ms');
	say('  1st = refresh 1 (connects, sends the collector); warm = refreshes 2.. over the same session; total = captureParsed + buildSnapshot;');
	say('  received = request to whole response decoded, of which decode (base64+gunzip) and early (tables parsed as they arrived);');
	say('  parse = after that, records to capture; build = buildSnapshot; bytes = one response as sent (gzip: base64 of gzip; raw: records);');
	say('  login = `ssh HOST exec true` (connect, authenticate, run the login shell: the floor of refresh 1 and of the CLI)');
	say(padR('N', 8) + pad('login', 7) + pad('1st', 8) + pad('warm', 8) + pad('(min)', 8) + pad('received', 10) + pad('decode', 8) + pad('early', 8) + pad('parse', 8) + pad('build', 8)
		+ pad('gzip bytes', 12) + pad('raw bytes', 11) + pad('raw warm', 10) + pad('RSS MiB', 9));
	for (const s of all) {
		const x = s.ssh;
		if (!x) continue;
		say(padR(s.n, 8) + pad(fmtMs(x.loginMs), 7) + pad(fmtMs(x.first?.total), 8) + pad(fmtMs(x.warm?.total), 8) + pad(`(${fmtMs(x.warmMin)})`, 8) + pad(fmtMs(x.warm?.received), 10)
			+ pad(fmtMs(x.warm?.decode), 8) + pad(fmtMs(x.warm?.early), 8) + pad(fmtMs(x.warm?.parse), 8) + pad(fmtMs(x.warm?.build), 8) + pad(kb(x.warm?.wireBytes), 12) + pad(kb(x.rawWarm?.wireBytes), 11)
			+ pad(fmtMs(x.rawWarm?.total), 10) + pad(fmtMiB(x.maxRssKiB), 9));
	}
	say('');
	say('where a warm ssh refresh goes (median ms), the collector\'s time by difference of the same collector run three ways:');
	say('  script = `sh` on this machine, no gzip, no ssh (request to last byte: the remote\'s own work); +gzip = sh with gzip+base64, less script;');
	say('  +ssh = ssh with gzip, less sh with gzip (sshd, encryption, the client); then in this process after the last byte: parse, build');
	say(padR('N', 8) + pad('script', 8) + pad('+gzip', 8) + pad('+ssh', 8) + pad('parse', 8) + pad('build', 8) + pad('= total', 9) + pad('inproc r+b', 12) + pad('ratio', 7));
	for (const s of all) {
		const x = s.ssh;
		if (!x?.warm || !x.shRaw || !x.shGzip) continue;
		const script = x.shRaw.received;
		say(padR(s.n, 8) + pad(fmtMs(script), 8) + pad(fmtMs(x.shGzip.received - script), 8) + pad(fmtMs(x.warm.received - x.shGzip.received), 8)
			+ pad(fmtMs(x.warm.parse), 8) + pad(fmtMs(x.warm.build), 8) + pad(fmtMs(x.warm.total), 9) + pad(fmtMs(s.warm?.readBuild), 12) + pad(fmtRatio(x.warm.total, s.warm?.readBuild ?? null), 7));
	}
}

function report(all, tools) {
	say('');
	say(`procnet scan benchmark — ${new Date().toISOString()}`);
	say(`host: ${os.hostname()}, ${os.cpus().length} cpu (${os.cpus()[0]?.model?.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, linux ${os.release()}, node ${process.version}`);
	say(`procnet = node ${cliInfo} snapshot --json > /dev/null`);
	if (tools.includes('ssh')) say(`procnet --ssh = the same with --ssh ${SSH_HOST} --ssh-config CFG: a real sshd on 127.0.0.1, its own keys (test/integration/sshd.ts); its cpu column counts node and the ssh client, not the remote side`);
	say(`rounds per size: ${opts.rounds} (tools alternate within each round); in-process iterations per run: ${opts.iterations}`);
	say(`load per size: N loopback TCP sockets (both ends of N/2 connections, + listeners) + ${opts.udp} udp + ${opts.unix * 2 + 1} unix sockets per load process; ${baseline}`);
	for (const n of skippedTools) say(`skipped: ${n}`);
	say(`machine load average when done: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (other work on the machine makes the figures noisier; compare the min columns too)`);
	say('');
	say('wall time, median ms (min in brackets); RSS = median peak RSS of the process, MiB; cpu = user+sys ms');
	const cols = tools.filter((t) => t !== 'inproc');
	let head = padR('N', 8) + padR('sockets', 9);
	for (const t of cols) head += pad(TOOL_DEFS[t].label, 22);
	say(head);
	for (const s of all) {
		let line = padR(s.n, 8) + padR(s.san.sockets, 9);
		for (const t of cols) line += pad(`${fmtMs(s.row[t].ms)} (${fmtMs(s.row[t].min)})`, 22);
		say(line);
		let l2 = padR('', 17);
		for (const t of cols) l2 += pad(`cpu ${fmtMs(s.row[t].cpuMs)} rss ${fmtMiB(s.row[t].rssKiB)}`, 22);
		say(l2);
	}
	say('');
	say('ratios of medians (targets at 100k: procnet/ss <= 0.30, procnet/floor <= 1.30, ssh/local <= 1.5)');
	say(padR('N', 8) + pad('procnet/ss', 12) + pad('procnet/floor', 15) + pad('procnet/lsof', 14) + pad('procnet/netstat', 17) + pad('ss/floor', 10) + pad('inproc warm/ss', 16) + pad('inproc warm/floor', 19)
		+ pad('ssh/procnet', 13) + pad('ssh warm/inproc warm', 22));
	for (const s of all) {
		const p = s.row.procnet?.ms ?? null;
		const w = s.warm?.readBuild ?? null;
		say(padR(s.n, 8) + pad(fmtRatio(p, s.row.ss?.ms ?? null), 12) + pad(fmtRatio(p, s.row.floor?.ms ?? null), 15) + pad(fmtRatio(p, s.row.lsof?.ms ?? null), 14) + pad(fmtRatio(p, s.row.netstat?.ms ?? null), 17)
			+ pad(fmtRatio(s.row.ss?.ms ?? null, s.row.floor?.ms ?? null), 10) + pad(fmtRatio(w, s.row.ss?.ms ?? null), 16) + pad(fmtRatio(w, s.row.floor?.ms ?? null), 19)
			+ pad(fmtRatio(s.row.ssh?.ms ?? null, p), 13) + pad(fmtRatio(s.ssh?.warm?.total ?? null, w), 22));
	}
	if (all.some((s) => s.row.procnet?.cpuMs && s.row.floor?.ms)) {
		// The two-core bound: no split of procnet's work over both cores can end before half its
		// CPU time. When that half is already over 1.3 x the floor, the floor target needs less CPU
		// work, not more parallelism (a split that adds work can still make the wall time worse).
		say('');
		say('the two-core bound: procnet\'s cpu (user+sys, median) spread evenly over both cores, against the floor; cores used = cpu / wall');
		const has24 = all.some((s) => s.row.procnet24?.cpuMs);
		say(padR('N', 8) + pad('cpu/2/floor', 13) + pad('wall/floor', 12) + pad('cores used', 12) + (has24 ? pad('node24 cpu/2/floor', 20) + pad('node24 cores used', 19) : ''));
		for (const s of all) {
			const f = s.row.floor?.ms ?? null;
			const half = (r) => (r?.cpuMs ? r.cpuMs / 2 : null);
			const used = (r) => (r?.cpuMs && r.ms ? (r.cpuMs / r.ms).toFixed(2) : '-');
			say(padR(s.n, 8) + pad(fmtRatio(half(s.row.procnet), f), 13) + pad(fmtRatio(s.row.procnet?.ms ?? null, f), 12) + pad(used(s.row.procnet), 12)
				+ (has24 ? pad(fmtRatio(half(s.row.procnet24), f), 20) + pad(used(s.row.procnet24), 19) : ''));
		}
	}
	if (all.some((s) => s.row.procnet24?.ms)) {
		say('');
		say(`the same CLI on Node ${NODE_VERSION} (${path.relative(repo, node24)}), ratios of medians:`);
		say(padR('N', 8) + pad('node24/node', 13) + pad('node24/ss', 11) + pad('node24/floor', 14));
		for (const s of all) {
			const p24 = s.row.procnet24?.ms ?? null;
			say(padR(s.n, 8) + pad(fmtRatio(p24, s.row.procnet?.ms ?? null), 13) + pad(fmtRatio(p24, s.row.ss?.ms ?? null), 11) + pad(fmtRatio(p24, s.row.floor?.ms ?? null), 14));
		}
	}
	if (all.some((s) => s.ssh)) reportSsh(all);
	if (all.some((s) => s.cold)) {
		say('');
		say('procnet in-process (bench/inproc.ts), median ms: cold = first iteration of a fresh process (what the CLI pays), warm = later iterations');
		say(padR('N', 8) + pad('read cold', 11) + pad('build cold', 12) + pad('read warm', 11) + pad('build warm', 12) + pad('select', 8) + pad('JSON.stringify', 16) + pad('r+b warm', 10) + pad('peak RSS MiB', 14));
		for (const s of all) {
			if (!s.cold) continue;
			say(padR(s.n, 8) + pad(fmtMs(s.cold.read), 11) + pad(fmtMs(s.cold.build), 12) + pad(fmtMs(s.warm?.read), 11) + pad(fmtMs(s.warm?.build), 12) + pad(fmtMs(s.warm?.select ?? s.cold.select), 8)
				+ pad(fmtMs(s.warm?.json ?? s.cold.json), 16) + pad(fmtMs(s.warm?.readBuild), 10) + pad(fmtMiB(s.sections?.maxRssKiB), 14));
		}
		say('');
		say('where readProcTree\'s time goes (a copy of its syscalls with clocks around them; warm median ms)');
		say(padR('N', 8) + pad('readdir /proc', 15) + pad('proc facts', 12) + pad('fd readdir', 12) + pad('fd readlink', 13) + pad('ns stat', 9) + pad('tables', 9) + pad('total', 9) + pad('fds', 9) + pad('sock fds', 10) + pad('table MB', 10));
		for (const s of all) {
			const x = s.sections;
			if (!x) continue;
			say(padR(s.n, 8) + pad(fmtMs(x.readdirProc), 15) + pad(fmtMs(x.processFacts), 12) + pad(fmtMs(x.fdReaddir), 12) + pad(fmtMs(x.fdReadlink), 13) + pad(fmtMs(x.nsGroup), 9) + pad(fmtMs(x.tablesTotal), 9) + pad(fmtMs(x.total), 9)
				+ pad(x.fds, 9) + pad(x.socketFds, 10) + pad((x.tableBytes / 1e6).toFixed(1), 10));
		}
		say('  tables read, ms: ' + all.filter((s) => s.sections).map((s) => `N=${s.n}: ` + Object.entries(s.sections.tables).filter(([, v]) => v >= 0.5).map(([k, v]) => `${k} ${fmtMs(v)}`).join(', ')).join(' | '));
		say('');
		say('where buildSnapshot\'s time goes (warm median ms): parse = parseTable() over every table, join = build - parse');
		say(padR('N', 8) + pad('build', 9) + pad('parse', 9) + pad('join', 9) + '   parse by table');
		for (const s of all) {
			const x = s.sections;
			if (!x || !s.warm) continue;
			say(padR(s.n, 8) + pad(fmtMs(s.warm.build), 9) + pad(fmtMs(x.parseTotal), 9) + pad(fmtMs(s.warm.build - x.parseTotal), 9) + '   '
				+ Object.entries(x.parse).filter(([, v]) => v >= 0.5).map(([k, v]) => `${k} ${fmtMs(v)} (${x.rows[k]} rows)`).join(', '));
		}
	}
	say('');
	say('sanity: what procnet saw against ss (one extra run per size, between setup and the rounds)');
	const withSsh = all.some((s) => s.san.ssh);
	say(padR('N', 8) + pad('load tcp', 10) + pad('procnet tcp', 13) + pad('ss tcp', 8) + pad('procnet udp', 13) + pad('ss udp', 8) + pad('procnet unix', 14) + pad('ss -x', 8) + pad('owned t+u procnet', 19) + pad('ss users:', 11) + pad('JSON MB', 9) + pad('procs', 7) + pad('warn', 6)
		+ (withSsh ? pad('ssh tcp', 9) + pad('ssh udp', 9) + pad('ssh unix', 10) + pad('ssh owned t+u', 15) : ''));
	for (const s of all) {
		const a = s.san;
		say(padR(s.n, 8) + pad(s.loadAt.tcp, 10) + pad(a.procnet.tcp, 13) + pad(a.ss.tcp, 8) + pad(a.procnet.udp, 13) + pad(a.ss.udp, 8) + pad(a.procnet.unix, 14) + pad(a.ss.unix, 8)
			+ pad(a.procnet.ownedTcpUdp, 19) + pad(a.ss.ownedTcpUdp, 11) + pad((a.bytes / 1e6).toFixed(1), 9) + pad(a.processes, 7) + pad(a.warnings, 6)
			+ (a.ssh ? pad(a.ssh.tcp, 9) + pad(a.ssh.udp, 9) + pad(a.ssh.unix, 10) + pad(a.ssh.ownedTcpUdp, 15) : ''));
	}
}

async function main() {
	const tools = opts.tools.filter((t) => {
		const d = TOOL_DEFS[t];
		if (!d) throw new Error(`unknown tool ${t}; tools: ${Object.keys(TOOL_DEFS).join(', ')}`);
		if (t === 'inproc') return true; // built below
		const ok = d.need();
		if (ok !== true) {
			note(`skipping ${t}: ${ok}`);
			skippedTools.push(`${t} (${ok})`);
		}
		return ok === true;
	});
	if (!fs.existsSync(distCli)) throw new Error('dist/cli.js missing: run `node esbuild.js` (npm run bench does)');
	fs.mkdirSync(path.dirname(cliJs), { recursive: true });
	fs.copyFileSync(distCli, cliJs);
	// The CLI scans big hosts on two threads with the worker built beside it.
	const distWorker = path.join(repo, 'dist', 'scanWorker.js');
	if (fs.existsSync(distWorker)) fs.copyFileSync(distWorker, path.join(path.dirname(cliJs), 'scanWorker.js'));
	cliInfo = `dist/cli.js of ${fs.statSync(distCli).mtime.toISOString()} (${fs.statSync(distCli).size} bytes${/^var \w+=|;var /m.test(fs.readFileSync(distCli, 'utf8').slice(0, 400)) ? ', minified' : ''})`;
	if ((tools.includes('inproc') || tools.includes('ssh')) && opts.build) {
		const esbuild = (await import('esbuild')).default;
		const bundle = (entry, outfile) => esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
		if (tools.includes('inproc')) bundle(path.join(here, 'inproc.ts'), inprocJs);
		if (tools.includes('ssh')) {
			bundle(path.join(here, 'sshinproc.ts'), sshInprocJs);
			// The integration tests' sshd, as is: one implementation for tests and bench.
			bundle(path.join(repo, 'test', 'integration', 'sshd.ts'), sshdJs);
		}
	}
	if (tools.includes('ssh')) {
		for (const f of [sshInprocJs, sshdJs]) if (!fs.existsSync(f)) throw new Error(`${path.relative(repo, f)} missing (run without --no-build)`);
		await startBenchSshd();
	}
	fs.mkdirSync(path.join(repo, 'out', 'bench'), { recursive: true });
	if (!timeBin) note('no /usr/bin/time (apt-get install time): peak RSS and cpu columns stay empty');
	use6 = await has6();
	unixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-bench-'));
	const portRange = (() => { try { return fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number); } catch { return null; } })();
	note(`sizes ${opts.sizes.join(', ')}; rounds ${opts.rounds}; tools ${tools.join(', ')}; ephemeral ports ${portRange?.join('-')}; ::1 ${use6 ? 'yes' : 'no'}`);

	// TIME_WAIT rows from an earlier run (or anything else) would inflate the tables: wait them out.
	const tw = () => Math.max(0, spawnSync('ss', ['-tanH', 'state', 'time-wait'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n').filter(Boolean).length);
	let waits = 0;
	while (which('ss') && tw() > 1000 && waits < 14) {
		if (!waits) note(`${tw()} TIME_WAIT sockets on the machine (an earlier run?); waiting up to 70 s for them to expire`);
		await new Promise((r) => setTimeout(r, 5000));
		waits++;
	}
	const before = which('ss') ? countSs(['-tuna']) : null;
	baseline = before ? `${before.byKind.tcp ?? 0} tcp, ${before.byKind.udp ?? 0} udp sockets on the machine before the load` : '';

	const all = [];
	if (opts.rounds === 0) {
		for (const n of opts.sizes) await growTo(n);
	}
	for (const n of opts.rounds === 0 ? [] : opts.sizes) {
		await growTo(n);
		const loadAt = { tcp: loadTcp, udp: loadUdp, unix: loadUnix, procs: loadProcs.length };
		note(`N=${n}: sanity run`);
		const san = await sanity(tools.includes('ssh'));
		note(`N=${n}: procnet saw ${san.procnet.tcp} tcp (ss ${san.ss.tcp}), ${san.procnet.udp} udp (ss ${san.ss.udp}), ${san.procnet.unix} unix (ss ${san.ss.unix}); JSON ${(san.bytes / 1e6).toFixed(1)} MB`
			+ (san.ssh ? `; over ssh ${san.ssh.tcp} tcp, ${san.ssh.udp} udp, ${san.ssh.unix} unix` : ''));
		const sizeRes = await measureSize(n, tools);
		all.push(summarize(n, sizeRes, san, loadAt));
	}
	if (all.length) report(all, tools);
	if (opts.hold) {
		note(`holding the load (${loadTcp} tcp sockets in ${loadProcs.length} processes: ${loadProcs.map((l) => l.pid).join(' ')}); Ctrl-C or kill ${process.pid} to stop`);
		if (sshd) note(`sshd (pid ${sshd.pid}) stays up too: node dist/cli.js snapshot --ssh ${SSH_HOST} --ssh-config ${sshd.configFile}`);
		await new Promise(() => {});
	}
	if (!all.length) return;
	say('');
	say(`whole bench: ${((Date.now() - benchStart) / 1000).toFixed(0)} s (load setup, sanity runs and ${opts.rounds} rounds per size)`);
	if (opts.out) {
		fs.writeFileSync(opts.out, outLines.join('\n').replace(/^\n/, '') + '\n');
		note(`wrote ${path.relative(process.cwd(), opts.out)}`);
	}
}

main().then(
	async () => {
		await teardown();
		process.exit(0);
	},
	async (e) => {
		note(`failed: ${e?.stack ?? e}`);
		await teardown();
		process.exit(1);
	},
);
