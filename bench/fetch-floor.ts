import { Agent, request } from 'undici';

/** A page of the demo task API, as `JSON.parse` gives it. */
export interface TaskPage {
  data: Array<Record<string, unknown>>;
}

/**
 * The floor: only fetch every page and parse its JSON, with `concurrency` requests in flight —
 * what no loader can beat on the same API and machine. `onPage`, when given, gets each parsed page
 * (the lean loader's work); the floor itself passes none.
 */
export async function measureFloor(
  url: string,
  apiKey: string,
  count: number,
  concurrency: number,
  onPage?: (page: TaskPage) => void,
) {
  const agent = new Agent({ connections: 64 });
  const offsets = Array.from({ length: Math.ceil(count / 100) }, (_, i) => i * 100);
  let records = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < offsets.length) {
      const offset = offsets[next++];
      const res = await request(`${url}/v1/tasks?offset=${offset}&limit=100&api_key=${apiKey}`, {
        dispatcher: agent,
      });
      const body = JSON.parse(await res.body.text()) as TaskPage;
      records += body.data.length;
      onPage?.(body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  await agent.close();
  if (records !== count) throw new Error(`floor fetched ${records} records, expected ${count}`);
  return { records, wallMs, requests: offsets.length };
}
