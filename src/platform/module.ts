import type { Application } from 'express';
import type { DependencyContainer } from 'tsyringe';
import type { ApiRouter } from './http/route';
import type { Job } from './jobs';

/**
 * A feature folder's wiring: container.ts lists the features, each binds its own classes.
 * Order matters: a feature may resolve what an earlier one registered.
 */
export interface Feature {
  name: string;
  /** Binds the feature's services into the container. */
  register?(c: DependencyContainer): void;
  /** Mounts raw handlers before the JSON body parser (e.g. the embedded simulator, which verifies raw bodies). */
  mountRaw?(app: Application, c: DependencyContainer): void;
  /** Routers to mount. */
  routers?(c: DependencyContainer): ApiRouter[];
  /** Background jobs (run only when config.jobs.enabled). */
  jobs?(c: DependencyContainer): Job[];
  /** Start-up work once the database is ready (seeding, warm-up). */
  onStart?(c: DependencyContainer): Promise<void>;
  /** Shutdown work before the database closes. */
  onStop?(c: DependencyContainer): Promise<void>;
}
