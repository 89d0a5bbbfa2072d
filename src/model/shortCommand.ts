// The part of a command line that tells ten `node` processes apart: the script or module an
// interpreter runs, or the subcommand of a package runner. The full line stays in tooltips.
import type { ProcessInfo } from './snapshot';

const INTERPRETERS = /^(node|nodejs|bun|deno|python[0-9.]*|pypy[0-9.]*|ruby|perl|php[0-9.]*|java|sh|bash|dash|zsh|tsx|ts-node)$/;
const RUNNERS = /^(npm|npx|pnpm|yarn|uv|poetry|cargo|go|dotnet|gradle|mvn|make)$/;
/** Interpreter options that take the next argument as their value. */
const OPTION_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-W', '-X', '-cp', '-classpath', '--class-path', '--inspect-port', '-I', '--title']);

function base(p: string): string {
	const i = p.lastIndexOf('/');
	return i >= 0 ? p.slice(i + 1) : p;
}

export function shortCommand(p: Pick<ProcessInfo, 'name' | 'cmdline'>): string {
	const argv = p.cmdline;
	if (argv.length === 0) return '';
	const exe = base(argv[0]);
	if (RUNNERS.test(exe)) return [exe, ...argv.slice(1, 3)].join(' ');
	if (INTERPRETERS.test(exe)) {
		for (let i = 1; i < argv.length; i++) {
			const a = argv[i];
			if (a === '-m' || a === '-jar') return argv[i + 1] ? `${a} ${base(argv[i + 1])}` : a;
			if (a === '-e' || a === '-c' || a === '--eval') return a;
			if (OPTION_WITH_VALUE.has(a)) {
				i++;
				continue;
			}
			if (a.startsWith('-')) continue;
			return base(a);
		}
		return '';
	}
	// A process that rewrote its argv (nginx: worker process) or whose exe is not its comm.
	if (argv.length === 1 && argv[0].includes(' ')) return argv[0];
	return exe !== p.name ? exe : '';
}
