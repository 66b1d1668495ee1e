// Latency of GET requests, one at a time (no concurrency: the time one analyst waits).
//   node apps/query-api/scripts/measure-latency.mjs <requests> <label>=<url> [<label>=<url> …]
// Each URL gets one unmeasured warm-up request (for a cached URL it fills the cache), then the URLs
// take turns, so that the box's background noise spreads evenly over them. Prints p50, p99, mean
// and max in ms, and the x-cache headers seen. Exits 1 on any answer other than 200.
const [requestsArg, ...pairs] = process.argv.slice(2);
const requests = Number(requestsArg);
if (!Number.isInteger(requests) || requests < 1 || pairs.length === 0) {
  console.error('usage: measure-latency.mjs <requests> <label>=<url> [...]');
  process.exit(2);
}
const variants = pairs.map((pair) => {
  const at = pair.indexOf('=');
  return { label: pair.slice(0, at), url: pair.slice(at + 1), ms: [], cache: {} };
});

async function timed(url) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return { ms: performance.now() - started, cache: response.headers.get('x-cache') ?? '-' };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

for (const v of variants) await timed(v.url);
for (let i = 0; i < requests; i++) {
  for (const v of variants) {
    const { ms, cache } = await timed(v.url);
    v.ms.push(ms);
    v.cache[cache] = (v.cache[cache] ?? 0) + 1;
  }
}
console.log(`label\trequests\tp50_ms\tp99_ms\tmean_ms\tmax_ms\tx-cache`);
for (const v of variants) {
  const sorted = [...v.ms].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const f = (x) => x.toFixed(1);
  console.log(`${v.label}\t${requests}\t${f(percentile(sorted, 50))}\t${f(percentile(sorted, 99))}\t${f(mean)}\t${f(sorted.at(-1))}\t${JSON.stringify(v.cache)}`);
}
