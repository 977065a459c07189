import { ContactDeleteField, ContactSelection, GatewayError, validationFailed } from '@app/core';
import { Account } from '../accounts/account-registry';
import { DeleteContactsDto } from './delete-contacts.dto';

const SELECTORS: ContactDeleteField[] = ['phoneNumbers', 'sessionId', 'customField', 'scheduledTime'];

/** A contacts delete after every check: the distinct numbers, and the filters and options for each call. */
export interface CheckedContactDelete {
  phoneNumbers?: string[];
  selection: Omit<ContactSelection, 'phoneNumber'>;
}

/**
 * Checks a contacts delete against the account's provider, in the order a caller can act on: exactly
 * one selector (400), fields the provider lacks (422), numbers the provider cannot have (400, index
 * named).
 */
export function checkContactDelete(account: Account, dto: DeleteContactsDto): CheckedContactDelete {
  checkOneSelector(dto);
  const unsupported = usedFields(dto).filter(
    (field) => !account.descriptor.contactDeleteFields.includes(field),
  );
  if (unsupported.length > 0) {
    throw new GatewayError(
      'field_not_supported',
      `The ${account.descriptor.name} provider has no ${unsupported.join(', ')} for a contacts delete; nothing was sent`,
      {
        provider: { name: account.descriptor.name },
        errors: unsupported.map((field) => ({
          field,
          message: `not supported by ${account.descriptor.name}`,
        })),
      },
    );
  }
  const phoneNumbers = dto.phoneNumbers ? distinctValidNumbers(account, dto.phoneNumbers) : undefined;
  const { sessionId, customField, scheduledTime, contactName, archive } = dto;
  return {
    phoneNumbers,
    selection: stripUndefined({ sessionId, customField, scheduledTime, contactName, archive }),
  };
}

/**
 * A delete names its numbers by exactly one selector. Each is documented alone at the vendor; how a
 * vendor combines two is not, and a destructive call must not guess (one number plus a customField
 * could delete the whole batch). None, or several, is refused before anything is sent.
 */
function checkOneSelector(dto: DeleteContactsDto): void {
  const given = SELECTORS.filter((field) => dto[field] !== undefined);
  if (given.length === 1) return;
  const list = SELECTORS.join(', ');
  if (given.length === 0) {
    throw validationFailed(
      SELECTORS.map((field) => ({ field, message: `give exactly one of ${list}` })),
      `A contacts delete needs exactly one selector (${list}); none was given`,
    );
  }
  throw validationFailed(
    given.map((field) => ({
      field,
      message: `only one selector per request; ${given.join(' and ')} were given together`,
    })),
    `A contacts delete takes exactly one selector (${list}); ${given.join(', ')} were given together: send one request per selector`,
  );
}

/** `archive: false` is every provider's default, so only `true` counts as asking for it. */
function usedFields(dto: DeleteContactsDto): ContactDeleteField[] {
  return (Object.keys(dto) as ContactDeleteField[]).filter(
    (field) => dto[field] !== undefined && !(field === 'archive' && dto.archive === false),
  );
}

function distinctValidNumbers(account: Account, numbers: string[]): string[] {
  const seen = new Set<string>();
  numbers.forEach((number, index) => {
    const problem = account.descriptor.checkPhoneNumber(number);
    if (problem !== undefined) {
      throw validationFailed([{ field: `phoneNumbers[${index}]`, message: problem }]);
    }
    seen.add(number);
  });
  return [...seen];
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
