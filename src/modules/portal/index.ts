/** The portal's public face: the module (tenant users, sessions, the /portal/v1 API). */
export { portalModule } from './portal.module';
