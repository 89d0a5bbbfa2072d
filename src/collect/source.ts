// What the views ask of any host: one fresh snapshot per refresh.
import type { SnapshotDiff } from '../model/diff';
import type { Snapshot } from '../model/snapshot';

export interface SnapshotSource {
	/** Shown on the host node: "local", "ssh build-01", a capture file name. */
	readonly label: string;
	snapshot(): Promise<Snapshot>;
	/**
	 * Optional: the diff of the last snapshot against the one before it, when the source made it
	 * where the snapshots live (a worker); undefined means the caller diffs for itself.
	 */
	readonly lastDiff?: SnapshotDiff | undefined;
	dispose(): void;
}
