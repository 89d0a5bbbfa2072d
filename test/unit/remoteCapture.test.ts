// The remote collector's framed output → Capture, on hand-built frames (the integration tests
// run the real script over ssh and sh). Hostile content is the point: unix paths with newlines
// and fake marker lines, comm with newlines, cmdline with NULs and newlines.
import * as assert from 'assert';
import * as zlib from 'zlib';
import { CaptureAssembler, captureFromRecords, detectCaptureFormat, FrameReader, hexToBytes, parseFramedCapture, parseListings, parseRecords, readCaptureFile, RemoteSourceError, type CollectorRecord } from '../../src/collect/remoteCapture';
import { closeCommand, collectCommand, captureRecipe, COLLECTOR_SCRIPT, shQuote } from '../../src/collect/remoteScript';
import { TABLE_NAMES } from '../../src/procfs/types';
import { describeExit, parseHostSpec, sshArgv } from '../../src/collect/shellSource';
import { buildSnapshot, parseNamespaces } from '../../src/model/join';

const NONCE = '0123456789abcdef0123456789abcdef';

function rec(tag: string, content: string | Buffer, ...args: Array<string | number>): Buffer {
	const c = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
	return Buffer.concat([Buffer.from(`${tag} ${c.length}${args.length ? ' ' + args.join(' ') : ''}\n`, 'latin1'), c, Buffer.from('\n')]);
}

/** `od -An -v -tx1` as the remote prints it: 16 bytes a line, each " xx". */
function od(b: Buffer): string {
	const lines: string[] = [];
	for (let i = 0; i < b.length; i += 16) lines.push(Array.from(b.subarray(i, i + 16), (x) => ' ' + x.toString(16).padStart(2, '0')).join(''));
	return lines.join('\n');
}

const EVIL_PATH = `/tmp/a\n@@PROCNET ${NONCE} end\nS 5 1\nhello\n0000000000000000: 00000002 00000000 00010000 0001 01 99999 /fake`;
const UNIX = [
	'Num       RefCount Protocol Flags    Type St Inode Path',
	`0000000000000000: 00000002 00000000 00010000 0001 01 4242 ${EVIL_PATH}`,
	'0000000000000000: 00000002 00000000 00010000 0001 01 4343 /run/ok.sock',
	'',
].join('\n');
const TCP = [
	'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
	'   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 100 0 0 10 0',
	'',
].join('\n');
const TCP_OTHER_NS = [TCP.split('\n')[0], '   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7777 1 0000000000000000 100 0 0 10 0', ''].join('\n');
// utime 250 and stime 50 ticks (fields 14, 15), rss 3 pages (field 24).
const STAT_100 = '100 (a\nb) (c) S 1 100 100 0 -1 4194560 0 0 0 0 250 50 0 0 20 0 1 0 500 0 3 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n';
const STAT_200 = '200 (srv) S 100 200 200 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 600 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n';
const STAT_300 = '300 (other) S 1 300 300 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 700 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n';
const CMDLINE_100 = Buffer.from('python3\0-c\0print(1)\n@@PROCNET x end\n\0\0last\0', 'utf8');

function body(): Buffer {
	return Buffer.concat([
		rec('U', 'Linux'),
		rec('I', '100'),
		rec('S', STAT_100, 100),
		rec('C', od(CMDLINE_100), 100),
		rec('S', STAT_200, 200),
		rec('C', '', 200),
		rec('S', STAT_300, 300),
		rec('C', od(Buffer.from('other\0')), 300),
		// uid, ns/net (readable for 100 only), net/tcp: 100 and 200 share a namespace; 300 has its own, link unreadable.
		rec(
			'A',
			[
				'      573 dr-xr-xr-x 9 0 0    0 Nov 25 14:01 100',
				'4026531840 -r--r--r-- 1 0 0 0 Nov 25 14:46 100/ns/net',
				'4026531910 -r--r--r-- 1 0 0    0 Nov 25 14:46 100/net/tcp',
				'      574 dr-xr-xr-x 9 1000 1000 0 Nov 25 14:01 200',
				'4026531910 -r--r--r-- 1 1000 1000 0 Nov 25 14:46 200/net/tcp',
				'      575 dr-xr-xr-x 9 0 0 0 Nov 25 14:01 300',
				'4026532999 -r--r--r-- 1 0 0 0 Nov 25 14:46 300/net/tcp',
			].join('\n'),
		),
		rec(
			'F',
			['total 0', '      3 crw-rw-rw- 1 0 0 1, 3 Nov 22 22:26 0', '   5555 srwxrwxrwx 1 0 0    0 Nov 25 14:46 10', '   4242 srwxrwxrwx 1 0 0    0 Nov 25 14:46 9', '? l????????? ? ? ? ?            ? 11'].join('\n'),
			100,
		),
		rec('F', '   4242 srwxrwxrwx 1 1000 1000 0 Nov 25 14:46 3', 200),
		rec('Q', '', 300),
		rec('R', '/home/a\nb', 100),
		rec('N', TCP, 4026531910, 100, 'tcp'),
		rec('N', UNIX, 4026531910, 100, 'unix'),
		rec('N', TCP_OTHER_NS, 4026532999, 300, 'tcp'),
		rec('B', '1700000000'),
		rec('H', 'box-1'),
		rec('K', '6.1.0-test'),
		rec('E', ' 7f 45 4c 46 02 02'),
		rec('T', '100'),
		// A 64 KiB page (arm64, ppc64), not this machine's: rss must be counted in the host's pages.
		rec('P', '65536'),
		rec('D', '2026-11-25T14:46:11Z'),
		rec('W', 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n'),
	]);
}

function frame(b: Buffer, enc: 'raw' | 'gzip64' = 'raw', preamble = ''): Buffer {
	const content = enc === 'raw' ? b : Buffer.from(zlib.gzipSync(b).toString('base64').replace(/.{1,76}/g, '$&\n'), 'latin1');
	return Buffer.concat([Buffer.from(`${preamble}@@PROCNET ${NONCE} begin ${enc}\n`, 'latin1'), content, Buffer.from(`@@PROCNET ${NONCE} end\n`, 'latin1')]);
}

const SOURCE = { kind: 'ssh' as const, label: 'ssh box-1' };

describe('remote capture: framed records → Capture', () => {
	it('reads every record exactly, whatever bytes the content holds', () => {
		const c = captureFromRecords(parseRecords(body()), { source: SOURCE });
		assert.deepStrictEqual(c.host, { hostname: 'box-1', kernel: '6.1.0-test', byteOrder: 'BE', clkTck: 100, bootTime: 1700000000, pageSize: 65536 });
		assert.strictEqual(c.takenAt, '2026-11-25T14:46:11.000Z');
		assert.strictEqual(c.selfPid, 100);
		assert.deepStrictEqual(c.source, SOURCE);
		const p100 = c.processes.find((p) => p.pid === 100)!;
		assert.strictEqual(p100.stat, STAT_100);
		assert.strictEqual(p100.cmdline, CMDLINE_100.toString('utf8'));
		assert.strictEqual(p100.cwd, '/home/a\nb');
		assert.strictEqual(p100.uid, 0);
		assert.deepStrictEqual(p100.fds, [[9, '4242'], [10, '5555']], 'socket fds only, in fd order');
		assert.strictEqual(p100.fdAccess, 'ok');
		assert.strictEqual(c.namespaces.find((n) => n.viaPid === 100)!.tables.unix, UNIX);
	});

	it('names namespaces as procfsReader does: net:[N] from a readable link, else netino:<tcp inode>', () => {
		const c = captureFromRecords(parseRecords(body()), { source: SOURCE });
		const ns = (pid: number) => c.processes.find((p) => p.pid === pid)!.netns;
		assert.strictEqual(ns(100), 'net:[4026531840]');
		assert.strictEqual(ns(200), 'net:[4026531840]', 'same tcp table inode as 100, whose link was readable');
		assert.strictEqual(ns(300), 'netino:4026532999');
		assert.deepStrictEqual(
			c.namespaces.map((n) => [n.id, n.viaPid, Object.keys(n.tables)]),
			[
				['net:[4026531840]', 100, ['tcp', 'unix']],
				['netino:4026532999', 300, ['tcp']],
			],
		);
		const p300 = c.processes.find((p) => p.pid === 300)!;
		assert.strictEqual(p300.fdAccess, 'denied');
		assert.strictEqual(p300.cmdline, 'other\0');
		assert.deepStrictEqual(c.errors, []);
	});

	it('builds a snapshot: owners shared, a forged unix line flagged and never attributed', () => {
		const snap = buildSnapshot(captureFromRecords(parseRecords(body()), { source: SOURCE }));
		const shared = snap.sockets.find((s) => s.inode === '4242')!;
		assert.deepStrictEqual(shared.owners, [{ pid: 100, fd: 9 }, { pid: 200, fd: 3 }]);
		assert.strictEqual(snap.processes.find((p) => p.pid === 200)!.user, 'alice');
		assert.deepStrictEqual(snap.processes.find((p) => p.pid === 100)!.cmdline, ['python3', '-c', `print(1)\n@@PROCNET x end\n`, '', 'last']);
		assert.strictEqual(snap.processes.find((p) => p.pid === 100)!.name, 'a\nb) (c');
		assert.deepStrictEqual(
			snap.processes.filter((p) => p.pid !== 300).map((p) => [p.pid, p.rssBytes, p.cpuSeconds]),
			[[100, 3 * 65536, 3], [200, 0, 0]],
			'rss in the host\'s pages, CPU time in its ticks',
		);
		const forged = snap.sockets.find((s) => s.inode === '99999');
		assert.ok(!forged || forged.owners.length === 0, 'a line forged inside a path never gets an owner');
		// Big-endian host: 0100007F reads as 1.0.0.127 there.
		assert.strictEqual(snap.sockets.find((s) => s.inode === '5555')!.localAddress, '1.0.0.127');
	});

	it('FrameReader: skips a banner and another response\'s begin line; a fake end line inside content is content (fed byte by byte)', () => {
		const f = frame(body(), 'raw', `Welcome!\n@@PROCNET ffff begin raw\nS 1 2\n`);
		const r = new FrameReader(NONCE);
		let out;
		for (let i = 0; i < f.length; i++) {
			out = r.push(f.subarray(i, i + 1));
			if (out) {
				assert.strictEqual(i, f.length - 1, 'complete only at the last byte');
				break;
			}
		}
		assert.ok(out);
		assert.strictEqual(out.encoding, 'raw');
		assert.ok(out.body.equals(body()));
		assert.strictEqual(out.wireBytes, f.length - 'Welcome!\n@@PROCNET ffff begin raw\nS 1 2\n'.length);
	});

	it('FrameReader: gzip64 frames, in uneven chunks, decode to the same records', () => {
		const f = frame(body(), 'gzip64');
		const r = new FrameReader(NONCE);
		let out;
		for (let i = 0; i < f.length && !out; i += 37) out = r.push(f.subarray(i, i + 37));
		assert.ok(out);
		assert.strictEqual(out.encoding, 'gzip64');
		assert.ok(out.body.equals(body()));
		assert.ok(out.wireBytes < body().length, 'compressed is smaller');
	});

	it('a truncated response is incomplete, a wrong length is a protocol error, never a silent misread', () => {
		const f = frame(body());
		assert.strictEqual(new FrameReader(NONCE).push(f.subarray(0, f.length - 5)), undefined);
		const bad = Buffer.from(`@@PROCNET ${NONCE} begin raw\nS 3 1\nabcd\n@@PROCNET ${NONCE} end\n`);
		assert.throws(() => new FrameReader(NONCE).push(bad), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'protocol');
		const junk = Buffer.from(`@@PROCNET ${NONCE} begin raw\nhello world\n`);
		assert.throws(() => new FrameReader(NONCE).push(junk), /unexpected line/);
		const notB64 = Buffer.from(`@@PROCNET ${NONCE} begin gzip64\nH4sI@@@\n@@PROCNET ${NONCE} end\n`);
		assert.throws(() => new FrameReader(NONCE).push(notB64), /not base64/);
		assert.throws(() => hexToBytes(' 7f 4'), /malformed/);
	});

	it('reports the collector\'s fatal records as typed errors: no /proc, not Linux', () => {
		const noProc = Buffer.concat([rec('U', 'Linux'), rec('X', 'cannot read /proc: no such directory', 'no-proc')]);
		assert.throws(() => captureFromRecords(parseRecords(noProc), { source: SOURCE }), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'no-proc' && /ssh box-1: cannot read \/proc/.test(e.message));
		const mac = Buffer.concat([rec('U', 'Darwin'), rec('X', 'cannot read /proc', 'no-proc')]);
		assert.throws(() => captureFromRecords(parseRecords(mac), { source: SOURCE }), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'not-linux' && /not Linux \(uname -s: Darwin\)/.test(e.message));
	});

	it('says which namespace had no readable tables; falls back to ROOT/net with the self namespace id', () => {
		const lost = Buffer.concat([rec('S', STAT_200, 200), rec('A', '4026531910 -r--r--r-- 1 0 0 0 Nov 25 14:46 200/net/tcp\n4026531840 -r--r--r-- 1 0 0 0 Nov 25 14:46 200/ns/net'), rec('E', ' 7f 45 4c 46 02 01')]);
		assert.deepStrictEqual(captureFromRecords(parseRecords(lost), { source: SOURCE }).errors, ['could not read the socket tables of network namespace net:[4026531840] (all of its 1 processes exited or were unreadable)']);
		const flat = Buffer.concat([rec('N', TCP, 0, -1, 'tcp'), rec('Y', '4026531840'), rec('E', '')]);
		const c = captureFromRecords(parseRecords(flat), { source: SOURCE, takenAt: '2020-01-01T00:00:00.000Z' });
		assert.deepStrictEqual(c.namespaces.map((n) => [n.id, n.viaPid]), [['net:[4026531840]', -1]]);
		assert.strictEqual(c.host.byteOrder, 'LE');
		assert.match(c.errors[0], /could not tell the remote byte order/);
		assert.strictEqual(c.takenAt, '2020-01-01T00:00:00.000Z');
	});
});

/** A streamed record: header, the command's output as is, NUL, exit status. */
function srec(tag: string, content: string | Buffer, status: number, ...args: Array<string | number>): Buffer {
	const c = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
	return Buffer.concat([Buffer.from(`${tag} -${args.length ? ' ' + args.join(' ') : ''}\n`, 'latin1'), c, Buffer.from(`\0${status}\n`, 'latin1')]);
}

/** The collector's order: facts, processes, namespaces, tables (part 1); command lines, fd listings, cwds, the rest (part 2). */
function streamedParts(): [Buffer, Buffer] {
	const part1 = Buffer.concat([
		rec('U', 'Linux'),
		rec('I', '100'),
		rec('E', ' 7f 45 4c 46 02 01'),
		rec('T', '100'),
		rec('S', STAT_100, 100),
		rec('S', STAT_200, 200),
		rec('S', STAT_300, 300),
		rec(
			'A',
			[
				'      573 dr-xr-xr-x 9 0 0    0 Nov 25 14:01 100',
				'4026531840 -r--r--r-- 1 0 0 0 Nov 25 14:46 100/ns/net',
				'4026531910 -r--r--r-- 1 0 0    0 Nov 25 14:46 100/net/tcp',
				'      574 dr-xr-xr-x 9 1000 1000 0 Nov 25 14:01 200',
				'4026531910 -r--r--r-- 1 1000 1000 0 Nov 25 14:46 200/net/tcp',
				'      575 dr-xr-xr-x 9 0 0 0 Nov 25 14:01 300',
				'4026532999 -r--r--r-- 1 0 0 0 Nov 25 14:46 300/net/tcp',
			].join('\n'),
		),
		srec('N', TCP, 0, 4026531910, 100, 'tcp'),
		// cat failed half way (the process left): not a table.
		srec('N', TCP_OTHER_NS.slice(0, 40), 1, 4026531910, 100, 'tcp6'),
		srec('N', UNIX, 0, 4026531910, 100, 'unix'),
		srec('N', TCP_OTHER_NS, 0, 4026532999, 300, 'tcp'),
	]);
	const part2 = Buffer.concat([
		srec('C', od(CMDLINE_100), 0, 100),
		srec('C', '', 1, 200),
		srec('C', od(Buffer.from('other\0')), 0, 300),
		srec(
			'L',
			[
				'self/fd:',
				'   9999 0|',
				'   9998 3=',
				'',
				'100/fd:',
				'      3 0',
				'   5555 10=',
				'   4242 9=',
				'? 11@',
				'',
				'200/fd:',
				'   4242 3=',
				'',
				'300/fd:',
				'',
			].join('\n'),
			2,
			'',
		),
		srec('R', '/home/a\nb\n', 0, 100),
		srec('R', '', 1, 200),
		rec('B', '1700000000'),
		rec('H', 'box-1'),
		rec('K', '6.1.0-test'),
		rec('D', '2026-11-25T14:46:11Z'),
		rec('W', 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n'),
	]);
	return [part1, part2];
}

/** gzip64 with one gzip member per part, as procnet_collect sends it. */
function partsFrame(parts: Buffer[]): Buffer {
	const b64 = (b: Buffer) => Buffer.from(zlib.gzipSync(b, { level: 1 }).toString('base64').replace(/.{1,76}/g, '$&\n'), 'latin1');
	const out: Buffer[] = [Buffer.from(`@@PROCNET ${NONCE} begin gzip64\n`, 'latin1')];
	parts.forEach((p, i) => {
		if (i) out.push(Buffer.from(`@@PROCNET ${NONCE} part\n`, 'latin1'));
		out.push(b64(p));
	});
	out.push(Buffer.from(`@@PROCNET ${NONCE} end\n`, 'latin1'));
	return Buffer.concat(out);
}

describe('remote capture: streamed records (tables, listings, command lines as the commands print them)', () => {
	it('ends a streamed record at its NUL, keeps its status, and drops what a failed command printed', () => {
		const body = Buffer.concat(streamedParts());
		const recs = parseRecords(body);
		const n = recs.filter((r) => r.tag === 'N');
		assert.deepStrictEqual(n.map((r) => [r.args, r.status]), [[['4026531910', '100', 'tcp'], 0], [['4026531910', '100', 'tcp6'], 1], [['4026531910', '100', 'unix'], 0], [['4026532999', '300', 'tcp'], 0]]);
		assert.strictEqual(n[2].content.toString('utf8'), UNIX, 'a unix path with a fake end line and a fake record is content');
		const c = captureFromRecords(recs, { source: SOURCE });
		const ns = c.namespaces.find((x) => x.viaPid === 100)!;
		assert.deepStrictEqual(Object.keys(ns.tables), ['tcp', 'unix'], 'the table whose cat failed is not there');
		const p = (pid: number) => c.processes.find((x) => x.pid === pid)!;
		assert.deepStrictEqual(p(100).fds, [[9, '4242'], [10, '5555']]);
		assert.deepStrictEqual(p(200).fds, [[3, '4242']]);
		assert.deepStrictEqual(p(300).fds, []);
		assert.strictEqual(p(100).cmdline, CMDLINE_100.toString('utf8'));
		assert.strictEqual(p(200).cmdline, null, 'od failed: the process left');
		assert.strictEqual(p(100).cwd, '/home/a\nb', 'readlink\'s own newline is dropped, the path\'s is kept');
		assert.strictEqual(p(200).cwd, null);
		assert.ok(!c.processes.some((x) => x.fds.some(([, ino]) => ino === '9998')), 'ls\'s own fds (self/fd) are nobody\'s');
		const snap = buildSnapshot(c);
		assert.deepStrictEqual(snap.sockets.find((s) => s.inode === '4242')!.owners, [{ pid: 100, fd: 9 }, { pid: 200, fd: 3 }]);
	});

	it('a status or a heading that is not ours is a protocol error, never a silent misread', () => {
		assert.throws(() => parseRecords(Buffer.from('N - 1 2 tcp\nabc\0x\n')), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'protocol');
		assert.throws(() => parseRecords(Buffer.from('N - 1 2 tcp\nabc')), /cut short/);
		assert.deepStrictEqual([...parseListings('12/fd:\n 5 3=\n12/fdx:\n 6 4=\nx/fd:\n 7 5=\n13/fd:\n 8 6=\n 9 7\n')], [[12, [[3, '5']]], [13, [[6, '8']]]]);
	});

	it('FrameReader: raw streamed records fed byte by byte, and gzip64 in parts, give the same body and hand each record over once, in order', () => {
		const [p1, p2] = streamedParts();
		const body = Buffer.concat([p1, p2]);
		const raw = frame(body);
		const seen: CollectorRecord[] = [];
		const r = new FrameReader(NONCE, { onRecord: (x) => seen.push(x) });
		let out;
		for (let i = 0; i < raw.length && !out; i++) out = r.push(raw.subarray(i, i + 1));
		assert.ok(out?.body.equals(body));
		assert.deepStrictEqual(seen.map((x) => [x.tag, x.args, x.status, x.content.toString('latin1')]), parseRecords(body).map((x) => [x.tag, x.args, x.status, x.content.toString('latin1')]));

		const gz = partsFrame([p1, p2]);
		const seen2: CollectorRecord[] = [];
		let parts = 0;
		const r2 = new FrameReader(NONCE, { onRecord: (x) => seen2.push(x), onPart: () => parts++ });
		const partAt = gz.indexOf(`@@PROCNET ${NONCE} part`);
		let out2 = r2.push(gz.subarray(0, partAt + 60));
		assert.strictEqual(out2, undefined);
		assert.deepStrictEqual(seen2.map((x) => x.tag), parseRecords(p1).map((x) => x.tag), 'part 1\'s records are out before part 2 has come');
		assert.strictEqual(parts, 1);
		out2 = r2.push(gz.subarray(partAt + 60));
		assert.ok(out2);
		assert.ok(out2.body.equals(body));
		assert.strictEqual(out2.encoding, 'gzip64');
		assert.strictEqual(seen2.length, parseRecords(body).length);
		assert.throws(() => new FrameReader(NONCE).push(Buffer.from(`@@PROCNET ${NONCE} begin gzip64\n@@PROCNET ${NONCE} bogus\n`)), /unexpected line/);
	});

	it('CaptureAssembler: tables parsed on arrival give what parseNamespaces gives; out of order, they are parsed again', () => {
		const body = Buffer.concat(streamedParts());
		const a = new CaptureAssembler();
		const [p1, p2] = streamedParts();
		for (const r of parseRecords(p1)) a.add(r);
		a.parseArrived();
		assert.ok(a.parseMs > 0, 'part 1\'s tables are parsed at the end of part 1');
		for (const r of parseRecords(p2)) a.add(r);
		const { capture, parsed } = a.finish({ source: SOURCE });
		assert.ok(parsed, 'parsed on arrival');
		assert.deepStrictEqual(parsed, parseNamespaces(capture.namespaces, capture.host));
		assert.deepStrictEqual(buildSnapshot(capture, parsed), buildSnapshot(captureFromRecords(parseRecords(body), { source: SOURCE })));
		// Tables before the byte order, or namespaces after the tables: no early parse, same capture.
		const recs = parseRecords(body);
		const late = new CaptureAssembler();
		for (const r of [...recs.filter((x) => x.tag !== 'E'), recs.find((x) => x.tag === 'E')!]) late.add(r);
		const l = late.finish({ source: SOURCE });
		assert.strictEqual(l.parsed, undefined);
		assert.deepStrictEqual(l.capture, capture);
		const moved = new CaptureAssembler();
		for (const r of [...recs.filter((x) => x.tag !== 'A'), recs.find((x) => x.tag === 'A')!]) moved.add(r);
		assert.strictEqual(moved.finish({ source: SOURCE }).parsed, undefined);
		// A table sent twice: the capture keeps the last, so the early parse is not used.
		const twice = new CaptureAssembler();
		const tcp = recs.find((x) => x.tag === 'N' && x.args[2] === 'tcp')!;
		for (const r of recs) {
			twice.add(r);
			if (r === tcp) twice.add({ ...tcp, text: undefined });
		}
		twice.parseArrived();
		assert.strictEqual(twice.finish({ source: SOURCE }).parsed, undefined);
		// A raw response (no parts): nothing is parsed on the way; finish() parses, the same.
		const raw = new CaptureAssembler();
		for (const r of recs) raw.add(r);
		assert.strictEqual(raw.parseMs, 0);
		assert.deepStrictEqual(raw.finish({ source: SOURCE }).parsed, parseNamespaces(capture.namespaces, capture.host));
	});
});

describe('capture files: JSON, framed, gzip', () => {
	it('detects the format by its first bytes and reads each', () => {
		const framed = frame(body());
		assert.strictEqual(detectCaptureFormat(framed), 'framed');
		assert.strictEqual(detectCaptureFormat(Buffer.from('banner\n' + framed.toString('latin1'), 'latin1')), 'framed');
		assert.strictEqual(detectCaptureFormat(zlib.gzipSync(framed)), 'gzip');
		assert.strictEqual(detectCaptureFormat(Buffer.from(' \n{"format":"procnet-capture"}')), 'json');
		assert.strictEqual(detectCaptureFormat(Buffer.from('hello')), null);
		const c = readCaptureFile(framed, 'f.txt');
		assert.deepStrictEqual(c.source, { kind: 'file', label: 'f.txt' });
		assert.deepStrictEqual(readCaptureFile(zlib.gzipSync(framed), 'f.txt.gz').processes, c.processes);
		const json = Buffer.from(JSON.stringify(c));
		assert.deepStrictEqual(readCaptureFile(json, 'f.json'), c);
		assert.deepStrictEqual(readCaptureFile(zlib.gzipSync(json), 'f.json.gz'), c);
		assert.throws(() => readCaptureFile(Buffer.from('hello'), 'x'), /x is not a procnet capture/);
		assert.throws(() => readCaptureFile(Buffer.from('{oops'), 'x'), /x is not JSON/);
		assert.throws(() => parseFramedCapture(framed.subarray(0, 100), SOURCE), /incomplete/);
	});
});

describe('remote script commands', () => {
	it('quotes the proc root and checks the nonce', () => {
		assert.strictEqual(shQuote("a'b"), `'a'\\''b'`);
		assert.strictEqual(collectCommand('abc', "/tmp/it's proc", 'none'), `procnet_collect abc '/tmp/it'\\''s proc' none </dev/null 2>/dev/null\n`);
		assert.throws(() => collectCommand('a b'), /bad nonce/);
		assert.throws(() => collectCommand('abc', 'relative'), /absolute/);
	});

	it('Close Connection\'s line: only integers, a digit inode and address-only endpoints reach the session', () => {
		const t = { pid: 42, fd: 7, inode: '123456', family: 4 as const, src: '127.0.0.1:40000', dst: '10.0.0.1:80' };
		assert.strictEqual(closeCommand('abc', '/proc', t), "procnet_close abc '/proc' 42 7 123456 4 '127.0.0.1:40000' '10.0.0.1:80' </dev/null 2>/dev/null\n");
		assert.match(closeCommand('abc', '/proc', { ...t, family: 6, src: '[::ffff:127.0.0.1]:1', dst: '[fe80::1]:443' }), / 6 '\[::ffff:127\.0\.0\.1\]:1' '\[fe80::1\]:443' /);
		for (const bad of [
			{ src: "127.0.0.1:1'; touch /tmp/x; '" },
			{ dst: '$(id):80' },
			{ src: '[::1]:1' }, // a v6 endpoint given as v4
			{ family: 6 as const }, // v4 endpoints given as v6
			{ inode: '0' },
			{ inode: '12 34' },
			{ pid: 0 },
			{ fd: -1 },
			{ pid: 1.5 },
		]) assert.throws(() => closeCommand('abc', '/proc', { ...t, ...bad } as typeof t), /bad /, JSON.stringify(bad));
		assert.throws(() => closeCommand('a b', '/proc', t), /bad nonce/);
	});

	it('reads every table procnet parses', () => {
		assert.ok(COLLECTOR_SCRIPT.includes(`for procnet_t in ${TABLE_NAMES.join(' ')}; do`));
	});

	it('the recipe is one line', () => {
		const r = captureRecipe();
		assert.ok(!r.includes('\n'));
		assert.ok(r.startsWith('sh -c "$(printf '));
		assert.ok(r.endsWith(`> 'procnet-capture.txt'`));
	});
});

describe('ssh host specs and argv', () => {
	it('accepts host, user@host, host:port, [v6]:port and passes each part as its own argv entry', () => {
		assert.deepStrictEqual(parseHostSpec('build-01'), { user: undefined, host: 'build-01', port: undefined });
		assert.deepStrictEqual(parseHostSpec('deploy@10.0.0.5:2222'), { user: 'deploy', host: '10.0.0.5', port: 2222 });
		assert.deepStrictEqual(parseHostSpec('root@[::1]:22'), { user: 'root', host: '::1', port: 22 });
		const argv = sshArgv('deploy@db.example.com:2222', { configFile: '/tmp/cfg' });
		assert.deepStrictEqual(argv.slice(-7), ['-l', 'deploy', '-p', '2222', '--', 'db.example.com', 'exec sh']);
		for (const o of ['BatchMode=yes', 'ConnectTimeout=5', 'ServerAliveInterval=5', 'ServerAliveCountMax=3', 'ClearAllForwardings=yes', 'ControlMaster=no']) assert.ok(argv.includes(o), o);
		assert.deepStrictEqual(argv.slice(argv.indexOf('-F'), argv.indexOf('-F') + 2), ['-F', '/tmp/cfg']);
		assert.ok(!argv.some((a) => /StrictHostKeyChecking=no/i.test(a)));
		assert.ok(sshArgv('h', { strictHostKeyChecking: 'accept-new' }).includes('StrictHostKeyChecking=accept-new'));
		// sudo: the remote command alone changes, and sudo is never let prompt.
		assert.deepStrictEqual(sshArgv('deploy@h', { sudo: true }).slice(0, -1), sshArgv('deploy@h').slice(0, -1));
		assert.strictEqual(sshArgv('deploy@h', { sudo: true }).at(-1), 'exec sudo -n sh');
	});

	it('refuses options in disguise and shell syntax', () => {
		for (const h of ['-oProxyCommand=x', 'a b', 'h;id', 'h`id`', 'h$(id)', 'h|x', "h'", 'h\n', 'u@-h', 'a@b@c d', 'h:0', 'h:65536', 'h:x', '[zz]', '[::1]x', '', '@h', '-']) {
			assert.throws(() => parseHostSpec(h), (e: unknown) => e instanceof RemoteSourceError && e.reason === 'bad-host', JSON.stringify(h));
		}
	});

	it('maps ssh\'s exit 255 diagnostics to reasons', () => {
		const r = (stderr: string, code = 255) => describeExit('ssh', 'ssh h', ['ssh'], code, null, stderr).reason;
		assert.strictEqual(r('ssh: Could not resolve hostname h: Name or service not known\n'), 'unknown-host');
		assert.strictEqual(r('ssh: connect to host 127.0.0.1 port 1: Connection refused\n'), 'connection-refused');
		assert.strictEqual(r('ssh: connect to host 10.1.1.1 port 22: Connection timed out\n'), 'connect-timeout');
		assert.strictEqual(r('root@127.0.0.1: Permission denied (publickey).\n'), 'auth-failed');
		assert.strictEqual(r('@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@\nHost key verification failed.\n'), 'host-key-changed');
		assert.strictEqual(r('No ED25519 host key is known for h and you have requested strict checking.\nHost key verification failed.\n'), 'host-key-unknown');
		assert.strictEqual(r('sh: 1: exec: sh: not found\n', 127), 'command-not-found');
		// sudo -n's refusals (exit 1 through ssh), as sudo 1.9 words them; and no sudo at all.
		assert.strictEqual(r('sudo: a password is required\n', 1), 'sudo-refused');
		assert.strictEqual(r('sudo: sorry, you must have a tty to run sudo\n', 1), 'sudo-refused');
		assert.strictEqual(r('deploy is not in the sudoers file.\nsudo: deploy is not in the sudoers file.  This incident will be reported.\n', 1), 'sudo-refused');
		assert.match(describeExit('ssh', 'ssh h (sudo)', ['ssh'], 1, null, 'sudo: a password is required\n').message, /^ssh h \(sudo\): sudo -n would not run sh as root without a password there: .*NOPASSWD/);
		assert.strictEqual(r('sh: 1: exec: sudo: not found\n', 127), 'command-not-found');
		assert.match(describeExit('ssh', 'ssh h (sudo)', ['ssh'], 127, null, 'sh: 1: exec: sudo: not found\n').message, /sudo is not installed on the remote host/);
		assert.strictEqual(describeExit('command', 'root', ['sudo', '-n', 'sh'], 1, null, 'sudo: a password is required\n').reason, 'sudo-refused');
		assert.strictEqual(describeExit('command', 'docker web', ['docker'], 1, null, 'Error: No such container: web\n').reason, 'transport-exited');
		assert.match(describeExit('command', 'docker web', ['docker'], 1, null, 'Error: No such container: web\n').message, /No such container: web/);
	});
});
