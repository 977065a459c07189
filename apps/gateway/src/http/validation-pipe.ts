import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, validationFailed } from '@app/core';

/** Every body, query and path DTO: unknown fields refused, values converted, errors as validation_failed. */
export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
  });
}
