import { PlannerSettingError, PlannerSettings, plannerSettingsSql } from './planner-settings';

describe('plannerSettingsSql: only the allow-list reaches set_config', () => {
  it('gives nothing to run for a shape without settings', () => {
    expect(plannerSettingsSql(undefined)).toBeUndefined();
    expect(plannerSettingsSql({})).toBeUndefined();
  });

  it('binds names and values as parameters, local to the transaction', () => {
    expect(plannerSettingsSql({ work_mem: '64MB', enable_partitionwise_aggregate: 'on' })).toEqual({
      text: 'SELECT set_config($1, $2, true), set_config($3, $4, true)',
      values: ['work_mem', '64MB', 'enable_partitionwise_aggregate', 'on'],
    });
  });

  it.each([
    [{ statement_timeout: '0' }, /statement_timeout is not in the allow-list/],
    [{ search_path: 'public' }, /search_path is not in the allow-list/],
    [{ enable_seqscan: 'maybe' }, /enable_seqscan cannot be maybe \(allowed: on, off\)/],
    [{ work_mem: '1TB' }, /work_mem must be a size from 4096kB to 262144kB/],
    [{ work_mem: '2MB' }, /work_mem must be a size/],
    [{ work_mem: '64MB; RESET ALL' }, /work_mem must be a size/],
    [{ max_parallel_workers_per_gather: '8' }, /cannot be 8/],
    [{ plan_cache_mode: 'generic' }, /plan_cache_mode cannot be generic/],
  ])('refuses %j', (settings, message) => {
    expect(() => plannerSettingsSql(settings as PlannerSettings)).toThrow(PlannerSettingError);
    expect(() => plannerSettingsSql(settings as PlannerSettings)).toThrow(message);
  });

  it('takes the plan cache modes (generic plans of named statements)', () => {
    expect(plannerSettingsSql({ plan_cache_mode: 'force_generic_plan' })?.values).toEqual(['plan_cache_mode', 'force_generic_plan']);
  });

  it('takes sizes in kB, MB and GB within the bounds', () => {
    expect(plannerSettingsSql({ work_mem: '4096kB' })?.values).toEqual(['work_mem', '4096kB']);
    expect(plannerSettingsSql({ work_mem: '256MB' })?.values).toEqual(['work_mem', '256MB']);
  });
});
