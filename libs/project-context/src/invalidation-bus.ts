import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { isUuid, redisKeys } from '@casegraph/contracts';
import { ContextCacheGateway } from './context-cache-gateway';
import { createSubscriberClient } from './context-cache';
import { PROJECT_CONTEXT_OPTIONS, ProjectContext, ResolvedOptions } from './project-context.types';
import { LruCache } from './util/lru-cache';
import { waitUntil } from './util/wait-until';

/**
 * Invalidations, and the optional L1 they protect. Owns the subscriber
 * connection, the L1, the local invalidation epoch, the acknowledgements other
 * instances send, and the invalidations that could not reach Redis (replayed
 * when the gateway reports Redis back). Sends through the ContextCacheGateway;
 * tells whoever registered with `onDrop` (the facade's single-flight) that a
 * document was invalidated here or elsewhere.
 *
 * Messages on the channel:
 *   `inv <id> <document_uuid>`: drop the document locally, then publish `ack <id>`;
 *   `ack <id>`: one instance has dropped it (counted by the invalidator).
 * The L1 is used only while the subscription is live: losing it clears the L1.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ProjectContext');
  private readonly l1?: LruCache<ProjectContext>;
  private readonly subscriber: Redis;
  private subscribed = false;
  private l1Live = false;
  /** Bumped by every invalidation seen here; a load that straddles one does not fill the L1. */
  private epoch = 0;
  private readonly instanceId = randomUUID();
  private invalidationSeq = 0;
  private readonly ackWaiters = new Map<string, { needed: number; got: number; done: () => void }>();
  /** Invalidations that could not reach Redis; replayed when it is back. */
  private readonly pendingInvalidations = new Set<string>();
  private readonly dropListeners: Array<(key: string) => void> = [];
  private flushing = false;
  private destroyed = false;

  constructor(
    @Inject(PROJECT_CONTEXT_OPTIONS) private readonly opts: ResolvedOptions,
    private readonly cache: ContextCacheGateway,
  ) {
    if (opts.l1) this.l1 = new LruCache(opts.l1.maxEntries, opts.l1.ttlMs);
    this.subscriber = this.createSubscriber();
    cache.onAvailable(() => void this.flushPending());
  }

  /** Waits (at most redisConnectTimeoutMs) for the subscription; never fails. */
  async onModuleInit(): Promise<void> {
    await waitUntil(() => (this.subscriber.status === 'ready' && this.subscribed) || this.destroyed, this.opts.redisConnectTimeoutMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    for (const w of this.ackWaiters.values()) w.done();
    this.ackWaiters.clear();
    this.l1Live = false;
    this.subscriber.disconnect();
  }

  // ---------------------------------------------------------------- L1

  /** True while the L1 is in use (enabled and its invalidation subscription is live). */
  get l1Active(): boolean {
    return this.l1Live;
  }

  /** The current epoch; pass it back to l1Set() for what was read from now on. */
  get currentEpoch(): number {
    return this.epoch;
  }

  l1Get(key: string): ProjectContext | undefined {
    return this.l1Live ? this.l1!.get(key) : undefined;
  }

  /** Stores a context read at `epoch`, unless an invalidation was seen since (or the L1 is not live). */
  l1Set(key: string, ctx: ProjectContext, epoch: number): void {
    if (this.l1Live && epoch === this.epoch) this.l1!.set(key, ctx);
  }

  // ---------------------------------------------------------------- invalidation

  /** Keys whose invalidation has not reached Redis yet: their entries must not be trusted or rewritten. */
  get pending(): ReadonlySet<string> {
    return this.pendingInvalidations;
  }

  /** `listener(key)` runs whenever `key` is invalidated, here or by another instance. */
  onDrop(listener: (key: string) => void): void {
    this.dropListeners.push(listener);
  }

  /**
   * Drops `key` locally at once, then runs the invalidation in Redis and waits
   * for every other instance's ack; kept for replay if Redis is unreachable.
   */
  async invalidate(key: string): Promise<void> {
    this.dropLocal(key);
    const ok = await this.send(key);
    if (!ok) this.queue(key);
  }

  /**
   * Runs the invalidation script (delete, bump version, publish) and then waits
   * until every instance that received the message has acknowledged it, i.e.
   * has dropped the entry from its L1 (bounded by invalidationAckTimeoutMs).
   * PUBLISH returns how many subscribers got the message, so we know how many
   * acknowledgements to expect.
   */
  private async send(key: string): Promise<boolean> {
    const id = `${this.instanceId}:${++this.invalidationSeq}`;
    const waiter = this.subscribed ? this.expectAcks(id) : undefined;
    const receivers = await this.cache.invalidate(key, `inv ${id} ${key}`);
    if (receivers === undefined) {
      waiter?.cancel();
      return false;
    }
    if (waiter) await waiter.wait(receivers);
    return true;
  }

  private expectAcks(id: string): { wait: (receivers: number) => Promise<void>; cancel: () => void } {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const entry = { needed: Infinity, got: 0, done };
    this.ackWaiters.set(id, entry);
    const cancel = () => {
      this.ackWaiters.delete(id);
      done();
    };
    return {
      cancel,
      wait: async (receivers) => {
        entry.needed = receivers;
        if (entry.got >= entry.needed) return cancel();
        const timer = setTimeout(() => {
          this.logger.warn(`Invalidation ${id}: ${entry.got}/${receivers} instances acknowledged within ${this.opts.invalidationAckTimeoutMs} ms`);
          cancel();
        }, this.opts.invalidationAckTimeoutMs);
        await finished;
        clearTimeout(timer);
      },
    };
  }

  private queue(key: string): void {
    if (this.opts.maxPendingInvalidations === 0) return;
    this.pendingInvalidations.delete(key);
    this.pendingInvalidations.add(key);
    if (this.pendingInvalidations.size > this.opts.maxPendingInvalidations) {
      const oldest = this.pendingInvalidations.values().next().value as string;
      this.pendingInvalidations.delete(oldest);
      this.logger.warn(`Pending invalidations over ${this.opts.maxPendingInvalidations}; dropped ${oldest} (its entry expires with its TTL)`);
    }
    this.logger.warn(`Invalidation of ${key} could not reach Redis; it will be replayed when Redis is back`);
  }

  private async flushPending(): Promise<void> {
    if (this.flushing || !this.pendingInvalidations.size || this.destroyed) return;
    this.flushing = true;
    try {
      for (const key of [...this.pendingInvalidations]) {
        if (!(await this.send(key))) break;
        this.pendingInvalidations.delete(key);
      }
    } finally {
      this.flushing = false;
    }
  }

  private dropLocal(key: string): void {
    this.epoch++;
    this.l1?.delete(key);
    for (const l of this.dropListeners) l(key);
  }

  private createSubscriber(): Redis {
    const sub = createSubscriberClient(this.opts.redisUrl, {
      connectTimeoutMs: this.opts.redisConnectTimeoutMs,
      connectionName: `${this.opts.connectionName}-events`,
    });
    const channel = redisKeys.contextInvalidationChannel();
    sub.on('error', (err: Error) => this.logger.debug(`Invalidation subscriber: ${err.message}`));
    sub.on('ready', () => {
      sub.subscribe(channel).then(
        () => {
          // Anything may have changed while we were not listening.
          this.l1?.clear();
          this.epoch++;
          this.subscribed = true;
          this.l1Live = !!this.l1 && !this.destroyed;
        },
        (err: Error) => this.logger.debug(`Invalidation subscribe failed: ${err.message}`),
      );
    });
    sub.on('close', () => {
      this.subscribed = false;
      this.l1Live = false;
      this.l1?.clear();
      this.epoch++;
    });
    sub.on('message', (_channel: string, message: string) => {
      const [kind, id, key] = message.split(' ');
      if (kind === 'inv' && id) {
        if (key && isUuid(key)) this.dropLocal(key.toLowerCase());
        this.cache.publish(`ack ${id}`);
      } else if (kind === 'ack' && id) {
        const w = this.ackWaiters.get(id);
        if (w && ++w.got >= w.needed) {
          this.ackWaiters.delete(id);
          w.done();
        }
      }
    });
    return sub;
  }
}
