import { decodeCursor, encodeCursor, mergePages } from './machine-cursor';

describe('machine cursors', () => {
  it('round-trips a machine id and refuses anything else', () => {
    expect(decodeCursor(encodeCursor('sim-0042'))).toBe('sim-0042');
    expect(decodeCursor('not a cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"v":1,"after":"x\' OR 1=1"}').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"v":2,"after":"a"}').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1]').toString('base64url'))).toBeUndefined();
  });

  it('merges sorted shard pages in byte order and cuts one page', () => {
    const shard0 = [{ machine_id: 'B' }, { machine_id: 'a-1' }, { machine_id: 'a-3' }];
    const shard1 = [{ machine_id: 'a-2' }, { machine_id: 'a-4' }];
    const page = mergePages([shard0, shard1], 3);
    expect(page.items.map((i) => i.machine_id)).toEqual(['B', 'a-1', 'a-2']);
    expect(decodeCursor(page.nextCursor as string)).toBe('a-2');
    expect(mergePages([shard0, shard1], 5).nextCursor).toBeNull();
  });
});
