import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removePartialFiles } from '../../src/partial-files.js';
import { JsonlFile } from '../../src/telemetry/otlp-jsonl-file.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('an OTLP JSON lines file', () => {
  it('is written under a temporary name and appears whole when committed', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jsonl-')), 'traces.jsonl');
    const file = new JsonlFile(path);
    file.writeLine(bytes('{"a":1}'));
    file.writeLine(bytes('{"b":2}'));
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(true);
    file.commit();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(() => file.writeLine(bytes('{}'))).toThrow(/already closed/);
  });

  it('leaves nothing behind when discarded, or when the run is stopped by a signal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jsonl-'));
    const dropped = new JsonlFile(join(dir, 'metrics.jsonl'));
    dropped.writeLine(bytes('{}'));
    dropped.discard();
    expect(existsSync(join(dir, 'metrics.jsonl.partial'))).toBe(false);
    const stopped = new JsonlFile(join(dir, 'traces.jsonl'));
    stopped.writeLine(bytes('{}'));
    expect(removePartialFiles()).toEqual([join(dir, 'traces.jsonl.partial')]);
    expect(existsSync(join(dir, 'traces.jsonl.partial'))).toBe(false);
    stopped.discard();
  });
});
