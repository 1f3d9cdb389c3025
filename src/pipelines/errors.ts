/** Where a problem happened, as precisely as known. */
export interface ErrorLocation {
  step?: string;
  file?: string;
  row?: number;
  column?: string;
}

/**
 * The one error type of the pipeline. The message is complete on its own (it names the file, row
 * and column when known) so that it can be printed as is; the location is also kept as fields for
 * tests and machine-readable output.
 */
export class PipelineError extends Error {
  readonly step: string | undefined;
  readonly file: string | undefined;
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(message: string, location: ErrorLocation = {}, options?: {cause?: unknown}) {
    super(formatMessage(message, location), options);
    this.name = "PipelineError";
    this.step = location.step;
    this.file = location.file;
    this.row = location.row;
    this.column = location.column;
  }
}

function formatMessage(message: string, {file, row, column}: ErrorLocation): string {
  const where = [file, row === undefined ? undefined : `row ${row}`, column && `column ${column}`]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${message}` : message;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
