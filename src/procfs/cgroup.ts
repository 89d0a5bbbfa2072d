// /proc/[pid]/cgroup: "hierarchy-ID:controller-list:cgroup-path" per line (cgroups(7)). cgroup v2
// has one line, "0::/path"; v1 one per hierarchy, and a hybrid host both. The path tells what
// started a process, which a port's owner alone does not: the systemd unit (`nginx.service`, a
// login's `session-3.scope`) and the container, named by each runtime in its own way:
//   docker      /docker/<id> (cgroupfs driver), /system.slice/docker-<id>.scope (systemd driver)
//   podman      /machine.slice/libpod-<id>.scope, /libpod_parent/libpod-<id>
//   containerd  .../cri-containerd-<id>.scope, and Kubernetes' /kubepods/<qos>/pod<uid>/<id>
//   CRI-O       .../crio-<id>.scope
//   LXC         /lxc.payload.<name>, /lxc/<name>
//   nspawn      /machine.slice/systemd-nspawn@<name>.service
//   machine     /machine.slice/machine-<name>.scope (any machine registered with systemd-machined)
// where <id> is 64 hex digits. A runtime's conmon or shim scope (`libpod-conmon-<id>.scope`,
// `crio-conmon-<id>.scope`) holds the monitor, not the container, and is not one.

export interface Container {
	/** docker, podman, containerd, kubernetes, cri-o, lxc, nspawn, machine */
	runtime: string;
	/** The id (64 hex digits) or name the runtime gave it. */
	id: string;
}

export interface CgroupFacts {
	/** The path that places the process: v2's, else v1's name=systemd, else the first one below the root; null for no lines. */
	path: string | null;
	/** The deepest systemd unit on the paths (`*.service` or `*.scope`) that is not a container's own scope. */
	unit: string | null;
	container: Container | null;
}

const LINE = /^(\d+):([^:]*):(\/.*)$/;
const ID = /^[0-9a-f]{64}$/;
const SCOPED: Array<[RegExp, string]> = [
	[/^docker-([0-9a-f]{64})\.scope$/, 'docker'],
	[/^libpod-([0-9a-f]{64})(?:\.scope)?$/, 'podman'],
	[/^cri-containerd-([0-9a-f]{64})\.scope$/, 'containerd'],
	[/^crio-([0-9a-f]{64})\.scope$/, 'cri-o'],
	[/^lxc\.payload[.:](.+)$/, 'lxc'],
	[/^systemd-nspawn@(.+)\.service$/, 'nspawn'],
	[/^machine-(.+)\.scope$/, 'machine'],
];
const UNIT = /\.(service|scope)$/;

/** The container a cgroup path names, by the rules above; null when it names none. */
export function containerOf(path: string): Container | null {
	const parts = path.split('/').filter(Boolean);
	// The deepest match: a container inside a pod or a slice names itself last.
	for (let i = parts.length - 1; i >= 0; i--) {
		const c = parts[i];
		for (const [re, runtime] of SCOPED) {
			const m = re.exec(c);
			if (m) return { runtime, id: m[1] };
		}
		if (ID.test(c) && i > 0) {
			const parent = parts[i - 1];
			if (parent === 'docker') return { runtime: 'docker', id: c };
			if (/^pod[0-9a-f_-]+$/.test(parent)) return { runtime: 'kubernetes', id: c };
		}
		if (i === 1 && parts[0] === 'lxc') return { runtime: 'lxc', id: c };
	}
	return null;
}

export function parseCgroup(text: string): CgroupFacts {
	let v2: string | undefined;
	let systemd: string | undefined;
	let other: string | undefined;
	const paths: string[] = [];
	// A line that does not read as one (a path with a newline in it, a damaged read) is left out.
	for (const line of text.split('\n')) {
		const m = LINE.exec(line);
		if (!m) continue;
		const [, hid, controllers, path] = m;
		paths.push(path);
		if (hid === '0' && controllers === '') v2 ??= path;
		else if (controllers === 'name=systemd') systemd ??= path;
		else if (path !== '/') other ??= path;
	}
	if (paths.length === 0) return { path: null, unit: null, container: null };
	const placed = [v2, systemd, other].find((p) => p !== undefined && p !== '/') ?? '/';
	let container: Container | null = null;
	for (const p of [placed, ...paths]) if ((container = containerOf(p))) break;
	// The unit comes from systemd's own hierarchy (v2's or name=systemd), not a controller's.
	const unitPath = [v2, systemd].find((p) => p !== undefined && p !== '/') ?? placed;
	let unit: string | null = null;
	for (const c of unitPath.split('/').filter(Boolean)) if (UNIT.test(c) && !containerOf(`/${c}`)) unit = c;
	return { path: placed, unit, container };
}
