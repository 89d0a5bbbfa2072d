// The extension's scan is background work: at 100k sockets it keeps one core busy for ~1.5 s
// per refresh. On a machine with few cores it then competes with the editor itself: on the
// 2-core bench machine the extension host's main thread spent up to ~130 ms off the CPU in
// one stretch while the scan worker and the workbench's renderer ran (bench/exthost.mjs counts
// each block's on-CPU time). A niced scan thread gives way to them and still has any idle core.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Lowers the calling thread's priority to at least `nice` (never raises it: that would need
 * privileges). Linux keeps a nice value per thread, set through the thread's id. Returns that
 * id, or undefined where this cannot be done (no /proc/thread-self, not permitted); the scan
 * then runs as before.
 */
export function niceThisThread(nice: number): number | undefined {
	try {
		const tid = Number(path.basename(fs.readlinkSync('/proc/thread-self')));
		if (!Number.isSafeInteger(tid) || tid <= 0) return undefined;
		if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
		return tid;
	} catch {
		return undefined;
	}
}
