import type { EntitySchema } from '@mikro-orm/core';
import type { Application } from 'express';
import type { DependencyContainer } from 'tsyringe';
import type { ApiRouter } from './http/route';
import type { Job } from './jobs/jobs';

/**
 * A module's (or surface's) wiring, exported by its index.ts: src/app/modules.ts lists them, and
 * src/app/container.ts asks each to bind its own classes. Order matters: a module may resolve what
 * an earlier one registered.
 */
export interface AppModule {
  name: string;
  /** The tables this module owns (src/app/schema.ts gives the ORM every module's list). */
  entities?: readonly EntitySchema[];
  /** Binds the module's services into the container. */
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
