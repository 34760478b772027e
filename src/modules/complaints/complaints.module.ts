import type { DependencyContainer } from 'tsyringe';
import type { AppModule } from '../../platform/module';
import { Metrics } from '../../platform/metrics/metrics';
import { TOKENS } from '../../platform/tokens';
import type { Clock } from '../../platform/clock';
import { ComplaintEntity, ComplaintSyncEntity } from './complaint.entity';
import { ComplaintRepository } from './complaint.repository';
import { ComplaintService } from './complaint.service';
import { ComplaintInbox } from './complaint-inbox.service';
import { ComplaintFollower } from './complaint.follower';
import { adminComplaintsRouter, complaintNotifyRouter, tenantComplaintsRouter } from './complaints.routes';

/** Consumer complaints (消费者投诉 2.0): notifications, the periodic sync, the tenant and operator APIs. */
export const complaintsModule: AppModule = {
  name: 'complaints',
  entities: [ComplaintEntity, ComplaintSyncEntity],
  register(c) {
    c.registerSingleton(ComplaintRepository);
    c.registerSingleton(ComplaintService);
    c.registerSingleton(ComplaintInbox);
    c.registerSingleton(ComplaintFollower);
  },
  routers: (c) => [complaintNotifyRouter(c), tenantComplaintsRouter(c), adminComplaintsRouter(c)],
  jobs: (c) => [c.resolve(ComplaintFollower).job()],
  async onStart(c) {
    const m = metrics(c);
    const repo = c.resolve(ComplaintRepository);
    // Read on scrape: one GROUP BY over the open complaints.
    m?.setComplaintSource(async () =>
      (await repo.openCounts(c.resolve<Clock>(TOKENS.Clock).now())).map((r) => ({ ...r, tenantId: r.tenantId ?? 'unknown' })),
    );
  },
};

const metrics = (d: DependencyContainer) => (d.isRegistered(Metrics, true) ? d.resolve(Metrics) : undefined);
