// A real OpenSSH server for the tests, on 127.0.0.1 and a free port, with its own host key and
// one authorized client key, all in a temp dir; and the client side: an ssh_config with the
// alias `procnet-test` (and known_hosts holding the server's key) that tests pass with `-F`.
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { tempDir } from './helpers';

export const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
	dir: string;
	port: number;
	pid: number;
	/** ssh_config with `Host procnet-test` (and `procnet-badkey`, `procnet-badhostkey`, `procnet-unknownkey`, `procnet-insecure`). */
	configFile: string;
	logFile: string;
	/** Lines of the sshd log that record an accepted connection. */
	acceptedConnections(): number;
	/** Lets `user` (an account of this machine) log in with the test's client key. */
	authorize(user: string): void;
	stop(): Promise<void>;
}

export function sshdAvailable(): boolean {
	return fs.existsSync(SSHD) && process.getuid?.() === 0;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as net.AddressInfo).port;
			s.close(() => resolve(port));
		});
	});
}

function keygen(file: string): string {
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'procnet-test', '-f', file]);
	return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	return new Promise((resolve, reject) => {
		const attempt = () => {
			if (child.exitCode !== null) return reject(new Error(`sshd exited with ${child.exitCode}`));
			const s = net.connect(port, '127.0.0.1');
			s.once('connect', () => {
				s.destroy();
				resolve();
			});
			s.once('error', () => {
				s.destroy();
				if (Date.now() > until) reject(new Error(`sshd did not listen on 127.0.0.1:${port}`));
				else setTimeout(attempt, 50);
			});
		};
		attempt();
	});
}

export interface SshdOptions {
	/** sshd's AllowTcpForwarding (default no: only the forwarding tests turn it on). */
	allowTcpForwarding?: boolean;
}

export async function startSshd(opts: SshdOptions = {}): Promise<TestSshd> {
	const dir = tempDir('procnet-sshd-');
	fs.chmodSync(dir, 0o700);
	// Privilege separation directory: Debian's sshd refuses to start without it.
	fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
	const hostKey = path.join(dir, 'host_ed25519');
	const otherHostKey = path.join(dir, 'other_host_ed25519');
	const clientKey = path.join(dir, 'client_ed25519');
	const strangerKey = path.join(dir, 'stranger_ed25519');
	const hostPub = keygen(hostKey);
	const otherHostPub = keygen(otherHostKey);
	const clientPub = keygen(clientKey);
	keygen(strangerKey);
	fs.writeFileSync(path.join(dir, 'authorized_keys'), clientPub + '\n', { mode: 0o600 });
	// Other users' keys: sshd reads a user's keys as that user, who cannot enter `dir` (0700).
	const usersDir = `${dir}-users`;
	fs.mkdirSync(usersDir, { mode: 0o755 });
	const port = await freePort();
	const logFile = path.join(dir, 'sshd.log');
	const cfg = path.join(dir, 'sshd_config');
	fs.writeFileSync(
		cfg,
		[
			'ListenAddress 127.0.0.1',
			`Port ${port}`,
			`HostKey ${hostKey}`,
			`AuthorizedKeysFile ${path.join(dir, 'authorized_keys')} ${path.join(usersDir, '%u')}`,
			`PidFile ${path.join(dir, 'sshd.pid')}`,
			'StrictModes no',
			'UsePAM no',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'PermitRootLogin prohibit-password',
			'LogLevel VERBOSE',
			'PrintMotd no',
			`AllowTcpForwarding ${opts.allowTcpForwarding ? 'local' : 'no'}`,
			'X11Forwarding no',
			'',
		].join('\n'),
	);
	const knownHosts = path.join(dir, 'known_hosts');
	const wrongKnownHosts = path.join(dir, 'known_hosts_wrong');
	const emptyKnownHosts = path.join(dir, 'known_hosts_empty');
	fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPub}\n`);
	fs.writeFileSync(wrongKnownHosts, `[127.0.0.1]:${port} ${otherHostPub}\n`);
	fs.writeFileSync(emptyKnownHosts, '');
	const host = (name: string, key: string, known: string, strict = 'yes') =>
		[
			`Host ${name}`,
			'  HostName 127.0.0.1',
			`  Port ${port}`,
			'  User root',
			`  IdentityFile ${key}`,
			'  IdentitiesOnly yes',
			'  IdentityAgent none',
			`  UserKnownHostsFile ${known}`,
			'  GlobalKnownHostsFile /dev/null',
			`  StrictHostKeyChecking ${strict}`,
			'  LogLevel ERROR',
			'',
		].join('\n');
	const configFile = path.join(dir, 'ssh_config');
	fs.writeFileSync(
		configFile,
		host('procnet-test', clientKey, knownHosts) +
			host('procnet-badkey', strangerKey, knownHosts) +
			host('procnet-badhostkey', clientKey, wrongKnownHosts) +
			host('procnet-unknownkey', clientKey, emptyKnownHosts) +
			// A careless user config: checking off, and known_hosts holds another key.
			host('procnet-insecure', clientKey, wrongKnownHosts, 'no') +
			// Any other name (a bare address, a port of our own) still uses the test's files.
			['Host *', '  IdentitiesOnly yes', '  IdentityAgent none', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  StrictHostKeyChecking yes', '  LogLevel ERROR', ''].join('\n'),
		{ mode: 0o600 },
	);

	const child = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', fs.openSync(logFile, 'a')] });
	const pid = child.pid!;
	try {
		await waitForPort(port, child, 10_000);
	} catch (e) {
		child.kill('SIGKILL');
		throw new Error(`${(e as Error).message}: ${fs.readFileSync(logFile, 'utf8')}`);
	}
	const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
	return {
		dir,
		port,
		pid,
		configFile,
		logFile,
		acceptedConnections: () => (fs.readFileSync(logFile, 'utf8').match(/^Connection from 127\.0\.0\.1 port \d+ on 127\.0\.0\.1 port \d+/gm) ?? []).length,
		authorize(user: string) {
			const file = path.join(usersDir, user);
			fs.writeFileSync(file, clientPub + '\n', { mode: 0o600 });
			execFileSync('chown', [user, file]);
		},
		async stop() {
			if (child.exitCode === null) process.kill(pid, 'SIGTERM');
			await exited;
			fs.rmSync(dir, { recursive: true, force: true });
			fs.rmSync(usersDir, { recursive: true, force: true });
		},
	};
}
