import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { containerOf, parseCgroup } from '../../src/procfs/cgroup';

const fixture = (rel: string): string => fs.readFileSync(path.join(__dirname, '../../../test/fixtures', rel), 'utf8');
const ID = '3f2a9c1b7d0e' + 'a'.repeat(52);

describe('parseCgroup', () => {
	it('a captured hybrid host: the one path below the root places the process; no unit, no container', () => {
		assert.deepStrictEqual(parseCgroup(fixture('captured/cgroup_hybrid.txt')), { path: '/process_api/5f293a4e5459f35cf836af7c84208377', unit: null, container: null });
	});

	it('cgroup v2: the unit is the deepest .service or .scope', () => {
		assert.deepStrictEqual(parseCgroup('0::/system.slice/nginx.service\n'), { path: '/system.slice/nginx.service', unit: 'nginx.service', container: null });
		assert.deepStrictEqual(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-code-1234.scope\n').unit, 'app-code-1234.scope');
		assert.deepStrictEqual(parseCgroup('0::/user.slice/user-1000.slice/session-3.scope\n').unit, 'session-3.scope');
		assert.deepStrictEqual(parseCgroup('0::/\n'), { path: '/', unit: null, container: null });
	});

	it('v1: name=systemd gives the unit; a controller\'s path may name the container', () => {
		const text = `12:pids:/docker/${ID}\n4:memory:/docker/${ID}\n1:name=systemd:/docker/${ID}\n0::/\n`;
		assert.deepStrictEqual(parseCgroup(text), { path: `/docker/${ID}`, unit: null, container: { runtime: 'docker', id: ID } });
		const unit = '5:cpu,cpuacct:/system.slice/ssh.service\n1:name=systemd:/system.slice/ssh.service\n';
		assert.deepStrictEqual(parseCgroup(unit), { path: '/system.slice/ssh.service', unit: 'ssh.service', container: null });
	});

	it('each runtime\'s naming; a conmon scope is not the container', () => {
		const cases: Array<[string, string | null, string | null]> = [
			[`/system.slice/docker-${ID}.scope`, 'docker', ID],
			[`/machine.slice/libpod-${ID}.scope/container`, 'podman', ID],
			[`/libpod_parent/libpod-${ID}`, 'podman', ID],
			[`/machine.slice/libpod-conmon-${ID}.scope`, null, null],
			[`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/cri-containerd-${ID}.scope`, 'containerd', ID],
			[`/kubepods/besteffort/pod0a1b2c3d-0000-1111-2222-333344445555/${ID}`, 'kubernetes', ID],
			[`/kubepods.slice/kubepods-pod1.slice/crio-${ID}.scope`, 'cri-o', ID],
			[`/kubepods.slice/kubepods-pod1.slice/crio-conmon-${ID}.scope`, null, null],
			['/lxc.payload.web1/system.slice/nginx.service', 'lxc', 'web1'],
			['/lxc/web2', 'lxc', 'web2'],
			['/machine.slice/systemd-nspawn@arch.service/payload', 'nspawn', 'arch'],
			['/machine.slice/machine-qemu\\x2d1\\x2dvm.scope', 'machine', 'qemu\\x2d1\\x2dvm'],
			// 32 hex digits, or 64 not under docker or a pod: not a container id.
			['/process_api/5f293a4e5459f35cf836af7c84208377', null, null],
			[`/other/${ID}`, null, null],
		];
		for (const [p, runtime, id] of cases) assert.deepStrictEqual(containerOf(p), runtime ? { runtime, id } : null, p);
	});

	it('the unit inside a container\'s own systemd, never the container\'s scope', () => {
		assert.deepStrictEqual(parseCgroup('0::/lxc.payload.web1/system.slice/nginx.service\n'), { path: '/lxc.payload.web1/system.slice/nginx.service', unit: 'nginx.service', container: { runtime: 'lxc', id: 'web1' } });
		assert.deepStrictEqual(parseCgroup(`0::/system.slice/docker-${ID}.scope\n`).unit, null);
	});

	it('skips lines it cannot read (a path with a newline, damage) and gives nulls for none', () => {
		assert.deepStrictEqual(parseCgroup('0::/system.slice/a\nb.service\n'), { path: '/system.slice/a', unit: null, container: null });
		assert.deepStrictEqual(parseCgroup(''), { path: null, unit: null, container: null });
		assert.deepStrictEqual(parseCgroup('garbage\nx:y\n'), { path: null, unit: null, container: null });
	});
});
