/** iSales result codes, always strings (leading zeros matter), as listed on the vendor pages. */
export const IsalesCode = {
  success: '0200000',
  parameterError: '0200001',
  databaseError: '0200006',
  campaignNotFound: '0200007',
  campaignRunning: '0200009',
  statusForbidsChange: '0200011',
  numberStateForbidsDelete: '0200028',
  badTimeFormat: '0200030',
  emptyParameter: '02000001',
  invalidCharacters: '02000002',
  tooLong: '02000003',
  tooShort: '02000004',
  lengthOutOfRange: '02000005',
  wrongType: '02000006',
  wrongValue: '02000007',
  conversionError: '02000008',
  badCombination: '02000009',
  badAppointTime: '04000001',
  badCalledNumber: '04000002',
  blocklistedNumber: '04000003',
  reservationNotFound: '04000004',
  reservationInCall: '04000005',
} as const;

export type IsalesCodeValue = (typeof IsalesCode)[keyof typeof IsalesCode];

/** The vendor pages' wording, used as resultDesc with the particular detail appended. */
const DESCRIPTIONS: Record<IsalesCodeValue, string> = {
  '0200000': 'success',
  '0200001': 'Parameter error.',
  '0200006': 'Database operation error.',
  '0200007': 'The outbound campaign does not exist.',
  '0200009': 'The outbound campaign task is running.',
  '0200011': 'The outbound campaign in the current status cannot be suspended.',
  '0200028': 'The number cannot be deleted in the current state.',
  '0200030': 'The time format is incorrect.',
  '02000001': 'Empty parameter.',
  '02000002': 'The parameter contains invalid characters.',
  '02000003': 'The parameter length cannot exceed the maximum length.',
  '02000004': 'The parameter length cannot be less than the minimum length.',
  '02000005': 'The parameter length must be within the specified range.',
  '02000006': 'Incorrect parameter type.',
  '02000007': 'Incorrect parameter value.',
  '02000008': 'Parameter conversion error. Check the request parameters.',
  '02000009': 'Incorrect parameter combination. Check the request parameters.',
  '04000001': 'Incorrect time.',
  '04000002':
    'Incorrect call number. The value can contain a maximum of 24 characters, including only digits, asterisks (*), and number signs (#).',
  '04000003': 'The reserved number is a blocklisted number.',
  '04000004': 'The reserved task does not exist.',
  '04000005': 'The reserved task with a call in progress cannot be deleted.',
};

/** `{resultCode, resultDesc, returnCode, returnDesc, ...}`: returnCode always repeats resultCode. */
export interface IsalesEnvelope {
  resultCode: IsalesCodeValue;
  resultDesc: string;
  returnCode: IsalesCodeValue;
  returnDesc: string;
  [extra: string]: unknown;
}

export function successEnvelope(description: string, extra: Record<string, unknown> = {}): IsalesEnvelope {
  return {
    resultCode: IsalesCode.success,
    resultDesc: description,
    returnCode: IsalesCode.success,
    returnDesc: description,
    ...extra,
  };
}

export function failureEnvelope(code: IsalesCodeValue, detail?: string): IsalesEnvelope {
  const description = detail ? `${DESCRIPTIONS[code]} ${detail}` : DESCRIPTIONS[code];
  return { resultCode: code, resultDesc: description, returnCode: code, returnDesc: description };
}

/** Thrown by request checks; the simulator turns it into an HTTP 200 failure envelope. */
export class IsalesRejection extends Error {
  constructor(
    readonly code: IsalesCodeValue,
    readonly detail?: string,
  ) {
    super(`${code} ${detail ?? ''}`.trim());
    this.name = 'IsalesRejection';
  }
}
