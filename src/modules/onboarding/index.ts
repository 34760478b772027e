/** Onboarding's public face. */
export { onboardingModule } from './onboarding.module';
