// Seeded randomness and mutated real text, for the tests that feed parsers hostile input.

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Mutates real text: drops, duplicates, truncates, swaps characters, inserts NULs and junk. */
export function mutate(text: string, r: () => number): string {
	const lines = text.split('\n');
	const out: string[] = [];
	const junk = ['\0', 'ZZ', ':', ' ', '\t', '-1', 'ffffffffffffffffffff', '\u00e9', '\ud800', '\n', '99999999999999999999999'];
	for (const l of lines) {
		const x = r();
		if (x < 0.05) continue;
		let line = l;
		if (x < 0.15) line = line.slice(0, Math.floor(r() * line.length));
		else if (x < 0.25) line = line + ' ' + line;
		else if (x < 0.45) {
			const i = Math.floor(r() * (line.length + 1));
			line = line.slice(0, i) + junk[Math.floor(r() * junk.length)] + line.slice(i + 1);
		} else if (x < 0.5) line = line.split(/\s+/).reverse().join(' ');
		out.push(line);
		if (r() < 0.05) out.push(line);
	}
	return out.join('\n');
}
