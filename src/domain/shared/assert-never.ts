/** Closes a `switch` over a union: the compiler rejects a case left out. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
