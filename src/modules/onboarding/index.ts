/** Onboarding's public face. */
export { onboardingModule } from './onboarding.module';
export { ApplymentRepository } from './applyment.repository';
