/** Onboarding's public face. */
export { onboardingModule } from './onboarding.module';
export { checkImage, readUpload } from './media';
