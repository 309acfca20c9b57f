// Orders test files so that two cores stay busy to the end: failed-last-time first (Jest's rule),
// then the longest first. Durations come from Jest's cache of the last run; a file never timed (a
// fresh clone, CI) gets its tier's typical duration, so end-to-end files start at once and the many
// short unit files fill the gaps instead of leaving a long e2e file to run alone at the end.
const Sequencer = require('@jest/test-sequencer').default;

/** Typical seconds per file on 2 cores, by Jest project (jest.config.js). */
const TYPICAL_SECONDS = { e2e: 30, integration: 15, unit: 2 };

class TierSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests); // sets test.duration from the cache where known
    const rank = new Map(ordered.map((t, i) => [t, i]));
    const seconds = (t) =>
      t.duration != null ? t.duration / 1000 : (TYPICAL_SECONDS[t.context.config.displayName?.name] ?? 10);
    return [...ordered].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      return failed || seconds(b) - seconds(a) || rank.get(a) - rank.get(b);
    });
  }
}

module.exports = TierSequencer;
