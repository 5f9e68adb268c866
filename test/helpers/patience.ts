/**
 * The outer bound of every wait on a condition in the tests (a process answering, a message
 * arriving, a connection closing): how long before a test gives up on something that should
 * happen. It is generous on purpose: a shared 2-core CI machine under load can take minutes to
 * start a process, and no test that is not about time may fail for that. A passing test never
 * waits for it; only a failing one does. Tests about time move a clock instead.
 *
 * vitest.config.ts gives each test and hook more than this, so that a wait reports what it waited
 * for instead of the test being cut off by a bare timeout.
 */
export const PATIENCE_MS = 240_000;
