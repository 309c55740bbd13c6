import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasCollision,
  hasCollisionChars,
  isInternalTopic,
  topicNameError,
  validateTopicName,
} from '../../../src/kafka/admin/topic-name.js';
import { expectKafkaError } from './expect-kafka-error.js';

describe('topic names (Topic.validate)', () => {
  it("rejects bad names with Kafka 3.8.0's messages, as InvalidTopicException (17)", () => {
    const long = 'a'.repeat(250);
    const cases: [string, string][] = [
      ['', 'Topic name is invalid: the empty string is not allowed'],
      ['.', "Topic name is invalid: '.' is not allowed"],
      ['..', "Topic name is invalid: '..' is not allowed"],
      [long, `Topic name is invalid: the length of '${long}' is longer than the max allowed length 249`],
      [
        'my topic',
        "Topic name is invalid: 'my topic' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
      ],
      [
        'tópico',
        "Topic name is invalid: 'tópico' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
      ],
    ];
    for (const [name, message] of cases) {
      const error = expectKafkaError(() => validateTopicName(name), 'InvalidTopicException', message);
      expect([error.errorName, error.errorCode]).toEqual(['INVALID_TOPIC_EXCEPTION', 17]);
    }
  });

  it("has Kafka 2.1.1's older wording", () => {
    expect(topicNameError('', '2.1.1')).toBe("Topic name is illegal, it can't be empty");
    expect(topicNameError('..', '2.1.1')).toBe('Topic name cannot be "." or ".."');
    expect(topicNameError('x'.repeat(250), '2.1.1')).toBe(
      `Topic name is illegal, it can't be longer than 249 characters, topic name: ${'x'.repeat(250)}`,
    );
    expect(topicNameError('a/b', '2.1.1')).toBe(
      "Topic name \"a/b\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'",
    );
  });

  it('accepts exactly the names of at most 249 ASCII alphanumerics, dots, underscores and dashes', () => {
    expect(topicNameError('a'.repeat(249))).toBeUndefined();
    expect(topicNameError('...')).toBeUndefined();
    expect(topicNameError('__consumer_offsets')).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ maxLength: 260 }), (name) => {
        const legal = /^[A-Za-z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';
        expect(topicNameError(name) === undefined).toBe(legal);
        expect(topicNameError(name, '2.1.1') === undefined).toBe(legal);
      }),
    );
  });

  it("finds names that collide once '.' reads as '_'", () => {
    expect(hasCollisionChars('a.b')).toBe(true);
    expect(hasCollisionChars('a_b')).toBe(true);
    expect(hasCollisionChars('a-b')).toBe(false);
    expect(hasCollision('metrics.in', 'metrics_in')).toBe(true);
    expect(hasCollision('a.b_c', 'a_b.c')).toBe(true);
    expect(hasCollision('a.b', 'a-b')).toBe(false);
    expect(isInternalTopic('__consumer_offsets')).toBe(true);
    expect(isInternalTopic('__transaction_state')).toBe(true);
    expect(isInternalTopic('orders')).toBe(false);
  });
});
