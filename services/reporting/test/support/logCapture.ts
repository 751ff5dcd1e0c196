/** A pino destination that keeps parsed log lines, so tests can check what was (and was not) logged. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  write(line: string): void {
    this.raw.push(line);
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }

  withCode(code: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line["code"] === code);
  }
}
