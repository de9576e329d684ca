// The e-mail shape `format: email` admits — the one definition: the row rule and the gold check (the rule
// table, checks/rule-kinds.ts), the JSON Schema export and `contracts init` (so that a draft's
// `format: email` never rejects a value of the file it came from) all use it.
export const EMAIL_PATTERN = '^[A-Za-z0-9.!#$%&\'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$';
