import * as assert from 'assert';
import { bytesText, cpuShare, cpuTimeText } from '../../src/model/describe';

describe('usage texts', () => {
	it('bytesText: binary units, three figures', () => {
		assert.deepStrictEqual(
			[0, 1023, 1024, 49152, 10 * 1024 * 1024 + 512 * 1024, 312 * 2 ** 20, 1.5 * 2 ** 30, 3 * 2 ** 40].map(bytesText),
			['0 B', '1023 B', '1.00 KiB', '48.0 KiB', '10.5 MiB', '312 MiB', '1.50 GiB', '3.00 TiB'],
		);
	});

	it('cpuTimeText: seconds, then minutes and seconds, then hours and minutes', () => {
		assert.deepStrictEqual([0, 0.42, 12.34, 59.9, 60, 245.7, 3599, 3600, 7380].map(cpuTimeText), ['0.00 s', '0.42 s', '12.3 s', '59.9 s', '1m 00s', '4m 05s', '59m 59s', '1h 00m', '2h 03m']);
	});

	it('cpuShare: CPU seconds per wall second, none for a gap under half a second', () => {
		assert.strictEqual(cpuShare({ t: 1000, cpuSeconds: 5 }, { t: 3000, cpuSeconds: 6 }), 0.5);
		assert.strictEqual(cpuShare({ t: 1000, cpuSeconds: 5 }, { t: 2000, cpuSeconds: 7 }), 2);
		assert.strictEqual(cpuShare({ t: 1000, cpuSeconds: 5 }, { t: 1400, cpuSeconds: 6 }), undefined);
		// Out of order or a process that was replaced under the same key: never negative.
		assert.strictEqual(cpuShare({ t: 2000, cpuSeconds: 5 }, { t: 1000, cpuSeconds: 6 }), undefined);
		assert.strictEqual(cpuShare({ t: 1000, cpuSeconds: 9 }, { t: 2000, cpuSeconds: 6 }), 0);
	});
});
