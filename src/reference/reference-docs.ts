/**
 * @module reference/reference-docs
 * The key-by-key references in `docs/reference/`, generated from the same JSON Schemas as
 * `schemas/` (and so from the zod schemas that validate the files): every key, its type, its
 * default and its description, so the reference cannot drift from what the loader accepts.
 */
import { failoverConfigSchema } from '../engine/config.js';
import { jsonSchemas } from './json-schemas.js';
import { scenarioSchema } from '../scenario/schema.js';
import { formatDuration } from '../units.js';
import { thousands } from '../unit-text.js';

/** A JSON Schema node, as much of it as the references read. */
interface Node {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, Node>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Node | boolean;
  readonly propertyNames?: Node;
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly oneOf?: readonly Node[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minItems?: number;
}

/**
 * The value types written one way throughout (units, targets, distributions): their schemas
 * carry a `title`, which names them in the type column.
 */
const UNITS = new Set([
  'duration',
  'rate',
  'share',
  'target',
  'tokens',
  'latency',
  'number or distribution',
]);

const unitOf = (node: Node): string | undefined =>
  node.title !== undefined && UNITS.has(node.title) ? node.title : undefined;

/** How the types' own descriptions begin: a key that says no more than that gets none. */
const TYPE_NOTES = [
  'A duration such as',
  'A rate such as',
  'A share such as',
  'A target:',
  'A token count:',
  'A duration: 400ms',
  'A number, or { dist',
];

/** The node's own description, unless it only explains its type. */
const describe = (node: Node): string => {
  const own = node.description ?? '';
  return unitOf(node) !== undefined && TYPE_NOTES.some((note) => own.startsWith(note)) ? '' : own;
};

interface Row {
  readonly key: string;
  readonly type: string;
  readonly required: boolean;
  readonly default: string;
  readonly description: string;
}

/** What a page is built with. */
interface Ctx {
  /** Keys whose value is documented elsewhere: key to the type shown. */
  readonly stops: Readonly<Record<string, string>>;
  /** A small document the schema accepts, and what the loader made of it: its defaults. */
  readonly given: unknown;
  readonly resolved: unknown;
}

/**
 * The value at a key path such as `retry.baseDelay`; `<name>` takes the map's first entry and
 * `[]` the list's first item.
 */
function valueAt(root: unknown, key: string): unknown {
  let value = root;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    const list = part.endsWith('[]');
    const name = list ? part.slice(0, -2) : part;
    value = name === '<name>' ? Object.values(record)[0] : name === '' ? value : record[name];
    if (list) value = Array.isArray(value) ? (value as unknown[])[0] : undefined;
  }
  return value;
}

/**
 * The default the loader fills in: the schema's own where it states one, else the resolved
 * value of a key the small document left out, in the key's units.
 */
function defaultOf(node: Node, key: string, ctx: Ctx): string {
  let value = node.default;
  if (value === undefined) {
    if (valueAt(ctx.given, key) !== undefined) return '';
    value = valueAt(ctx.resolved, key);
    if (value === undefined || (typeof value === 'object' && value !== null)) return '';
  }
  const unit = unitOf(node) ?? (node.anyOf ?? []).map(unitOf).find((u) => u !== undefined);
  if (typeof value === 'number' && (unit === 'duration' || unit === 'latency'))
    return `\`${value === 0 ? '0' : formatDuration(value)}\``;
  if (typeof value === 'number' && unit === 'share')
    return `\`${Math.round(value * 10_000) / 100}%\``;
  return `\`${JSON.stringify(value)}\``;
}

/** The discriminating key of a oneOf of objects: every variant gives it a constant. */
function discriminator(variants: readonly Node[]): string | undefined {
  const first = variants[0]?.properties;
  if (first === undefined) return undefined;
  return Object.keys(first).find((key) =>
    variants.every((v) => v.properties?.[key]?.const !== undefined),
  );
}

/** A bounded number's range, as the type column shows it. */
function range(node: Node): string {
  const low =
    node.exclusiveMinimum !== undefined
      ? `> ${node.exclusiveMinimum}`
      : node.minimum !== undefined && node.minimum > Number.MIN_SAFE_INTEGER
        ? `≥ ${node.minimum}`
        : '';
  const high =
    node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER
      ? `≤ ${thousands(node.maximum)}`
      : '';
  const bounds = [low, high].filter((b) => b !== '').join(', ');
  return bounds === '' ? '' : ` (${bounds})`;
}

/** A node's type in a few words. */
function typeOf(node: Node): string {
  const unit = unitOf(node);
  if (unit !== undefined) return unit;
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum !== undefined) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' | ');
  if (node.oneOf !== undefined) {
    const key = discriminator(node.oneOf);
    return key === undefined ? 'one of several shapes' : `object by \`${key}\` (below)`;
  }
  if (node.anyOf !== undefined) {
    const kinds = node.anyOf.map(typeOf);
    if (node.anyOf.every((n) => n.const !== undefined)) return kinds.join(' | ');
    return [...new Set(kinds)].join(' or ');
  }
  if (node.items !== undefined) return `list of ${typeOf(node.items)}`;
  if (typeof node.additionalProperties === 'object')
    return `map: name → ${typeOf(node.additionalProperties)}`;
  if (node.properties !== undefined) return 'object';
  const type = typeof node.type === 'string' ? node.type : (node.type?.join(' or ') ?? 'any');
  return type === 'integer' || type === 'number' ? `${type}${range(node)}` : type;
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Rows for `node` at `key` and, below it, for everything it holds. */
function rows(node: Node, key: string, required: boolean, ctx: Ctx): Row[] {
  const stop = ctx.stops[key];
  const row = (type: string, description = describe(node)): Row => ({
    key,
    type,
    required,
    default: defaultOf(node, key, ctx),
    description,
  });
  if (stop !== undefined) return [row(stop)];
  const out: Row[] = key === '' ? [] : [row(typeOf(node))];
  if (unitOf(node) !== undefined) return out;
  out.push(...inner(node, key, ctx));
  return out;
}

/** Rows for what a node holds: its keys, its map's entries, its list's items, its variants. */
function inner(node: Node, key: string, ctx: Ctx): Row[] {
  const out: Row[] = [];
  const at = (name: string): string => (key === '' ? name : `${key}.${name}`);
  for (const [name, child] of Object.entries(node.properties ?? {}))
    out.push(...rows(child, at(name), node.required?.includes(name) === true, ctx));
  if (typeof node.additionalProperties === 'object')
    out.push(...inner(node.additionalProperties, at('<name>'), ctx));
  if (node.items !== undefined && unitOf(node.items) === undefined)
    out.push(...inner(node.items, `${key}[]`, ctx));
  for (const branch of node.anyOf ?? [])
    if (branch.properties !== undefined || branch.oneOf !== undefined)
      out.push(...inner(branch, key, ctx));
  if (node.oneOf !== undefined) out.push(...variants(node.oneOf, key, ctx));
  return out;
}

/**
 * A discriminated union: the keys every variant shares once, then a row per variant listing
 * its own keys (a `*` marks the required ones).
 */
function variants(nodes: readonly Node[], key: string, ctx: Ctx): Row[] {
  const tag = discriminator(nodes);
  if (tag === undefined) return nodes.flatMap((n) => inner(n, key, ctx));
  const shared = Object.keys(nodes[0]?.properties ?? {}).filter(
    (name) => name !== tag && nodes.every((n) => n.properties?.[name] !== undefined),
  );
  const out: Row[] = [];
  const first = nodes[0] as Node;
  for (const name of shared)
    out.push(
      ...rows(
        first.properties?.[name] as Node,
        `${key}.${name}`,
        first.required?.includes(name) === true,
        ctx,
      ),
    );
  for (const variant of nodes) {
    const own = Object.entries(variant.properties ?? {}).filter(
      ([name]) => name !== tag && !shared.includes(name),
    );
    const keys = own
      .map(([name, child]) => {
        const mark = variant.required?.includes(name) === true ? '*' : '';
        const fallback = child.default === undefined ? '' : ` = ${JSON.stringify(child.default)}`;
        return `\`${name}\`${mark}: ${typeOf(child)}${fallback}`;
      })
      .join('; ');
    out.push({
      key: `${key} · ${tag}: ${JSON.stringify(variant.properties?.[tag]?.const)}`,
      type: keys === '' ? 'no other keys' : keys,
      required: false,
      default: '',
      description: describe(variant),
    });
  }
  return out;
}

function table(all: readonly Row[]): string {
  const lines = [
    '| key | type | default | what it is |',
    '| --- | --- | --- | --- |',
    ...all.map(
      (r) =>
        `| \`${cell(r.key)}\`${r.required ? ' *' : ''} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`,
    ),
  ];
  return lines.join('\n');
}

const UNIT_NOTES = `Types: **duration** \`250ms\`, \`2s\`, \`15m\`, \`1h\` (\`0\` needs no unit);
**rate** \`5000/h\`, \`90/m\`, \`2/s\` (a bare number is per second); **share** \`25%\` or
\`0.25\`; **target** \`provider/model\` or \`{ provider, model }\`. **tokens**, **latency** and
**number or distribution**: a plain value (a token count, a duration, a number), or a
distribution of them: \`{ dist: uniform, min, max }\` or \`{ dist: lognormal, median, p95 }\`.
A \`*\` after a key marks it required where its parent is given; in a variant's row it marks
that variant's required keys. \`<name>\` stands for a name you choose.`;

function page(title: string, intro: string, schema: Node, ctx: Ctx, notes = UNIT_NOTES): string {
  return `# ${title}

<!-- Generated from the zod schemas by \`npm run schemas\`; edit the schemas, not this file. -->

${intro}

${notes}

${table(rows(schema, '', true, ctx))}
`;
}

/** A config with every section, each given only its required keys: the rest are defaults. */
const SMALL_CONFIG = {
  groups: { chat: { targets: ['primary/model'] } },
  bulkhead: { maxConcurrent: 10 },
  rateLimit: { perProvider: {} },
  cache: {},
  budget: { maxUsd: 10 },
  hedge: { delay: '1s' },
  healthCheck: {},
};

/** A scenario with only its required keys. */
const SMALL_SCENARIO = {
  name: 'small',
  duration: '1m',
  traffic: { arrivals: { shape: 'poisson', rate: '1/s' }, mix: [{ group: 'chat' }] },
  providers: { primary: { wire: 'openai', models: { model: { input: 1, output: 1 } } } },
  failover: { groups: { chat: { targets: ['primary/model'] } } },
  faults: [{ kind: 'hang', target: 'primary' }],
};

/** File path (from the project root) to Markdown. */
export function referenceDocs(): Record<string, string> {
  const schemas = jsonSchemas() as Record<string, Node>;
  const scenario: Ctx = {
    stops: {
      failover:
        'failover config (inline, or a path relative to the scenario file): [every key](failover-config.md)',
    },
    given: SMALL_SCENARIO,
    resolved: scenarioSchema.parse(SMALL_SCENARIO),
  };
  const config: Ctx = {
    stops: {},
    given: SMALL_CONFIG,
    resolved: failoverConfigSchema.parse(SMALL_CONFIG),
  };
  return {
    'docs/reference/scenario.md': page(
      'Scenario file: every key',
      'The keys of a scenario file, as `schemas/scenario.schema.json` and the loader accept them. The guide with a worked example is [the scenario format](../scenario-format.md).',
      schemas['scenario.schema.json'] as Node,
      scenario,
    ),
    'docs/reference/report.md': page(
      'report.json: every field',
      'The fields of `report.json`, as `schemas/report.schema.json` describes them: the contract CI pipelines read. New fields may appear; none is renamed or removed within `schemaVersion` 1. The guide is [report.json](../report-json.md).',
      schemas['report.schema.json'] as Node,
      { stops: {}, given: {}, resolved: {} },
      'Written, not read: times are milliseconds (`atMs` from the start of the drill), shares are fractions from 0 to 1, money is US dollars. A `*` marks a field every report has.',
    ),
    'docs/reference/sweep.md': page(
      'sweep.json: every field',
      'The fields of `sweep.json`, written by `run --seeds`, as `schemas/sweep.schema.json` describes them. New fields may appear; none is renamed or removed within `sweepVersion` 1. The guide is [sweeps](../sweeps.md).',
      schemas['sweep.schema.json'] as Node,
      { stops: {}, given: {}, resolved: {} },
      'Written, not read: latencies are milliseconds, shares are fractions from 0 to 1, money is US dollars. A `*` marks a field every sweep has.',
    ),
    'docs/reference/failover-config.md': page(
      'Failover config: every key',
      'The keys of a failover config, inline in a scenario or in a file given with `--config`, as `schemas/failover-config.schema.json` and the loader accept them. A `preset` replaces these defaults with its own where it sets them; the guide is [the failover config](../failover-config.md).',
      schemas['failover-config.schema.json'] as Node,
      config,
    ),
  };
}
