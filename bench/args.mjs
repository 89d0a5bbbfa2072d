// The benches' command-line options: `--name value`, or the default.
export function arg(name, dflt) {
	const i = process.argv.indexOf(name);
	return i > 0 ? process.argv[i + 1] : dflt;
}
