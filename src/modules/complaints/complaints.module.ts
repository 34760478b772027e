import type { AppModule } from '../../platform/module';
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
};
