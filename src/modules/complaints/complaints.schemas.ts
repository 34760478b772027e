import { z } from 'zod';
import { webhookEnvelope } from '../events';

const time = z.string().describe('RFC 3339, +08:00');

/**
 * A complaint as the APIs and events show it: WeChat Pay's fields and names, kept as they come (fields it
 * adds later included, hence open), the buyer's phone masked, plus partnerpay's respond_by and overdue.
 */
export const complaintSchema = z
  .looseObject({
    complaint_id: z.string(),
    complaint_time: z.string().optional().describe("WeChat Pay's, RFC 3339"),
    complaint_detail: z.string().optional(),
    complaint_state: z.string().describe('PENDING, PROCESSING or PROCESSED'),
    complainted_mchid: z.string().describe('the sub-merchant complained about'),
    complaint_order_info: z.array(z.record(z.string(), z.unknown())).optional(),
    payer_phone: z.string().nullable().describe('masked: 138****5678'),
    respond_by: time.describe('answer before this (partnerpay enforces it)'),
    overdue: z.boolean(),
    responded_at: time.nullable(),
    sp_mchid: z.string().optional().describe('operators only'),
    tenant_id: z.string().nullable().optional().describe('operators only'),
    negotiation_history: z.array(z.record(z.string(), z.unknown())).optional().describe('detail answers only'),
    order: z
      .object({
        id: z.string(),
        out_trade_no: z.string(),
        transaction_id: z.string().nullable(),
        trade_state: z.string(),
        amount: z.object({ total: z.number().int() }),
      })
      .nullable()
      .optional()
      .describe('detail answers only: the local order the complaint is about'),
    updated_at: time,
  })
  .meta({ id: 'Complaint', description: "A buyer's complaint (WeChat Pay's fields; ones it adds later are kept)" });

/** A complaint as answered: what complaintJson builds. */
export type ComplaintView = z.input<typeof complaintSchema>;

/** `{ complaint }` */
export const complaintAnswer = z.object({ complaint: complaintSchema }).meta({ id: 'ComplaintAnswer' });
/** A page of complaints. */
export const complaintPage = z
  .object({ data: z.array(complaintSchema), next_cursor: z.string().nullable() })
  .meta({ id: 'ComplaintPage', description: 'A page of complaints' });
/** POST /v1/complaints/media. */
export const complaintMedia = z.object({ media_id: z.string() }).meta({ id: 'ComplaintMedia', description: 'An uploaded reply image' });

/** The events this module sends, for the document's `webhooks`. */
export const COMPLAINT_WEBHOOKS = [
  {
    name: 'complaint.created',
    summary: 'A buyer complained about the tenant',
    payload: webhookEnvelope('complaint.created', 'ComplaintCreatedEvent', complaintSchema),
  },
  {
    name: 'complaint.updated',
    summary: 'A complaint changed (state, negotiation, refund decision)',
    payload: webhookEnvelope('complaint.updated', 'ComplaintUpdatedEvent', complaintSchema),
  },
  {
    name: 'complaint.overdue',
    summary: 'A complaint passed respond_by unanswered',
    payload: webhookEnvelope('complaint.overdue', 'ComplaintOverdueEvent', complaintSchema),
  },
];
