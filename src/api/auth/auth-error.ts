// The errors AWS's front door answers before a request reaches App Mesh, with AWS's wire shape.

export const authErrorStatus = {
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 400,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
} as const;

export type AuthErrorType = keyof typeof authErrorStatus;

// The authentication layer answers these, not App Mesh, so AWS names its own namespace in x-amzn-ErrorType.
const frontDoorSuffix = ':http://internal.amazon.com/coral/com.amazon.coral.service/';

export class AuthError extends Error {
  readonly type: AuthErrorType;
  readonly status: number;

  constructor(type: AuthErrorType, message: string) {
    super(message);
    this.name = type;
    this.type = type;
    this.status = authErrorStatus[type];
  }
}

export interface AuthErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The wire answer: status, `x-amzn-ErrorType` and a `{"message": …}` body as App Mesh spells it. */
export function authErrorAnswer(error: AuthError): AuthErrorAnswer {
  const errorType = error.type === 'AccessDeniedException' ? error.type : `${error.type}${frontDoorSuffix}`;
  return {
    status: error.status,
    headers: { 'x-amzn-ErrorType': errorType, 'content-type': 'application/json' },
    body: JSON.stringify({ message: error.message }),
  };
}

export const missingToken = (): AuthError =>
  new AuthError('MissingAuthenticationTokenException', 'Missing Authentication Token');
export const incompleteSignature = (message: string): AuthError =>
  new AuthError('IncompleteSignatureException', message);
export const invalidSignature = (message: string): AuthError =>
  new AuthError('InvalidSignatureException', message);
export const unrecognizedClient = (): AuthError =>
  new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
