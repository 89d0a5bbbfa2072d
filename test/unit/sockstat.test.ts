import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseSockstat } from '../../src/procfs/sockstat';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');

describe('parseSockstat', () => {
	it('reads the reference §2.8 line', () => {
		assert.deepStrictEqual(parseSockstat('TCP: inuse 2 orphan 0 tw 0 alloc 2 mem 188'), { TCP: { inuse: 2, orphan: 0, tw: 0, alloc: 2, mem: 188 } });
	});

	it('reads the prometheus/procfs sockstat fixture', () => {
		assert.deepStrictEqual(parseSockstat(fixture('prometheus-procfs/proc/net/sockstat')), {
			sockets: { used: 1602 },
			TCP: { inuse: 35, orphan: 0, tw: 4, alloc: 59, mem: 22 },
			UDP: { inuse: 12, mem: 62 },
			UDPLITE: { inuse: 0 },
			RAW: { inuse: 0 },
			FRAG: { inuse: 0, memory: 0 },
		});
	});

	it('reads the prometheus/procfs sockstat6 fixture', () => {
		assert.deepStrictEqual(parseSockstat(fixture('prometheus-procfs/proc/net/sockstat6')), {
			TCP6: { inuse: 17 },
			UDP6: { inuse: 9 },
			UDPLITE6: { inuse: 0 },
			RAW6: { inuse: 1 },
			FRAG6: { inuse: 0, memory: 0 },
		});
	});

	it('reads the Linux 6.18 host file (90035 TCP sockets in use)', () => {
		const s = parseSockstat(fixture('linux-6.18-host/sockstat.txt'));
		assert.strictEqual(s.TCP.inuse, 90035);
		assert.strictEqual(s.sockets.used, 90196);
		assert.strictEqual(s.UDP.inuse, 150);
	});

	it('skips bad lines and keeps the good ones', () => {
		assert.deepStrictEqual(parseSockstat('garbage\nTCP: inuse x\nUDP: inuse\nRAW inuse 1\n: a 1\nFRAG: inuse 3 memory 4\n\n'), {
			FRAG: { inuse: 3, memory: 4 },
		});
	});
});
