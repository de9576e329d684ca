// The e-mail shape `format: email` admits: the same expression as the row rule in
// checks/compile-row-rules.ts (EMAIL_RE, not exported there), used by the JSON Schema export and by
// `contracts init`, so that a draft's `format: email` never rejects a value of the file it came from.
export const EMAIL_PATTERN = '^[A-Za-z0-9.!#$%&\'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$';
