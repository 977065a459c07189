/** A configuration problem, named by the field's path so the operator can find it. Never holds a value. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`Invalid gateway configuration: ${field}: ${problem}`);
    this.name = 'ConfigError';
  }
}
