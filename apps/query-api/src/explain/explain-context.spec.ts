import { collectPlans, currentExplain, explainText } from './explain-context';

describe('explain context', () => {
  it('is seen by everything the work awaits, and by nothing outside it', async () => {
    const collector = { mode: 'plan' as const, plans: [] };
    expect(currentExplain()).toBeUndefined();
    const seen = await collectPlans(collector, async () => {
      await Promise.resolve();
      return Promise.all([1, 2].map(async () => currentExplain()));
    });
    expect(seen).toEqual([collector, collector]);
    expect(currentExplain()).toBeUndefined();
  });

  it('asks for the plan only, or with ANALYZE and BUFFERS', () => {
    expect(explainText('plan', 'SELECT 1')).toBe('EXPLAIN (SETTINGS, FORMAT JSON) SELECT 1');
    expect(explainText('analyze', 'SELECT 1')).toBe('EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) SELECT 1');
  });
});
