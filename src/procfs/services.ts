// /etc/services (services(5)): `name port/protocol [aliases...] [# comment]` per line. What `ss`
// without -n, `lsof` without -P and TCPView print for a port. Only the first name of a port and
// protocol counts, as getservbyport(3) returns it.

/** `tcp/22` → `ssh`. Lines that do not read are skipped. */
export function parseServices(text: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const raw of text.split('\n')) {
		const hash = raw.indexOf('#');
		const f = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/);
		if (f.length < 2) continue;
		const m = /^(\d{1,5})\/([a-z]+)$/.exec(f[1]);
		if (!m || Number(m[1]) > 65535) continue;
		const key = `${m[2]}/${Number(m[1])}`;
		if (!out.has(key)) out.set(key, f[0]);
	}
	return out;
}
