/** The default log of the consumers, projectors and saga runtime: one JSON object per line on stdout. */
export const jsonLineLog = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};
