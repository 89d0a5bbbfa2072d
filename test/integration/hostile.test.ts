// Hostile values through the real CLI (`node dist/cli.js`, built by `npm run build`): ssh hosts
// that try to become an ssh option or a shell command, pids with a command after them, and
// process names, command lines, socket names and filter text that hold shell syntax, markup and
// terminal escapes. Every refusal must say why, with the right exit code, and nothing may run:
// each payload would create its own /tmp/pwned-<random> marker, and none may exist afterwards.
//
// The ssh cases run with an ssh config whose ProxyCommand puts %h into a shell command line, so
// that a host reaching ssh at all would log it, and a hostile one would also run its payload; a
// benign host shows that this trap works.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseHostSpec, RemoteSourceError, sshArgv, sshSource } from '../../src/collect/shellSource';
import { matchesFilter, parseFilter } from '../../src/model/filter';
import type { Snapshot } from '../../src/model/snapshot';
import { CLI, runCli, tempDir } from './helpers';

const tag = crypto.randomBytes(6).toString('hex');
const markers: string[] = [];
/** A fresh marker path for one payload. */
function marker(): string {
	const m = `/tmp/pwned-${tag}-${markers.length}`;
	markers.push(m);
	return m;
}
function assertNoMarkers(): void {
	for (const m of markers) assert.ok(!fs.existsSync(m), `${m} exists: a payload ran`);
}

/** Control characters as the CLI shows them (written here independently of describe.ts). */
function shown(s: string): string {
	let out = '';
	for (const ch of s) {
		const c = ch.charCodeAt(0);
		out += ch === '\n' ? '\\n' : ch === '\t' ? '\\t' : c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
	}
	return out;
}

describe('hostile input through the real CLI: refused or shown literally, nothing runs', function () {
	this.timeout(120_000);
	let dir: string;
	let sshConfig: string;
	let sshLog: string;

	before(() => {
		assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build`);
		dir = tempDir('procnet-hostile-');
		sshLog = path.join(dir, 'ssh-ran.log');
		sshConfig = path.join(dir, 'ssh_config');
		fs.writeFileSync(sshConfig, `Host *\n    ProxyCommand /bin/sh -c 'echo "ran %h" >> ${sshLog}; exit 1'\n    ConnectTimeout 3\n`);
	});

	after(() => {
		for (const m of markers) fs.rmSync(m, { force: true });
		fs.rmSync(dir, { recursive: true, force: true });
	});

	afterEach(() => assertNoMarkers());

	it('control: a benign --ssh host does reach ssh, whose ProxyCommand logs it (so the trap below is live)', async () => {
		const r = await runCli(['snapshot', '--ssh', 'procnet-benign-host', '--ssh-config', sshConfig], { timeoutMs: 30_000 });
		assert.strictEqual(r.code, 1, r.stderr);
		assert.match(r.stderr, /^procnet: ssh procnet-benign-host: /);
		assert.strictEqual(fs.readFileSync(sshLog, 'utf8'), 'ran procnet-benign-host\n');
		fs.rmSync(sshLog);
	});

	it('--ssh with an ssh option, ";", "$( )", backticks, a newline, "|" or a space is refused before ssh starts', async () => {
		const HOST = 'the host may hold only letters, digits, ".", "_" and "-"';
		const cases: Array<[string, number, string]> = [
			// value, exit code, the message's first line
			[`-oProxyCommand=touch ${marker()}`, 2, '--ssh takes a host, not "%s"'],
			[`-o ProxyCommand=touch ${marker()}`, 2, '--ssh takes a host, not "%s"'],
			[`host;touch ${marker()}`, 1, `invalid ssh host "%s": ${HOST}`],
			[`$(touch ${marker()})`, 1, `invalid ssh host "%s": ${HOST}`],
			[`\`touch ${marker()}\``, 1, `invalid ssh host "%s": ${HOST}`],
			[`host|touch ${marker()}`, 1, `invalid ssh host "%s": ${HOST}`],
			[`host&&touch ${marker()}`, 1, `invalid ssh host "%s": ${HOST}`],
			[`host -oProxyCommand=touch ${marker()}`, 1, `invalid ssh host "%s": ${HOST}`],
			[`host\ntouch ${marker()}`, 1, `invalid ssh host "%s": ${HOST}`],
			[`$(touch ${marker()})@host`, 1, 'invalid ssh host "%s": the user name may hold only letters, digits, ".", "_" and "-"'],
			[`root@-oProxyCommand=touch ${marker()}`, 1, `invalid ssh host "%s": ${HOST}`],
			[`host:22;touch ${marker()}`, 1, 'invalid ssh host "%s": the port after ":" must be a number (write IPv6 addresses as [addr]:port)'],
			[`[::1];touch ${marker()}`, 1, 'invalid ssh host "%s": expected ":port" after "]"'],
		];
		// Each value as "--ssh V"; the first three also as "--ssh=V" and through "capture --ssh V".
		const runs = cases.flatMap(([value, code, message], i) =>
			[
				['snapshot', '--ssh', value, '--ssh-config', sshConfig],
				...(i < 3 ? [['snapshot', `--ssh=${value}`, '--ssh-config', sshConfig], ['capture', '--ssh', value, '--ssh-config', sshConfig]] : []),
			].map((argv) => ({ argv, code, first: 'procnet: ' + message.replace('%s', () => JSON.stringify(value).slice(1, -1)) })),
		);
		// Four CLI processes at a time.
		for (let i = 0; i < runs.length; i += 4) {
			const batch = runs.slice(i, i + 4);
			const results = await Promise.all(batch.map((b) => runCli(b.argv, { timeoutMs: 30_000 })));
			batch.forEach(({ argv, code, first }, j) => {
				const r = results[j];
				assert.strictEqual(r.code, code, `${JSON.stringify(argv)}: ${r.stderr}`);
				assert.strictEqual(r.stderr.split('\n')[0], first, JSON.stringify(argv));
				if (code === 2) assert.match(r.stderr, /\nusage: procnet snapshot/);
				assert.strictEqual(r.stdout, '');
			});
			assert.ok(!fs.existsSync(sshLog), `reached ssh: ${fs.existsSync(sshLog) ? fs.readFileSync(sshLog, 'utf8') : ''}`);
			assertNoMarkers();
		}
	});

	it('--pid and --kind with a command after the value are usage errors (exit 2)', async () => {
		const m = marker();
		const cases: Array<[string[], string]> = [
			[['--pid', '1;reboot'], '--pid takes positive process ids separated by commas, not "1;reboot"'],
			[['--pid=1;reboot'], '--pid takes positive process ids separated by commas, not "1;reboot"'],
			[['--pid', `1,$(touch ${m})`], `--pid takes positive process ids separated by commas, not "1,$(touch ${m})"`],
			[['--pid', `\`touch ${m}\``], `--pid takes positive process ids separated by commas, not "\`touch ${m}\`"`],
			[['--pid', '1 2'], '--pid takes positive process ids separated by commas, not "1 2"'],
			[['--kind', `tcp;touch ${m}`], `unknown kind "tcp;touch ${m}"; kinds are tcp, udp, udplite, raw, icmp, unix, packet, netlink, sctp`],
		];
		const results = await Promise.all(cases.map(([args]) => runCli(['snapshot', ...args])));
		cases.forEach(([args, message], i) => {
			const r = results[i];
			assert.strictEqual(r.code, 2, `${JSON.stringify(args)}: ${r.stderr}`);
			assert.strictEqual(r.stderr.split('\n')[0], `procnet: ${message}`);
			assert.match(r.stderr, /\nusage: procnet snapshot/);
			assert.strictEqual(r.stdout, '');
		});
	});

	it('procnet.sshHosts entries: the same strings are refused by parseHostSpec / sshArgv / sshSource, with the reason', () => {
		// views/hosts.ts parseHostEntry imports vscode and cannot load outside VS Code; it refuses a
		// string entry exactly when parseHostSpec throws, and shows that error's message.
		const entries = [
			`-oProxyCommand=touch ${marker()}`, `host;touch ${marker()}`, `$(touch ${marker()})`, `\`touch ${marker()}\``,
			`user@host;touch ${marker()}`, `host\n-oProxyCommand=touch ${marker()}`, `h'; touch ${marker()}; '`, `--`, `-`, '',
		];
		for (const e of entries) {
			for (const f of [() => parseHostSpec(e), () => sshArgv(e), () => sshSource(e)]) {
				assert.throws(f, (err: unknown) => err instanceof RemoteSourceError && err.reason === 'bad-host' && err.message.startsWith(`invalid ssh host ${JSON.stringify(e)}: `), JSON.stringify(e));
			}
		}
		// What is accepted goes to ssh as separate argv entries after "--", never through a shell.
		assert.deepStrictEqual(sshArgv('deploy@web-1.example:2222').slice(-7), ['-l', 'deploy', '-p', '2222', '--', 'web-1.example', 'exec sh']);
	});

	describe('names, command lines and socket names holding shell syntax, markup and escapes', () => {
		let child: ChildProcess;
		let pid: number;
		let argv: string[];
		let socketName: string;
		let comm: string;
		const m1 = marker();
		const m2 = marker();

		before(async () => {
			// argv[0] and the arguments are data: the process runs /usr/bin/python3 on h.py.
			argv = [`$(touch ${m1})`, 'h.py', `\`touch ${m2}\``, ';reboot', '<b>', 'a\nb', '\x1b[31m', '%n', ''];
			// An abstract unix name (it may hold "/" and newlines): a command, markup, an escape and a newline.
			socketName = `pt $(touch ${m1});\`touch ${m2}\`<i>\x1b[2J\nzz-next`;
			comm = '$(id);`id`<b>';
			fs.writeFileSync(
				path.join(dir, 'h.py'),
				[
					'import ctypes, socket, sys, time',
					`ctypes.CDLL(None).prctl(15, ${JSON.stringify(comm)}.encode())  # PR_SET_NAME`,
					's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
					`s.bind("\\0" + ${JSON.stringify(socketName)})`,
					's.listen(1)',
					'print("up", flush=True)',
					'time.sleep(600)',
				].join('\n'),
			);
			const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
			child = spawn(python, argv.slice(1), { argv0: argv[0], cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
			await new Promise((resolve, reject) => {
				child.stdout!.once('data', resolve);
				child.once('exit', (c) => reject(new Error(`helper exited ${c}`)));
			});
			pid = child.pid!;
		});

		after(() => child?.kill('SIGKILL'));

		it('the text output shows them literally, control characters escaped, on one line each', async () => {
			const r = await runCli(['snapshot', '--pid', String(pid)]);
			assert.strictEqual(r.code, 0, r.stderr);
			const lines = r.stdout.split('\n');
			const cmd = shown(argv.join(' ')).trim();
			assert.ok(cmd.length <= 120, 'the whole command line fits the title (the CLI cuts at 120)');
			// Between the two: its memory and CPU time (`1.23 MiB · CPU 0.02 s`).
			const head = `${comm} (pid ${pid}, ${os.userInfo().username})  `;
			const title = lines.find((l) => l.startsWith(head) && l.endsWith(`  ${cmd}`));
			assert.ok(title, `no title line ${JSON.stringify(head + '…  ' + cmd)} in:\n${r.stdout}`);
			assert.match(title.slice(head.length, title.length - cmd.length - 2), /^[\d.]+ (B|KiB|MiB|GiB) · CPU [\d.]+ s$/);
			const sock = lines.find((l) => l.startsWith('  unix/stream') && l.includes('@pt $(touch'));
			assert.ok(sock, r.stdout);
			assert.match(sock, /^ {2}unix\/stream +LISTEN +@pt \$\(touch /);
			assert.ok(sock.includes('@' + shown(socketName)), sock);
			// No raw escape reaches the terminal, and the name's newline does not start a line of output.
			assert.ok(!r.stdout.includes('\x1b'), 'a raw ESC in the output');
			assert.ok(!lines.some((l) => l.startsWith('zz-next')), 'the newline in the socket name broke the output');
			assert.ok(!/possibly-forged|SUSPECT/.test(sock), sock);
		});

		it('--json carries them exactly as the kernel has them', async () => {
			const r = await runCli(['snapshot', '--json', '--pid', String(pid)]);
			assert.strictEqual(r.code, 0, r.stderr);
			const snap = JSON.parse(r.stdout) as Snapshot;
			const p = snap.processes.find((x) => x.pid === pid);
			assert.deepStrictEqual([p?.name, p?.cmdline], [comm, argv]);
			const s = snap.sockets.filter((x) => x.kind === 'unix' && x.owners.some((o) => o.pid === pid) && x.path !== null);
			assert.deepStrictEqual(s.map((x) => [x.path, x.state, x.suspect]), [['@' + socketName, 'LISTEN', undefined]]);
		});

		it('hostile filter text is matched as literal text: it finds that process and runs nothing', async () => {
			// Every unix socket of the host (the whole table, not just this process's).
			const r = await runCli(['snapshot', '--json', '--kind', 'unix']);
			assert.strictEqual(r.code, 0, r.stderr);
			const snap = JSON.parse(r.stdout) as Snapshot;
			const byPid = new Map(snap.processes.map((p) => [p.pid, p]));
			const select = (text: string) => {
				const f = parseFilter(text);
				const hits = snap.sockets.filter((s) => matchesFilter(f, s, s.owners.map((o) => byPid.get(o.pid)!).filter(Boolean)));
				return { f, pids: [...new Set(hits.flatMap((s) => s.owners.map((o) => o.pid)))] };
			};
			for (const text of [`$(touch ${m1})`, `\`touch ${m2}\``, ';reboot', '<b>', `$(touch ${m1}) ;reboot <b>`, '%n']) {
				const { f, pids } = select(text);
				assert.deepStrictEqual(f.errors, [], text);
				assert.ok(f.terms.every((t) => t.key === 'text' && !t.negate), text);
				assert.deepStrictEqual(pids, [pid], `${JSON.stringify(text)} matched ${pids.join(',')}`);
			}
			// A key:value term with a command after the value is an error shown to the user, not a match.
			assert.deepStrictEqual(parseFilter('pid:1;reboot').errors, ['pid: expects a number or a range like 3000-3100, not "1;reboot"']);
			// Terms split on whitespace: "port:$(touch" is refused, the rest is a plain word.
			const f = parseFilter(`port:$(touch ${m1})`);
			assert.deepStrictEqual(f.errors, ['port: expects a number or a range like 3000-3100, not "$(touch"']);
			assert.deepStrictEqual(f.terms, [{ key: 'text', value: `${m1})`, negate: false }]);
		});
	});
});
