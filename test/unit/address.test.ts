import * as assert from 'assert';
import { decodeAddress, decodeEndpoint, formatIPv6, byteOrderFromElf, localByteOrder } from '../../src/procfs/address';
import { fixture } from './fixtures';

interface Vector {
	hex_as_printed_on_little_endian_host: string;
	decoded_address: string;
	decoded_port: number;
	same_socket_as_printed_on_big_endian_host: string;
}

describe('address decoding', () => {
	const vectors = JSON.parse(fixture('address_test_vectors.json')) as Vector[];

	it('has the shared vectors', () => assert.ok(vectors.length >= 14));

	for (const v of vectors) {
		it(`LE ${v.hex_as_printed_on_little_endian_host} -> ${v.decoded_address}:${v.decoded_port}`, () => {
			assert.deepStrictEqual(decodeEndpoint(v.hex_as_printed_on_little_endian_host, 'LE'), { address: v.decoded_address, port: v.decoded_port });
		});
		it(`BE ${v.same_socket_as_printed_on_big_endian_host} -> ${v.decoded_address}:${v.decoded_port}`, () => {
			assert.deepStrictEqual(decodeEndpoint(v.same_socket_as_printed_on_big_endian_host, 'BE'), { address: v.decoded_address, port: v.decoded_port });
		});
	}

	it('decodes by the byte order given, not the reader\'s: LE text read as BE is another address', () => {
		assert.strictEqual(decodeAddress('0100007F', 'BE'), '1.0.0.127');
		assert.strictEqual(decodeAddress('00000000000000000000000001000000', 'BE'), '::100:0');
	});

	it('prints RFC 5952 text (not VS Code\'s 0:0:0:0:0:0:0:1)', () => {
		assert.strictEqual(decodeAddress('00000000000000000000000001000000', 'LE'), '::1');
		assert.strictEqual(decodeAddress('00000000000000000000000000000000', 'LE'), '::');
		// VS Code's test: 0000000000000000FFFF0000040510AC -> 0:0:0:0:0:ffff:ac10:504; we print the mapped form.
		assert.strictEqual(decodeAddress('0000000000000000FFFF0000040510AC', 'LE'), '::ffff:172.16.5.4');
		// 2001:db8:0:0:1:0:0:1 -> the leftmost of two equal zero runs is compressed.
		assert.strictEqual(formatIPv6(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])), '2001:db8::1:0:0:1');
		// A single zero group is not compressed.
		assert.strictEqual(formatIPv6(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])), '2001:db8:0:1:1:1:1:1');
		// The longer run wins over an earlier shorter one.
		assert.strictEqual(formatIPv6(Uint8Array.from([0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])), '2001:0:0:1::1');
	});

	it('rejects malformed hex instead of guessing', () => {
		assert.strictEqual(decodeEndpoint('0100007G:1F90', 'LE'), null);
		assert.strictEqual(decodeEndpoint('0100007F', 'LE'), null);
		assert.strictEqual(decodeEndpoint('0100007F:1F9', 'LE'), null);
		assert.strictEqual(decodeEndpoint('01007F:1F90', 'LE'), null);
		assert.strictEqual(decodeEndpoint('0100007F:XYZW', 'LE'), null);
	});

	it('reads the byte order from an ELF header', () => {
		assert.strictEqual(byteOrderFromElf(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1])), 'LE');
		assert.strictEqual(byteOrderFromElf(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 2])), 'BE');
		assert.strictEqual(byteOrderFromElf(Uint8Array.from([0x23, 0x21, 0x2f, 0x62, 0x69, 0x6e])), null);
		assert.strictEqual(localByteOrder(), require('os').endianness());
	});
});
