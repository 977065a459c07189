export * from './answer-interpreter';
export * from './answer-parser';
export * from './descriptor';
export * from './error-table';
export * from './ozonetel-account-config';
export * from './ozonetel-adapter';
export * from './ozonetel-dto';
export * from './token-provider';
