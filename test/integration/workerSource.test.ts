// The extension's WorkerSource: the scan runs in dist/scanWorker.js and crosses back in slices
// (scanWire.ts). On real /proc with enough sockets of our own to need several slices, the
// snapshot must hold every one of them with its owner, and the diff rebuilt on this side must
// name the sockets that appeared, closed and changed between two refreshes.
import * as assert from 'assert';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { WorkerSource, SCAN_NICE } from '../../src/collect/workerSource';
import { readCaptureFile } from '../../src/collect/remoteCapture';
import { COLUMNS_FROM, SLICE } from '../../src/collect/scanWire';
import { isColumnSocket } from '../../src/collect/socketColumns';
import { sameSocket, type SnapshotDiff } from '../../src/model/diff';
import { buildSnapshot } from '../../src/model/join';
import type { Snapshot } from '../../src/model/snapshot';
import { CLI, lineReader, REPO } from './helpers';

// The holders below open N loopback TCP connections to their own server, then print its port.
const CONNECT_N = `
const net = require('net');
const n = +process.argv[1];
const conns = [];
let accepted = 0;
// In batches: thousands of connect()s at once overflow the accept queue and some never land.
const batch = () => {
	if (conns.length === n) return console.log(JSON.stringify({ port: srv.address().port }));
	const left = Math.min(100, n - conns.length);
	const want = accepted + left;
	for (let i = 0; i < left; i++) conns.push(net.connect(srv.address().port, '127.0.0.1'));
	const wait = () => (accepted >= want ? batch() : setTimeout(wait, 5));
	wait();
};`;

// Holds N loopback TCP connections (2N sockets, several slices), then on "go" opens a TCP
// listener and closes one pair, and answers with the listener's port and the closed connection's local port.
const HOLDER = `${CONNECT_N}
const srv = net.createServer(() => { accepted++; }).listen(0, '127.0.0.1', () => {
	batch();
	process.stdin.on('data', () => {
		const l = net.createServer(() => {}).listen(0, '127.0.0.1', () => {
			const gone = conns.pop();
			const port = gone.localPort;
			gone.destroy();
			setTimeout(() => console.log(JSON.stringify({ listen: l.address().port, closedPort: port })), 200);
		});
	});
});`;

// Holds N loopback TCP connections; on "keep K" resets all but every K-th of them (RST: no
// TIME_WAIT left behind; both ends closed), and answers with how many it still holds.
const RESETTER = `${CONNECT_N}
const srv = net.createServer((c) => { accepted++; c.on('error', () => {}); }).listen(0, '127.0.0.1', () => {
	batch();
	require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
		const k = +line.split(' ')[1];
		const kept = conns.filter((c, i) => i % k === 0 || (c.resetAndDestroy(), false));
		conns.length = 0;
		conns.push(...kept);
		setTimeout(() => console.log(JSON.stringify({ held: conns.length })), 500);
	});
});`;

function lines(child: ChildProcess): () => Promise<Record<string, number>> {
	const next = lineReader(child);
	return async () => JSON.parse(await next()) as Record<string, number>;
}

describe('WorkerSource (scan worker, sliced transfer)', function () {
	this.timeout(60_000);
	let child: ChildProcess | undefined;
	let source: WorkerSource | undefined;
	after(() => {
		child?.kill('SIGKILL');
		source?.dispose();
	});

	it('brings every socket across and rebuilds the diff', async () => {
		const pairs = Math.ceil((SLICE * 1.6) / 2) * 2; // 2 × pairs TCP sockets: > 3 slices
		child = spawn(process.execPath, ['-e', HOLDER, String(pairs)], { stdio: ['pipe', 'pipe', 'inherit'] });
		const next = lines(child);
		const { port } = await next();
		source = new WorkerSource(path.join(REPO, 'dist/scanWorker.js'));

		const first = await source.snapshot();
		assert.strictEqual(source.lastDiff, undefined, 'no diff for the first snapshot');
		const mine = first.sockets.filter((s) => s.kind === 'tcp' && (s.localPort === port || s.remotePort === port) && s.owners.some((o) => o.pid === child!.pid));
		// the listener + both ends of each connection, all held by the child
		assert.strictEqual(mine.length, 1 + 2 * pairs, `expected ${1 + 2 * pairs} of the child's sockets, got ${mine.length}`);
		assert.ok(first.sockets.length > 3 * SLICE, `${first.sockets.length} sockets: not enough to need several slices`);
		assert.strictEqual(new Set(first.sockets.map((s) => s.id)).size, first.sockets.length, 'a socket came across twice');
		assert.ok(first.processes.some((p) => p.pid === child!.pid), 'the holder process is in the snapshot');
		// A full transfer comes as columns (socketColumns.ts); what each socket reads is checked
		// above through its fields, and its JSON is the object the worker joined.
		assert.ok(first.sockets.every(isColumnSocket), 'the first, full transfer is not columns');
		const json = JSON.parse(JSON.stringify(mine[0])) as Record<string, unknown>;
		assert.deepStrictEqual([json.kind, json.localPort, json.inode, json.id, json.owners], [mine[0].kind, mine[0].localPort, mine[0].inode, mine[0].id, mine[0].owners]);

		child.stdin!.write('go\n');
		const { listen, closedPort } = await next();
		const second = await source.snapshot();
		const diff = (source as WorkerSource).lastDiff as SnapshotDiff | undefined; // (not narrowed by the first assert)
		assert.ok(diff, 'a diff for the second snapshot');
		const opened = diff.newSockets.find((s) => s.kind === 'tcp' && s.state === 'LISTEN' && s.localPort === listen);
		assert.ok(opened, `the new listener on ${listen} is among the ${diff.newSockets.length} new sockets`);
		assert.ok(second.sockets.includes(opened), 'new sockets are the snapshot\'s own objects');
		assert.deepStrictEqual(opened.owners.map((o) => o.pid), [child.pid]);
		// A partial scan's sockets are plain objects, unless it sent COLUMNS_FROM or more (this
		// machine's TIME_WAIT sockets, left by earlier tests, are sent again at each scan as their
		// timers run down).
		assert.strictEqual(isColumnSocket(opened), source.lastTransfer!.upserts >= COLUMNS_FROM, `a partial scan of ${source.lastTransfer!.upserts} upserts`);
		const closed = diff.closedSockets.find((s) => s.kind === 'tcp' && s.localPort === closedPort && s.remotePort === port);
		assert.ok(closed, `the closed connection from port ${closedPort} is among the ${diff.closedSockets.length} closed sockets`);
		for (const c of diff.changedSockets) {
			assert.ok(second.sockets.includes(c.after), 'changed.after is in the new snapshot');
			assert.strictEqual(c.before.id, c.after.id);
			assert.ok(c.fields.length > 0, 'a change names its fields');
		}
		// The other end of the closed connection: gone from ESTABLISHED (closed, or changed state).
		const peer = second.sockets.find((s) => s.kind === 'tcp' && s.localPort === port && s.remotePort === closedPort);
		if (peer) assert.ok(diff.changedSockets.some((c) => c.after === peer && c.fields.includes('state')), 'the peer\'s state change is in the diff');

		// Only what changed crosses: the holder's idle connections are the very objects of the last snapshot.
		const idle = (snap: typeof second) => snap.sockets.filter((s) => s.kind === 'tcp' && s.state === 'ESTABLISHED' && s.remotePort === port && s.owners.some((o) => o.pid === child!.pid));
		const third = await source.snapshot();
		const before = new Set(idle(second));
		assert.ok(before.size > 2 * SLICE * 0.5, `${before.size} idle connections held`);
		// A socket the kernel changed in any field (a timer, a queue) is sent again, rightly; one
		// equal in every field must be the very object this side already held.
		const byId = new Map(idle(second).map((s) => [s.id, s]));
		const resent = idle(third).filter((s) => !before.has(s) && byId.has(s.id) && sameSocket(byId.get(s.id)!, s));
		assert.deepStrictEqual(resent.map((s) => s.id), [], 'sockets equal in every field were sent again');
		assert.ok(idle(third).every((s) => byId.has(s.id)), 'an idle connection is missing or new');

		// A worker that died leaves this side holding sockets it cannot trust: the next scan is
		// a full one, and the diff against what was held still says nothing of ours is new.
		await (source as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
		await new Promise((r) => setTimeout(r, 100));
		const fourth = await source.snapshot();
		const d4 = (source as WorkerSource).lastDiff as SnapshotDiff | undefined;
		assert.ok(d4, 'a diff after the worker was replaced');
		assert.strictEqual(idle(fourth).length, before.size, 'every idle connection is there after the full transfer');
		assert.ok(idle(fourth).every(isColumnSocket), 'the full transfer after the worker died is columns');
		assert.ok(!d4.newSockets.some((s) => before.has(s) || (s.remotePort === port && s.owners.some((o) => o.pid === child!.pid))), 'held sockets are not reported new after a full transfer');
		assert.ok(!d4.closedSockets.some((s) => s.remotePort === port && s.state === 'ESTABLISHED' && s.owners.some((o) => o.pid === child!.pid)), 'held sockets are not reported closed after a full transfer');
	});

	it('takes in a big partial transfer as columns, and asks for a full one once most of their rows are gone', async function () {
		this.timeout(120_000);
		// Four holders (one process may hold 20000 fds here) of 2 × 5000 sockets each: the partial
		// transfer that brings them is well over COLUMNS_FROM, and their rows, once most are gone,
		// outweigh the other sockets of the machine (with up to ~29k of them, TIME_WAIT included).
		const src = new WorkerSource(path.join(REPO, 'dist/scanWorker.js'));
		const holders: ChildProcess[] = [];
		try {
			// The full transfer first, and only then the holders: started beside it, most of their
			// sockets were already in it on a slower machine (CI: 8062 left for the partial one).
			await src.snapshot();
			for (let i = 0; i < 4; i++) holders.push(spawn(process.execPath, ['-e', RESETTER, '5000'], { stdio: ['pipe', 'pipe', 'inherit'] }));
			const nexts = holders.map(lines);
			const ports = await Promise.all(nexts.map((next) => next()));
			const theirs = (snap: Snapshot) => snap.sockets.filter((s) => s.kind === 'tcp' && s.owners.some((o) => holders.some((h) => h.pid === o.pid)) && s.state === 'ESTABLISHED');
			const grown = await src.snapshot();
			assert.strictEqual(src.lastTransfer?.full, false);
			assert.ok(src.lastTransfer!.upserts >= COLUMNS_FROM, `${src.lastTransfer!.upserts} upserts`);
			const mine = theirs(grown);
			assert.strictEqual(mine.length, 40000, 'both ends of every connection');
			assert.ok(mine.every(isColumnSocket), 'a big partial transfer comes as columns');
			const held = (src as unknown as { held: { size: number; tableRows: number } }).held;
			assert.ok(held.tableRows >= held.size, `${held.tableRows} table rows for ${held.size} sockets`);

			// All but one in 50 go, spread over the tables they came in: those are now mostly rows no one holds.
			for (const h of holders) h.stdin!.write('keep 50\n');
			assert.deepStrictEqual(await Promise.all(nexts.map((next) => next())), [0, 1, 2, 3].map(() => ({ held: 100 })));
			const shrunk = await src.snapshot();
			assert.strictEqual(src.lastTransfer?.full, false);
			assert.strictEqual(theirs(shrunk).length, 800, 'the connections left, both ends');
			assert.ok(held === (src as unknown as { held: unknown }).held, 'a partial transfer keeps the index');
			assert.ok(held.tableRows > 2 * held.size + COLUMNS_FROM, `setup: ${held.tableRows} table rows for ${held.size} sockets do not call for a full transfer (too many other sockets on this machine?)`);
			const compacted = await src.snapshot();
			assert.strictEqual(src.lastTransfer?.full, true, 'the next scan is a full transfer');
			const after = (src as unknown as { held: { size: number; tableRows: number } }).held;
			assert.strictEqual(after.tableRows, after.size, 'fresh tables: every row held');
			assert.strictEqual(theirs(compacted).length, 800);
			assert.deepStrictEqual(src.lastDiff?.newSockets.filter((s) => theirs(compacted).includes(s)), [], 'the full transfer reports none of them new');
			assert.ok(ports.every((p) => typeof p.port === 'number'));
		} finally {
			src.dispose();
			for (const h of holders) h.kill('SIGKILL');
		}
	});

	it('scans on a niced thread and leaves the caller\'s priority alone', async () => {
		// Each thread's nice value, field 19 of /proc/self/task/TID/stat (after the comm, which may hold spaces).
		const nices = () =>
			new Map(fs.readdirSync('/proc/self/task').map((tid) => {
				const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
				return [Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] as const;
			}));
		const before = nices();
		const src = new WorkerSource(path.join(REPO, 'dist/scanWorker.js'));
		try {
			await src.snapshot();
			const after = nices();
			const niced = [...after].filter(([tid, n]) => n === SCAN_NICE && before.get(tid) !== SCAN_NICE).map(([tid]) => tid);
			assert.strictEqual(niced.length, 1, `one new thread at nice ${SCAN_NICE} (the scan), got ${JSON.stringify([...after])}`);
			assert.strictEqual(after.get(process.pid), before.get(process.pid), 'the caller\'s thread keeps its priority');
			// Back to nice 0 (the setting changed): the next scan runs on a new worker at the caller's
			// priority, and the niced one is gone.
			src.setNice(0);
			const again = await src.snapshot();
			assert.ok(again.sockets.length > 0 && src.lastTransfer?.full, 'a full transfer from the new worker');
			for (let i = 0; i < 50 && nices().has(niced[0]); i++) await new Promise((r) => setTimeout(r, 20));
			assert.ok(!nices().has(niced[0]), 'the niced worker thread has exited');
			assert.deepStrictEqual([...nices()].filter(([tid, n]) => n === SCAN_NICE && before.get(tid) !== SCAN_NICE), [], 'nice 0: no niced thread');
		} finally {
			src.dispose();
		}
	});

	it('parses a capture file in the worker: the same sockets and owners as on this thread, its bytes handed over, its errors as they are', async () => {
		// A capture of this machine made by the CLI, as a user saves one.
		const bytes = execFileSync(process.execPath, [CLI, 'capture'], { maxBuffer: 512 * 1024 * 1024 });
		const here = buildSnapshot(readCaptureFile(bytes, 'here.txt'));
		const owned = (snap: Snapshot) => snap.sockets.map((s) => `${s.id} ${s.owners.map((o) => `${o.pid}/${o.fd}`).join(',')}`).sort();
		const handed = Buffer.from(bytes); // a buffer of its own: moved to the worker, not copied
		const src = new WorkerSource(path.join(REPO, 'dist/scanWorker.js'), '/proc', SCAN_NICE, { kind: 'capture', bytes: handed, label: 'here.txt' });
		try {
			const there = await src.snapshot();
			assert.ok(here.sockets.length > 0);
			assert.deepStrictEqual(owned(there), owned(here));
			assert.deepStrictEqual(there.processes.map((p) => p.pid).sort(), here.processes.map((p) => p.pid).sort());
			assert.strictEqual(there.takenAt, here.takenAt);
			assert.strictEqual(handed.byteLength, 0, 'the bytes were handed to the worker');
		} finally {
			src.dispose();
		}
		// Bytes that share their buffer (a small pooled Buffer) are copied, and a bad file's error
		// comes back with its message.
		const bad = new WorkerSource(path.join(REPO, 'dist/scanWorker.js'), '/proc', SCAN_NICE, { kind: 'capture', bytes: Buffer.from('garbage'), label: 'bad.txt' });
		try {
			await assert.rejects(bad.snapshot(), /^Error: bad\.txt is not a procnet capture/);
		} finally {
			bad.dispose();
		}
	});
});
