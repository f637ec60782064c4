/**
 * @module reference/json-schemas
 * The JSON Schema files in `schemas/`, generated from the zod schemas so they cannot drift:
 * scenario and failover config describe what a person writes (units as strings), the report
 * what the harness writes.
 */
import { z } from 'zod';
import { failoverConfigSchema } from '../engine/config.js';
import { reportSchema } from '../report/report-schema.js';
import { sweepSchema } from '../report/sweep-schema.js';
import { scenarioSchema } from '../scenario/schema.js';

/** File name to JSON Schema document. */
export function jsonSchemas(): Record<string, unknown> {
  const make = (schema: z.ZodType, io: 'input' | 'output'): unknown =>
    z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    'scenario.schema.json': make(scenarioSchema, 'input'),
    'failover-config.schema.json': make(failoverConfigSchema, 'input'),
    'report.schema.json': make(reportSchema, 'output'),
    'sweep.schema.json': make(sweepSchema, 'output'),
  };
}
