export * from './capability-methods';
export * from './contact-error';
export * from './error-rules';
export * from './redactor';
export * from './retry-after';
export * from './plugin';
