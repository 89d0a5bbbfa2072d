// /proc/[pid]/auxv: the ELF auxiliary vector the kernel gave a process, as (type, value) pairs of
// native words ending in AT_NULL. procnet reads two entries from it:
// - AT_PAGESZ, the page size that /proc/[pid]/stat's rss field counts in. It is 4 KiB on x86 but
//   16 or 64 KiB on some arm64 and ppc64 kernels, so an rss in bytes needs the host's own figure,
//   and Node has no API for it;
// - AT_CLKTCK, USER_HZ: the unit of stat's CPU and start times (what `getconf CLK_TCK` prints).

const AT_NULL = 0;
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

/** A page size a kernel can have: a power of two from 1 KiB to 1 GiB (anything else is a misread). */
export function isPageSize(n: number): boolean {
	return Number.isInteger(n) && n >= 1024 && n <= 2 ** 30 && (n & (n - 1)) === 0;
}

export interface AuxvFacts {
	pageSize: number | null;
	clkTck: number | null;
}

/**
 * The page size and clock tick in an auxv; each null when the vector holds no sane value (a
 * truncated read, a word size or byte order that is not the process's own). `wordBytes` is 8 on
 * 64-bit hosts, 4 on 32-bit ones.
 */
export function parseAuxv(auxv: Uint8Array, wordBytes: 4 | 8, littleEndian: boolean): AuxvFacts {
	const out: AuxvFacts = { pageSize: null, clkTck: null };
	const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
	const word = (at: number): number => (wordBytes === 8 ? Number(view.getBigUint64(at, littleEndian)) : view.getUint32(at, littleEndian));
	for (let at = 0; at + 2 * wordBytes <= auxv.byteLength; at += 2 * wordBytes) {
		const type = word(at);
		if (type === AT_NULL) break;
		const value = word(at + wordBytes);
		if (type === AT_PAGESZ && isPageSize(value)) out.pageSize = value;
		else if (type === AT_CLKTCK && value > 0 && value <= 1_000_000) out.clkTck = value;
	}
	return out;
}
