/** An error answer of the API, kept whole: pages show its code, message and request id (what support asks for). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly detail: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** From a non-2xx answer and its parsed body (the API's `{code, message, detail, request_id}`, or anything else). */
  static from(response: Response, body: unknown): ApiError {
    const b = (body && typeof body === 'object' ? body : {}) as {
      code?: unknown;
      message?: unknown;
      detail?: unknown;
      request_id?: unknown;
    };
    return new ApiError(
      response.status,
      typeof b.code === 'string' ? b.code : `HTTP_${response.status}`,
      typeof b.message === 'string' ? b.message : typeof body === 'string' ? body.slice(0, 200) : response.statusText,
      typeof b.request_id === 'string' ? b.request_id : response.headers.get('Request-Id'),
      b.detail,
    );
  }

  /** A 4xx: asking again will not change the answer. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }

  /** The fields a PARAM_ERROR names, as `field: issue` lines. */
  get fieldIssues(): string[] {
    const fields = (this.detail as { fields?: unknown } | undefined)?.fields;
    return Array.isArray(fields) ? fields.map((f: { field?: string; issue?: string }) => `${f.field ?? ''}: ${f.issue ?? ''}`) : [];
  }
}
