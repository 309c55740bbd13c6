/**
 * Sizes of message format v2, enough for batch.size, buffer.memory and max.request.size accounting
 * (DefaultRecord.sizeInBytes, DefaultRecordBatch.RECORD_BATCH_OVERHEAD at 3.8.0).
 */

/** The v2 batch header. */
export const RECORD_BATCH_OVERHEAD = 61;

/** UTF-8 length of a string (Java's Utils.utf8Length). */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/** Bytes of a zig-zag varint (ByteUtils.sizeOfVarint / sizeOfVarlong). */
export function sizeOfVarint(value: number): number {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

function partSize(bytes: number | null): number {
  return bytes === null ? 1 : sizeOfVarint(bytes) + bytes;
}

/** One record's size in a v2 batch, with no headers. */
export function recordSizeInBytes(
  offsetDelta: number,
  timestampDelta: number,
  keyBytes: number | null,
  valueBytes: number | null,
): number {
  const body =
    1 +
    sizeOfVarint(offsetDelta) +
    sizeOfVarint(timestampDelta) +
    partSize(keyBytes) +
    partSize(valueBytes) +
    1;
  return sizeOfVarint(body) + body;
}

/** DefaultRecord.MAX_RECORD_OVERHEAD: the widest length, attributes, timestamp and offset deltas. */
const MAX_RECORD_OVERHEAD = 21;

/**
 * The upper bound KafkaProducer checks a record against and sizes a new batch's buffer with
 * (AbstractRecords.estimateSizeInBytesUpperBound): a batch header plus the record at its widest.
 */
export function estimateSizeUpperBound(keyBytes: number | null, valueBytes: number | null): number {
  return RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD + partSize(keyBytes) + partSize(valueBytes) + 1;
}
