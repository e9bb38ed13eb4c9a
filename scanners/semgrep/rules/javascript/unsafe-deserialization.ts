// Test cases for controlgate.javascript.unsafe-deserialization (TypeScript)
import { unserialize } from "node-serialize";

export function restore(raw: string): unknown {
  // ruleid: controlgate.javascript.unsafe-deserialization
  return unserialize(raw);
}

export function constant(): unknown {
  // ok: controlgate.javascript.unsafe-deserialization
  return unserialize('{"a":1}');
}
