// /etc/passwd → uid → user name. Only the first entry of a uid counts, as getpwuid does.
export function parsePasswd(text: string): Map<number, string> {
	const out = new Map<number, string>();
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const f = line.split(':');
		if (f.length < 3 || !/^\d+$/.test(f[2])) continue;
		const uid = Number(f[2]);
		if (!out.has(uid)) out.set(uid, f[0]);
	}
	return out;
}
