// A synthetic neighbourhood answer for measuring the explorer: entities of
// every kind and links of every type, a random tree plus extra links, the
// same for the same seed.
const types = ['OWNS', 'CONTROLS', 'SUPPLIES', 'PART_OF', 'OFFICER_OF', 'RELATED_TO', 'AGENT_OF'];
const kinds = ['organization', 'organization', 'organization', 'person', 'government_body'];

export function synthetic(nEntities, nLinks, seed = 1) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const src = { upload: 'u-synthetic', file: 'synthetic.xlsx', sheet: 'Links', row: 2, evidence: 'generated' };
  const entities = [];
  for (let i = 0; i < nEntities; i++) {
    const kind = i === 0 ? 'organization' : kinds[Math.floor(rnd() * kinds.length)];
    const e = { id: `PERF-${i}`, kind, name: `Entity ${i}`, country: 'DE', source: { ...src, sheet: 'Organizations', row: i + 2 } };
    if (kind === 'government_body') e.restrictive = rnd() < 0.3;
    entities.push(e);
  }
  const links = [];
  const seen = new Set();
  const add = (from, to) => {
    const type = types[Math.floor(rnd() * types.length)];
    const key = `${from}|${type}|${to}`;
    if (from === to || seen.has(key)) return false;
    seen.add(key);
    links.push({ type, from: `PERF-${from}`, to: `PERF-${to}`, ...(type === 'OWNS' ? { percent: Math.round(rnd() * 100) } : {}), source: { ...src, row: links.length + 2 } });
    return true;
  };
  for (let i = 1; i < nEntities && links.length < nLinks; i++) add(Math.floor(rnd() * i), i);
  while (links.length < nLinks) add(Math.floor(rnd() * nEntities), Math.floor(rnd() * nEntities));
  return { entities, links, truncated: false };
}
