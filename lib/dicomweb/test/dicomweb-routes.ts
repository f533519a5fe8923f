import type { RouteTable } from '../../../test/route-server';

const UID = '([0-9.]+)';

/** The DICOMweb route handlers, routed as Next.js routes app/dicomweb/[project]/… */
export async function dicomwebRoutes(): Promise<RouteTable> {
  const base = '../../../app/dicomweb/[project]';
  const m = async (path: string) => (await import(`${base}/${path}/route.ts`)) as Record<string, RouteTable[number][3]>;
  const P = '^/dicomweb/([^/]+)';
  const S = `${P}/studies/${UID}`;
  const SE = `${S}/series/${UID}`;
  const I = `${SE}/instances/${UID}`;
  const table: [string, string, string[], string][] = [
    ['GET', `${P}/studies$`, ['project'], 'studies'],
    ['GET', `${P}/series$`, ['project'], 'series'],
    ['GET', `${P}/instances$`, ['project'], 'instances'],
    ['GET', `${S}$`, ['project', 'study'], 'studies/[study]'],
    ['GET', `${S}/series$`, ['project', 'study'], 'studies/[study]/series'],
    ['GET', `${S}/instances$`, ['project', 'study'], 'studies/[study]/instances'],
    ['GET', `${S}/metadata$`, ['project', 'study'], 'studies/[study]/metadata'],
    ['GET', `${SE}$`, ['project', 'study', 'series'], 'studies/[study]/series/[series]'],
    ['GET', `${SE}/metadata$`, ['project', 'study', 'series'], 'studies/[study]/series/[series]/metadata'],
    ['GET', `${SE}/instances$`, ['project', 'study', 'series'], 'studies/[study]/series/[series]/instances'],
    ['GET', `${I}$`, ['project', 'study', 'series', 'instance'], 'studies/[study]/series/[series]/instances/[instance]'],
    ['GET', `${I}/metadata$`, ['project', 'study', 'series', 'instance'], 'studies/[study]/series/[series]/instances/[instance]/metadata'],
    [
      'GET',
      `${I}/frames/([0-9,]+)$`,
      ['project', 'study', 'series', 'instance', 'frames'],
      'studies/[study]/series/[series]/instances/[instance]/frames/[frames]',
    ],
    [
      'GET',
      `${I}/bulkdata/([0-9A-Fa-f]{8})$`,
      ['project', 'study', 'series', 'instance', 'tag'],
      'studies/[study]/series/[series]/instances/[instance]/bulkdata/[tag]',
    ],
    ['POST', `${P}/studies$`, ['project'], 'studies'],
    ['POST', `${S}$`, ['project', 'study'], 'studies/[study]'],
  ];
  const out: RouteTable = [];
  for (const [method, re, names, path] of table) {
    let mod: Record<string, RouteTable[number][3]>;
    try {
      mod = await m(path);
    } catch {
      continue; // not written yet
    }
    if (mod[method]) out.push([method, new RegExp(re), names, mod[method]]);
  }
  return out;
}
