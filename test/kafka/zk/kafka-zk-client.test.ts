import { describe, expect, it } from 'vitest';
import { KafkaZkClient, type Outcome } from '../../../src/kafka/zk/kafka-zk-client.js';
import type { ZkClient } from '../../../src/zk/client.js';

/**
 * A ZooKeeper client whose answers are scripted, one list per call: /controller is missing, and
 * the exists that should leave a watch on it first loses its connection.
 */
function scriptedZk(existsCodes: string[]) {
  const calls: string[] = [];
  const zk = {
    getData(path: string, options: { watch: boolean }, callback: (o: { code: string }) => void) {
      calls.push(`getData ${path} watch=${options.watch}`);
      callback({ code: 'NONODE' });
    },
    exists(path: string, options: { watch: boolean }, callback: (o: { code: string }) => void) {
      calls.push(`exists ${path} watch=${options.watch}`);
      callback({ code: existsCodes.shift() ?? 'NONODE' });
    },
  };
  return { zk: zk as unknown as ZkClient, calls };
}

describe('KafkaZkClient.getControllerId', () => {
  it('sends the read again when the exists that leaves the watch on /controller loses its connection', () => {
    const { zk, calls } = scriptedZk(['CONNECTIONLOSS']);
    const client = new KafkaZkClient(zk);
    const answers: Outcome<{ controllerId: number }>[] = [];
    client.getControllerId((outcome) => answers.push(outcome));
    // No answer yet: an answer now would leave no watch, and the next controller go unseen.
    expect(answers).toEqual([]);
    client.connected();
    expect(answers).toEqual([{ ok: true, controllerId: -1 }]);
    expect(calls).toEqual([
      'getData /controller watch=true',
      'exists /controller watch=true',
      'getData /controller watch=true',
      'exists /controller watch=true',
    ]);
  });
});
