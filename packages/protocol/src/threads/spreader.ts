// Jobs spread over several places that can run them (lanes): the local worker pool and remote ones
// (PSWV stage 1 on validator replicas). Each job goes to the least-loaded lane that has room under
// its concurrency (shared by all callers, so blocks checked at once do not overload a replica). A
// job a lane fails on (a replica gone, a timeout) goes back to the first lane, which must be the
// local, reliable one; only its failure fails a job. The failing lane gives up that slot for a
// while, so a dead replica is not handed job after job. The signature verifier
// (keys/spreading-verifier.ts) and the transaction checks (validation/spreading-tx-checker.ts)
// spread this way.

export type SpreadLane<J, R> = {
  readonly run: (job: J) => Promise<R>;
  /** Jobs this lane runs at once. */
  readonly concurrency: number;
};

export type SpreadStats = {
  /** Units of work (sets, transactions) each lane did, in lane order. */
  readonly done: readonly number[];
  /** Jobs a lane other than the first failed on and the first lane ran again. */
  readonly retried: number;
};

export type SpreaderOptions = {
  /** How long a lane's slot stays unused after a job failed on it; default 1000 ms. */
  readonly slotCooldownMs?: number;
};

type Task<J, R> = {
  readonly job: J;
  readonly resolve: (result: R) => void;
  readonly reject: (err: unknown) => void;
};

export class Spreader<J, R> {
  readonly #lanes: readonly SpreadLane<J, R>[];
  readonly #sizeOf: (job: J) => number;
  readonly #cooldownMs: number;
  readonly #done: number[];
  readonly #inFlight: number[];
  /** Slots of each lane resting after a failure. */
  readonly #resting: number[];
  readonly #queue: Task<J, R>[] = [];
  /** Jobs a remote lane failed on: the first lane's only. */
  readonly #retry: Task<J, R>[] = [];
  #retried = 0;

  /** `badOptions` makes the caller's typed error for lanes it cannot use. */
  constructor(
    lanes: readonly SpreadLane<J, R>[],
    sizeOf: (job: J) => number,
    badOptions: (message: string) => Error,
    opts: SpreaderOptions = {},
  ) {
    if (lanes.length === 0) throw badOptions('spreading needs at least one lane');
    for (const lane of lanes) {
      if (!Number.isSafeInteger(lane.concurrency) || lane.concurrency < 1) {
        throw badOptions(`lane concurrency must be a positive integer, got ${lane.concurrency}`);
      }
    }
    const cooldown = opts.slotCooldownMs ?? 1000;
    if (!Number.isSafeInteger(cooldown) || cooldown < 0) throw badOptions(`bad slot cooldown ${cooldown}`);
    this.#lanes = lanes;
    this.#sizeOf = sizeOf;
    this.#cooldownMs = cooldown;
    this.#done = lanes.map(() => 0);
    this.#inFlight = lanes.map(() => 0);
    this.#resting = lanes.map(() => 0);
  }

  /** The job's result, from whichever lane ran it. */
  run(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#pump();
    });
  }

  /** Every job's result, in job order. */
  runAll(jobs: readonly J[]): Promise<R[]> {
    return Promise.all(jobs.map((job) => this.run(job)));
  }

  stats(): SpreadStats {
    return { done: [...this.#done], retried: this.#retried };
  }

  #pump(): void {
    for (let lane = this.#leastLoaded(); lane !== undefined; lane = this.#leastLoaded()) {
      const task = lane === 0 ? (this.#retry.shift() ?? this.#queue.shift()) : this.#queue.shift();
      this.#start(lane, task!);
    }
  }

  /** The lane with room and work to take whose share of its concurrency in use is lowest (ties: the first). */
  #leastLoaded(): number | undefined {
    let best: number | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    this.#lanes.forEach((lane, i) => {
      const work = i === 0 ? this.#retry.length + this.#queue.length : this.#queue.length;
      if (work === 0 || this.#inFlight[i]! + this.#resting[i]! >= lane.concurrency) return;
      const load = this.#inFlight[i]! / lane.concurrency;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    });
    return best;
  }

  #start(lane: number, task: Task<J, R>): void {
    this.#inFlight[lane]!++;
    new Promise<R>((resolve) => resolve(this.#lanes[lane]!.run(task.job)))
      .then(
        (result) => {
          this.#done[lane]! += this.#sizeOf(task.job);
          task.resolve(result);
        },
        (err: unknown) => {
          if (lane === 0) {
            task.reject(err);
            return;
          }
          this.#retried++;
          this.#retry.push(task);
          this.#rest(lane);
        },
      )
      .finally(() => {
        this.#inFlight[lane]!--;
        this.#pump();
      });
  }

  #rest(lane: number): void {
    this.#resting[lane]!++;
    const timer = setTimeout(() => {
      this.#resting[lane]!--;
      this.#pump();
    }, this.#cooldownMs);
    timer.unref();
  }
}
