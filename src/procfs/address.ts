// Decodes the hex addresses of /proc/net/{tcp,udp,raw,icmp}{,6}. The kernel prints each
// 32-bit word of the address with %08X as a host-order integer, so the text depends on the
// byte order of the kernel that printed it, never on the machine that reads it: a capture
// from a big-endian host read here must be decoded as big-endian.
import type { ByteOrder } from './types';

const HEX_VAL = (() => {
	const t = new Int8Array(128).fill(-1);
	for (let i = 0; i < 10; i++) t[48 + i] = i;
	for (let i = 0; i < 6; i++) {
		t[65 + i] = 10 + i;
		t[97 + i] = 10 + i;
	}
	return t;
})();

/** Reads `len` hex chars at `off` as an unsigned number; -1 if any is not hex. */
function hexWord(s: string, off: number, len: number): number {
	let v = 0;
	for (let i = off; i < off + len; i++) {
		const c = s.charCodeAt(i);
		const d = c < 128 ? HEX_VAL[c] : -1;
		if (d < 0) return -1;
		v = v * 16 + d;
	}
	return v;
}

/** Turns the hex text of an address into network-order bytes, or null if it is not 8 or 32 hex chars. */
export function addressBytes(hex: string, order: ByteOrder): Uint8Array | null {
	if (hex.length !== 8 && hex.length !== 32) return null;
	const out = new Uint8Array(hex.length / 2);
	for (let w = 0; w < hex.length / 8; w++) {
		const v = hexWord(hex, w * 8, 8);
		if (v < 0) return null;
		const b0 = (v >>> 24) & 0xff, b1 = (v >>> 16) & 0xff, b2 = (v >>> 8) & 0xff, b3 = v & 0xff;
		const o = w * 4;
		if (order === 'LE') {
			// The word was a little-endian integer: its low byte is the first byte in memory.
			out[o] = b3; out[o + 1] = b2; out[o + 2] = b1; out[o + 3] = b0;
		} else {
			out[o] = b0; out[o + 1] = b1; out[o + 2] = b2; out[o + 3] = b3;
		}
	}
	return out;
}

export function formatIPv4(b: Uint8Array, off = 0): string {
	return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (leftmost on a tie) of two or more zero groups as `::`, IPv4-mapped as `::ffff:a.b.c.d`. */
export function formatIPv6(b: Uint8Array): string {
	let mapped = true;
	for (let i = 0; i < 10; i++) if (b[i] !== 0) mapped = false;
	if (mapped && b[10] === 0xff && b[11] === 0xff) return '::ffff:' + formatIPv4(b, 12);
	const g: number[] = [];
	for (let i = 0; i < 16; i += 2) g.push((b[i] << 8) | b[i + 1]);
	let bestStart = -1, bestLen = 0;
	for (let i = 0; i < 8; ) {
		if (g[i] !== 0) { i++; continue; }
		let j = i;
		while (j < 8 && g[j] === 0) j++;
		if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
		i = j;
	}
	if (bestLen < 2) return g.map((x) => x.toString(16)).join(':');
	const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
	const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
	return `${head}::${tail}`;
}

/** Decodes the hex of an IPv4 (8 chars) or IPv6 (32 chars) address; null if malformed. */
export function decodeAddress(hex: string, order: ByteOrder): string | null {
	const b = addressBytes(hex, order);
	if (!b) return null;
	return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}

export interface Endpoint {
	address: string;
	port: number;
}

/** Decodes `HEX:PORT` (ports are printed after ntohs, so they do not depend on byte order). */
export function decodeEndpoint(text: string, order: ByteOrder): Endpoint | null {
	const colon = text.indexOf(':');
	if (colon < 0 || text.length - colon - 1 !== 4) return null;
	const address = decodeAddress(text.slice(0, colon), order);
	const port = hexWord(text, colon + 1, 4);
	if (address === null || port < 0) return null;
	return { address, port };
}

/** The byte order of the machine running this code: right for text read from its own /proc. */
export function localByteOrder(): ByteOrder {
	return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';
}

/**
 * Byte order from the ELF header of a binary of the host (EI_DATA, byte 5: 1 = LSB, 2 = MSB),
 * e.g. the first bytes of /bin/sh sent by a remote host. Null when it is not an ELF header.
 */
export function byteOrderFromElf(header: Uint8Array): ByteOrder | null {
	if (header.length < 6 || header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return null;
	return header[5] === 1 ? 'LE' : header[5] === 2 ? 'BE' : null;
}

/** Whether an address is a loopback one (127/8, ::1, ::ffff:127/8). */
export function isLoopback(address: string): boolean {
	return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** Whether an address is the wildcard (bound to every interface). */
export function isWildcard(address: string): boolean {
	return address === '0.0.0.0' || address === '::';
}
