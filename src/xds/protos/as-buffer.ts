// Views protobufjs output (a Buffer under Node, typed as Uint8Array) as a Buffer without copying.
import type protobuf from 'protobufjs';

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function finishWriter(writer: protobuf.Writer): Buffer {
  return asBuffer(writer.finish());
}
