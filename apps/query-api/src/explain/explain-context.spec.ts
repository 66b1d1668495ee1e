import { collectPlans, currentExplain, explainPrepared, explainText } from './explain-context';

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

  it('explains a prepared statement by EXECUTE, its values bound to set_config, never in the SQL text', async () => {
    const sent: { text: string; values?: unknown[] }[] = [];
    const client = {
      query: async (config: { text: string; values?: unknown[] }) => {
        sent.push(config);
        if (config.text.includes('pg_prepared_statements')) return { rows: [{ types: ['timestamp with time zone', 'integer'] }] };
        return { rows: [{ 'QUERY PLAN': [{ Plan: {} }] }] };
      },
    };
    const plan = await explainPrepared(client as never, 'plan', 'pa-top-0a1b', ["2026-12-01T00:00:00.000Z'; DROP", 5]);
    expect(plan).toEqual([{ Plan: {} }]);
    expect(sent[1]).toEqual({ text: "SELECT set_config('pa.explain_1', $1, true), set_config('pa.explain_2', $2, true)", values: ["2026-12-01T00:00:00.000Z'; DROP", '5'] });
    expect(sent[2].text).toBe(
      `EXPLAIN (SETTINGS, FORMAT JSON) EXECUTE "pa-top-0a1b"(current_setting('pa.explain_1')::timestamp with time zone, current_setting('pa.explain_2')::integer)`,
    );
    expect(sent.map((s) => s.text).join('\n')).not.toContain('DROP');
  });
});
