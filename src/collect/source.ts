// What the views ask of any host: one fresh snapshot per refresh.
import type { Snapshot } from '../model/snapshot';

export interface SnapshotSource {
	/** Shown on the host node: "local", "ssh build-01", a capture file name. */
	readonly label: string;
	snapshot(): Promise<Snapshot>;
	dispose(): void;
}
