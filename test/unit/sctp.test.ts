import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { compressIPv6, parseSctpAssocs, parseSctpEps } from '../../src/procfs/sctp';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');
const EPS_HEADER = ' ENDPT     SOCK   STY SST HBKT LPORT   UID INODE LADDRS\n';
const ASSOCS_HEADER =
	' ASSOC     SOCK   STY SST ST HBKT ASSOC-ID TX_QUEUE RX_QUEUE UID INODE LPORT RPORT LADDRS <-> RADDRS HBINT INS OUTS MAXRT T1X T2X RTXC wmema wmemq sndbuf rcvbuf\n';

describe('parseSctpEps', () => {
	describe('insights-core sample (expected: ports {11165, 11166}, IPs {10.0.0.102, 10.0.0.70, 172.31.1.2})', () => {
		const { rows, warnings } = parseSctpEps(fixture('insights-core-sctp/eps'));

		it('reads both endpoints without warnings', () => {
			assert.strictEqual(rows.length, 2);
			assert.deepStrictEqual(warnings, []);
		});

		it('decodes ports, addresses and the set of local IPs', () => {
			assert.deepStrictEqual(rows.map((r) => r.localPort), [11165, 11166]);
			assert.deepStrictEqual(rows.map((r) => r.localAddresses), [
				['10.0.0.102', '10.0.0.70'],
				['10.0.0.102', '10.0.0.70', '172.31.1.2'],
			]);
			const ips = new Set(rows.flatMap((r) => r.localAddresses ?? []));
			assert.deepStrictEqual([...ips].sort(), ['10.0.0.102', '10.0.0.70', '172.31.1.2']);
		});

		it('fills the row: STY 2 one-to-one, SST 10 LISTEN, uid, inode as text', () => {
			assert.deepStrictEqual(rows[0], {
				kind: 'sctp',
				ipVersion: 4,
				localAddress: '10.0.0.102',
				localPort: 11165,
				remoteAddress: null,
				remotePort: null,
				state: 'LISTEN',
				txQueue: null,
				rxQueue: null,
				uid: 200,
				inode: '299689357',
				path: null,
				unixType: null,
				localAddresses: ['10.0.0.102', '10.0.0.70'],
				sctpStyle: 'one-to-one',
			});
			assert.strictEqual(rows[1].inode, '273361203');
		});
	});

	it('reads the second (modern) sample with the kernel\'s leading-space header', () => {
		const { rows, warnings } = parseSctpEps(fixture('sctp-unattributed/eps'));
		assert.deepStrictEqual(warnings, []);
		assert.deepStrictEqual(rows.map((r) => [r.localPort, r.localAddress, r.uid, r.inode, r.state, r.ipVersion]), [
			[8888, '0.0.0.0', 0, '1870579', 'LISTEN', 4],
		]);
	});

	it('compresses %pI6 addresses to RFC 5952 form and takes ipVersion from the first', () => {
		const { rows } = parseSctpEps(
			EPS_HEADER +
				'0000000000000000 0000000000000000 0   10  3    5000      0 4242 0000:0000:0000:0000:0000:0000:0000:0001 FE80:0000:0000:0000:0202:B3FF:FE1E:8329 10.1.2.3\n',
		);
		assert.deepStrictEqual(rows[0].localAddresses, ['::1', 'fe80::202:b3ff:fe1e:8329', '10.1.2.3']);
		assert.strictEqual(rows[0].localAddress, '::1');
		assert.strictEqual(rows[0].ipVersion, 6);
		assert.strictEqual(rows[0].sctpStyle, 'one-to-many');
	});

	it('decodes other SST values and styles, and an endpoint with no addresses', () => {
		const { rows } = parseSctpEps(
			EPS_HEADER + '0000000000000000 0000000000000000 1   1   3    5000      0 1\n' + '0000000000000000 0000000000000000 7   7   3    5001      0 2\n',
		);
		assert.deepStrictEqual(rows.map((r) => [r.state, r.sctpStyle, r.localAddress, r.ipVersion, r.localAddresses]), [
			['ESTABLISHED', 'peeled-off', null, null, []],
			['CLOSE', 'STY_7', null, null, []],
		]);
	});

	it('skips malformed lines with warnings', () => {
		const { rows, warnings } = parseSctpEps(
			EPS_HEADER +
				'ffff88017e0a0200 ffff880300f7fa00 2   10  29\n' +
				'ffff88017e0a0200 ffff880300f7fa00 2   10  29   port   200 299689357 10.0.0.102\n' +
				'ffff88017e0a0200 ffff880300f7fa00 2   10  29   11165   200 299689357 10.0.0.102\n',
		);
		assert.strictEqual(rows.length, 1);
		assert.deepStrictEqual(warnings.map((w) => [w.table, w.line]), [['sctp/eps', 2], ['sctp/eps', 3]]);
	});
});

describe('parseSctpAssocs', () => {
	describe('insights-core sample (expected: lports {11567, 11566}, rports {11166, 11167}, raddrs [*10.0.0.109, 10.0.0.77])', () => {
		const { rows, warnings } = parseSctpAssocs(fixture('insights-core-sctp/assocs'));

		it('reads both associations without warnings', () => {
			assert.strictEqual(rows.length, 2);
			assert.deepStrictEqual(warnings, []);
		});

		it('decodes ports and address lists, primary first and without "*"', () => {
			assert.deepStrictEqual(rows.map((r) => [r.localPort, r.remotePort]), [
				[11567, 11166],
				[11566, 11167],
			]);
			for (const r of rows) {
				assert.deepStrictEqual(r.localAddresses, ['10.0.0.102', '10.0.0.70']);
				assert.deepStrictEqual(r.remoteAddresses, ['10.0.0.109', '10.0.0.77']);
				assert.strictEqual(r.remoteAddress, '10.0.0.109');
				assert.strictEqual(r.localAddress, '10.0.0.102');
			}
		});

		it('decodes ids, queues, uid, inode and states', () => {
			assert.deepStrictEqual(rows.map((r) => [r.assocId, r.txQueue, r.rxQueue, r.uid, r.inode, r.state, r.sctpStyle]), [
				['963', 0, 0, 200, '273361167', 'ESTABLISHED', 'one-to-one'],
				['942', 0, 0, 200, '273360669', 'ESTABLISHED', 'one-to-one'],
			]);
			// ST 4 read with the modern enum. These are RHEL6-era lines whose enum had EMPTY = 0, so
			// there 4 meant ESTABLISHED; the text carries no sign of which numbering it uses.
			assert.strictEqual(rows[0].assocState, 'SHUTDOWN_PENDING');
		});
	});

	describe('second (modern) sample: TAB before HBINT, wmema/wmemq/sndbuf/rcvbuf columns', () => {
		const text = fixture('sctp-unattributed/assocs');
		const { rows, warnings } = parseSctpAssocs(text);

		it('really contains a TAB', () => {
			assert.ok(text.includes('149.202.60.45 \t    7500'));
		});

		it('decodes the association', () => {
			assert.deepStrictEqual(warnings, []);
			assert.strictEqual(rows.length, 1);
			const r = rows[0];
			assert.deepStrictEqual(
				[r.localPort, r.remotePort, r.assocId, r.inode, r.uid, r.state, r.assocState, r.ipVersion],
				[8888, 40384, '2', '1870580', 0, 'ESTABLISHED', 'ESTABLISHED', 4],
			);
			assert.deepStrictEqual(r.localAddresses, ['127.0.0.1', '149.202.60.45']);
			assert.deepStrictEqual(r.remoteAddresses, ['127.0.0.1', '149.202.60.45']);
			assert.strictEqual(r.remoteAddress, '127.0.0.1');
		});
	});

	it('moves a primary that is not printed first to the front; reads IPv6 and queues', () => {
		const { rows } = parseSctpAssocs(
			ASSOCS_HEADER +
				'0000000000000000 0000000000000000 0   1   1  0       77        12        34       1000 555 9 10  0000:0000:0000:0000:0000:0000:0000:0001 <-> 2001:0DB8:0000:0000:0000:0000:0000:0002 *2001:0db8:0000:0000:0000:0000:0000:0003 \t    30000    10    10   10    0    0        0        1        0   212992   212992\n',
		);
		const r = rows[0];
		assert.deepStrictEqual(r.remoteAddresses, ['2001:db8::3', '2001:db8::2']);
		assert.deepStrictEqual([r.remoteAddress, r.localAddress, r.ipVersion], ['2001:db8::3', '::1', 6]);
		assert.deepStrictEqual([r.txQueue, r.rxQueue, r.assocState, r.sctpStyle, r.assocId, r.uid], [12, 34, 'COOKIE_WAIT', 'one-to-many', '77', 1000]);
	});

	it('decodes every modern association state', () => {
		const line = (st: number): string =>
			`0000000000000000 0000000000000000 2   1   ${st}  0       1        0        0       0 9 1 2  10.0.0.1 <-> *10.0.0.2 \t    7500    10    10   10    0    0        0\n`;
		const { rows } = parseSctpAssocs([0, 1, 2, 3, 4, 5, 6, 7, 8].map(line).join(''));
		assert.deepStrictEqual(rows.map((r) => r.assocState), [
			'CLOSED', 'COOKIE_WAIT', 'COOKIE_ECHOED', 'ESTABLISHED', 'SHUTDOWN_PENDING',
			'SHUTDOWN_SENT', 'SHUTDOWN_RECEIVED', 'SHUTDOWN_ACK_SENT', 'STATE_8',
		]);
	});

	it('skips malformed lines with warnings (short, bad number, no "<->")', () => {
		const good = 'ffff88045ac7e000 ffff88062077aa00 2   1   4  1205  963        0        0     200 273361167 11567 11166  10.0.0.102 <-> *10.0.0.109      1000     2     2   10    0    0        0\n';
		const { rows, warnings } = parseSctpAssocs(
			ASSOCS_HEADER +
				'ffff88045ac7e000 ffff88062077aa00 2   1   4\n' +
				good.replace(' 200 ', ' uid ') +
				good.replace('<-> ', '') +
				good,
		);
		assert.strictEqual(rows.length, 1);
		assert.deepStrictEqual(warnings.map((w) => [w.table, w.line]), [['sctp/assocs', 2], ['sctp/assocs', 3], ['sctp/assocs', 4]]);
		assert.match(warnings[2].reason, /<->/);
	});
});

describe('compressIPv6 (RFC 5952)', () => {
	it('compresses, lowercases and drops leading zeros', () => {
		assert.strictEqual(compressIPv6('0000:0000:0000:0000:0000:0000:0000:0000'), '::');
		assert.strictEqual(compressIPv6('0000:0000:0000:0000:0000:0000:0000:0001'), '::1');
		assert.strictEqual(compressIPv6('FE80:0000:0000:0000:0202:B3FF:FE1E:8329'), 'fe80::202:b3ff:fe1e:8329');
	});

	it('compresses the first of equally long zero runs, never a single zero group', () => {
		assert.strictEqual(compressIPv6('2001:0db8:0000:0000:0001:0000:0000:0001'), '2001:db8::1:0:0:1');
		assert.strictEqual(compressIPv6('2001:0db8:0000:0001:0001:0001:0001:0001'), '2001:db8:0:1:1:1:1:1');
		assert.strictEqual(compressIPv6('2001:0db8:0000:0000:0000:0001:0000:0000'), '2001:db8::1:0:0');
	});

	it('writes IPv4-mapped addresses as a dotted quad', () => {
		assert.strictEqual(compressIPv6('0000:0000:0000:0000:0000:ffff:0a00:0001'), '::ffff:10.0.0.1');
	});

	it('returns text it cannot read lowercased', () => {
		assert.strictEqual(compressIPv6('1:2:3'), '1:2:3');
		assert.strictEqual(compressIPv6('::FFFF:1.2.3.4'), '::ffff:1.2.3.4');
	});
});
