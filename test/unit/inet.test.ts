import * as assert from 'assert';
import fc from 'fast-check';
import { parseInetTable } from '../../src/procfs/inet';
import { fixture } from './fixtures';

describe('inet tables (tcp/udp/raw/icmp)', () => {
	it('decodes every TCP state of the reference reproduction, mini-sockets included', () => {
		const r = parseInetTable(fixture('reference-6.18/tcp.txt'), 'tcp', { byteOrder: 'LE', clkTck: 100 });
		assert.deepStrictEqual(r.warnings, []);
		assert.strictEqual(r.rows.length, 8);
		const [listen, synSent, tw, estab, unaccepted, synRecv, closeWait, finWait1] = r.rows;
		assert.deepStrictEqual(
			[listen.localAddress, listen.localPort, listen.state, listen.rxQueue, listen.inode, listen.ipVersion],
			['127.0.0.1', 8080, 'LISTEN', 2, '229458', 4],
		);
		assert.strictEqual(listen.rto, 1);
		assert.deepStrictEqual([synSent.remoteAddress, synSent.remotePort, synSent.state, synSent.timer, synSent.txQueue], ['198.51.100.2', 443, 'SYN_SENT', 'on', 1]);
		assert.strictEqual(synSent.ssthresh, null);
		assert.deepStrictEqual([tw.state, tw.inode, tw.timer, tw.localPort, tw.remotePort], ['TIME_WAIT', '0', 'timewait', 59914, 6060]);
		assert.ok(Math.abs((tw.timerSeconds ?? 0) - 59.69) < 1e-9);
		assert.strictEqual(tw.rto, undefined, 'a 12-token TIME_WAIT row has no rto');
		assert.deepStrictEqual([estab.state, estab.txQueue, estab.timer, estab.localPort, estab.remotePort], ['ESTABLISHED', 0x2ac800, 'persist', 43312, 9090]);
		assert.deepStrictEqual([unaccepted.state, unaccepted.inode], ['ESTABLISHED', '0']);
		assert.deepStrictEqual([synRecv.state, synRecv.inode, synRecv.remoteAddress, synRecv.remotePort], ['SYN_RECV', '0', '198.51.100.9', 40000]);
		assert.deepStrictEqual([closeWait.state, closeWait.rxQueue, closeWait.ato], ['CLOSE_WAIT', 1, 0.04]);
		assert.deepStrictEqual([finWait1.state, finWait1.inode], ['FIN_WAIT1', '0']);
	});

	it('reads UDP queues, drops and connected/unconnected states', () => {
		const r = parseInetTable(fixture('reference-6.18/udp.txt'), 'udp', { byteOrder: 'LE' });
		assert.deepStrictEqual(r.warnings, []);
		assert.deepStrictEqual(
			r.rows.map((x) => [x.localAddress, x.localPort, x.remoteAddress, x.remotePort, x.state, x.rxQueue, x.drops, x.inode]),
			[
				['127.0.0.1', 5000, '0.0.0.0', 0, 'UNCONN', 3840, 197, '229482'],
				['127.0.0.1', 37256, '127.0.0.1', 53, 'ESTABLISHED', 0, 0, '229481'],
			],
		);
	});

	it('gives raw sockets their IP protocol and ping sockets their echo id', () => {
		const raw = parseInetTable(fixture('reference-6.18/raw.txt'), 'raw', { byteOrder: 'LE' }).rows;
		assert.deepStrictEqual(raw.map((x) => [x.kind, x.protocol, x.protocolName, x.localPort, x.rxQueue]), [
			['raw', 1, 'ICMP', null, 0x680],
			['raw', 253, 'proto 253', null, 0],
		]);
		const icmp = parseInetTable(fixture('reference-6.18/icmp.txt'), 'icmp', { byteOrder: 'LE' }).rows;
		assert.deepStrictEqual(icmp.map((x) => [x.kind, x.localAddress, x.localPort, x.state]), [['icmp', '127.0.0.1', 36850, 'UNCONN']]);
	});

	it('matches prometheus/procfs expectations (tcp: 10.0.0.5:22; udp6: fe80::56e1:adff:fe7c:6609 port 51073 uid 1000)', () => {
		const tcp = parseInetTable(fixture('prometheus-procfs/proc/net/tcp'), 'tcp', { byteOrder: 'LE' });
		assert.strictEqual(tcp.rows.length, 3);
		assert.deepStrictEqual([tcp.rows[0].localAddress, tcp.rows[0].localPort, tcp.rows[0].inode, tcp.rows[0].rxQueue], ['10.0.0.5', 22, '2740', 1]);
		// The summary the Go tests assert: tx 2, rx 2 over 3 sockets.
		assert.strictEqual(tcp.rows.reduce((a, x) => a + (x.txQueue ?? 0), 0), 2);
		assert.strictEqual(tcp.rows.reduce((a, x) => a + (x.rxQueue ?? 0), 0), 2);
		// procfs' "tcp6" fixture really holds udp6 text.
		const udp6 = parseInetTable(fixture('prometheus-procfs/proc/net/tcp6'), 'udp6', { byteOrder: 'LE' });
		const row = udp6.rows.find((x) => x.inode === '11337031');
		assert.ok(row);
		assert.deepStrictEqual([row.localAddress, row.localPort, row.uid, row.state], ['fe80::56e1:adff:fe7c:6609', 51073, 1000, 'UNCONN']);
	});

	it('counts procfs\' broken udp line (too few columns) as a warning, never throws', () => {
		const r = parseInetTable(fixture('prometheus-procfs/proc/net/udp_broken'), 'udp', { byteOrder: 'LE' });
		assert.strictEqual(r.rows.length, 0);
		assert.strictEqual(r.warnings.length, 1);
		assert.match(r.warnings[0].reason, /at least 10 columns/);
		assert.strictEqual(r.warnings[0].line, 2);
	});

	it('reads VS Code\'s test tables (tab-indented rows, IPv4-mapped tcp6 rows) and finds its 7 listeners incl. 3002', () => {
		const tcp = parseInetTable(fixture('vscode/tcp.txt'), 'tcp', { byteOrder: 'LE' });
		const tcp6 = parseInetTable(fixture('vscode/tcp6.txt'), 'tcp6', { byteOrder: 'LE' });
		assert.deepStrictEqual([tcp.warnings.length, tcp6.warnings.length], [0, 0]);
		assert.strictEqual(tcp.rows.length, 6);
		const listeners = new Set([...tcp.rows, ...tcp6.rows].filter((x) => x.state === 'LISTEN').map((x) => `${x.localAddress}:${x.localPort}`));
		assert.strictEqual(listeners.size, 7);
		assert.ok(listeners.has('0.0.0.0:3002'));
		assert.ok(tcp6.rows.some((x) => x.localAddress?.startsWith('::ffff:')), 'mapped rows are printed as ::ffff:a.b.c.d');
	});

	it('survives sl outgrowing its column (9999: -> 10000:)', () => {
		const r = parseInetTable(fixture('linux-6.18-host/tcp_sl_width_change.txt'), 'tcp', { byteOrder: 'LE' });
		assert.deepStrictEqual(r.warnings, []);
		assert.deepStrictEqual(r.rows.map((x) => x.inode), ['154145', '154380', '139824', '63577', '117949']);
	});

	it('reads the real header-only and populated tables from a Linux 6.18 host', () => {
		const tcp = parseInetTable(fixture('linux-6.18-host/tcp.txt'), 'tcp', { byteOrder: 'LE' });
		// The saved file ends with a note that it was cut from 90037 lines: a line that is no record.
		assert.deepStrictEqual(tcp.warnings.map((w) => [w.line, w.reason]), [[41, 'not a socket record']]);
		assert.strictEqual(tcp.rows.length, 39);
		const udp = parseInetTable(fixture('linux-6.18-host/udp.txt'), 'udp', { byteOrder: 'LE' });
		assert.deepStrictEqual(udp.warnings, []);
		assert.strictEqual(udp.rows.length, 150);
		for (const t of ['tcp6', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'icmp', 'icmp6'] as const) {
			const r = parseInetTable(fixture(`linux-6.18-host/${t}.txt`), t, { byteOrder: 'LE' });
			assert.deepStrictEqual([r.rows.length, r.warnings.length], [0, 0], t);
		}
	});

	it('tolerates extra columns, and skips and counts garbage without throwing', () => {
		const text = [
			'  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
			'   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0 77 88 99',
			'garbage here',
			'   1: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2',
			'   2: 0100007F:1F90 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000     0        0 3',
			'   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 abc',
			'   4: 00000000000000000000000001000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 4',
			'   5: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18446744073709551615',
			'\u0000\u0000\u0000',
			'',
		].join('\n');
		const r = parseInetTable(text, 'tcp', { byteOrder: 'LE' });
		assert.deepStrictEqual(r.rows.map((x) => x.inode), ['1', '18446744073709551615']);
		assert.deepStrictEqual(r.warnings.map((w) => w.line), [3, 4, 5, 6, 7, 9]);
	});

	it('reads the same rows whatever whitespace splits the columns (tabs, runs, CRLF): both tokenizers agree', () => {
		// A part with only spaces is split by indexOf (tokenizeSpaced), one with a tab or a CR by a
		// test per character (tokenize): the kernel prints spaces, but the rule is any whitespace.
		const text = fixture('reference-6.18/tcp.txt') + fixture('linux-6.18-host/tcp.txt');
		const want = parseInetTable(text, 'tcp', { byteOrder: 'LE', clkTck: 100 });
		assert.ok(want.rows.length > 40);
		fc.assert(
			fc.property(fc.array(fc.constantFrom(' ', '  ', '\t', ' \t '), { minLength: 1, maxLength: 50 }), fc.boolean(), (seps, crlf) => {
				let k = 0;
				const changed = text.replace(/ +/g, (run) => (k++ % 3 === 0 ? seps[k % seps.length] : run));
				const got = parseInetTable(crlf ? changed.replace(/\n/g, '\r\n') : changed, 'tcp', { byteOrder: 'LE', clkTck: 100 });
				assert.deepStrictEqual(got.rows, want.rows);
				assert.deepStrictEqual(got.warnings.map((w) => [w.line, w.reason]), want.warnings.map((w) => [w.line, w.reason]));
			}),
			{ numRuns: 60 },
		);
	});
});
