import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  isLoopback,
  loopbackUrl,
  parseCount,
  parseFormats,
  parseOnOff,
  parseOtlpUrl,
  parsePort,
  parsePositiveDuration,
  parseSeed,
  parseShare,
  parseSpeed,
  parseWorkers,
  seedCount,
} from '../../src/cli/options.js';
import { InputError } from '../../src/errors.js';
import { otlpEndpointSet } from '../../src/telemetry/otlp-env.js';

/** What a parser says about a bad value. */
function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('the shared flag parsers', () => {
  it('read seeds, counts and ports as whole numbers only', () => {
    expect(parseSeed('42')).toBe(42);
    expect(refusal(() => parseSeed('4.2'))).toContain('--seed 42');
    expect(parseCount('2000')).toBe(2_000);
    expect(refusal(() => parseCount('0'))).toContain('at least 1');
    expect(parseWorkers('1')).toBe(1);
    expect(parseWorkers('256')).toBe(256);
    for (const bad of ['0', '257', '100000', '2.5', 'all'])
      expect(refusal(() => parseWorkers(bad))).toMatch(
        /^a whole number from 1 to 256; this machine has \d+ cores/,
      );
    expect(seedCount({ count: 200 })).toBe(200);
    expect(seedCount({ from: 5, to: 5 })).toBe(1);
    expect(seedCount({ from: 1, to: 100 })).toBe(100);
    expect(parsePort('0')).toBe(0);
    expect(refusal(() => parsePort('65536'))).toContain('65535');
  });

  it('read a share as a fraction or a percentage, within 0 and 1', () => {
    expect(parseShare('10%')).toBeCloseTo(0.1);
    expect(parseShare('0.25')).toBe(0.25);
    expect(refusal(() => parseShare('2'))).toContain('10%');
    expect(refusal(() => parseShare(''))).toContain('share');
  });

  it('read durations with units, speeds, on/off and collector URLs', () => {
    expect(parsePositiveDuration('90s')).toBe(90_000);
    expect(refusal(() => parsePositiveDuration('0s'))).toContain('500ms');
    expect(parseSpeed('60')).toBe(60);
    expect(refusal(() => parseSpeed('0'))).toContain('positive factor');
    expect(parseOnOff('off')).toBe(false);
    expect(refusal(() => parseOnOff('maybe'))).toContain('on or off');
    expect(parseOtlpUrl('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318');
    expect(refusal(() => parseOtlpUrl('ftp://x'))).toContain('http or https');
  });

  it('read a list of report formats, naming the ones it knows when one is wrong', () => {
    expect(parseFormats('json, md,junit')).toEqual(['json', 'md', 'junit']);
    expect(refusal(() => parseFormats('json,pdf'))).toContain('json, md, junit, html');
    expect(refusal(() => parseFormats(','))).toContain('at least one');
  });
});

describe('loopback targets', () => {
  it('count 127.0.0.0/8, localhost and ::1 as this machine', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]'])
      expect(isLoopback(host)).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });

  it('refuse a remote URL as bad input unless remote is allowed', () => {
    const remote = (): URL =>
      loopbackUrl(
        '--target',
        'https://gw.example.com/v1',
        false,
        'drill it',
        'http://127.0.0.1/v1',
      );
    expect(remote).toThrow(InputError);
    expect(remote).toThrow(/--allow-remote/);
    expect(
      loopbackUrl('--target', 'https://gw.example.com/v1', true, 'drill it', 'x').hostname,
    ).toBe('gw.example.com');
  });

  it('take a collector from the standard variables only when one is named, empty meaning unset', () => {
    expect(otlpEndpointSet({})).toBe(false);
    expect(otlpEndpointSet({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(
      otlpEndpointSet({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }),
    ).toBe(false);
    expect(otlpEndpointSet({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(otlpEndpointSet({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(
      true,
    );
    expect(
      otlpEndpointSet({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/v1/metrics' }),
    ).toBe(true);
  });
});
