import type { ValidationError } from 'class-validator';
import { FieldError } from '../errors/gateway-error';

/**
 * A constraint may name an element inside its property by starting its message with `[index] `
 * (class-validator reports array checks on the array as a whole); the index then joins the path.
 */
const ELEMENT_PREFIX = /^\[(\d+)\]\s+/;

function childPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** Turns class-validator's tree into `{ field, message }` pairs with full paths like `a.b[2].c`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const flat: FieldError[] = [];
  for (const error of errors) {
    const path = childPath(parent, error.property);
    for (const message of Object.values(error.constraints ?? {})) {
      const element = ELEMENT_PREFIX.exec(message);
      flat.push(
        element
          ? { field: `${path}[${element[1]}]`, message: message.slice(element[0].length) }
          : { field: path, message },
      );
    }
    if (error.children?.length) flat.push(...flattenValidationErrors(error.children, path));
  }
  return flat;
}
