// Signalling real processes: the identity check (pid + start time) right before the signal.
import * as assert from 'assert';
import { spawn } from 'child_process';
import { currentStartTicks, isAlive, signalProcess } from '../../src/collect/processControl';

describe('signalProcess', () => {
	it('refuses a pid whose start time differs (a reused pid), and sends nothing', async () => {
		const child = spawn('sleep', ['30']);
		try {
			const ticks = currentStartTicks(child.pid!);
			assert.ok(ticks !== null && ticks > 0);
			const r = signalProcess(child.pid!, ticks! + 1, 'SIGTERM');
			assert.deepStrictEqual([r.ok, !r.ok && r.reason], [false, 'reused']);
			await new Promise((res) => setTimeout(res, 100));
			assert.ok(isAlive(child.pid!, ticks), 'the process was not signalled');
			const ok = signalProcess(child.pid!, ticks, 'SIGTERM');
			assert.deepStrictEqual(ok, { ok: true });
			const [, signal] = await new Promise<[number | null, string | null]>((res) => child.once('exit', (c, s) => res([c, s])));
			assert.strictEqual(signal, 'SIGTERM');
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('says "gone" for an exited pid and refuses pid 1 and nonsense', async () => {
		const child = spawn('true');
		await new Promise((r) => child.once('exit', r));
		await new Promise((r) => setTimeout(r, 50));
		const r = signalProcess(child.pid!, null, 'SIGTERM');
		assert.strictEqual(!r.ok && r.reason, 'gone');
		assert.strictEqual(signalProcess(1, null, 'SIGTERM').ok, false);
		assert.strictEqual(signalProcess(Number.NaN, null, 'SIGTERM').ok, false);
	});

	it('says "permission" with a clear message when the user may not signal the process', async function () {
		if (process.getuid!() !== 0) this.skip(); // needs root to start a process as another user
		// As uid 65534, try to signal a root process of ours.
		const victim = spawn('sleep', ['30']);
		try {
			const ticks = currentStartTicks(victim.pid!);
			const script = `const {signalProcess}=require(${JSON.stringify(require.resolve('../../src/collect/processControl'))});process.stdout.write(JSON.stringify(signalProcess(${victim.pid},${ticks},'SIGTERM')))`;
			const out = await new Promise<string>((res) => {
				const c = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script]);
				let s = '';
				c.stdout.on('data', (d) => (s += d));
				c.on('exit', () => res(s));
			});
			const r = JSON.parse(out);
			assert.strictEqual(r.reason, 'permission');
			assert.match(r.message, /not permitted/);
			assert.ok(isAlive(victim.pid!, ticks));
		} finally {
			victim.kill('SIGKILL');
		}
	});
});
