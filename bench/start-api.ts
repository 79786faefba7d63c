import { type ChildProcess, spawn } from 'node:child_process';

export interface ApiProcess {
  url: string;
  /** The API process's id (to read its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts the built demo task API in its own process (so it does not share this process's event loop). */
export function startApiProcess(args: string[]): Promise<ApiProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['dist/examples/task-api/serve.js', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the task API did not start within 120 s')), 120_000);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        pid: child.pid ?? 0,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the task API exited with ${code}`));
    });
  });
}
