import { TableRow } from '../items/bench-context';
import { renderTable, targetSummary } from './table';

const row = (over: Partial<TableRow>): TableRow => ({ item: '1', what: 'writer', figure: '90 rows/s', baseline: 'psql 100 rows/s', ratio: 0.9, ...over });

describe('targetSummary', () => {
  it('lists only rows with a target, each with its verdict, figure and ratio to its baseline', () => {
    const lines = targetSummary([
      row({ target: '≥ 0.8', isMet: true }),
      row({ item: '4', what: 'gateway', figure: '50/s', baseline: 'PP 100/s', ratio: 0.5, target: '≥ 0.8', isMet: false }),
      row({ item: '2', what: 'no target' }),
      row({ item: '6', what: 'top', figure: '12 ms', ratio: NaN, target: 'p50 ≤ 15 ms' }),
    ]);
    expect(lines).toEqual([
      '',
      'Targets:',
      '- MET · item 1 writer: 90 rows/s, 0.90× of psql 100 rows/s, target ≥ 0.8',
      '- MISSED · item 4 gateway: 50/s, 0.50× of PP 100/s, target ≥ 0.8',
      '- UNMEASURED · item 6 top: 12 ms, target p50 ≤ 15 ms',
    ]);
  });

  it('adds nothing when no row has a target', () => {
    expect(targetSummary([row({})])).toEqual([]);
    expect(renderTable([row({})])).not.toContain('Targets:');
  });

  it('ends the rendered table with the verdicts', () => {
    expect(renderTable([row({ target: '≥ 0.8', isMet: false })]).split('\n').slice(-1)[0]).toBe('- MISSED · item 1 writer: 90 rows/s, 0.90× of psql 100 rows/s, target ≥ 0.8');
  });
});
