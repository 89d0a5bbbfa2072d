// In-process timing of remote refreshes, bundled on the fly by bench/run.mjs with esbuild
// (out/bench/sshinproc.js) and run as its own node process once per round, beside a real sshd
// on 127.0.0.1 (test/integration/sshd.ts). What the extension does for an SSH host: one
// ShellSource kept open, snapshot() on every refresh.
//
//   ssh gzip   sshSource(HOST), default compression: refresh 1 (includes connecting and sending
//              the collector's functions), then I more refreshes over the same session (warm)
//   ssh raw    the same with compression 'none': refresh 1, then one warm refresh
//   sh raw     commandSource(['sh']), compression 'none': the collector on this machine with no
//              ssh and no gzip, i.e. the remote script's own time (+ a local pipe); warm refreshes
//   sh gzip    the same with gzip + base64 on the remote side
//
// Per refresh (what ShellSource.snapshot() does, in two timed steps): total (captureParsed +
// buildSnapshot), firstByte (request → first byte of the answer), received (request → whole
// response decoded), decode (base64 + gunzip, within received), early (socket tables parsed as
// they arrived, within received), parse (after received: records → capture, and any table not
// parsed on arrival), build (buildSnapshot with the parsed tables), wire and body bytes.
//
// Usage: node out/bench/sshinproc.js '{"configFile":"…","host":"procnet-test","iterations":2}'
// Prints one JSON object on stdout.
import { buildSnapshot } from '../src/model/join';
import { commandSource, sshSource, type ShellSource } from '../src/collect/shellSource';

interface Refresh {
	total: number;
	capture: number;
	build: number;
	firstByte: number;
	received: number;
	decode: number;
	early: number;
	parse: number;
	wireBytes: number;
	bodyBytes: number;
	encoding: string;
	sockets: number;
}

/** early: captureParsed (tables parsed while part 2 comes, as snapshot() does); else capture() and parse at the end. */
async function refresh(src: ShellSource, early: boolean): Promise<Refresh> {
	const t0 = performance.now();
	const { capture, parsed } = early ? await src.captureParsed() : { capture: await src.capture(), parsed: undefined };
	const t1 = performance.now();
	const snap = buildSnapshot(capture, parsed);
	const t2 = performance.now();
	const s = src.lastStats!;
	return {
		total: t2 - t0,
		capture: t1 - t0,
		build: t2 - t1,
		firstByte: s.firstByteMs,
		received: s.receivedMs,
		decode: s.decodeMs,
		early: s.earlyParseMs,
		parse: s.parseMs,
		wireBytes: s.wireBytes,
		bodyBytes: s.bodyBytes,
		encoding: s.encoding,
		sockets: snap.sockets.length,
	};
}

async function series(src: ShellSource, n: number, early = true): Promise<Refresh[]> {
	const out: Refresh[] = [];
	try {
		for (let i = 0; i < n; i++) out.push(await refresh(src, early));
		if (src.sessionsStarted !== 1) throw new Error(`${src.label}: ${src.sessionsStarted} sessions for ${n} refreshes (expected one kept open)`);
	} finally {
		await src.disposeAndWait();
	}
	return out;
}

async function main(): Promise<void> {
	const cfg = JSON.parse(process.argv[2] ?? '{}') as { configFile: string; host: string; iterations?: number; breakdown?: boolean };
	const iterations = Math.max(1, cfg.iterations ?? 2);
	const result: Record<string, Refresh[]> = {};
	result.sshGzip = await series(sshSource(cfg.host, { configFile: cfg.configFile }), 1 + iterations);
	result.sshRaw = await series(sshSource(cfg.host, { configFile: cfg.configFile, compression: 'none' }), 2);
	if (cfg.breakdown !== false) {
		// Refresh 1 is dropped as for ssh (no connect here, but this process's first parse is cold).
		// capture(): nothing is parsed while the response comes, which could hold the remote up
		// (a local pipe buffers 64 KiB); received is then the collector's own time.
		result.shRaw = (await series(commandSource(['sh'], 'sh', { compression: 'none' }), 1 + iterations, false)).slice(1);
		result.shGzip = (await series(commandSource(['sh'], 'sh'), 1 + iterations, false)).slice(1);
	}
	process.stdout.write(JSON.stringify({ result, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
}

main().catch((e) => {
	process.stderr.write(`${(e as Error).stack ?? e}\n`);
	process.exit(1);
});
