// The detail panel's raw line (src/collect/rawLine.ts) read from this machine's real /proc, in
// parts: the test holds enough loopback connections that /proc/self/net/tcp is several parts
// long, and each socket's line must be the one a whole-file read finds, at any part size. The
// kernel hands out whole lines per read when they fit (seq_file), so it is parts shorter than a
// line that make one line come from several reads: the 100-byte case tests carrying them over.
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { readProcTree } from '../../src/collect/procfsReader';
import { findRawLine, RAW_PART } from '../../src/collect/rawLine';
import { buildSnapshot } from '../../src/model/join';
import type { SocketInfo } from '../../src/model/snapshot';
import { splitWs } from '../../src/procfs/lines';
import { tempDir } from './helpers';

const CONNECTIONS = 2500;

function listen(server: net.Server, ...args: unknown[]): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		(server.listen as (...a: unknown[]) => void)(...args, () => resolve());
	});
}

/** This process's sockets as the extension sees them. */
function mySockets(): SocketInfo[] {
	return buildSnapshot(readProcTree({ root: '/proc' })).sockets.filter((s) => s.owners.some((o) => o.pid === process.pid));
}

/** The reference: the whole table read at once, the line whose inode column is the socket's. */
function wholeFileLine(table: string, inode: string, col: number): string | undefined {
	return fs
		.readFileSync(`/proc/self/net/${table}`, 'utf8')
		.split('\n')
		.find((l) => splitWs(l)[col] === inode)
		?.trimEnd();
}

describe('the raw line of a socket, read in parts from the live /proc', function () {
	this.timeout(60_000);
	const server = net.createServer((c) => accepted.push(c));
	const accepted: net.Socket[] = [];
	const clients: net.Socket[] = [];
	const dir = tempDir('procnet-raw-');
	const unixPath = path.join(dir, 'a name with spaces.sock');
	const unixServer = net.createServer();
	let tcp: SocketInfo[] = [];

	before(async () => {
		await listen(server, 0, '127.0.0.1');
		const port = (server.address() as net.AddressInfo).port;
		for (let i = 0; i < CONNECTIONS; i += 100) {
			const batch: Array<Promise<net.Socket>> = [];
			for (let j = i; j < Math.min(CONNECTIONS, i + 100); j++) {
				batch.push(new Promise((resolve, reject) => {
					const c = net.connect(port, '127.0.0.1', () => resolve(c));
					c.once('error', reject);
				}));
			}
			clients.push(...(await Promise.all(batch)));
		}
		while (accepted.length < CONNECTIONS) await new Promise((r) => setTimeout(r, 10));
		await listen(unixServer, unixPath);
		tcp = mySockets().filter((s) => s.kind === 'tcp' && s.ipVersion === 4);
	});

	after(() => {
		for (const c of [...clients, ...accepted]) c.destroy();
		server.close();
		unixServer.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('holds a table several parts long', () => {
		assert.ok(tcp.length >= 2 * CONNECTIONS + 1, `${tcp.length} tcp sockets`);
		const size = fs.readFileSync('/proc/self/net/tcp').length;
		assert.ok(size > 2 * RAW_PART, `/proc/self/net/tcp is ${size} bytes`);
	});

	for (const part of [RAW_PART, 4096, 100]) {
		it(`finds each socket's own line with parts of ${part} bytes (the listener, the first, middle and last rows)`, async () => {
			// The table's order is the kernel's hash order: take sockets from all of it (fewer with
			// parts shorter than a line, where every line is put together from two or more reads).
			const every = part < 1000 ? 1009 : 97;
			const picks = [tcp.find((s) => s.state === 'LISTEN')!, ...tcp.filter((_, i) => i % every === 0), tcp[tcp.length - 1]];
			for (const s of picks) {
				const line = await findRawLine(s, '/proc', part);
				assert.ok(line, `no line for inode ${s.inode}`);
				const cols = splitWs(line);
				assert.strictEqual(cols[9], s.inode);
				const ref = splitWs(wholeFileLine('tcp', s.inode, 9) ?? '');
				// Address, peer and state as the whole-file read has them (timers and queues may move between the reads).
				assert.deepStrictEqual([cols[1], cols[2], cols[3]], [ref[1], ref[2], ref[3]], line);
			}
		});
	}

	it('finds a unix socket whose name has spaces, by its inode column', async () => {
		const s = mySockets().find((x) => x.kind === 'unix' && x.path === unixPath);
		assert.ok(s, 'the unix listener is in the snapshot');
		const line = await findRawLine(s, '/proc', 4096);
		assert.ok(line?.endsWith(unixPath), `raw line: ${line}`);
		assert.strictEqual(splitWs(line!)[6], s.inode);
	});

	it('gives null, never throws, for a socket that closed, a table it cannot open, and inode 0', async () => {
		const extra = net.createServer();
		await listen(extra, 0, '127.0.0.1');
		const port = (extra.address() as net.AddressInfo).port;
		const s = mySockets().find((x) => x.kind === 'tcp' && x.state === 'LISTEN' && x.localPort === port)!;
		assert.ok(await findRawLine(s), 'found while open');
		await new Promise<void>((r) => extra.close(() => r()));
		assert.strictEqual(await findRawLine(s), null);
		assert.strictEqual(await findRawLine(s, path.join(dir, 'no-proc-here')), null);
		assert.strictEqual(await findRawLine({ ...tcp[0], inode: '0' }), null);
	});
});
