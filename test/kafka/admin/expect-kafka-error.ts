import { expect } from 'vitest';
import { KafkaError, type KafkaExceptionName } from '../../../src/kafka/admin/errors.js';

/** Runs `action` and checks it throws this Kafka exception with exactly this message. */
export function expectKafkaError(
  action: () => unknown,
  exception: KafkaExceptionName,
  message: string,
): KafkaError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(KafkaError);
  const error = thrown as KafkaError;
  expect({ exception: error.exceptionName, message: error.message }).toEqual({ exception, message });
  return error;
}
