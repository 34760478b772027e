import type { AppModule } from '../../platform/module';
import { TOKENS } from '../../platform/tokens';
import type { Config } from '../../platform/config/schema';
import { ProfitSharingRepository } from './profit-sharing.repository';
import { ReceiverEntity, ReturnEntity, SplitEntity } from './profit-sharing.entity';
import { ProfitSharingService } from './profit-sharing.service';
import { ReceiversService } from './receivers.service';
import { ProfitSharingFollower } from './profit-sharing.follower';
import { followUpJob } from '../../platform/jobs/follow-up';
import { profitSharingRouter } from './profit-sharing.routes';

/** Profit sharing (分账): receivers, splits, unfreezes, returns, and the follower that queries them until final. */
export const profitSharingModule: AppModule = {
  name: 'profit-sharing',
  entities: [ReceiverEntity, SplitEntity, ReturnEntity],
  register(c) {
    c.registerSingleton(ProfitSharingRepository);
    c.registerSingleton(ProfitSharingService);
    c.registerSingleton(ReceiversService);
    c.registerSingleton(ProfitSharingFollower);
  },
  routers: (c) => [profitSharingRouter(c)],
  jobs: (c) => {
    const follower = c.resolve(ProfitSharingFollower);
    return [followUpJob('profit-sharing.follow', c.resolve<Config>(TOKENS.Config).jobs.intervalMs, () => follower.runOnce())];
  },
};
