// Processes and fds vanishing mid-scan: a churn generator opens and closes sockets and short-
// lived processes as fast as it can while procnet scans every 200 ms. No scan may throw, and a
// socket that does not churn must be in every snapshot with its owner.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as net from 'net';
import { readProcTree } from '../../src/collect/procfsReader';
import { buildSnapshot } from '../../src/model/join';

const CHURN = `
const net = require('net'), { spawn } = require('child_process');
const srv = net.createServer((c) => c.destroy()).listen(0, '127.0.0.1', () => {
	const port = srv.address().port;
	let stop = false;
	process.on('SIGTERM', () => { stop = true; process.exit(0); });
	// Sockets: connect and drop in a tight loop.
	(function loop() {
		if (stop) return;
		for (let i = 0; i < 50; i++) { const c = net.connect(port, '127.0.0.1'); c.on('error', () => {}); c.on('connect', () => c.destroy()); }
		setTimeout(loop, 5);
	})();
	// Processes: short-lived children (cheap ones: a node start per child would eat both cores).
	(function kids() {
		if (stop) return;
		for (let i = 0; i < 2; i++) spawn('sleep', ['0.1'], { stdio: 'ignore' });
		setTimeout(kids, 50);
	})();
	console.log('up');
});`;

describe('scanning while sockets and processes churn', function () {
	this.timeout(120_000);
	it('never throws and always finds a stable listener with its owner (200 ms refreshes for 20 s)', async () => {
		const stable = net.createServer(() => undefined);
		await new Promise<void>((r) => stable.listen(0, '127.0.0.1', r));
		const port = (stable.address() as net.AddressInfo).port;
		const churn = spawn(process.execPath, ['-e', CHURN], { stdio: ['ignore', 'pipe', 'inherit'] });
		const rejections: unknown[] = [];
		const onRejection = (e: unknown) => rejections.push(e);
		process.on('unhandledRejection', onRejection);
		try {
			await new Promise((r) => churn.stdout!.once('data', r));
			const end = Date.now() + 20_000;
			let scans = 0;
			let sawChurn = 0;
			while (Date.now() < end) {
				const snap = buildSnapshot(readProcTree());
				scans++;
				const l = snap.sockets.filter((s) => s.kind === 'tcp' && s.localPort === port && s.state === 'LISTEN');
				assert.strictEqual(l.length, 1, `scan ${scans}: the stable listener is missing`);
				assert.deepStrictEqual(l[0].owners.map((o) => o.pid), [process.pid]);
				sawChurn += snap.processes.filter((p) => p.ppid === churn.pid).length;
				await new Promise((r) => setTimeout(r, 200));
			}
			console.log(`      ${scans} scans; ${sawChurn} short-lived children seen across them`);
			assert.ok(scans >= 10, `only ${scans} scans in 20 s`);
			assert.ok(sawChurn > 0, 'the churn generator was not churning processes');
			assert.deepStrictEqual(rejections, []);
		} finally {
			process.off('unhandledRejection', onRejection);
			churn.kill('SIGTERM');
			stable.close();
		}
	});
});
