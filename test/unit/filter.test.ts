import * as assert from 'assert';
import { matchesFilter, parseFilter, parseIp } from '../../src/model/filter';
import { shortCommand } from '../../src/model/shortCommand';
import type { ProcessInfo, SocketInfo } from '../../src/model/snapshot';

function sock(p: Partial<SocketInfo>): SocketInfo {
	return {
		kind: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: 3000, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN',
		txQueue: 0, rxQueue: 0, uid: 33, inode: '42', path: null, unixType: null, id: 'x', netns: 'net:[1]', owners: [{ pid: 123, fd: 4 }], ownerUnknown: null,
		...p,
	};
}
const www: ProcessInfo = { pid: 123, ppid: 1, name: 'node', cmdline: ['node', 'server.js'], uid: 33, user: 'www-data', startTime: null, startTicks: 1, netns: 'net:[1]', fdAccess: 'ok', cwd: null, rssBytes: null, cpuSeconds: 0, cgroup: null, unit: null, container: null };

describe('filter', () => {
	const m = (text: string, s: SocketInfo, owners = [www]) => matchesFilter(parseFilter(text), s, owners);

	it('matches key:value terms', () => {
		const s = sock({});
		assert.ok(m('port:3000', s));
		assert.ok(!m('port:3001', s));
		assert.ok(m('port:2999-3001', s));
		assert.ok(m('state:listen', s));
		assert.ok(m('state:LISTEN kind:tcp', s));
		assert.ok(!m('kind:udp', s));
		assert.ok(m('pid:123', s));
		assert.ok(m('user:www-data', s));
		assert.ok(!m('user:root', s));
		assert.ok(m('netns:4026', sock({ netns: 'net:[4026531833]' })));
		assert.ok(m('state:time_wait', sock({ state: 'TIME_WAIT' })) && m('state:time-wait', sock({ state: 'TIME_WAIT' })));
	});

	it('matches the owner\'s systemd unit and container', () => {
		const id = '3f2a9c1b7d0e' + 'b'.repeat(52);
		const inDocker: ProcessInfo = { ...www, unit: null, container: { runtime: 'docker', id } };
		const inUnit: ProcessInfo = { ...www, unit: 'nginx.service', container: null };
		const s = sock({});
		assert.ok(m('unit:nginx', s, [inUnit]) && m('unit:NGINX.service', s, [inUnit]));
		assert.ok(!m('unit:nginx', s, [inDocker]) && !m('unit:nginx', s));
		assert.ok(m('container:docker', s, [inDocker]) && m('container:3f2a9c', s, [inDocker]));
		assert.ok(m('container:bbbbbbbb', s, [inDocker]), 'any part of the whole id, not only the 12 digits shown');
		assert.ok(!m('container:docker', s, [inUnit]) && m('-container:docker', s, [inUnit]));
	});

	it('matches address prefixes, v4 and v6, including v4-mapped peers', () => {
		assert.ok(m('addr:127.0.0.0/8', sock({})));
		assert.ok(!m('addr:10.0.0.0/8', sock({})));
		assert.ok(m('addr:10.0.0.0/8', sock({ ipVersion: 6, localAddress: '::', remoteAddress: '::ffff:10.1.2.3' })));
		assert.ok(m('addr:fd00::/8', sock({ ipVersion: 6, localAddress: 'fd00:1234::5678' })));
		assert.ok(!m('addr:fe80::/10', sock({ ipVersion: 6, localAddress: 'fd00:1234::5678' })));
		assert.ok(m('addr:127.0.0', sock({})), 'without a prefix length it is a substring');
	});

	it('matches plain text against addresses, names, pids and command lines, with negation', () => {
		assert.ok(m('server.js', sock({})));
		assert.ok(m('NODE', sock({})));
		assert.ok(!m('-node', sock({})));
		assert.ok(m('-python', sock({})));
		assert.ok(!m('/tmp/a zzz', sock({ kind: 'unix', path: '/tmp/a b', localAddress: null }), []), 'words are ANDed: "/tmp/a" and "zzz"');
		assert.ok(m('/tmp/a', sock({ kind: 'unix', path: '/tmp/a b', localAddress: null }), []));
	});

	it('peer: matches the remote address, or its name by the host\'s resolver once known; plain words never match names', () => {
		const conn = sock({ state: 'ESTABLISHED', remoteAddress: '::ffff:140.82.112.3', remotePort: 443, ipVersion: 6 });
		const names = new Map<string, string | null>([['140.82.112.3', 'lb-140-82-112-3-iad.github.com'], ['10.0.0.9', null]]);
		const nameOf = (peer: string) => names.get(peer);
		const p = (text: string, s: SocketInfo) => matchesFilter(parseFilter(text), s, [www], nameOf);
		assert.ok(p('peer:github', conn), 'by name (the IPv4-mapped peer asked as IPv4)');
		assert.ok(p('peer:GitHub.com', conn));
		assert.ok(p('peer:140.82', conn), 'by address');
		assert.ok(!p('peer:gitlab', conn));
		assert.ok(!p('-peer:github', conn) && p('-peer:gitlab', conn));
		assert.ok(!m('peer:github', conn), 'no name known: addresses only');
		assert.ok(!p('github', conn), 'a plain word does not match a name');
		assert.ok(!p('peer:github', sock({ state: 'ESTABLISHED', remoteAddress: '10.0.0.9', remotePort: 5432 })), 'a peer with no name');
		assert.ok(!p('peer:0.0.0.0', sock({})), 'a listener has no peer');
		assert.ok(!p('peer:tmp', sock({ kind: 'unix', path: '/tmp/a', localAddress: null })), 'nor has a unix socket');
	});

	it('reports bad terms instead of dropping them', () => {
		assert.deepStrictEqual(parseFilter('port:http addr:1.2.3.4/40 ok').errors.length, 2);
		assert.strictEqual(parseFilter('port:http').terms.length, 0);
	});

	it('parses addresses', () => {
		assert.deepStrictEqual([...parseIp('10.0.0.1')!], [10, 0, 0, 1]);
		assert.deepStrictEqual([...parseIp('::1')!], [...new Array(15).fill(0), 1]);
		assert.deepStrictEqual([...parseIp('::ffff:10.0.0.1')!].slice(10), [0xff, 0xff, 10, 0, 0, 1]);
		assert.strictEqual(parseIp('1.2.3.256'), null);
		assert.strictEqual(parseIp('1::2::3'), null);
		assert.strictEqual(parseIp('12345::'), null);
	});
});

describe('shortCommand', () => {
	const sc = (cmdline: string[], name = 'node') => shortCommand({ name, cmdline });
	it('names the script an interpreter runs', () => {
		assert.strictEqual(sc(['/usr/bin/node', '--inspect=9229', '/srv/app/server.js', '--port', '3000']), 'server.js');
		assert.strictEqual(sc(['node', '-r', 'ts-node/register', 'src/main.ts']), 'main.ts');
		assert.strictEqual(sc(['python3', '-m', 'http.server', '8000'], 'python3'), '-m http.server');
		assert.strictEqual(sc(['java', '-Xmx1g', '-jar', '/opt/app.jar'], 'java'), '-jar app.jar');
		assert.strictEqual(sc(['node', '-e', 'code']), '-e');
	});
	it('names runners\' subcommands, rewritten argv, and exes unlike their comm', () => {
		assert.strictEqual(sc(['npm', 'run', 'dev'], 'npm run dev'), 'npm run dev');
		assert.strictEqual(sc(['nginx: worker process'], 'nginx'), 'nginx: worker process');
		assert.strictEqual(sc(['/usr/sbin/sshd', '-D'], 'sshd'), '');
		assert.strictEqual(sc(['/opt/x/bin/real-exe'], 'MainThread'), 'real-exe');
		assert.strictEqual(sc([], 'kworker'), '');
	});
});
