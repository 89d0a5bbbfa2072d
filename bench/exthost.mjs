#!/usr/bin/env node
// `npm run bench:exthost`: the extension-host figure of issue #5 — the longest block of the
// real extension host's event loop during refreshes at N sockets (default 100k). Holds the
// bench load (bench/run.mjs --hold) up, runs test/vscode/eventloop.bench.ts inside code-server
// (test/vscode/run.mjs, PROCNET_VSCODE_BENCH=1), prints its figures and tears the load down.
//   node bench/exthost.mjs [--size N] [--refreshes R] [--no-vscode-ports] [--no-panel | --socket-page] [--scan-nice N] [--full-at K,..] [--load-after] [--idle] [--without-procnet [--window-ms MS]] [--ssh] [--panel-in-refresh] [--live-heap]
//   --no-vscode-ports: remote.autoForwardPorts off and remote.autoForwardPortsSource "output",
//   so VS Code's own /proc port scan (which runs in the same extension host, and which the first
//   setting alone does not stop) is not counted; --no-panel: no detail panel open; --socket-page:
//   the panel on one TCP socket of the biggest process instead of on the process; --scan-nice:
//   the procnet.scanNice setting (default 10; 0 scans at the extension host's priority);
//   --load-after: start the load only after refresh 0, so that its sockets arrive in a partial
//   transfer (a load ramping up after activation); no panel is opened then;
//   --full-at 2,4: make refreshes 2 and 4 full transfers (procnet.scanNice is changed before them,
//   which replaces the scan worker), to measure the heaviest refresh apart from activation;
//   --idle: the control run, with the same load, panel and timer, but no refresh made;
//   --without-procnet: the activation window's control: the same load and meter for --window-ms
//   (default 8000) from the test's start, procnet never activated (VS Code's own start alone);
//   --ssh: measure an ssh host instead of this machine (this machine over the bench's own sshd
//   on 127.0.0.1, read by the extension in that host's worker), panel on its biggest process;
//   --panel-in-refresh: open the panel just before refresh 1 and count its opening in that
//   refresh (until the fourteenth session, the only way); otherwise it is measured on its own;
//   --live-heap: the live heap (after a forced full GC, outside the meter) after refresh 2 and
//   after each quarter of the run, for the "no growth across 100 refreshes".
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from './args.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const size = Number(arg('--size', 100000));
const refreshes = Number(arg('--refreshes', 6));
const settings = {
	...(process.argv.includes('--no-vscode-ports') ? { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' } : {}),
	...(arg('--scan-nice') !== undefined ? { 'procnet.scanNice': Number(arg('--scan-nice')) } : {}),
};

// Only the load: with the default tools, --hold also wants the SSH bench's bundles, which a
// fresh checkout does not have (and --no-build would not make).
const ssh = process.argv.includes('--ssh');
// --ssh needs the bench's sshd bundle, which run.mjs builds unless told not to.
let load;
const startLoad = () => {
	load = spawn(process.execPath, [path.join(repo, 'bench/run.mjs'), '--sizes', String(size), '--rounds', '0', '--hold', '--tools', ssh ? 'procnet,ssh' : 'procnet', ...(ssh ? [] : ['--no-build']), '--no-out'], {
		cwd: repo,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	return new Promise((resolve, reject) => {
		let err = '';
		load.stderr.on('data', (d) => {
			err += d;
			process.stderr.write(d);
			if (/holding the load/.test(err) && (!ssh || /stays up too.*--ssh-config \S+/.test(err))) resolve(err);
		});
		load.once('exit', (c) => reject(new Error(`the load exited (${c}) before it was up`)));
	});
};
const stopLoad = () => new Promise((r) => {
	if (!load || load.exitCode !== null) return r();
	load.once('exit', r);
	load.kill('SIGTERM'); // the bench tears its own load processes down
});
process.once('SIGINT', () => void stopLoad().then(() => process.exit(130)));

// --load-after: the extension activates on a quiet machine; the load starts once the bench has
// measured refresh 0 (it writes `ready` into this directory), and the bench's refresh 1 waits
// for `up`: the load's sockets then reach the extension host in a partial transfer.
const loadAfter = process.argv.includes('--load-after') ? fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-load-after-')) : undefined;

if (loadAfter && ssh) throw new Error('--load-after measures this machine; it does not go with --ssh');

let code = 1;
try {
	const err = loadAfter ? '' : await startLoad();
	// The bench adds the host itself, as hosts.test.ts does (procnet.sshHosts is machine-scoped:
	// written to the user settings file before start, it reached the extension host in one run
	// and not in the next).
	const sshConfig = ssh ? /--ssh-config (\S+)/.exec(err)[1] : undefined;
	const run = spawn(process.execPath, [path.join(repo, 'test/vscode/run.mjs'), '--no-build'], {
		cwd: repo,
		stdio: 'inherit',
		env: {
			...process.env,
			PROCNET_VSCODE_BENCH: '1',
			PROCNET_BENCH_REFRESHES: String(refreshes),
			PROCNET_VSCODE_TEST_TIMEOUT: '1800',
			...(Object.keys(settings).length ? { PROCNET_VSCODE_SETTINGS: JSON.stringify(settings) } : {}),
			...(process.argv.includes('--no-panel') ? { PROCNET_BENCH_PANEL: '0' } : process.argv.includes('--socket-page') ? { PROCNET_BENCH_PANEL: 'socket' } : {}),
			...(process.argv.includes('--idle') ? { PROCNET_BENCH_IDLE: '1' } : {}),
			...(process.argv.includes('--without-procnet') ? { PROCNET_BENCH_WITHOUT_PROCNET: '1', PROCNET_BENCH_WINDOW_MS: String(arg('--window-ms', 8000)) } : {}),
			...(process.argv.includes('--panel-in-refresh') ? { PROCNET_BENCH_PANEL_IN_REFRESH: '1' } : {}),
			...(process.argv.includes('--live-heap') ? { PROCNET_BENCH_LIVE_HEAP: '1' } : {}),
			...(arg('--full-at') ? { PROCNET_BENCH_FULL_AT: arg('--full-at') } : {}),
			...(loadAfter ? { PROCNET_BENCH_LOAD_AFTER: loadAfter } : {}),
			...(ssh ? { PROCNET_BENCH_HOST: 'ssh:procnet-test', PROCNET_BENCH_SSH_CONFIG: sshConfig } : {}),
		},
	});
	if (loadAfter) {
		const ready = path.join(loadAfter, 'ready');
		while (!fs.existsSync(ready) && run.exitCode === null) await new Promise((r) => setTimeout(r, 200));
		if (run.exitCode === null) {
			await startLoad();
			fs.writeFileSync(path.join(loadAfter, 'up'), '');
		}
	}
	code = await new Promise((r) => (run.exitCode !== null ? r(run.exitCode) : run.once('exit', (c) => r(c ?? 1))));
} finally {
	await stopLoad();
	if (loadAfter) fs.rmSync(loadAfter, { recursive: true, force: true });
}
process.exit(code);
