// The closed set of App Mesh API errors. Handlers throw these; server.ts turns them into wire answers.

export const errorStatus = {
  BadRequestException: 400,
  ConflictException: 409,
  ForbiddenException: 403,
  InternalServerErrorException: 500,
  LimitExceededException: 400,
  NotFoundException: 404,
  ResourceInUseException: 409,
  ServiceUnavailableException: 503,
  TooManyRequestsException: 429,
  TooManyTagsException: 400,
} as const;

export type ErrorType = keyof typeof errorStatus;

export class ApiError extends Error {
  readonly type: ErrorType;
  readonly status: number;

  constructor(type: ErrorType, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = type;
    this.type = type;
    this.status = errorStatus[type];
  }
}

export const badRequest = (message: string, options?: ErrorOptions): ApiError =>
  new ApiError('BadRequestException', message, options);
export const notFound = (message: string): ApiError => new ApiError('NotFoundException', message);
export const conflict = (message: string): ApiError => new ApiError('ConflictException', message);
export const resourceInUse = (message: string): ApiError => new ApiError('ResourceInUseException', message);
export const limitExceeded = (message: string): ApiError => new ApiError('LimitExceededException', message);
export const tooManyTags = (message: string): ApiError => new ApiError('TooManyTagsException', message);
