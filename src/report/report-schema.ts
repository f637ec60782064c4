/**
 * @module report/report-schema
 * report.json, version 1: the contract CI pipelines read. This schema is the source of the
 * {@link Report} type and of `schemas/report.schema.json`. Additions are allowed within a
 * version; renaming or removing a field bumps `schemaVersion`.
 */
import { z } from 'zod';

const money = z.number().nonnegative().meta({ description: 'US dollars.' });
const byName = z.record(z.string(), z.number());

const requests = z
  .strictObject({
    total: z.number().int(),
    succeeded: z.number().int(),
    degraded: z
      .number()
      .int()
      .meta({ description: 'Answered by a stand-in (cache or static), not counted as success.' }),
    failed: z.number().int(),
  })
  .meta({ description: 'Caller requests by how they ended.' });

/** Answers handed over as whole that fail the drill's own notion of valid; one may be of several kinds. */
const answersSchema = z.strictObject({
  truncated: z.number().int().meta({
    description:
      'Shorter than the answer the provider would have sent whole (cut at `max_tokens`, by a `length-cut`, or empty).',
  }),
  wrongModel: z.number().int().meta({
    description: 'The reported model is not the model that answered.',
  }),
  empty: z.number().int().meta({ description: 'No text at all.' }),
  refusal: z.number().int().meta({ description: "One of the drill's refusal sentences." }),
  invalidJson: z
    .number()
    .int()
    .meta({ description: 'Asked for JSON output, and does not parse as JSON.' }),
  invalid: z.number().int().meta({ description: 'Of any kind above, each answer once.' }),
});

const latency = z
  .strictObject({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() })
  .meta({
    description:
      'Caller-visible latency of every request, end to end (failed ones included), in milliseconds.',
  });

const cost = z.strictObject({
  total: money,
  byProvider: byName,
  byModel: byName.meta({ description: 'Keyed provider/model.' }),
  wasted: money.meta({
    description:
      'Spend on attempts whose answer was thrown away (broken streams, losing attempts).',
  }),
});

const minuteLatency = z.strictObject({ p50: z.number(), p95: z.number(), max: z.number() });

const minute = z.strictObject({
  minute: z.number().int(),
  total: z.number().int(),
  succeeded: z.number().int(),
  degraded: z.number().int(),
  failed: z.number().int(),
  costUsd: money,
  latencyMs: minuteLatency.meta({
    description:
      'Latency of the requests that started in this minute, in milliseconds (two significant digits; 0 when none).',
  }),
  answeredLatencyMs: minuteLatency.meta({
    description: 'The same, of the answered requests only (stand-ins included).',
  }),
  failedLatencyMs: minuteLatency.meta({
    description: 'The same, of the failed requests only: a fast failure is not a fast answer.',
  }),
  answeredBy: z.record(z.string(), z.number().int()).meta({
    description:
      'Requests that started in this minute by the target that answered them (`provider/model`, or `stand-in` for a degraded answer).',
  }),
  attempts: z.record(z.string(), z.number().int()).meta({
    description:
      'Attempts that ended in this minute by how: `ok`, `429`, `4xx`, `5xx`, `network`, `timeout`, `stream` (cut or malformed), `invalid` (judged invalid by `validate`), or another reason (`aborted`, `shed`).',
  }),
  retries: z.number().int().meta({ description: 'Retries scheduled in this minute.' }),
  failovers: z
    .number()
    .int()
    .meta({ description: 'Requests that moved to another target in this minute.' }),
});

const worstRequest = z.strictObject({
  requestId: z.string(),
  group: z.string(),
  startMs: z.number(),
  latencyMs: z.number(),
  outcome: z.string().meta({
    description: '`answered`, `degraded` (a stand-in answered), or the failure reason.',
  }),
  answeredBy: z.string().optional(),
  traceId: z.string().optional().meta({
    description:
      'The trace of the request in `traces.jsonl`, where traces were written and it was sampled.',
  }),
  attempts: z.array(
    z.strictObject({
      target: z.string(),
      startMs: z.number(),
      durationMs: z.number(),
      result: z.string().meta({
        description:
          '`ok`, the status (`503`), or the failure reason (`timeout`, `stream-cut`, …).',
      }),
    }),
  ),
  attemptsUnlisted: z.number().int().meta({ description: 'Attempts beyond the first ten.' }),
});

/** report.json, schema version 1. */
/** An SLO as the reports write it: its text, metric, operator and threshold in base units. */
export const sloRule = {
  name: z.string(),
  metric: z.string(),
  op: z.enum(['>=', '<=', '>', '<', '==']),
  threshold: z.number(),
};

export const reportSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    scenario: z.string(),
    seed: z.number().int(),
    /** Drill time from the start until the last request ended, in ms. */
    simulatedMs: z.number(),
    /** Wall-clock time the run took, in ms; the only field that differs between replays. */
    wallMs: z.number(),
    requests,
    availability: z
      .number()
      .min(0)
      .max(1)
      .meta({ description: 'succeeded / total (degraded answers are not successes).' }),
    latencyMs: latency,
    attempts: z.strictObject({
      total: z.number().int(),
      byProvider: byName,
      byTarget: byName.meta({ description: 'Attempts per target, keyed provider/model.' }),
      within: z.record(z.string(), z.number().int()).optional().meta({
        description:
          'Per span an `attempts.within.<span>.max` SLO names (e.g. "10s"): the most attempts a request started within that span of its start.',
      }),
      firstRetryGapMs: z.number().nullable().meta({
        description:
          'The shortest gap from a failed attempt to the request’s first retry on the same target; null if no request retried.',
      }),
      maxPerRequest: z
        .number()
        .int()
        .meta({ description: 'The most attempts any one request took.' }),
      retries: z
        .number()
        .int()
        .meta({ description: 'Retries on the same target after a backoff or a Retry-After.' }),
      earlyRetries: z.number().int().meta({
        description:
          'Attempts sent to a target before the Retry-After it gave the same request had passed (should be 0).',
      }),
    }),
    streams: z
      .strictObject({
        continued: z.number().int().meta({
          description: 'Answers that continued a broken stream from its text so far (a prefill).',
        }),
        prefillRefused: z
          .number()
          .int()
          .meta({ description: 'Prefills a target refused; each got a clean restart.' }),
      })
      .meta({ description: 'Broken streams and how they were mended.' }),
    breakers: z
      .record(
        z.string(),
        z.strictObject({
          opens: z.number().int(),
          atEnd: z.enum(['closed', 'open', 'half-open']),
          transitions: z.array(
            z.strictObject({
              atMs: z.number(),
              from: z.enum(['closed', 'open', 'half-open']),
              to: z.enum(['closed', 'open', 'half-open']),
            }),
          ),
        }),
      )
      .meta({
        description:
          'Circuit breakers that changed state, keyed provider/model: times opened, state at the end, and the first 500 transitions (ms from the start).',
      }),
    costUsd: cost,
    failures: z
      .strictObject({
        byReason: byName,
        refused: z.number().int().meta({
          description:
            'Failed requests the provider refused as invalid (context length, content filter): never retried or failed over.',
        }),
      })
      .meta({ description: 'Failed caller requests by the reason of their last attempt.' }),
    failovers: z
      .array(
        z.strictObject({
          from: z.string(),
          to: z.string(),
          atMs: z
            .number()
            .meta({ description: 'When the first request moved off `from`, ms from the start.' }),
          detectionMs: z
            .number()
            .meta({ description: 'From the first failed attempt on `from` to that failover.' }),
          recoveredAtMs: z
            .number()
            .nullable()
            .meta({ description: 'When `from` answered again; null if it did not.' }),
        }),
      )
      .meta({ description: 'Failover episodes, in order; the first 1,000 are listed.' }),
    failoversUnlisted: z.number().int(),
    faults: z
      .array(
        z.strictObject({
          kind: z.string(),
          target: z.string(),
          startMs: z.number(),
          endMs: z.number(),
          probability: z.number().min(0).max(1),
          recoveryMs: z.number().nullable().meta({
            description:
              'From the window’s end to the start of the first attempt its target answered after it; null if the window lasts to the end or the target never answered again.',
          }),
        }),
      )
      .meta({
        description:
          'The scenario’s fault windows, ms from the start; an open-ended one ends with the drill.',
      }),
    answers: answersSchema.meta({
      description:
        'Answers handed to the caller as whole that were not what they claimed, by kind.',
    }),
    worst: z
      .strictObject({
        slowest: z.array(worstRequest).meta({
          description: 'The 20 slowest answered requests, slowest first, with their attempts.',
        }),
        failed: z.array(worstRequest).meta({
          description: 'The 20 slowest failed requests, slowest first, with their attempts.',
        }),
      })
      .meta({ description: 'The requests to look at first.' }),
    run: z
      .strictObject({
        tool: z.string().meta({ description: '`failover-drill <version>`.' }),
        scenarioFile: z.string(),
        scenarioSha256: z.string().meta({ description: 'Of the scenario file’s bytes.' }),
        configFile: z.string().optional().meta({
          description: 'The failover config file, when the config was not inline.',
        }),
      })
      .optional()
      .meta({ description: 'What ran: the tool and the files, for the report’s header.' }),
    baseline: z
      .strictObject({
        requests,
        availability: z.number().min(0).max(1),
        latencyMs: latency,
        costUsd: money,
        costUsdByModel: z.record(z.string(), money).meta({
          description: 'Spend by `provider/model`, to set beside the drill’s.',
        }),
        answers: answersSchema.meta({
          description: 'The invalid answers a plain client passed on to its caller, by kind.',
        }),
      })
      .meta({
        description:
          'The same traffic and faults sent straight to each request’s first target: no retries, no failover.',
      }),
    timeline: z.strictObject({ minutes: z.array(minute), baselineMinutes: z.array(minute) }),
    live: z
      .strictObject({
        target: z.string().meta({
          description: 'The gateway drilled (scheme, host, port and path; no credentials).',
        }),
        speed: z.number().positive().meta({
          description:
            'Drill time ran this many times faster than the wall clock; every time in this report is drill time.',
        }),
        requestsSent: z.number().int(),
        cutAtMs: z.number().meta({
          description:
            'Drill time at which sending stopped: the scenario’s duration, or earlier when --max-requests or --max-duration cut it.',
        }),
        unattributedAttempts: z.number().int().meta({
          description:
            'Provider requests that carried no drill request marker (the gateway’s own probes, say); counted in attempts.',
        }),
        queuedForConnection: z.number().int().optional().meta({
          description:
            'Requests that found every one of the drill’s own connections (--connections) busy and waited for one: their latency includes time spent queued in the drill, not in the gateway.',
        }),
        unjudged: z.array(z.string()).meta({
          description:
            'SLOs not judged: their metrics (breakers, stream continuation) are inside the gateway, where a live drill cannot see.',
        }),
      })
      .optional()
      .meta({
        description:
          'Present when the drill sent its traffic through an external gateway in real time (`failover-drill drill`) instead of simulating the engine. Attempts, retries and failovers are then what the providers saw.',
      }),
    subject: z
      .strictObject({
        name: z.string().meta({
          description:
            'The subject as `--subject` named it: a shipped subject (engine, openai-sdk, sdk-fallback-chain, portkey) or a module.',
        }),
        module: z.string().meta({
          description:
            'The module drilled: a path relative to the working directory, or a package specifier.',
        }),
        package: z
          .strictObject({ name: z.string(), version: z.string() })
          .optional()
          .meta({ description: 'The package the subject drills, with its installed version.' }),
        configFile: z
          .string()
          .optional()
          .meta({ description: 'The `--subject-config` file the subject was given.' }),
        requestTimeoutMs: z.number().meta({
          description:
            'Drill time a request may take before the caller gives up on it (reason `timeout`).',
        }),
        unattributedAttempts: z.number().int().meta({
          description:
            'Provider requests that carried no drill request marker (the subject’s own probes, say); counted in attempts.',
        }),
        subjectErrors: z.number().int().meta({
          description:
            'Requests for which the subject’s fetch threw or rejected; failed with reason `subject-error`.',
        }),
        unjudged: z.array(z.string()).meta({
          description:
            'SLOs not judged: their metrics (breakers, stream continuation) are inside the subject, where a drill counting from the providers’ side cannot see.',
        }),
      })
      .optional()
      .meta({
        description:
          'Present when the drill ran a subject (`--subject`) in virtual time instead of our engine natively. Attempts, retries and failovers are then what the providers saw.',
      }),
    slos: z.array(z.strictObject({ ...sloRule, actual: z.number(), pass: z.boolean() })),
    pass: z.boolean().meta({ description: 'Every SLO held.' }),
    replay: z.string().meta({ description: 'The command that replays this drill.' }),
  })
  .meta({ title: 'failover-drill report (schema version 1)' });

/** report.json. */
export type Report = z.output<typeof reportSchema>;
