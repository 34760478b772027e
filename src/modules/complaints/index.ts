/** Complaints' public face. */
export { complaintsModule } from './complaints.module';
export { ComplaintService } from './complaint.service';
export { ComplaintFollower, type SyncResult } from './complaint.follower';
export { complaintIdParams, responseBody, tenantListQuery } from './complaints.input';
