/** One shared ticking clock for durations, so 200 tiles do not each run a timer. */
export const clock = $state({ now: Date.now() });

setInterval(() => (clock.now = Date.now()), 1000);
