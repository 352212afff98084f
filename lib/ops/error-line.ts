/** An error as one line for reports and warnings: its message (or name), cut at the first line break. */
export function firstLineOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split('\n')[0]?.trim() ?? text;
}
