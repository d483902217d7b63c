// One typed place for all metrics of a service:
//   const m = createServiceMetrics(registry, {
//     txAdmitted: counter({ help: 'Transactions admitted', labels: ['chain'] }),
//     poolSize: gauge({ help: 'Transactions pending', labels: ['chain'] }),
//   });
//   m.txAdmitted.inc({ chain: 'main' });   // label names are checked by the compiler
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CounterDef, GaugeDef, HistogramDef, MetricDef, MetricDefs, MetricsOf } from './types.ts';

export const DEFAULT_METRIC_PREFIX = 'bystack_';

type DefOptions<L extends string> = { readonly help: string; readonly labels?: readonly L[]; readonly name?: string };

export function counter<const L extends string = never>(opts: DefOptions<L>): CounterDef<L> {
  return { kind: 'counter', help: opts.help, labels: opts.labels ?? [], name: opts.name };
}

export function gauge<const L extends string = never>(opts: DefOptions<L>): GaugeDef<L> {
  return { kind: 'gauge', help: opts.help, labels: opts.labels ?? [], name: opts.name };
}

export function histogram<const L extends string = never>(
  opts: DefOptions<L> & { readonly buckets?: readonly number[] },
): HistogramDef<L> {
  return { kind: 'histogram', help: opts.help, labels: opts.labels ?? [], buckets: opts.buckets, name: opts.name };
}

/** `txAdmitted` -> `bystack_tx_admitted_total` (counters get the `_total` suffix Prometheus expects). */
export function metricNameOf(key: string, def: MetricDef, prefix = DEFAULT_METRIC_PREFIX): string {
  if (def.name) return def.name;
  const base = prefix + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return def.kind === 'counter' && !base.endsWith('_total') ? `${base}_total` : base;
}

/**
 * Registers every metric of `defs` in `registry` and returns typed handles. A metric already in the
 * registry under the same name and kind is reused (two modules may declare the same runtime metric).
 */
export function createServiceMetrics<D extends MetricDefs>(
  registry: Registry,
  defs: D,
  opts: { readonly prefix?: string } = {},
): MetricsOf<D> {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(defs)) {
    const name = metricNameOf(key, def, opts.prefix);
    const existing = registry.getSingleMetric(name);
    if (existing) {
      if (!isKind(existing, def.kind)) {
        throw new TypeError(`metric ${name} is already registered with another type`);
      }
      out[key] = existing;
      continue;
    }
    const common = { name, help: def.help, labelNames: [...def.labels], registers: [registry] };
    if (def.kind === 'counter') out[key] = new Counter(common);
    else if (def.kind === 'gauge') out[key] = new Gauge(common);
    else out[key] = new Histogram(def.buckets ? { ...common, buckets: [...def.buckets] } : common);
  }
  return out as MetricsOf<D>;
}

function isKind(metric: unknown, kind: MetricDef['kind']): boolean {
  if (kind === 'counter') return metric instanceof Counter;
  if (kind === 'gauge') return metric instanceof Gauge;
  return metric instanceof Histogram;
}
