/**
 * @module telemetry/otlp-jsonl-file
 * OTLP JSON lines files: each line one OTLP/HTTP JSON export request (`ExportTraceServiceRequest`
 * or `ExportMetricsServiceRequest`), as a collector's file exporter writes them, so any OTLP tool
 * can load them. Written to a temporary name and renamed when complete, so a failed drill leaves
 * no half-written file behind.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { trackPartial } from '../partial-files.js';

const NEWLINE = new Uint8Array([0x0a]);

/** The OTLP JSON lines files a drill writes in `dir`. */
export function telemetryFiles(dir: string): { readonly traces: string; readonly metrics: string } {
  return { traces: `${dir}/traces.jsonl`, metrics: `${dir}/metrics.jsonl` };
}

/** The name a file is written under until it is complete. */
export function partialPath(path: string): string {
  return `${path}.partial`;
}

/** One JSON lines file being written. */
export class JsonlFile {
  readonly path: string;
  readonly #partial: string;
  readonly #untrack: () => void;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    this.#partial = partialPath(path);
    this.#untrack = trackPartial(this.#partial);
    this.#fd = openSync(this.#partial, 'w');
  }

  /** Appends one serialized export request as a line. */
  writeLine(bytes: Uint8Array): void {
    if (this.#fd === undefined) throw new Error(`${this.path} is already closed`);
    writeSync(this.#fd, bytes);
    writeSync(this.#fd, NEWLINE);
  }

  /** Closes the file and moves it into place. */
  commit(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    renameSync(this.#partial, this.path);
    this.#untrack();
  }

  /** Closes and removes the unfinished file. */
  discard(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    rmSync(this.#partial, { force: true });
    this.#untrack();
  }
}
