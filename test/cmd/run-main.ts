// The program's entry point called in process, as the CLI tests use it:
// argv in; exit code, stdout and stderr out.
import { main } from '../../src/cmd/main.ts';

export async function runMain(
  argv: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => options.stdin ?? '',
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}
