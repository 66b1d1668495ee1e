import { ConfigError } from './env-reader';
import { loadMoverConfig } from './mover.config';

describe('loadMoverConfig', () => {
  it('copies without a rate limit unless MOVE_COPY_ROWS_PER_SECOND sets one', () => {
    expect(loadMoverConfig({}).copyRowsPerSecond).toBe(0);
    expect(loadMoverConfig({ MOVE_COPY_ROWS_PER_SECOND: '25000' }).copyRowsPerSecond).toBe(25_000);
  });

  it('names the variable when its value is not a whole number ≥ 0', () => {
    expect(() => loadMoverConfig({ MOVE_COPY_ROWS_PER_SECOND: '-1' })).toThrow(ConfigError);
    expect(() => loadMoverConfig({ MOVE_COPY_ROWS_PER_SECOND: 'lots' })).toThrow(/MOVE_COPY_ROWS_PER_SECOND/);
  });
});
