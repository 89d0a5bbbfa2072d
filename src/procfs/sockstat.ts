// /proc/net/sockstat and sockstat6: "PROTO: key value key value ...", counts only. Used as a
// cheap size check before reading the big tables, so a line it cannot read is just left out.
import type { Sockstat } from './types';
import { decInt, forEachLine, splitWs } from './lines';

export function parseSockstat(text: string): Sockstat {
	const out: Sockstat = {};
	forEachLine(text, (line) => {
		const t = splitWs(line);
		if (t.length < 3 || !t[0].endsWith(':') || t[0].length < 2 || (t.length - 1) % 2 !== 0) return;
		const counters: Record<string, number> = {};
		for (let i = 1; i < t.length; i += 2) {
			const v = decInt(t[i + 1]);
			if (Number.isNaN(v)) return;
			counters[t[i]] = v;
		}
		const proto = t[0].slice(0, -1);
		out[proto] = { ...out[proto], ...counters };
	});
	return out;
}
