import type { DailyAnswerBody, LeaksAnswerBody, MachineSeriesBody, MissingAnswerBody, SnapshotBody, TopAnswerBody } from '@pa/contracts';
import { ServiceProcess, freePort, uniqueSuffix } from '@pa/testing';
import { generateApiKey } from '@pa/auth';
import { adminKey } from './support/auth';
import { catalogFor } from './support/catalog-for';
import type { Browser } from 'playwright-core';
import { RecordedPage, launchBrowser } from './support/browser';
import { insightFleet } from './support/insight-fleet';
import { pipelineSuite } from './support/pipeline-suite';
import { getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { SHARD_URLS } from './support/test-stack';

const HOUR = 3_600_000;

/**
 * Issue 13: the dashboard in a real Chromium against the real stack. The fleet of
 * support/insight-fleet.ts ends at T, three hours into a past day of this run's own; every view
 * is opened on [T - 3 h, T). What a view shows is checked against the answers the page received
 * (fleet-wide ones include other suites' machines, so they are the truth to compare with) and,
 * for this run's machines, against the API asked directly and the known data.
 */
describe('dashboard: every view in a real browser', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-dash-${uniqueSuffix()}`;
  const leaker = `leaker-${uniqueSuffix()}`;
  const T = randomPastDay(3) + 3 * HOUR;
  const { snapshots, machines } = insightFleet(prefix, leaker, T);
  const range = `range=custom&from=${iso(T - 3 * HOUR)}&to=${iso(T)}`;
  let api: ServiceProcess;
  let summarizer: ServiceProcess;
  let browser: Browser;
  let view: RecordedPage;

  beforeAll(async () => {
    await pipeline.ingest(snapshots);
    summarizer = await startSummarizer();
    await waitOutboxEmpty(pools, prefix, 120_000);
    [api, browser] = await Promise.all([startQueryApi(), launchBrowser()]);
  }, 240_000);

  /** The numbers of the matching elements, as the page shows them (data-value: the API's number). */
  const values = async (selector: string) => (await view.attributes(selector, 'data-value')).map(Number);

  beforeEach(async () => {
    view = await RecordedPage.open(browser, api.url(''));
  });

  afterEach(async () => {
    expect(view.foreignRequests).toEqual([]);
    expect(view.pageErrors).toEqual([]);
    await view.page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([api?.stop(), summarizer?.stop()]);
  });

  it('Fleet: totals, top tables and insight panels show the API answers; the chart draws', async () => {
    await view.goto(`#/fleet?${range}&metric=rss_bytes&order=max`);
    for (const id of ['totals', 'fleet-chart', 'top-processes', 'top-machines', 'leaks', 'missing']) await view.panel(id);
    const params = { metric: 'rss_bytes', order: 'max', from: iso(T - 3 * HOUR), to: iso(T) };
    const byProcess = view.answer<TopAnswerBody>('/v1/top', { ...params, by: 'process' });
    const byMachine = view.answer<TopAnswerBody>('/v1/top', { ...params, by: 'machine' });
    expect(await values('[data-total=machines]')).toEqual([byMachine.items.length]);
    expect(await values('[data-total=processes]')).toEqual([byProcess.items.length]);
    expect(await values('[data-total=samples]')).toEqual([byProcess.items.reduce((n, i) => n + i.count, 0)]);
    expect(await view.texts('[data-total=samples]')).toEqual([byProcess.items.reduce((n, i) => n + i.count, 0).toLocaleString('en-US')]);
    expect(byMachine.items.map((i) => i.key)).toEqual(expect.arrayContaining([machines.leakA, machines.leakB]));
    for (const [panel, answer] of [['top-processes', byProcess], ['top-machines', byMachine]] as const) {
      const top10 = answer.items.slice(0, 10);
      expect(await view.attributes(`#${panel} tbody tr`, 'data-key')).toEqual(top10.map((i) => i.key));
      for (const col of ['sum', 'avg', 'max', 'count'] as const) expect(await values(`#${panel} td[data-col=${col}]`)).toEqual(top10.map((i) => i[col]));
      // Shown in binary units (the unit tests of apps/dashboard/src/ui/format.ts check the figures).
      expect((await view.texts(`#${panel} td[data-col=max]`)).every((t) => / (B|KiB|MiB|GiB|TiB)$/.test(t))).toBe(true);
    }
    // The largest RSS of all of this run's processes: leak-b's leaker (2 GiB and growing), as the API says.
    const mine = byProcess.items.find((i) => i.key === leaker);
    expect(mine?.max).toBe((await getJson<TopAnswerBody>(api, '/v1/processes/' + leaker + '/machines', { ...params, limit: 1 })).body.items[0].max);
    const leaks = view.answer<LeaksAnswerBody>('/v1/insights/leaks');
    const shownLeaks = await view.attributes('#leaks tbody tr', 'data-key');
    expect(shownLeaks).toEqual(leaks.suspects.map((s) => `${s.machine_id}/${s.name}`));
    expect(shownLeaks.filter((k) => k?.startsWith(prefix))).toEqual([`${machines.leakA}/${leaker}`, `${machines.leakB}/${leaker}`]);
    const missing = view.answer<MissingAnswerBody>('/v1/insights/missing', { at: iso(T) });
    expect((await view.attributes('#missing-list li', 'data-key')).filter((k) => k?.startsWith(prefix))).toEqual([`${machines.stop}/stopper`]);
    expect((await view.attributes('#silent-list li', 'data-key')).filter((k) => k?.startsWith(prefix))).toEqual([machines.silent]);
    expect(missing.missing.filter((m) => m.machine_id.startsWith(prefix)).map((m) => m.name)).toEqual(['stopper']);
    expect(await view.mark('pa:fleet-chart')).toBeGreaterThan(0);
    await view.screenshot('fleet');
  });

  it('the time-range picker and the URL round-trip; links keep the range', async () => {
    await view.goto('#/fleet?range=1h');
    await view.panel('totals');
    await view.page.selectOption('#range', '6h');
    await view.waitForHash((p) => p.get('range') === '6h', 'range=6h');
    await view.page.check('#live');
    await view.waitForHash((p) => p.get('live') === '1', 'live=1');
    await view.page.reload();
    expect(await view.page.inputValue('#range')).toBe('6h');
    expect(await view.page.isChecked('#live')).toBe(true);
    await view.page.selectOption('#range', 'custom');
    const [fromLocal, toLocal] = ['2026-03-29T01:30', '2026-03-29T04:15']; // across Paris's switch to summer time
    await view.page.fill('#range-from', fromLocal);
    await view.page.fill('#range-to', toLocal);
    await view.page.click('#range-apply');
    const expected = await view.page.evaluate(([f, t]) => [new Date(f).toISOString(), new Date(t).toISOString()], [fromLocal, toLocal]);
    expect(expected).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T02:15:00.000Z']);
    await view.waitForHash((p) => p.get('range') === 'custom', 'range=custom');
    const { params } = view.hash();
    expect([params.get('from'), params.get('to'), params.get('live')]).toEqual([...expected, null]);
    await view.page.reload();
    expect([await view.page.inputValue('#range'), await view.page.inputValue('#range-from'), await view.page.inputValue('#range-to')]).toEqual(['custom', fromLocal, toLocal]);
    await view.page.goBack();
    await view.waitForHash((p) => p.get('range') === '6h' && p.get('live') === '1', 'back to 6h, live');
    expect(await view.page.inputValue('#range')).toBe('6h');
    // A machine link from the fleet keeps the window.
    await view.goto(`#/fleet?${range}`);
    await view.panel('top-machines');
    await view.page.click(`#top-machines a[href*="${machines.leakB}"]`);
    await view.waitForHash((_p, path) => path.startsWith('#/machine/'), 'the machine view');
    expect(view.hash().path).toBe(`#/machine/${machines.leakB}`);
    expect(view.hash().params.get('from')).toBe(iso(T - 3 * HOUR));
  });

  it('Machine: clicking a chart point opens that snapshot; sorting, filtering and daily summaries show the API answers', async () => {
    await view.goto(`#/machine/${machines.leakA}?${range}`);
    for (const id of ['machine-chart', 'snapshot', 'daily']) await view.panel(id, ['ready']);
    const cpu = view.answer<MachineSeriesBody>(`/v1/machines/${machines.leakA}/series`, { metric: 'cpu_pct' });
    expect(cpu.points.length).toBeGreaterThan(100);
    const box = await view.page.locator('#cpu-chart .u-over').boundingBox();
    if (!box) throw new Error('no chart');
    await view.page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    const index = Number(await view.page.locator('#cpu-chart .readout').getAttribute('data-index'));
    expect(await view.page.locator('#cpu-chart .readout').textContent()).toContain('UTC');
    await view.page.mouse.click(box.x + box.width * 0.4, box.y + box.height / 2);
    const stepMs = Date.parse(cpu.points[1].t) - Date.parse(cpu.points[0].t);
    const at = iso(Math.min(T, Date.parse(cpu.points[index].t) + stepMs) - 1);
    await view.waitForHash((p) => p.get('at') === at, `at=${at}`);
    await view.panel('snapshot', ['ready']);
    const truth = (await getJson<SnapshotBody>(api, `/v1/machines/${machines.leakA}/snapshot`, { at, sort: 'cpu_pct' })).body;
    expect(await view.attributes('.snapshot-at', 'data-ts')).toEqual([truth.ts]);
    expect(Date.parse(truth.ts)).toBeLessThanOrEqual(Date.parse(at));
    expect(Date.parse(truth.ts)).toBeGreaterThanOrEqual(Date.parse(cpu.points[index].t));
    expect(await view.attributes('#snapshot tbody tr', 'data-pid')).toEqual(truth.processes.map((p) => String(p.pid)));
    expect(await values('#snapshot td[data-col=rss_bytes]')).toEqual(truth.processes.map((p) => p.rss_bytes));
    expect(await values('#snapshot td[data-col=cpu_pct]')).toEqual(truth.processes.map((p) => p.cpu_pct));
    expect(await view.texts('#snapshot td[data-col=cmdline]')).toEqual(truth.processes.map((p) => p.cmdline ?? ''));
    await view.screenshot('machine');

    await view.page.click('button[data-sort=rss_bytes]');
    await view.waitForHash((p) => p.get('sort') === 'rss_bytes', 'sort=rss_bytes');
    await view.panel('snapshot', ['ready']);
    const byRss = (await getJson<SnapshotBody>(api, `/v1/machines/${machines.leakA}/snapshot`, { at, sort: 'rss_bytes' })).body;
    expect(await view.attributes('#snapshot tbody tr', 'data-pid')).toEqual(byRss.processes.map((p) => String(p.pid)));
    await view.page.fill('#process-filter', leaker.slice(0, 10));
    await view.page.press('#process-filter', 'Enter');
    await view.waitForHash((p) => p.has('q'), 'q=');
    await view.panel('snapshot', ['ready']);
    expect(await view.attributes('#snapshot tbody tr', 'data-pid')).toEqual(['100']);

    const day = iso(T - 3 * HOUR).slice(0, 10);
    const daily = (await getJson<DailyAnswerBody>(api, '/v1/summary/daily', { date: day, machine_id: machines.leakA })).body;
    expect(await view.attributes('#daily tbody tr', 'data-date')).toEqual([day]);
    expect(await values('#daily td[data-col=samples]')).toEqual([daily.items[0].samples]);

    // Keyboard: focus the chart, step left, Enter opens that bucket's snapshot.
    await view.page.focus('#cpu-chart .plot');
    await view.page.keyboard.press('ArrowLeft');
    const keyed = Number(await view.page.locator('#cpu-chart .readout').getAttribute('data-index'));
    await view.page.keyboard.press('Enter');
    const keyedAt = iso(Math.min(T, Date.parse(cpu.points[keyed].t) + stepMs) - 1);
    await view.waitForHash((p) => p.get('at') === keyedAt, `at=${keyedAt}`);
  });

  it('Process name: the series and the machines that run it most show the API answers', async () => {
    await view.goto(`#/process/${encodeURIComponent(leaker)}?${range}&metric=rss_bytes`);
    for (const id of ['process-chart', 'process-machines']) await view.panel(id, ['ready']);
    const ranked = view.answer<TopAnswerBody>(`/v1/processes/${leaker}/machines`);
    expect(ranked.items.map((i) => i.key)).toEqual([machines.leakB, machines.leakA]);
    expect(await view.attributes('#process-machines tbody tr', 'data-key')).toEqual(ranked.items.map((i) => i.key));
    expect(await values('#process-machines td[data-col=avg]')).toEqual(ranked.items.map((i) => i.avg));
    expect(await view.mark('pa:process-chart')).toBeGreaterThan(0);
    await view.screenshot('process');
  });

  it('asks for a read key first, keeps it for the tab, and asks again when the API refuses it', async () => {
    const page = await RecordedPage.open(browser, api.url(''), null);
    try {
      await page.goto(`#/fleet?${range}`);
      await page.page.waitForSelector('#key-form');
      expect(page.answers).toEqual([]);
      await page.page.fill('#read-key', generateApiKey().token);
      await page.page.click('#key-form button[type=submit]');
      await page.page.waitForSelector('#key-form [role=alert]');
      expect(await page.page.evaluate(() => sessionStorage.getItem('pa.readKey'))).toBeNull();
      await page.page.fill('#read-key', adminKey());
      await page.page.click('#key-form button[type=submit]');
      await page.panel('totals');
      await page.page.reload();
      await page.panel('totals');
      expect(await page.page.evaluate(() => sessionStorage.getItem('pa.readKey'))).toBe(adminKey());
      expect(await page.page.evaluate(() => localStorage.length)).toBe(0);
    } finally {
      await page.page.close();
    }
  });

  it('a stopped shard shows its error, named; allow_partial answers without it and marks the view partial', async () => {
    const deadPort = await freePort();
    // The second shard is a port where nothing listens: a node that is down (the shared nodes stay up).
    const shards = [SHARD_URLS[0], `postgres://postgres@127.0.0.1:${deadPort}/pa`];
    const broken = await startQueryApi({ PG_SHARDS: shards.join(','), CATALOG_URL: await catalogFor(shards) });
    try {
      const page = await RecordedPage.open(browser, broken.url(''));
      try {
        await page.goto(`#/fleet?${range}`);
        await page.panel('totals', ['error']);
        const status = (await page.texts('#totals .status'))[0];
        expect(status).toContain('A shard is down');
        expect(status).toContain(`shard 1 (127.0.0.1:${deadPort}) did not answer`);
        await page.screenshot('shard-down');
        await page.page.click('#totals .status button');
        await page.waitForHash((p) => p.get('partial') === '1', 'partial=1');
        await page.panel('totals', ['ready']);
        expect(await page.page.locator('#totals.is-partial').count()).toBe(1);
        expect((await page.texts('#totals .status'))[0]).toContain('Partial: shard 1 did not answer');
        await page.panel('fleet-chart', ['ready', 'empty']);
        await page.screenshot('shard-down-partial');
        expect(page.pageErrors).toEqual([]);
      } finally {
        await page.page.close();
      }
    } finally {
      await broken.stop();
    }
  });
});
