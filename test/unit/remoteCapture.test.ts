// The remote collector's framed output → Capture, on hand-built frames (the integration tests
// run the real script over ssh and sh). Hostile content is the point: unix paths with newlines
// and fake marker lines, comm with newlines, cmdline with NULs and newlines.
import * as assert from 'assert';
import * as zlib from 'zlib';
import { captureFromRecords, detectCaptureFormat, FrameReader, hexToBytes, parseFramedCapture, parseRecords, readCaptureFile, RemoteSourceError } from '../../src/collect/remoteCapture';
import { collectCommand, captureRecipe, COLLECTOR_SCRIPT, shQuote } from '../../src/collect/remoteScript';
import { TABLE_NAMES } from '../../src/procfs/types';
import { describeExit, parseHostSpec, sshArgv } from '../../src/collect/shellSource';
import { buildSnapshot } from '../../src/model/join';

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
const STAT_100 = '100 (a\nb) (c) S 1 100 100 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n';
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
		assert.deepStrictEqual(c.host, { hostname: 'box-1', kernel: '6.1.0-test', byteOrder: 'BE', clkTck: 100, bootTime: 1700000000 });
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
		assert.strictEqual(describeExit('command', 'docker web', ['docker'], 1, null, 'Error: No such container: web\n').reason, 'transport-exited');
		assert.match(describeExit('command', 'docker web', ['docker'], 1, null, 'Error: No such container: web\n').message, /No such container: web/);
	});
});
