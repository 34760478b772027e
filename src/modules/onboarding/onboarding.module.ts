import type { Feature } from '../common/feature';
import { ApplymentFollower } from './applyment-follower';
import { onboardingRouter } from './onboarding.routes';

/** Onboarding sub-merchants (特约商户进件): media, applyments and their follower, settlement accounts. */
export const onboardingFeature: Feature = {
  name: 'onboarding',
  routers: (c) => [onboardingRouter(c)],
  jobs: (c) => [c.resolve(ApplymentFollower).job()],
};
