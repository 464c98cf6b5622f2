// The single place where any failure becomes an App Mesh error answer (restJson1 error shape).

import { ApiError } from './api-error.ts';

const errorTypeSuffix = ':http://internal.amazon.com/coral/com.amazonaws.appmesh/';

export const maxBodyBytes = 1024 * 1024;

interface FrameworkError {
  readonly code?: string;
  readonly statusCode?: number;
  readonly message: string;
}

/** Maps anything thrown while serving a request to the ApiError the client should see. */
export function toApiError(error: unknown, requestId: string): { apiError: ApiError; unexpected: boolean } {
  if (error instanceof ApiError) return { apiError: error, unexpected: false };
  const framework = error as FrameworkError;
  if (framework.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      apiError: new ApiError('BadRequestException', `Request body exceeds ${maxBodyBytes} bytes`, {
        cause: error,
      }),
      unexpected: false,
    };
  }
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return {
      apiError: new ApiError('BadRequestException', framework.message, { cause: error }),
      unexpected: false,
    };
  }
  if ((error as Error)?.name === 'StoreUnavailableError') {
    const message = `The store is unavailable; retry later (request ${requestId})`;
    return {
      apiError: new ApiError('ServiceUnavailableException', message, { cause: error }),
      unexpected: true,
    };
  }
  const message = `Internal error; the control plane log has the details (request ${requestId})`;
  return {
    apiError: new ApiError('InternalServerErrorException', message, { cause: error }),
    unexpected: true,
  };
}

export function errorHeaders(apiError: ApiError): Record<string, string> {
  return { 'x-amzn-ErrorType': `${apiError.type}${errorTypeSuffix}`, 'content-type': 'application/json' };
}

export function errorBody(apiError: ApiError): string {
  return JSON.stringify({ message: apiError.message });
}
