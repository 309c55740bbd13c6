/**
 * AbstractStickyAssignor of Kafka 3.8.0 and its two assignors, StickyAssignor (`sticky`) and
 * CooperativeStickyAssignor (`cooperative-sticky`), without rack awareness (client.rack unset).
 *
 * Each call models a fresh assignor instance: AbstractStickyAssignor.maxGeneration (never reset in
 * Kafka, so it spans all the rebalances one leader ran) starts at -1 every time.
 */
import { JAVA_STRING, javaHashMapOrder } from '../../kafka/admin/java-hash-map.js';
import {
  checkPartitionCounts,
  compareStrings,
  memberHashMapOrder,
  type PartitionsPerTopic,
  subscribedTopicsWithPartitions,
} from './common.js';
import {
  JavaTopicPartitionHashSet,
  sameTopicPartition,
  type TopicPartition,
  tpKey,
} from './topic-partition.js';

/** What a member's Subscription carries into a sticky assignor. */
export interface StickySubscription {
  readonly topics: readonly string[];
  readonly ownedPartitions?: readonly TopicPartition[];
  /** The generation of the owned partitions; absent or negative = none. */
  readonly generation?: number;
}

/** AbstractStickyAssignor.MemberData, plus the Subscription fields the algorithm also reads. */
interface Member {
  readonly topics: readonly string[];
  /** MemberData.partitions. */
  readonly partitions: readonly TopicPartition[];
  /** MemberData.generation, -1 when absent (the algorithm treats both alike). */
  readonly generation: number;
  /** Subscription.generationId().orElse(-1). */
  readonly subscriptionGeneration: number;
  /** Subscription.ownedPartitions (read by CooperativeStickyAssignor). */
  readonly ownedPartitions: readonly TopicPartition[];
}

const DEFAULT_GENERATION = -1;

export interface StickyResult {
  readonly assignment: Map<string, TopicPartition[]>;
  /**
   * AbstractStickyAssignor.partitionsTransferringOwnership: filled by the constrained path,
   * null for the general path.
   */
  readonly partitionsTransferringOwnership: Map<string, { tp: TopicPartition; member: string }> | null;
}

/**
 * StickyAssignor.memberData: owned partitions and generation always come from the userData,
 * which the member wrote with serializeTopicPartitionAssignment: partitions grouped by topic in the
 * order of a HashMap<String, List<Integer>> (CollectionUtils.groupPartitionsByTopic). A member with
 * neither owned partitions nor generation sends no userData.
 */
function stickyMember(sub: StickySubscription): Member {
  const owned = sub.ownedPartitions ?? [];
  const generation = sub.generation ?? DEFAULT_GENERATION;
  const byTopic = new Map<string, TopicPartition[]>();
  for (const tp of owned) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp);
    byTopic.set(tp.topic, list);
  }
  const partitions = javaHashMapOrder([...byTopic.keys()], JAVA_STRING).flatMap((t) => byTopic.get(t) ?? []);
  return {
    topics: sub.topics,
    partitions,
    generation,
    subscriptionGeneration: generation >= 0 ? generation : DEFAULT_GENERATION,
    ownedPartitions: owned,
  };
}

/**
 * CooperativeStickyAssignor.memberData: the Subscription's ownedPartitions and generationId (a
 * negative generation is sent as "none"; the userData generation then is -1 too).
 */
function cooperativeMember(sub: StickySubscription): Member {
  const owned = sub.ownedPartitions ?? [];
  const generation =
    sub.generation !== undefined && sub.generation >= 0 ? sub.generation : DEFAULT_GENERATION;
  return {
    topics: sub.topics,
    partitions: owned,
    generation,
    subscriptionGeneration: generation,
    ownedPartitions: owned,
  };
}

/** StickyAssignor (`sticky`). */
export function stickyAssign(
  partitionsPerTopic: PartitionsPerTopic,
  subscriptions: Readonly<Record<string, StickySubscription>>,
): StickyResult {
  return abstractStickyAssign(partitionsPerTopic, subscriptions, stickyMember);
}

/**
 * CooperativeStickyAssignor (`cooperative-sticky`): the sticky result minus every partition that
 * changes owner this round; the new owner gets it in the follow-up rebalance, once it is revoked.
 */
export function cooperativeStickyAssign(
  partitionsPerTopic: PartitionsPerTopic,
  subscriptions: Readonly<Record<string, StickySubscription>>,
): Map<string, TopicPartition[]> {
  const members = new Map<string, Member>();
  for (const [id, sub] of Object.entries(subscriptions)) members.set(id, cooperativeMember(sub));
  const { assignment, partitionsTransferringOwnership } = abstractStickyAssign(
    partitionsPerTopic,
    subscriptions,
    cooperativeMember,
  );
  const transferring = partitionsTransferringOwnership ?? computeTransferring(members, assignment);
  // adjustAssignment: List.remove(Object) drops the first occurrence.
  for (const { tp, member } of transferring.values()) removeFirst(assignment.get(member) ?? [], tp);
  return assignment;
}

/**
 * CooperativeStickyAssignor.computePartitionsTransferringOwnership (general path): partitions
 * added to a member that did not own them and revoked from a member that owned them.
 */
function computeTransferring(
  members: Map<string, Member>,
  assignment: Map<string, TopicPartition[]>,
): Map<string, { tp: TopicPartition; member: string }> {
  const added = new Map<string, { tp: TopicPartition; member: string }>();
  const revoked = new Set<string>();
  for (const [member, assigned] of assignment) {
    const owned = (members.get(member) as Member).ownedPartitions;
    const ownedKeys = new Set(owned.map(tpKey));
    for (const tp of assigned) if (!ownedKeys.has(tpKey(tp))) added.set(tpKey(tp), { tp, member });
    const assignedKeys = new Set(assigned.map(tpKey));
    for (const tp of owned) if (!assignedKeys.has(tpKey(tp))) revoked.add(tpKey(tp));
  }
  for (const key of [...added.keys()]) if (!revoked.has(key)) added.delete(key);
  return added;
}

function removeFirst(list: TopicPartition[], tp: TopicPartition): void {
  const index = list.findIndex((x) => sameTopicPartition(x, tp));
  if (index >= 0) list.splice(index, 1);
}

/** AbstractStickyAssignor.assignPartitions (reached through AbstractPartitionAssignor.assign). */
function abstractStickyAssign(
  partitionsPerTopic: PartitionsPerTopic,
  subscriptions: Readonly<Record<string, StickySubscription>>,
  memberData: (sub: StickySubscription) => Member,
): StickyResult {
  checkPartitionCounts(partitionsPerTopic);
  const members = new Map<string, Member>();
  // Walks below use the leader's HashMap order of member ids.
  for (const id of memberHashMapOrder(Object.keys(subscriptions))) {
    members.set(id, memberData(subscriptions[id] as StickySubscription));
  }
  const topics = subscribedTopicsWithPartitions(
    partitionsPerTopic,
    [...members.keys()],
    (id) => (members.get(id) as Member).topics,
  );

  const owned = new Map<string, TopicPartition[]>();
  const multipleOwners = new Set<string>();
  const equal = allSubscriptionsEqual(topics, members, owned, multipleOwners);
  let result: StickyResult;
  if (equal) {
    const transferring = new Map<string, { tp: TopicPartition; member: string }>();
    const assignment = constrainedAssign(topics, owned, multipleOwners, transferring);
    result = { assignment, partitionsTransferringOwnership: transferring };
  } else {
    result = { assignment: generalAssign(topics, owned, members), partitionsTransferringOwnership: null };
  }
  // Every member of the group appears in the result, in the input's key order.
  const ordered = new Map<string, TopicPartition[]>();
  for (const id of Object.keys(subscriptions)) ordered.set(id, result.assignment.get(id) ?? []);
  return { ...result, assignment: ordered };
}

/**
 * AbstractStickyAssignor.allSubscriptionsEqual: whether every member lists the topics of the first
 * member with a non-empty list; also each member's still-valid owned partitions, resolving claims
 * of several members by generation (the Subscription's generation of the earlier claimant).
 */
function allSubscriptionsEqual(
  topics: Map<string, number>,
  members: Map<string, Member>,
  owned: Map<string, TopicPartition[]>,
  multipleOwners: Set<string>,
): boolean {
  let equal = true;
  const subscribed = new Set<string>();
  const claimant = new Map<string, string>();
  for (const [id, member] of members) {
    if (subscribed.size === 0) {
      for (const t of member.topics) subscribed.add(t);
    } else if (
      equal &&
      !(member.topics.length === subscribed.size && member.topics.every((t) => subscribed.has(t)))
    ) {
      equal = false;
    }
    const list: TopicPartition[] = [];
    owned.set(id, list);
    for (const tp of member.partitions) {
      if (!topics.has(tp.topic)) continue;
      const key = tpKey(tp);
      const other = claimant.get(key);
      if (other === undefined) {
        list.push(tp);
        claimant.set(key, id);
        continue;
      }
      const otherGeneration = (members.get(other) as Member).subscriptionGeneration;
      if (member.generation === otherGeneration) {
        // Same generation: nobody keeps it.
        multipleOwners.add(key);
        removeFirst(owned.get(other) as TopicPartition[], tp);
        claimant.set(key, id);
      } else if (member.generation > otherGeneration) {
        list.push(tp);
        removeFirst(owned.get(other) as TopicPartition[], tp);
        claimant.set(key, id);
      }
    }
  }
  return equal;
}

const totalPartitions = (topics: Map<string, number>): number => {
  let total = 0;
  for (const count of topics.values()) total += count;
  return total;
};

/** AbstractStickyAssignor.ConstrainedAssignmentBuilder (every member subscribes to the same topics). */
function constrainedAssign(
  topics: Map<string, number>,
  owned: Map<string, TopicPartition[]>,
  multipleOwners: Set<string>,
  transferring: Map<string, { tp: TopicPartition; member: string }>,
): Map<string, TopicPartition[]> {
  const total = totalPartitions(topics);
  const memberCount = owned.size;
  const minQuota = Math.floor(total / memberCount);
  const maxQuota = Math.ceil(total / memberCount);
  const expectedOverMin = total % memberCount;
  let currentOverMin = 0;
  const assignment = new Map<string, TopicPartition[]>();
  for (const id of owned.keys()) assignment.set(id, []);
  let underMin: string[] = [];
  let exactlyMin: string[] = [];
  const maybeRevoked = new Map<string, string>();
  const assigned: TopicPartition[] = [];

  // assignOwnedPartitions: members in HashMap order; owned partitions by partition, then topic.
  for (const [id, list] of owned) {
    const mine = [...list].sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic));
    for (const key of multipleOwners) {
      const index = mine.findIndex((tp) => tpKey(tp) === key);
      if (index >= 0) mine.splice(index, 1);
    }
    const target = assignment.get(id) as TopicPartition[];
    let keep: number;
    if (mine.length < minQuota) {
      keep = mine.length;
      underMin.push(id);
    } else if (mine.length >= maxQuota && currentOverMin < expectedOverMin) {
      currentOverMin++;
      if (currentOverMin === expectedOverMin) exactlyMin = [];
      keep = maxQuota;
    } else {
      keep = minQuota;
      if (currentOverMin < expectedOverMin) exactlyMin.push(id);
    }
    target.push(...mine.slice(0, keep));
    assigned.push(...mine.slice(0, keep));
    for (const tp of mine.slice(keep)) maybeRevoked.set(tpKey(tp), id);
  }

  const unassigned = constrainedUnassigned(topics, assigned);
  underMin = underMin.sort(compareStrings);
  exactlyMin = exactlyMin.sort(compareStrings);

  // assignRoundRobin: `cursor` models the LinkedList iterator over underMin.
  let cursor = 0;
  for (const tp of unassigned) {
    let member: string;
    if (cursor < underMin.length) {
      member = underMin[cursor++] as string;
    } else if (underMin.length === 0 && exactlyMin.length === 0) {
      throw new Error('IllegalStateException: No more unfilled consumers to be assigned.');
    } else if (underMin.length === 0) {
      member = exactlyMin.shift() as string;
    } else {
      cursor = 0;
      member = underMin[cursor++] as string;
    }
    const list = assignment.get(member) as TopicPartition[];
    list.push(tp);
    const key = tpKey(tp);
    const revokedFrom = maybeRevoked.get(key);
    if ((revokedFrom !== undefined && revokedFrom !== member) || multipleOwners.has(key)) {
      transferring.set(key, { tp, member });
    }
    if (list.length === minQuota) {
      // Iterator.remove: the element last returned by the iterator.
      if (cursor === 0) throw new Error('IllegalStateException: iterator remove without next');
      underMin.splice(--cursor, 1);
      exactlyMin.push(member);
    } else if (list.length === maxQuota) {
      currentOverMin++;
    }
  }

  // verifyUnfilledMembers
  if (underMin.length > 0) {
    if (currentOverMin !== expectedOverMin) {
      throw new Error(
        "IllegalStateException: We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned",
      );
    }
    for (const id of underMin) {
      if ((assignment.get(id) as TopicPartition[]).length !== minQuota) {
        throw new Error(
          `IllegalStateException: Consumer: [${id}] doesn't reach minQuota partitions, and no more partitions to be assigned`,
        );
      }
    }
  }
  return assignment;
}

/**
 * ConstrainedAssignmentBuilder.getUnassignedPartitions: topics by name, partitions ascending, minus
 * the assigned ones, found with the same two-pointer walk over them sorted by (topic, partition).
 */
function constrainedUnassigned(
  topics: Map<string, number>,
  assigned: readonly TopicPartition[],
): TopicPartition[] {
  const sortedTopics = [...topics.keys()].sort(compareStrings);
  const all: TopicPartition[] = [];
  for (const topic of sortedTopics) {
    for (let i = 0; i < (topics.get(topic) as number); i++) all.push({ topic, partition: i });
  }
  if (assigned.length === 0) return all;
  const sorted = [...assigned].sort((a, b) => compareStrings(a.topic, b.topic) || a.partition - b.partition);
  return twoPointerDifference(all, sorted);
}

/** The two-pointer difference both builders use (it assumes `sorted` follows `all`'s order). */
function twoPointerDifference(
  all: readonly TopicPartition[],
  sorted: readonly TopicPartition[],
): TopicPartition[] {
  const result: TopicPartition[] = [];
  let addDirectly = false;
  let index = 0;
  let next = sorted[index] as TopicPartition;
  for (const tp of all) {
    if (addDirectly || !sameTopicPartition(next, tp)) {
      result.push(tp);
    } else if (index + 1 < sorted.length) {
      next = sorted[++index] as TopicPartition;
    } else {
      addDirectly = true;
    }
  }
  return result;
}

/** AbstractStickyAssignor.PartitionMovements (only what the assignment needs). */
class PartitionMovements {
  private readonly byPartition = new Map<string, { src: string; dst: string }>();
  // Per topic, ConsumerPair "src\0dst" -> HashSet<TopicPartition>.
  private readonly byTopic = new Map<string, Map<string, JavaTopicPartitionHashSet>>();

  private static pair(src: string, dst: string): string {
    return `${src}\u0000${dst}`;
  }

  private removeRecord(tp: TopicPartition): { src: string; dst: string } {
    const pair = this.byPartition.get(tpKey(tp)) as { src: string; dst: string };
    this.byPartition.delete(tpKey(tp));
    const forTopic = this.byTopic.get(tp.topic) as Map<string, JavaTopicPartitionHashSet>;
    const key = PartitionMovements.pair(pair.src, pair.dst);
    const set = forTopic.get(key) as JavaTopicPartitionHashSet;
    set.delete(tp);
    if (set.size === 0) forTopic.delete(key);
    if (forTopic.size === 0) this.byTopic.delete(tp.topic);
    return pair;
  }

  private addRecord(tp: TopicPartition, src: string, dst: string): void {
    this.byPartition.set(tpKey(tp), { src, dst });
    let forTopic = this.byTopic.get(tp.topic);
    if (forTopic === undefined) {
      forTopic = new Map();
      this.byTopic.set(tp.topic, forTopic);
    }
    const key = PartitionMovements.pair(src, dst);
    let set = forTopic.get(key);
    if (set === undefined) {
      set = new JavaTopicPartitionHashSet();
      forTopic.set(key, set);
    }
    set.add(tp);
  }

  movePartition(tp: TopicPartition, oldMember: string, newMember: string): void {
    const existing = this.byPartition.get(tpKey(tp));
    if (existing !== undefined) {
      this.removeRecord(tp);
      // Moving back to where it started erases the record.
      if (existing.src !== newMember) this.addRecord(tp, existing.src, newMember);
    } else {
      this.addRecord(tp, oldMember, newMember);
    }
  }

  /**
   * getTheActualPartitionToBeMoved: to avoid a partition of this topic moving back and forth
   * between two members, reverse an earlier move instead: the first partition of that HashSet.
   */
  actualPartitionToMove(tp: TopicPartition, oldMember: string, newMember: string): TopicPartition {
    const forTopic = this.byTopic.get(tp.topic);
    if (forTopic === undefined) return tp;
    const earlier = this.byPartition.get(tpKey(tp));
    const source = earlier === undefined ? oldMember : earlier.src;
    const reverse = forTopic.get(PartitionMovements.pair(newMember, source));
    return reverse === undefined ? tp : (reverse.first() ?? tp);
  }
}

/** Thrown where Kafka's code would throw a NullPointerException. */
function missing(what: string): never {
  throw new Error(`NullPointerException: ${what}`);
}

/** AbstractStickyAssignor.GeneralAssignmentBuilder (subscriptions differ). */
function generalAssign(
  topics: Map<string, number>,
  currentAssignment: Map<string, TopicPartition[]>,
  members: Map<string, Member>,
): Map<string, TopicPartition[]> {
  const total = totalPartitions(topics);
  const topic2Consumers = new Map<string, string[]>();
  for (const topic of topics.keys()) topic2Consumers.set(topic, []);
  const consumer2Topics = new Map<string, string[]>();
  for (const [id, member] of members) {
    const list: string[] = [];
    consumer2Topics.set(id, list);
    for (const topic of member.topics) {
      const consumers = topic2Consumers.get(topic);
      if (consumers === undefined) continue;
      list.push(topic);
      consumers.push(id);
    }
    if (!currentAssignment.has(id)) currentAssignment.set(id, []);
  }
  let partitionOwner = new Map<string, string>();
  for (const [id, list] of currentAssignment) for (const tp of list) partitionOwner.set(tpKey(tp), id);

  const consumersOf = (topic: string): string[] => topic2Consumers.get(topic) ?? missing(`topic ${topic}`);
  // TopicComparator: fewest potential consumers first, then topic name.
  const topicOrder = (a: string, b: string): number =>
    consumersOf(a).length - consumersOf(b).length || compareStrings(a, b);
  let sortedAllPartitions: TopicPartition[] = [];
  for (const topic of [...topics.keys()].sort(topicOrder)) {
    for (let i = 0; i < (topics.get(topic) as number); i++) sortedAllPartitions.push({ topic, partition: i });
  }

  const listOf = (id: string): TopicPartition[] =>
    currentAssignment.get(id) ?? missing(`assignment of ${id}`);
  // sortedCurrentSubscriptions (a TreeSet with SubscriptionComparator: size, then member id); Kafka
  // re-keys a member around every change of its list, so sorting on demand gives the same order.
  const inTree = new Set<string>(currentAssignment.keys());
  const sortedMembers = (): string[] =>
    [...inTree].sort((a, b) => listOf(a).length - listOf(b).length || compareStrings(a, b));

  // prepopulateCurrentAssignments: the previous owner of each partition from older generations,
  // from the raw MemberData (ties keep the member met first in HashMap order).
  let maxGeneration = DEFAULT_GENERATION;
  for (const member of members.values()) maxGeneration = Math.max(maxGeneration, member.generation);
  const prevAssignment = new Map<string, { member: string; generation: number }>();
  for (const [id, member] of members) {
    // Present and older than the newest, or absent (-1) while some member has a generation.
    if (member.generation < maxGeneration) {
      const generation = member.generation;
      for (const tp of member.partitions) {
        const prev = prevAssignment.get(tpKey(tp));
        if (prev === undefined || generation > prev.generation)
          prevAssignment.set(tpKey(tp), { member: id, generation });
      }
    }
  }

  // assignOwnedPartitions: drop partitions of vanished topics and of topics no longer subscribed.
  let revocationRequired = false;
  const assigned: TopicPartition[] = [];
  for (const [id, list] of currentAssignment) {
    const member = members.get(id) as Member;
    for (let i = 0; i < list.length; ) {
      const tp = list[i] as TopicPartition;
      if (!topic2Consumers.has(tp.topic)) {
        list.splice(i, 1);
        partitionOwner.delete(tpKey(tp));
      } else if (!member.topics.includes(tp.topic)) {
        // The stale partitionOwner entry stays, as in Kafka.
        list.splice(i, 1);
        revocationRequired = true;
      } else {
        assigned.push(tp);
        i++;
      }
    }
  }

  // getUnassignedPartitions, sorting the assigned ones with Utils.PartitionComparator.
  let unassigned: TopicPartition[];
  if (assigned.length === 0) {
    unassigned = sortedAllPartitions;
  } else {
    const sorted = [...assigned].sort((a, b) => topicOrder(a.topic, b.topic) || a.partition - b.partition);
    unassigned = twoPointerDifference(sortedAllPartitions, sorted);
  }

  const maxAssignmentSize = (subscribed: readonly string[]): number =>
    subscribed.length === topics.size ? total : subscribed.reduce((sum, t) => sum + (topics.get(t) ?? 0), 0);

  const isBalanced = (): boolean => {
    const order = sortedMembers();
    const min = listOf(order[0] as string).length;
    const max = listOf(order[order.length - 1] as string).length;
    if (min >= max - 1) return true;
    const allPartitions = new Map<string, string>();
    for (const [id, list] of currentAssignment) for (const tp of list) allPartitions.set(tpKey(tp), id);
    for (const id of order) {
      const mine = listOf(id);
      const count = mine.length;
      const subscribed = consumer2Topics.get(id) as string[];
      if (count === maxAssignmentSize(subscribed)) continue;
      const mineKeys = new Set(mine.map(tpKey));
      for (const topic of subscribed) {
        for (let i = 0; i < (topics.get(topic) as number); i++) {
          const key = tpKey({ topic, partition: i });
          if (mineKeys.has(key)) continue;
          const other = allPartitions.get(key) ?? missing(`owner of ${key}`);
          if (count + 1 < listOf(other).length) return false;
        }
      }
    }
    return true;
  };

  const movements = new PartitionMovements();
  const processMovement = (tp: TopicPartition, newMember: string): void => {
    const oldMember = partitionOwner.get(tpKey(tp)) ?? missing(`owner of ${tpKey(tp)}`);
    movements.movePartition(tp, oldMember, newMember);
    removeFirst(listOf(oldMember), tp);
    listOf(newMember).push(tp);
    partitionOwner.set(tpKey(tp), newMember);
  };
  const reassign = (tp: TopicPartition, newMember: string): void => {
    const oldMember = partitionOwner.get(tpKey(tp)) ?? missing(`owner of ${tpKey(tp)}`);
    processMovement(movements.actualPartitionToMove(tp, oldMember, newMember), newMember);
  };
  const firstSubscriber = (topic: string): string =>
    sortedMembers().find((id) => (consumer2Topics.get(id) as string[]).includes(topic)) ??
    missing(`consumer for ${topic}`);

  const performReassignments = (partitions: readonly TopicPartition[]): boolean => {
    let performed = false;
    let modified: boolean;
    do {
      modified = false;
      for (const tp of partitions) {
        if (isBalanced()) break;
        const owner = partitionOwner.get(tpKey(tp)) ?? missing(`owner of ${tpKey(tp)}`);
        const prev = prevAssignment.get(tpKey(tp));
        if (prev !== undefined && listOf(owner).length > listOf(prev.member).length + 1) {
          reassign(tp, prev.member);
          performed = modified = true;
          continue;
        }
        for (const other of consumersOf(tp.topic)) {
          if (listOf(owner).length > listOf(other).length + 1) {
            reassign(tp, firstSubscriber(tp.topic));
            performed = modified = true;
            break;
          }
        }
      }
    } while (modified);
    return performed;
  };

  // balance
  const initialOrder = sortedMembers();
  const initializing = listOf(initialOrder[initialOrder.length - 1] as string).length === 0;
  // maybeAssign: each unassigned partition to the first member, in sorted order, that can take it.
  for (const tp of unassigned) {
    if (consumersOf(tp.topic).length === 0) continue;
    const member = sortedMembers().find((id) => (consumer2Topics.get(id) as string[]).includes(tp.topic));
    if (member === undefined) continue;
    listOf(member).push(tp);
    partitionOwner.set(tpKey(tp), member);
  }
  // Partitions of topics with fewer than two potential consumers cannot move.
  const movable = (tp: TopicPartition): boolean => consumersOf(tp.topic).length >= 2;
  sortedAllPartitions = sortedAllPartitions.filter(movable);
  unassigned = unassigned.filter(movable);

  const fixedAssignments = new Map<string, TopicPartition[]>();
  for (const id of consumer2Topics.keys()) {
    const list = listOf(id);
    const canParticipate =
      list.length < maxAssignmentSize(consumer2Topics.get(id) as string[]) || list.some((tp) => movable(tp));
    if (!canParticipate) {
      inTree.delete(id);
      fixedAssignments.set(id, list);
      currentAssignment.delete(id);
    }
  }

  const snapshot = new Map<string, TopicPartition[]>();
  for (const [id, list] of currentAssignment) snapshot.set(id, [...list]);
  const snapshotOwner = new Map(partitionOwner);

  if (!revocationRequired) performReassignments(unassigned);
  const performed = performReassignments(sortedAllPartitions);
  if (!initializing && performed && balanceScore(currentAssignment) >= balanceScore(snapshot)) {
    currentAssignment.clear();
    for (const [id, list] of snapshot) currentAssignment.set(id, [...list]);
    partitionOwner = snapshotOwner;
  }
  for (const [id, list] of fixedAssignments) currentAssignment.set(id, list);
  return currentAssignment;
}

/** getBalanceScore: the sum over member pairs of the difference of their sizes. */
function balanceScore(assignment: Map<string, TopicPartition[]>): number {
  const sizes = [...assignment.values()].map((list) => list.length);
  let score = 0;
  for (let i = 0; i < sizes.length; i++) {
    for (let j = i + 1; j < sizes.length; j++) score += Math.abs((sizes[i] as number) - (sizes[j] as number));
  }
  return score;
}
