// Faults on the way to a remote host: a stalled path, a server killed mid-session, a "shell" that
// answers garbage. Each must end in a clear error within the timeout, recover on the next refresh,
// and leave no ssh process behind.
import * as assert from 'assert';
import * as fs from 'fs';
import { commandSource, RemoteSourceError, sshSource, type ShellSource } from '../../src/collect/shellSource';
import { sshdAvailable, startSshd, type TestSshd } from './sshd';

/** Pids of processes whose parent is `ppid` (from /proc). */
function childrenOf(ppid: number): number[] {
	const out: number[] = [];
	for (const e of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(e)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
			if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(e));
		} catch {
			/* gone */
		}
	}
	return out;
}

function descendants(pid: number): number[] {
	const kids = childrenOf(pid);
	return [...kids, ...kids.flatMap(descendants)];
}

async function failsWithin(p: Promise<unknown>, ms: number): Promise<RemoteSourceError> {
	const t0 = Date.now();
	try {
		await p;
	} catch (e) {
		const took = Date.now() - t0;
		assert.ok(took <= ms, `took ${took} ms (limit ${ms})`);
		assert.ok(e instanceof RemoteSourceError, `not a RemoteSourceError: ${e}`);
		return e;
	}
	assert.fail('the refresh did not fail');
}

describe('remote faults', function () {
	this.timeout(60_000);
	let sshd: TestSshd;
	const sources: ShellSource[] = [];
	before(async function () {
		if (!sshdAvailable()) this.skip();
		sshd = await startSshd();
	});
	after(async () => {
		for (const s of sources) s.dispose();
		await sshd?.stop();
	});
	const track = (s: ShellSource) => (sources.push(s), s);

	it('a stalled path (the session\'s sshd stopped with SIGSTOP) times out, then recovers after SIGCONT', async () => {
		const src = track(sshSource('procnet-test', { configFile: sshd.configFile, timeoutMs: 3000 }));
		await src.capture();
		const stopped = descendants(sshd.pid);
		assert.ok(stopped.length > 0, 'a per-connection sshd exists');
		for (const pid of stopped) process.kill(pid, 'SIGSTOP');
		try {
			const e = await failsWithin(src.capture(), 4500);
			assert.strictEqual(e.reason, 'timeout');
			assert.match(e.message, /no complete answer within/);
		} finally {
			for (const pid of stopped) {
				try {
					process.kill(pid, 'SIGCONT');
				} catch {
					/* gone */
				}
			}
		}
		const again = await src.capture();
		assert.ok(again.processes.length > 0, 'the next refresh reconnects and answers');
		assert.strictEqual(childrenOf(process.pid).filter((p) => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'ssh').length, 1, 'exactly one ssh child: the old session was ended');
	});

	it('the server killed mid-session: a clear error, then a new session on the next refresh', async () => {
		const src = track(sshSource('procnet-test', { configFile: sshd.configFile, timeoutMs: 10_000 }));
		await src.capture();
		const before = src.sessionsStarted;
		const pending = src.capture();
		for (const pid of descendants(sshd.pid)) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}
		// The refresh in flight may have been answered just before the kill; if not, it fails fast.
		await pending.then(
			() => undefined,
			(e) => assert.ok(e instanceof RemoteSourceError && /exited|closed|connection/i.test(e.message), String(e)),
		);
		const next = await src.capture().catch(async () => src.capture());
		assert.ok(next.processes.length > 0);
		assert.ok(src.sessionsStarted > before, 'a new session was started');
	});

	it('a "shell" that answers garbage and exits: a clear error within the timeout', async () => {
		const src = track(commandSource(['sh', '-c', 'head -c 200000 /dev/urandom; exit 3'], 'garbage', { timeoutMs: 5000 }));
		const e = await failsWithin(src.capture(), 5500);
		assert.match(e.message, /exit|answer/i);
	});

	it('a "shell" that floods garbage forever: fails within the timeout without holding the flood in memory', async () => {
		const marker = `procnet-flood-${process.pid}-${Date.now()}`;
		const src = track(commandSource(['sh', '-c', `yes "garbage garbage ${marker}"`], 'flood', { timeoutMs: 3000 }));
		const rss0 = process.memoryUsage().rss;
		const e = await failsWithin(src.capture(), 4000);
		const grew = (process.memoryUsage().rss - rss0) / 1048576;
		assert.ok(grew < 200, `memory grew ${grew.toFixed(0)} MiB while reading the flood`);
		assert.ok(['timeout', 'protocol', 'transport-exited'].includes(e.reason), e.reason);
		// Not only the shell: its child (`yes`) must be gone too, not left orphaned to init.
		await new Promise((r) => setTimeout(r, 2500));
		const survivors = fs.readdirSync('/proc').filter((p) => {
			try {
				return /^\d+$/.test(p) && fs.readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(marker);
			} catch {
				return false;
			}
		});
		assert.deepStrictEqual(survivors, [], 'processes of the ended session are still running');
	});

	it('leaves no ssh or shell child behind once disposed', async () => {
		for (const s of sources) s.dispose();
		await new Promise((r) => setTimeout(r, 2500));
		const left = childrenOf(process.pid).map((p) => {
			try {
				return fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
			} catch {
				return '';
			}
		}).filter((c) => c === 'ssh' || c === 'sh' || c === 'yes');
		assert.deepStrictEqual(left, []);
	});
});
