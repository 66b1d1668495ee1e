import { IngestPauseMeter } from './ingest-pause-meter';

function meterAt() {
  const clock = { ms: 0 };
  return { clock, meter: new IngestPauseMeter(() => clock.ms) };
}

describe('IngestPauseMeter', () => {
  it('measures each commit from the previous one while input keeps waiting', () => {
    const { clock, meter } = meterAt();
    meter.begin(0);
    clock.ms = 120;
    expect(meter.committed(0)).toBe(120);
    clock.ms = 1_900; // a fence wait, say
    expect(meter.committed(0)).toBe(1_780);
    meter.end(0);
  });

  it('does not count idle time without input as a pause', () => {
    const { clock, meter } = meterAt();
    meter.begin(0);
    clock.ms = 50;
    meter.committed(0);
    meter.end(0);
    clock.ms = 60_000; // nothing to write for a minute
    meter.begin(0);
    clock.ms = 60_080;
    expect(meter.committed(0)).toBe(80);
  });

  it('keeps waiting while any of several overlapping writes of a shard is open, and shards apart', () => {
    const { clock, meter } = meterAt();
    meter.begin(1);
    clock.ms = 10;
    meter.begin(1);
    meter.begin(2);
    clock.ms = 100;
    meter.end(1); // the first write handed its snapshots on (a fence refused them), no commit
    clock.ms = 2_500;
    expect(meter.committed(1)).toBe(2_500); // from the first begin: the refused write counts
    expect(meter.committed(2)).toBe(2_490);
  });

  it('counts a parked outage from when the snapshots began waiting', () => {
    const { clock, meter } = meterAt();
    meter.begin(0);
    clock.ms = 30;
    meter.committed(0);
    meter.end(0);
    clock.ms = 40;
    meter.begin(0); // parked
    clock.ms = 5_040;
    expect(meter.committed(0)).toBe(5_000);
    meter.end(0);
  });
});
