/** Bills' public face. */
export { billsModule } from './bills.module';
