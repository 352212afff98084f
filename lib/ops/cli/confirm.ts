import { createInterface } from 'node:readline';
import type { InputStream } from './context';
import type { OutputStream } from './output';

/**
 * The confirmation before a drill acts: the operator types the region's name (as a cloud console
 * asks for a resource's name before deleting it), so a region picked from shell history or a
 * paste is read once more by a person.
 */

/** Ask on `output` and read one line from `input`; resolves to the trimmed answer (`''` at EOF). */
export function ask(input: InputStream, output: OutputStream, question: string): Promise<string> {
  return new Promise((resolve) => {
    const reader = createInterface({ input, terminal: false });
    let answered = false;
    output.write(question);
    reader.once('line', (line) => {
      answered = true;
      reader.close();
      resolve(line.trim());
    });
    reader.once('close', () => {
      if (!answered) resolve('');
    });
  });
}

/** Whether the operator typed `expected` (exactly, surrounding spaces ignored). */
export async function confirmByTyping(
  input: InputStream,
  output: OutputStream,
  expected: string,
): Promise<{ confirmed: boolean; typed: string }> {
  const typed = await ask(input, output, `Type the region name (${expected}) to go on: `);
  return { confirmed: typed === expected, typed };
}
