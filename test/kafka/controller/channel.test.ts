import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControllerChannel, type ControllerRequest } from '../../../src/kafka/controller/channel.js';

const request = (correlationId: number): ControllerRequest => ({
  type: 'StopReplica',
  correlationId,
  controllerId: 1,
  controllerEpoch: 1,
  brokerEpoch: 1,
  partitions: [],
});

function harness() {
  const sent: string[] = [];
  const retries: number[] = [];
  const channel = new ControllerChannel({
    sendToBroker: (broker, r) => sent.push(`${broker}:${r.correlationId}`),
    scheduleRetry: (broker) => retries.push(broker),
  });
  return { channel, sent, retries };
}

describe('ControllerChannel (ControllerChannelManager)', () => {
  it('sends one request per broker at a time, the next when the response comes', () => {
    const { channel, sent } = harness();
    channel.send(2, request(1));
    channel.send(2, request(2));
    channel.send(3, request(3));
    expect(sent).toEqual(['2:1', '3:3']);
    channel.handleResponse(2, 99); // not the one in flight
    expect(sent).toEqual(['2:1', '3:3']);
    channel.handleResponse(2, 1);
    expect(sent).toEqual(['2:1', '3:3', '2:2']);
  });

  it('sends the request in flight again after a broken connection, until it is answered', () => {
    const { channel, sent, retries } = harness();
    channel.send(2, request(1));
    channel.send(2, request(2));
    channel.handleDisconnect(2);
    channel.handleDisconnect(2); // one retry at a time
    expect(retries).toEqual([2]);
    channel.retry(2);
    channel.handleDisconnect(2);
    channel.retry(2);
    expect(sent).toEqual(['2:1', '2:1', '2:1']);
    channel.handleResponse(2, 1);
    expect(sent).toEqual(['2:1', '2:1', '2:1', '2:2']);
  });

  it('forgets a removed broker and everything on resignation', () => {
    const { channel, sent } = harness();
    channel.send(2, request(1));
    channel.send(2, request(2));
    channel.removeBroker(2);
    channel.handleResponse(2, 1);
    channel.send(2, request(3));
    channel.clear();
    channel.retry(2);
    expect(sent).toEqual(['2:1', '2:3']);
  });

  it('sends the next request after the backoff when the one in flight was answered during it', () => {
    const { channel, sent } = harness();
    channel.send(2, request(1));
    channel.handleDisconnect(2);
    channel.send(2, request(2));
    channel.handleResponse(2, 1); // the answer was on its way when the connection broke
    expect(sent).toEqual(['2:1']);
    channel.retry(2);
    expect(sent).toEqual(['2:1', '2:2']);
  });

  it('delivers every request exactly in order per broker, whatever breaks in between', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('send', 'answer', 'break', 'retry'), { maxLength: 60 }), (ops) => {
        const { channel, sent } = harness();
        let next = 1;
        let inFlight: number | undefined;
        for (const op of ops) {
          if (op === 'send') channel.send(2, request(next++));
          else if (op === 'answer' && inFlight !== undefined) channel.handleResponse(2, inFlight);
          else if (op === 'break') channel.handleDisconnect(2);
          else if (op === 'retry') channel.retry(2);
          const last = sent[sent.length - 1];
          inFlight = last === undefined ? undefined : Number(last.split(':')[1]);
        }
        // Sent in order, each (re)sent only until the next one starts.
        const ids = sent.map((s) => Number(s.split(':')[1]));
        for (let i = 1; i < ids.length; i++)
          expect((ids[i] as number) === ids[i - 1] || ids[i] === (ids[i - 1] as number) + 1).toBe(true);
        // Then the connection holds and every answer comes: nothing queued is ever dropped.
        for (let i = 0; i < next; i++) {
          channel.retry(2);
          const last = sent[sent.length - 1];
          if (last !== undefined) channel.handleResponse(2, Number(last.split(':')[1]));
        }
        if (next > 1) expect(sent[sent.length - 1]).toBe(`2:${next - 1}`);
      }),
    );
  });
});
