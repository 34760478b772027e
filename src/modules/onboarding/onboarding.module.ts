import type { AppModule } from '../../platform/module';
import { ApplymentFollower } from './applyment.follower';
import { ApplymentEntity } from './applyment.entity';
import { onboardingRouter } from './onboarding.routes';

/** Onboarding sub-merchants (特约商户进件): media, applyments and their follower, settlement accounts. */
export const onboardingModule: AppModule = {
  name: 'onboarding',
  entities: [ApplymentEntity],
  routers: (c) => [onboardingRouter(c)],
  jobs: (c) => [c.resolve(ApplymentFollower).job()],
};
