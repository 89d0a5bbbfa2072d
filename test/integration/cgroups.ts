// Cgroups for tests that place their own processes in them (cgroup.test.ts, the tree's test).
import * as fs from 'fs';
import * as path from 'path';

/**
 * A cgroup hierarchy a test may make groups in: the v2 one (mounted at /sys/fs/cgroup, or at
 * /sys/fs/cgroup/unified beside v1's), else v1's name=systemd. Its processes' paths read from the
 * hierarchy's root, as /proc/PID/cgroup prints them.
 */
export function writableHierarchy(): string | undefined {
	const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
	const v2 = mounts.find((l) => / - cgroup2 /.test(l));
	const systemd = mounts.find((l) => / - cgroup .*name=systemd/.test(l));
	for (const line of [v2, systemd]) {
		const dir = line?.split(' ')[4];
		if (!dir) continue;
		const probe = path.join(dir, `procnet-probe-${process.pid}`);
		try {
			fs.mkdirSync(probe);
			fs.rmdirSync(probe);
			return dir;
		} catch {
			// read-only or not ours: try the next
		}
	}
	return undefined;
}
