/** Operators' public face: the admin API's authentication and the audit log every write goes to. */
export { operatorsModule } from './operators.module';
export { operatorAuth, operatorOf, writeContext } from './operator-auth';
export { AuditLog, type WriteContext } from './audit-log';
