/** The open platform's public face: its module, and mini-program login for apps built on it (checkout's port). */
export { openPlatformModule } from './open-platform.module';
export { ComponentLogin } from './component-login';
export { ComponentErrcodeError } from './component-api';
export { AuthorizationsService } from './authorizations.service';
export type { AuthorizationJson } from './open-platform.view';
