/**
 * The controller's leader election rules (PartitionLeaderElectionAlgorithms and Election.scala at
 * 3.8.0). Each takes the partition's assignment (replica order is preference order), its ISR as read
 * from ZooKeeper, and which brokers are live; none of them writes anything.
 */

export interface ElectionResult {
  readonly leader: number;
  readonly isr: readonly number[];
  /** True when the leader came from outside the ISR: data it never had is lost. */
  readonly unclean: boolean;
}

/**
 * After a leader is lost: the first replica in assignment order that is live and in the ISR; if none
 * and unclean election is allowed, the first live replica, with an ISR of just itself
 * (offlinePartitionLeaderElection). The ISR keeps its live members, in their order.
 */
export function offlinePartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  isLive: (broker: number) => boolean,
  uncleanLeaderElectionEnabled: boolean,
): ElectionResult | undefined {
  const clean = assignment.find((b) => isLive(b) && isr.includes(b));
  if (clean !== undefined) return { leader: clean, isr: isr.filter(isLive), unclean: false };
  if (!uncleanLeaderElectionEnabled) return undefined;
  const unclean = assignment.find(isLive);
  return unclean === undefined ? undefined : { leader: unclean, isr: [unclean], unclean: true };
}

/** The preferred replica (the first of the assignment) if it is live and in the ISR; the ISR is unchanged. */
export function preferredReplicaPartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  isLive: (broker: number) => boolean,
): ElectionResult | undefined {
  const preferred = assignment[0];
  if (preferred === undefined || !isLive(preferred) || !isr.includes(preferred)) return undefined;
  return { leader: preferred, isr, unclean: false };
}

/** At the end of a reassignment: the first target replica that is live and in the ISR; ISR unchanged. */
export function reassignPartitionLeaderElection(
  targetReplicas: readonly number[],
  isr: readonly number[],
  isLive: (broker: number) => boolean,
): ElectionResult | undefined {
  const leader = targetReplicas.find((b) => isLive(b) && isr.includes(b));
  return leader === undefined ? undefined : { leader, isr, unclean: false };
}

/**
 * For a broker shutting down cleanly: the first replica in assignment order that is in the ISR and
 * not shutting down; the ISR loses every shutting-down broker.
 */
export function controlledShutdownPartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  isLiveOrShuttingDown: (broker: number) => boolean,
  shuttingDown: ReadonlySet<number>,
): ElectionResult | undefined {
  const leader = assignment.find((b) => isLiveOrShuttingDown(b) && isr.includes(b) && !shuttingDown.has(b));
  return leader === undefined
    ? undefined
    : { leader, isr: isr.filter((b) => !shuttingDown.has(b)), unclean: false };
}

/**
 * A replica leaves the ISR when its broker goes offline (ReplicaStateMachine.removeReplicasFromIsr):
 * if it led, the partition has no leader (-1); the last ISR member is never removed.
 */
export function removeReplicaFromIsr(
  leader: number,
  isr: readonly number[],
  replica: number,
): { leader: number; isr: readonly number[] } | undefined {
  if (!isr.includes(replica)) return undefined;
  return {
    leader: replica === leader ? -1 : leader,
    isr: isr.length === 1 ? isr : isr.filter((b) => b !== replica),
  };
}

/**
 * Partitions whose preferred leader should get leadership back (checkAndTriggerAutoLeaderRebalance):
 * per preferred broker, if the share of its partitions it does not lead is above
 * `leader.imbalance.per.broker.percentage`, those of them where it is live and in the ISR.
 */
export function autoRebalanceCandidates<P>(
  partitions: readonly P[],
  view: (p: P) => { assignment: readonly number[]; leader: number; isr: readonly number[] },
  isLive: (broker: number) => boolean,
  imbalancePercentage: number,
): P[] {
  const byPreferred = new Map<number, P[]>();
  for (const p of partitions) {
    const preferred = view(p).assignment[0];
    if (preferred === undefined) continue;
    const list = byPreferred.get(preferred) ?? [];
    list.push(p);
    byPreferred.set(preferred, list);
  }
  const out: P[] = [];
  for (const [broker, owned] of [...byPreferred].sort((a, b) => a[0] - b[0])) {
    const notLed = owned.filter((p) => view(p).leader !== broker);
    if (notLed.length / owned.length > imbalancePercentage / 100) {
      out.push(...notLed.filter((p) => isLive(broker) && view(p).isr.includes(broker)));
    }
  }
  return out;
}
