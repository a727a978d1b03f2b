/** A clock a test moves: `now` for the code under test, `set` to move it. */
export function testClock(start: Date | number) {
  let at = new Date(start);
  return {
    now: () => at,
    set(to: Date | number) {
      at = new Date(to);
    },
  };
}
