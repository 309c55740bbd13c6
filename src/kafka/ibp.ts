/**
 * inter.broker.protocol.version: which inter-broker behaviour a ZooKeeper-mode broker runs
 * (MetadataVersion at 3.8.0). Written `3.8-IV0`, `2.7-IV2`, `2.1` (a release alone means its last
 * IV), or with a patch number (`0.10.2`), which is ignored.
 */
export interface InterBrokerProtocolVersion {
  readonly major: number;
  readonly minor: number;
  /** The IV number; undefined for "the release's last". */
  readonly iv: number | undefined;
}

export function parseIbp(text: string): InterBrokerProtocolVersion {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?(?:-IV(\d+))?$/.exec(text.trim());
  if (match === null) throw new RangeError(`inter.broker.protocol.version: cannot parse '${text}'`);
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    iv: match[3] === undefined ? undefined : Number(match[3]),
  };
}

/** Whether `version` is at least `major.minor-IViv`. */
export function ibpAtLeast(version: string, major: number, minor: number, iv: number): boolean {
  const v = parseIbp(version);
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.iv === undefined || v.iv >= iv;
}

/** Leaders send ISR changes to the controller (AlterPartition) from 2.7-IV2; before, they write ZooKeeper. */
export const isAlterPartitionSupported = (version: string): boolean => ibpAtLeast(version, 2, 7, 2);

/**
 * The AlterPartition version a leader sends (AlterPartitionManager.buildRequest): topic IDs, and so
 * version 2 and up (the latest is 3), from 2.8-IV0 (MetadataVersion.isTopicIdsSupported); 1 before.
 */
export const alterPartitionVersion = (version: string): number => (ibpAtLeast(version, 2, 8, 0) ? 3 : 1);
