import {
  ContactDeleteField,
  ContactOutcome,
  ContactSelection,
  GatewayError,
  validationFailed,
} from '@app/core';
import { Account } from '../accounts/account-registry';
import { DeleteContactsDto } from './delete-contacts.dto';

const SELECTORS: ContactDeleteField[] = ['phoneNumbers', 'sessionId', 'customField', 'scheduledTime'];

/** A contacts delete after every check: the distinct numbers, and the filters and options for each call. */
export interface CheckedContactDelete {
  phoneNumbers?: string[];
  selection: Omit<ContactSelection, 'phoneNumber'>;
}

/**
 * Checks a contacts delete against the account's provider, in the order a caller can act on: a selector
 * at all (400), fields the provider lacks (422), numbers the provider cannot have (400, index named).
 */
export function checkContactDelete(account: Account, dto: DeleteContactsDto): CheckedContactDelete {
  if (!SELECTORS.some((field) => dto[field] !== undefined)) {
    throw validationFailed(
      [
        {
          field: 'phoneNumbers',
          message: 'give at least one selector: phoneNumbers, sessionId, customField or scheduledTime',
        },
      ],
      'A contacts delete needs at least one selector',
    );
  }
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

export interface DeleteContactsResult {
  operationId?: string;
  requested: number;
  deleted: number;
  notFound: number;
  notDeletable: number;
  failed: number;
  results: ContactOutcome[];
}

/** Counts per-number outcomes into the contract's result. */
export function summarise(outcomes: ContactOutcome[]): DeleteContactsResult {
  const count = (kind: ContactOutcome['outcome']) => outcomes.filter((o) => o.outcome === kind).length;
  return {
    requested: outcomes.length,
    deleted: count('deleted'),
    notFound: count('not_found'),
    notDeletable: count('not_deletable'),
    failed: count('failed'),
    results: outcomes,
  };
}
