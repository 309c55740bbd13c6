/** Producer ids a broker hands out per ZooKeeper write (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

/** `/latest_producer_id_block` (ProducerIdBlockZNode): the last block handed to any broker. */
export const PRODUCER_ID_BLOCK_PATH = '/latest_producer_id_block';

export interface ProducerIdBlock {
  readonly broker: number;
  readonly first: number;
  readonly last: number;
}

export function encodeProducerIdBlock(block: ProducerIdBlock): string {
  return JSON.stringify({
    version: 1,
    broker: block.broker,
    block_start: String(block.first),
    block_end: String(block.last),
  });
}

export function decodeProducerIdBlock(json: string): ProducerIdBlock {
  const v = JSON.parse(json) as { broker: number; block_start: string; block_end: string };
  return { broker: v.broker, first: Number(v.block_start), last: Number(v.block_end) };
}

/** The ZooKeeper reads and conditional writes the manager needs (set by the broker). */
export interface ProducerIdStore {
  read(done: (data: string | null | undefined, version: number) => void): void;
  /** Writes if the znode is still at `version`; `ok` false on a conflict. */
  write(data: string, version: number, done: (ok: boolean) => void): void;
}

/**
 * ZkProducerIdManager (3.8.0): a broker reserves a block of 1000 producer ids by bumping
 * `/latest_producer_id_block` with a conditional write (retrying on conflicts with other brokers),
 * takes its first block at startup, and hands ids out one by one to InitProducerId.
 */
export class ProducerIdManager {
  private block: ProducerIdBlock | undefined;
  private next = 0;
  private fetching = false;
  private readonly waiting: ((id: number) => void)[] = [];

  constructor(
    private readonly brokerId: number,
    private readonly store: ProducerIdStore,
    private readonly note: (text: string) => void,
  ) {}

  /** Reserves the first block (the manager's construction in KafkaServer.startup). */
  startup(): void {
    this.allocate();
  }

  /** The next producer id, once a block is there. */
  generateProducerId(done: (producerId: number) => void): void {
    if (this.block !== undefined && this.next <= this.block.last) {
      done(this.next++);
      return;
    }
    this.waiting.push(done);
    this.allocate();
  }

  private allocate(): void {
    if (this.fetching) return;
    this.fetching = true;
    this.store.read((data, version) => {
      const current = data === undefined || data === null ? undefined : decodeProducerIdBlock(data);
      const first = current === undefined ? 0 : current.last + 1;
      const block = { broker: this.brokerId, first, last: first + PRODUCER_ID_BLOCK_SIZE - 1 };
      this.store.write(encodeProducerIdBlock(block), version, (ok) => {
        this.fetching = false;
        if (!ok) {
          this.allocate(); // another broker took a block meanwhile: read again
          return;
        }
        this.note(`Acquired new producerId block ${first}-${block.last}`);
        this.block = block;
        this.next = first;
        const waiting = this.waiting.splice(0);
        for (const done of waiting) this.generateProducerId(done);
      });
    });
  }
}
