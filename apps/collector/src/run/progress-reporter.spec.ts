import { formatProgress } from './progress-reporter';

describe('formatProgress', () => {
  const stats = { snapshotsSent: 400, rowsSent: 60_000, snapshotsRejected: 2, failedAttempts: 3, buffered: 10, snapshotsUnsent: 0 };

  it('says what was sent, failed and is waiting', () => {
    expect(formatProgress(stats, { ticks: 2, skipped: 0 }, 13.333)).toBe(
      'ticks 2, sent 400 snapshots / 60000 rows (13.3/s), errors 3 retried, 2 rejected, buffered 10',
    );
  });

  it('shows skipped ticks and unsent snapshots only when there are some', () => {
    expect(formatProgress({ ...stats, snapshotsUnsent: 7 }, { ticks: 2, skipped: 1 }, 0)).toBe(
      'ticks 2 (1 skipped), sent 400 snapshots / 60000 rows (0.0/s), errors 3 retried, 2 rejected, buffered 10, UNSENT 7',
    );
  });
});
