import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Declaration of one metric; `L` is the union of its label names. */
export type CounterDef<L extends string> = {
  readonly kind: 'counter';
  readonly help: string;
  readonly labels: readonly L[];
  readonly name?: string;
};
export type GaugeDef<L extends string> = {
  readonly kind: 'gauge';
  readonly help: string;
  readonly labels: readonly L[];
  readonly name?: string;
};
export type HistogramDef<L extends string> = {
  readonly kind: 'histogram';
  readonly help: string;
  readonly labels: readonly L[];
  readonly buckets?: readonly number[];
  readonly name?: string;
};
// biome-ignore lint/suspicious/noExplicitAny: a definition of any label set
export type MetricDef = CounterDef<any> | GaugeDef<any> | HistogramDef<any>;

/** All metrics of one service, by key. */
export type MetricDefs = Readonly<Record<string, MetricDef>>;

/** The typed prom-client handles `createServiceMetrics` returns for `D`. */
export type MetricsOf<D extends MetricDefs> = {
  readonly [K in keyof D]: D[K] extends CounterDef<infer L>
    ? Counter<L>
    : D[K] extends GaugeDef<infer L>
      ? Gauge<L>
      : D[K] extends HistogramDef<infer L>
        ? Histogram<L>
        : never;
};

/** A wrapped handler: same arguments, always async, timed and counted. */
export type InstrumentedHandler<A extends unknown[], R> = (...args: A) => Promise<Awaited<R>>;

/**
 * A service's metrics: its registry (one per service process), the runtime's own metrics, and
 * the NATS-handler wrapper the bus uses.
 */
export interface ServiceMetrics {
  readonly registry: Registry;
  /** Declares this service's own metrics in the registry (call once per set). */
  define<D extends MetricDefs>(defs: D): MetricsOf<D>;
  /**
   * Wraps a message handler so every call is counted by outcome (`code`: OK or the error's
   * stable code) and timed: `bus.subscribe(subject, metrics.instrumentHandler('tx.gossip', fn))`.
   */
  instrumentHandler<A extends unknown[], R>(name: string, fn: (...args: A) => R): InstrumentedHandler<A, R>;
}
