// The clock of the tasks and reports features. Deadlines, "quá hạn" and late submissions are
// decided against `now()`; tests (including the browser tests, whose server runs in the test's
// own process) fix it with `setClock` to make those decisions deterministic. Production never
// sets it.
let fixed: Date | null = null;

export function now(): Date {
  return fixed ? new Date(fixed.getTime()) : new Date();
}

/** Fixes the clock (null: back to the real time). */
export function setClock(at: Date | null): void {
  fixed = at ? new Date(at.getTime()) : null;
}
