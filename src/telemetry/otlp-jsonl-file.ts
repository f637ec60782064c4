/**
 * @module telemetry/otlp-jsonl-file
 * OTLP JSON lines files: each line one OTLP/HTTP JSON export request (`ExportTraceServiceRequest`
 * or `ExportMetricsServiceRequest`), as a collector's file exporter writes them, so any OTLP tool
 * can load them. Written to a temporary name and renamed when complete, so a failed drill leaves
 * no half-written file behind.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { WriteError } from '../errors.js';
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

/**
 * Notes the telemetry files another thread writes in `dir` as unfinished in this thread too
 * (src/partial-files.ts), so that this thread's end of a run, a signal or an error, removes
 * them. The function returned forgets them, once the other thread has renamed them into place
 * or they are to go, removing them first if asked.
 */
export function noteTelemetryPartials(dir: string | undefined): (remove: boolean) => void {
  if (dir === undefined) return () => undefined;
  const noted = Object.values(telemetryFiles(dir)).map((file) => {
    const path = partialPath(file);
    return { path, untrack: trackPartial(path) };
  });
  return (remove) => {
    for (const { path, untrack } of noted) {
      if (remove) rmSync(path, { force: true });
      untrack();
    }
  };
}

/**
 * One JSON lines file being written. A write that fails (a full disk) is not thrown where it
 * happens, in an exporter's callback that nothing awaits: the file stops writing, and `commit`
 * removes what it wrote and throws a {@link WriteError}.
 */
export class JsonlFile {
  readonly path: string;
  readonly #partial: string;
  readonly #untrack: () => void;
  #fd: number | undefined;
  #failed: WriteError | undefined;

  constructor(path: string) {
    this.path = path;
    this.#partial = partialPath(path);
    this.#untrack = trackPartial(this.#partial);
    this.#fd = openSync(this.#partial, 'w');
  }

  /** Appends one serialized export request as a line. */
  writeLine(bytes: Uint8Array): void {
    if (this.#failed !== undefined) return;
    if (this.#fd === undefined) throw new Error(`${this.path} is already closed`);
    try {
      writeSync(this.#fd, bytes);
      writeSync(this.#fd, NEWLINE);
    } catch (error) {
      this.#failed = WriteError.of(this.path, error);
    }
  }

  /** Closes the file and moves it into place; a write that failed is thrown here. */
  commit(): void {
    if (this.#fd === undefined) return;
    if (this.#failed !== undefined) {
      this.discard();
      throw this.#failed;
    }
    try {
      closeSync(this.#fd);
      this.#fd = undefined;
      renameSync(this.#partial, this.path);
    } catch (error) {
      this.discard();
      throw WriteError.of(this.path, error);
    }
    this.#untrack();
  }

  /** Closes and removes the unfinished file. */
  discard(): void {
    try {
      if (this.#fd !== undefined) closeSync(this.#fd);
    } catch {
      // The file is removed below either way.
    }
    this.#fd = undefined;
    rmSync(this.#partial, { force: true });
    this.#untrack();
  }
}
