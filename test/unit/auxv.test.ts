import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseAuxv } from '../../src/procfs/auxv';

const fixture = (rel: string): Buffer => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel));

/** An auxv of (type, value) pairs, AT_NULL appended, in the given word size and byte order. */
function auxv(pairs: Array<[number, number]>, wordBytes: 4 | 8, littleEndian: boolean): Uint8Array {
	const all = [...pairs, [0, 0]];
	const view = new DataView(new ArrayBuffer(all.length * 2 * wordBytes));
	all.flat().forEach((v, i) => (wordBytes === 8 ? view.setBigUint64(i * 8, BigInt(v), littleEndian) : view.setUint32(i * 4, v, littleEndian)));
	return new Uint8Array(view.buffer);
}

describe('parseAuxv', () => {
	it('reads the page size and clock tick of a captured x86_64 auxv (getconf: 4096, 100)', () => {
		assert.deepStrictEqual(parseAuxv(fixture('captured/auxv_x86_64.bin'), 8, true), { pageSize: 4096, clkTck: 100 });
	});

	it('reads 32-bit and big-endian vectors, and a 64 KiB page', () => {
		const pairs: Array<[number, number]> = [[33, 0x7fff0000], [6, 65536], [17, 250]];
		for (const [w, le] of [[4, true], [4, false], [8, false], [8, true]] as const) {
			assert.deepStrictEqual(parseAuxv(auxv(pairs, w, le), w, le), { pageSize: 65536, clkTck: 250 }, `${w}-byte words, ${le ? 'little' : 'big'}-endian`);
		}
	});

	it('gives null for a value it cannot trust, and stops at AT_NULL', () => {
		// Read in the wrong byte order, the types are other numbers: nothing is found.
		const le = auxv([[6, 4096], [17, 100]], 8, true);
		assert.deepStrictEqual(parseAuxv(le, 8, false), { pageSize: null, clkTck: null });
		assert.deepStrictEqual(parseAuxv(auxv([[6, 3000], [17, 0]], 8, true), 8, true), { pageSize: null, clkTck: null });
		// After AT_NULL nothing counts; a truncated pair is not read.
		const ended = new Uint8Array([...auxv([[33, 1]], 8, true), ...auxv([[6, 4096]], 8, true)]);
		assert.deepStrictEqual(parseAuxv(ended, 8, true), { pageSize: null, clkTck: null });
		assert.deepStrictEqual(parseAuxv(auxv([[6, 4096]], 8, true).slice(0, 12), 8, true), { pageSize: null, clkTck: null });
		assert.deepStrictEqual(parseAuxv(new Uint8Array(0), 4, true), { pageSize: null, clkTck: null });
	});
});
